package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The raw* types mirror Config.json. Pointers tell "not in the file" (keep
// the default) from an explicit value; durations stay strings so a bad one
// is reported with its entity and field rather than by encoding/json.

type rawFile struct {
	UserConfig *rawUserConfig
}

type rawUserConfig struct {
	Namespaces []json.RawMessage
	Logging    *struct{ Type string }
}

type rawNamespace struct {
	Name   string
	Queues []json.RawMessage
	Topics []json.RawMessage
}

type rawQueue struct {
	Name       string
	Properties rawQueueProps
}

type rawQueueProps struct {
	DeadLetteringOnMessageExpiration    *bool
	DefaultMessageTimeToLive            *string
	DuplicateDetectionHistoryTimeWindow *string
	ForwardDeadLetteredMessagesTo       *string
	ForwardTo                           *string
	LockDuration                        *string
	MaxDeliveryCount                    *int64
	RequiresDuplicateDetection          *bool
	RequiresSession                     *bool
}

type rawTopic struct {
	Name          string
	Properties    rawTopicProps
	Subscriptions []json.RawMessage
}

type rawTopicProps struct {
	DefaultMessageTimeToLive            *string
	DuplicateDetectionHistoryTimeWindow *string
	RequiresDuplicateDetection          *bool
}

type rawSubscription struct {
	Name       string
	Properties rawSubscriptionProps
	Rules      []json.RawMessage
}

type rawSubscriptionProps struct {
	DeadLetteringOnMessageExpiration *bool
	DefaultMessageTimeToLive         *string
	LockDuration                     *string
	MaxDeliveryCount                 *int64
	ForwardDeadLetteredMessagesTo    *string
	ForwardTo                        *string
	RequiresSession                  *bool
}

type rawRule struct {
	Name       string
	Properties rawRuleProps
}

type rawRuleProps struct {
	FilterType        *string
	CorrelationFilter *rawCorrelation
	SqlFilter         *rawSQL
	Action            *rawSQL
}

type rawSQL struct {
	SqlExpression *string
}

type rawCorrelation struct {
	ContentType      string
	CorrelationId    string
	Label            string
	Subject          string // the newer name of Label; accepted too
	MessageId        string
	ReplyTo          string
	ReplyToSessionId string
	SessionId        string
	To               string
	Properties       map[string]any // values decoded with UseNumber
}

// decodeStrict decodes one JSON value, refusing unknown fields and anything
// after the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the top-level JSON value")
	}
	return nil
}

// peekName reads an object's "Name" leniently, to label errors in it.
func peekName(data []byte) (string, bool) {
	var v struct{ Name any }
	if json.Unmarshal(data, &v) != nil {
		return "", false
	}
	s, ok := v.Name.(string)
	return s, ok && s != ""
}

// describeJSONError rewrites encoding/json errors into "field: problem"
// form. data is the document the error came from, for line:column.
func describeJSONError(err error, data []byte, known []string) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte itself; point at it.
		line, col := lineCol(data, max(syn.Offset-1, 0))
		return fmt.Sprintf("%d:%d: invalid JSON: %s", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		line, col := lineCol(data, int64(len(data)))
		return fmt.Sprintf("%d:%d: invalid JSON: unexpected end of input", line, col)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s: expected %s, found JSON %s", field, goTypeName(typ.Type.String()), typ.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name = strings.Trim(name, `"`)
		msg = fmt.Sprintf("unknown field %q", name)
		if s := closest(name, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
	}
	return msg
}

// goTypeName turns Go type names into words a config author knows.
func goTypeName(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"):
		return "an integer"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map[") || strings.HasPrefix(t, "struct") || strings.HasPrefix(t, "config."):
		return "an object"
	}
	return t
}

func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col = 1, 1
	for _, c := range data[:offset] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// closest suggests the known field nearest to a misspelt one (at most two
// edits away, case ignored), or "".
func closest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		last := k[strings.LastIndex(k, ".")+1:]
		if d := editDistance(strings.ToLower(name), strings.ToLower(last)); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Known field paths per object kind, for "did you mean" hints.
var (
	knownTop       = []string{"UserConfig", "UserConfig.Namespaces", "UserConfig.Logging", "UserConfig.Logging.Type"}
	knownNamespace = []string{"Name", "Queues", "Topics"}
	knownQueue     = []string{"Name", "Properties", "Properties.DeadLetteringOnMessageExpiration",
		"Properties.DefaultMessageTimeToLive", "Properties.DuplicateDetectionHistoryTimeWindow",
		"Properties.ForwardDeadLetteredMessagesTo", "Properties.ForwardTo", "Properties.LockDuration",
		"Properties.MaxDeliveryCount", "Properties.RequiresDuplicateDetection", "Properties.RequiresSession"}
	knownTopic = []string{"Name", "Properties", "Subscriptions", "Properties.DefaultMessageTimeToLive",
		"Properties.DuplicateDetectionHistoryTimeWindow", "Properties.RequiresDuplicateDetection"}
	knownSubscription = []string{"Name", "Properties", "Rules", "Properties.DeadLetteringOnMessageExpiration",
		"Properties.DefaultMessageTimeToLive", "Properties.LockDuration", "Properties.MaxDeliveryCount",
		"Properties.ForwardDeadLetteredMessagesTo", "Properties.ForwardTo", "Properties.RequiresSession"}
	knownRule = []string{"Name", "Properties", "Properties.FilterType", "Properties.CorrelationFilter",
		"Properties.SqlFilter", "Properties.Action", "Properties.SqlFilter.SqlExpression",
		"Properties.Action.SqlExpression", "Properties.CorrelationFilter.ContentType",
		"Properties.CorrelationFilter.CorrelationId", "Properties.CorrelationFilter.Label",
		"Properties.CorrelationFilter.Subject", "Properties.CorrelationFilter.MessageId",
		"Properties.CorrelationFilter.ReplyTo", "Properties.CorrelationFilter.ReplyToSessionId",
		"Properties.CorrelationFilter.SessionId", "Properties.CorrelationFilter.To",
		"Properties.CorrelationFilter.Properties"}
)
