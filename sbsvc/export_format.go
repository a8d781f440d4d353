package sbsvc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Record is one line of an export file (JSON Lines): every property of a
// message, the body as base64 and, when it is UTF-8 text, as text too.
// Property values carry their AMQP type so an import sends back the same
// types.
type Record struct {
	SequenceNumber         int64  `json:"sequenceNumber"`
	EnqueuedSequenceNumber int64  `json:"enqueuedSequenceNumber,omitempty"`
	State                  string `json:"state"`
	DeliveryCount          uint32 `json:"deliveryCount"`
	Priority               uint8  `json:"priority,omitempty"`

	MessageID        string  `json:"messageId,omitempty"`
	CorrelationID    string  `json:"correlationId,omitempty"`
	SessionID        *string `json:"sessionId,omitempty"`
	ReplyToSessionID string  `json:"replyToSessionId,omitempty"`
	PartitionKey     string  `json:"partitionKey,omitempty"`
	Subject          string  `json:"subject,omitempty"`
	ContentType      string  `json:"contentType,omitempty"`
	ContentEncoding  string  `json:"contentEncoding,omitempty"`
	To               string  `json:"to,omitempty"`
	ReplyTo          string  `json:"replyTo,omitempty"`

	EnqueuedTime         *time.Time `json:"enqueuedTime,omitempty"`
	ScheduledEnqueueTime *time.Time `json:"scheduledEnqueueTime,omitempty"`
	ExpiresAt            *time.Time `json:"expiresAt,omitempty"`
	// TimeToLiveMs is the time to live in milliseconds; 0 = the entity's default.
	TimeToLiveMs int64 `json:"timeToLiveMs,omitempty"`

	DeadLetterReason      string `json:"deadLetterReason,omitempty"`
	DeadLetterDescription string `json:"deadLetterDescription,omitempty"`
	DeadLetterSource      string `json:"deadLetterSource,omitempty"`

	Properties  map[string]TypedValue `json:"properties,omitempty"`
	Annotations map[string]TypedValue `json:"annotations,omitempty"`

	BodyKind  string      `json:"bodyKind"`            // none, data, value, sequence
	Body      []byte      `json:"body,omitempty"`      // data body, base64
	BodyText  *string     `json:"bodyText,omitempty"`  // the data body when it is UTF-8 text
	BodyValue *TypedValue `json:"bodyValue,omitempty"` // value and sequence bodies
}

// TypedValue is an AMQP value with its type: string, bool, int8 … int64,
// uint8 … uint64, float32, float64, time, binary, null, list, map; "text"
// marks a value of another type kept only as its printed form.
type TypedValue struct {
	Type  string `json:"type"`
	Value any    `json:"value,omitempty"`
}

// recordFrom builds the export record of m.
func recordFrom(m Message) Record {
	r := Record{
		SequenceNumber: m.SequenceNumber, EnqueuedSequenceNumber: m.EnqueuedSequenceNumber,
		State: m.State.String(), DeliveryCount: m.DeliveryCount, Priority: m.Priority,
		MessageID: m.MessageID, CorrelationID: m.CorrelationID, ReplyToSessionID: m.ReplyToSessionID,
		PartitionKey: m.PartitionKey, Subject: m.Subject, ContentType: m.ContentType,
		ContentEncoding: m.ContentEncoding, To: m.To, ReplyTo: m.ReplyTo,
		TimeToLiveMs:     m.TimeToLive.Milliseconds(),
		DeadLetterReason: m.DeadLetterReason, DeadLetterDescription: m.DeadLetterDescription,
		DeadLetterSource: m.DeadLetterSource, BodyKind: m.BodyKind.String(),
	}
	if m.HasSessionID {
		r.SessionID = &m.SessionID
	}
	timePtr := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	r.EnqueuedTime, r.ScheduledEnqueueTime, r.ExpiresAt = timePtr(m.EnqueuedAt), timePtr(m.ScheduledEnqueueAt), timePtr(m.ExpiresAt)
	r.Properties = typedMap(m.Properties)
	r.Annotations = typedMap(m.Annotations)
	switch m.BodyKind {
	case BodyData:
		r.Body = m.Body
		if utf8.Valid(m.Body) {
			s := string(m.Body)
			r.BodyText = &s
		}
	case BodyValue, BodySequence:
		v := typed(m.BodyValue)
		r.BodyValue = &v
	}
	return r
}

func typedMap(m map[string]any) map[string]TypedValue {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]TypedValue, len(m))
	for k, v := range m {
		out[k] = typed(v)
	}
	return out
}

// typed tags v with its type for the export file.
func typed(v any) TypedValue {
	switch x := v.(type) {
	case nil:
		return TypedValue{Type: "null"}
	case string:
		return TypedValue{"string", x}
	case bool:
		return TypedValue{"bool", x}
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		return TypedValue{fmt.Sprintf("%T", x), fmt.Sprint(x)} // text: exact beyond 2^53
	case float32:
		return TypedValue{"float32", float64(x)}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return TypedValue{"float64", strconv.FormatFloat(x, 'g', -1, 64)}
		}
		return TypedValue{"float64", x}
	case time.Time:
		return TypedValue{"time", x.UTC().Format(time.RFC3339Nano)}
	case []byte:
		return TypedValue{"binary", base64.StdEncoding.EncodeToString(x)}
	case []any:
		list := make([]TypedValue, len(x))
		for i, e := range x {
			list[i] = typed(e)
		}
		return TypedValue{"list", list}
	case [][]any: // a sequence body: several lists
		list := make([]TypedValue, len(x))
		for i, e := range x {
			list[i] = typed(e)
		}
		return TypedValue{"sequence", list}
	case map[string]any:
		return TypedValue{"map", typedMap(x)}
	case map[any]any:
		m := make(map[string]TypedValue, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return TypedValue{"text", fmt.Sprint(v)}
			}
			m[ks] = typed(e)
		}
		return TypedValue{"map", m}
	}
	return TypedValue{"text", fmt.Sprint(v)}
}

// parseRecord reads one export line. Numbers stay exact (json.Number).
func parseRecord(line []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return Record{}, err
	}
	return r, nil
}

// value turns a typed value back into the Go value the SDK sends with that
// AMQP type.
func (tv TypedValue) value() (any, error) {
	str := func() (string, error) {
		switch x := tv.Value.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		}
		return "", fmt.Errorf("a %s value must be a string or number, not %T", tv.Type, tv.Value)
	}
	switch tv.Type {
	case "null":
		return nil, nil
	case "string", "text":
		return str()
	case "bool":
		b, ok := tv.Value.(bool)
		if !ok {
			return nil, fmt.Errorf("a bool value must be true or false")
		}
		return b, nil
	case "int8", "int16", "int32", "int64", "int":
		s, err := str()
		if err != nil {
			return nil, err
		}
		bits := map[string]int{"int8": 8, "int16": 16, "int32": 32, "int64": 64, "int": 64}[tv.Type]
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return nil, err
		}
		switch tv.Type {
		case "int8":
			return int8(n), nil
		case "int16":
			return int16(n), nil
		case "int32":
			return int32(n), nil
		}
		return n, nil
	case "uint8", "uint16", "uint32", "uint64":
		s, err := str()
		if err != nil {
			return nil, err
		}
		bits := map[string]int{"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}[tv.Type]
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return nil, err
		}
		switch tv.Type {
		case "uint8":
			return uint8(n), nil
		case "uint16":
			return uint16(n), nil
		case "uint32":
			return uint32(n), nil
		}
		return n, nil
	case "float32", "float64":
		s, err := str()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		if tv.Type == "float32" {
			return float32(f), nil
		}
		return f, nil
	case "time":
		s, err := str()
		if err != nil {
			return nil, err
		}
		return time.Parse(time.RFC3339Nano, s)
	case "binary":
		s, err := str()
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	case "list", "sequence":
		return tv.listValue()
	case "map":
		raw, ok := tv.Value.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("a map value must be a JSON object")
		}
		out := make(map[string]any, len(raw))
		for k, e := range raw {
			v, err := toTyped(e).value()
			if err != nil {
				return nil, fmt.Errorf("map key %q: %w", k, err)
			}
			out[k] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown value type %q", tv.Type)
}

func (tv TypedValue) listValue() (any, error) {
	raw, ok := tv.Value.([]any)
	if !ok && tv.Value != nil {
		return nil, fmt.Errorf("a %s value must be a JSON array", tv.Type)
	}
	list := make([]any, len(raw))
	for i, e := range raw {
		v, err := toTyped(e).value()
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		list[i] = v
	}
	if tv.Type == "list" {
		return list, nil
	}
	seq := make([][]any, len(list))
	for i, e := range list {
		l, ok := e.([]any)
		if !ok {
			return nil, fmt.Errorf("sequence item %d is not a list", i)
		}
		seq[i] = l
	}
	return seq, nil
}

// toTyped reads a nested typed value decoded as a generic JSON object.
func toTyped(e any) TypedValue {
	m, ok := e.(map[string]any)
	if !ok {
		return TypedValue{Type: "invalid"}
	}
	t, _ := m["type"].(string)
	return TypedValue{Type: t, Value: m["value"]}
}

// values turns typed properties back into Go values.
func values(m map[string]TypedValue) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, tv := range m {
		v, err := tv.value()
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
