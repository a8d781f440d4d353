package sbsvc

import (
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// MessageState is where a message stands in its entity.
type MessageState int

const (
	StateActive MessageState = iota
	StateDeferred
	StateScheduled
)

func (s MessageState) String() string {
	switch s {
	case StateDeferred:
		return "deferred"
	case StateScheduled:
		return "scheduled"
	}
	return "active"
}

// BodyKind is the AMQP section the body came in.
type BodyKind int

const (
	BodyNone     BodyKind = iota // no body section
	BodyData                     // one or more data sections: Body holds the bytes
	BodyValue                    // an amqp-value section: BodyValue holds it
	BodySequence                 // amqp-sequence sections: BodyValue holds [][]any
)

func (k BodyKind) String() string {
	switch k {
	case BodyData:
		return "data"
	case BodyValue:
		return "value"
	case BodySequence:
		return "sequence"
	}
	return "none"
}

// Message is a peeked (or, in later slices, received) message. It is kept
// lean because a view may hold a hundred thousand of them: strings rather
// than pointers, the body held once (the SDK's own slice, not a copy), and
// the SDK's application-properties map shared rather than copied.
type Message struct {
	SequenceNumber         int64
	EnqueuedSequenceNumber int64 // the sequence number in the entity it was forwarded from
	// DeliveryCount is how many times the message has been delivered so far
	// (the AMQP header's count; 0 = never received).
	DeliveryCount uint32
	State         MessageState
	BodyKind      BodyKind
	HasSessionID  bool // SessionID is set ("" is a valid session id)
	Priority      uint8

	MessageID        string
	CorrelationID    string
	SessionID        string
	ReplyToSessionID string
	PartitionKey     string
	Subject          string
	ContentType      string
	ContentEncoding  string
	To               string
	ReplyTo          string

	EnqueuedAt         time.Time
	ScheduledEnqueueAt time.Time // zero unless scheduled
	ExpiresAt          time.Time // zero when the message never expires
	LockedUntil        time.Time // zero for a peeked message
	TimeToLive         time.Duration

	DeadLetterReason      string
	DeadLetterDescription string
	DeadLetterSource      string // the entity it was dead-lettered from, when forwarded

	// Properties are the application properties (values as AMQP decoded
	// them: string, int64, float64, bool, time.Time, []byte …).
	Properties map[string]any
	// Annotations are the message annotations other than the ones already
	// shown as fields above; nil when there are none.
	Annotations map[string]any

	Body      []byte // BodyData: the bytes, sections joined
	BodyValue any    // BodyValue / BodySequence
}

// IsDeadLettered reports whether the message carries dead-letter details.
func (m *Message) IsDeadLettered() bool {
	return m.DeadLetterReason != "" || m.DeadLetterDescription != ""
}

// knownAnnotation reports the annotations surfaced as Message fields, so
// they are not repeated in Message.Annotations. (A switch: this runs for
// every annotation of every peeked message.)
func knownAnnotation(name string) bool {
	switch name {
	case "x-opt-sequence-number", "x-opt-enqueued-time", "x-opt-locked-until",
		"x-opt-partition-key", "x-opt-scheduled-enqueue-time", "x-opt-deadletter-source",
		"x-opt-enqueue-sequence-number", "x-opt-message-state":
		return true
	}
	return false
}

// messageFrom converts the SDK's message. It reads the raw AMQP sections
// for what ReceivedMessage drops (non-string ids, value bodies, other
// annotations) and never copies a single-section body.
func messageFrom(rm *azservicebus.ReceivedMessage) Message {
	m := Message{
		MessageID:  rm.MessageID,
		Properties: rm.ApplicationProperties,
		State:      MessageState(rm.State),
	}
	m.SequenceNumber = ptrVal(rm.SequenceNumber)
	m.EnqueuedSequenceNumber = ptrVal(rm.EnqueuedSequenceNumber)
	m.CorrelationID = ptrVal(rm.CorrelationID)
	if rm.SessionID != nil {
		m.SessionID, m.HasSessionID = *rm.SessionID, true
	}
	m.ReplyToSessionID = ptrVal(rm.ReplyToSessionID)
	m.PartitionKey = ptrVal(rm.PartitionKey)
	m.Subject = ptrVal(rm.Subject)
	m.ContentType = ptrVal(rm.ContentType)
	m.To = ptrVal(rm.To)
	m.ReplyTo = ptrVal(rm.ReplyTo)
	m.EnqueuedAt = ptrVal(rm.EnqueuedTime)
	m.ScheduledEnqueueAt = ptrVal(rm.ScheduledEnqueueTime)
	m.LockedUntil = ptrVal(rm.LockedUntil)
	m.TimeToLive = ptrVal(rm.TimeToLive)
	// The SDK reports a header without a ttl as a zero TimeToLive and then
	// computes ExpiresAt = EnqueuedTime + 0; a zero TTL means "none given",
	// so such a message does not expire by its own TTL.
	if m.TimeToLive > 0 {
		m.ExpiresAt = ptrVal(rm.ExpiresAt)
	}
	m.DeadLetterReason = ptrVal(rm.DeadLetterReason)
	m.DeadLetterDescription = ptrVal(rm.DeadLetterErrorDescription)
	m.DeadLetterSource = ptrVal(rm.DeadLetterSource)

	raw := rm.RawAMQPMessage
	if raw == nil {
		m.Body, m.BodyKind = rm.Body, bodyKindOf(rm.Body)
		return m
	}
	if h := raw.Header; h != nil {
		m.DeliveryCount = h.DeliveryCount
		m.Priority = h.Priority
	}
	if p := raw.Properties; p != nil {
		if m.MessageID == "" && p.MessageID != nil {
			m.MessageID = idText(p.MessageID)
		}
		if m.CorrelationID == "" && p.CorrelationID != nil {
			m.CorrelationID = idText(p.CorrelationID)
		}
		m.ContentEncoding = ptrVal(p.ContentEncoding)
	}
	switch body := raw.Body; {
	case len(body.Data) == 1:
		m.Body, m.BodyKind = body.Data[0], BodyData
	case len(body.Data) > 1:
		m.Body, m.BodyKind = joinSections(body.Data), BodyData
	case body.Value != nil:
		m.BodyValue, m.BodyKind = body.Value, BodyValue
	case body.Sequence != nil:
		m.BodyValue, m.BodyKind = body.Sequence, BodySequence
	}
	for k, v := range raw.MessageAnnotations {
		name, ok := k.(string)
		if !ok {
			name = fmt.Sprint(k)
		}
		if knownAnnotation(name) {
			continue
		}
		if m.Annotations == nil {
			m.Annotations = map[string]any{}
		}
		m.Annotations[name] = v
	}
	return m
}

func bodyKindOf(b []byte) BodyKind {
	if b == nil {
		return BodyNone
	}
	return BodyData
}

// joinSections copies several data sections into one slice: the only copy
// of a body sbsvc ever makes.
func joinSections(sections [][]byte) []byte {
	n := 0
	for _, s := range sections {
		n += len(s)
	}
	out := make([]byte, 0, n)
	for _, s := range sections {
		out = append(out, s...)
	}
	return out
}

// idText prints a message or correlation id of any AMQP type: string,
// UUID, ulong or binary.
func idText(v any) string {
	switch id := v.(type) {
	case string:
		return id
	case []byte:
		return fmt.Sprintf("%x", id)
	case [16]byte:
		return fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:16])
	case fmt.Stringer:
		return id.String()
	}
	return fmt.Sprint(v)
}
