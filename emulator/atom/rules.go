package atom

import (
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// ruleIn is a RuleDescription or DefaultRuleDescription from a request.
type ruleIn struct {
	Filter *filterIn `xml:"Filter"`
	Action *actionIn `xml:"Action"`
	Name   string    `xml:"Name"`
}

type filterIn struct {
	Attrs         []xml.Attr `xml:",any,attr"`
	SQLExpression *string    `xml:"SqlExpression"`
	Parameters    *kvListIn  `xml:"Parameters"`

	CorrelationID    *string   `xml:"CorrelationId"`
	MessageID        *string   `xml:"MessageId"`
	To               *string   `xml:"To"`
	ReplyTo          *string   `xml:"ReplyTo"`
	Label            *string   `xml:"Label"`
	SessionID        *string   `xml:"SessionId"`
	ReplyToSessionID *string   `xml:"ReplyToSessionId"`
	ContentType      *string   `xml:"ContentType"`
	Properties       *kvListIn `xml:"Properties"`
}

type actionIn struct {
	Attrs         []xml.Attr `xml:",any,attr"`
	SQLExpression *string    `xml:"SqlExpression"`
	Parameters    *kvListIn  `xml:"Parameters"`
}

type kvListIn struct {
	Items []kvIn `xml:"KeyValueOfstringanyType"`
}

type kvIn struct {
	Key   string  `xml:"Key"`
	Value valueIn `xml:"Value"`
}

type valueIn struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Text  string     `xml:",chardata"`
}

// xsiType finds the i:type attribute whatever prefix the client bound the
// XMLSchema-instance namespace to (the SDK uses a generated one), and returns
// the local part of its QName value ("l28:string" → "string").
func xsiType(attrs []xml.Attr) string {
	for _, a := range attrs {
		if a.Name.Local == "type" && a.Name.Space != "xmlns" {
			v := strings.TrimSpace(a.Value)
			if i := strings.LastIndexByte(v, ':'); i >= 0 {
				v = v[i+1:]
			}
			return v
		}
	}
	return ""
}

// toRule converts a request's rule; name is the rule's name (from the path,
// or from the DefaultRuleDescription).
func (r *ruleIn) toRule(name string) (broker.Rule, error) {
	rule := broker.Rule{Name: name}
	f, err := r.Filter.toFilter()
	if err != nil {
		return rule, fmt.Errorf("Filter: %v", err)
	}
	rule.Filter = f
	a, err := r.Action.toAction()
	if err != nil {
		return rule, fmt.Errorf("Action: %v", err)
	}
	rule.Action = a
	return rule, nil
}

func (f *filterIn) toFilter() (broker.Filter, error) {
	if f == nil {
		return broker.Filter{Kind: broker.FilterTrue}, nil
	}
	typ := xsiType(f.Attrs)
	if typ == "" && f.SQLExpression != nil {
		typ = "SqlFilter"
	}
	switch typ {
	case "TrueFilter":
		return broker.Filter{Kind: broker.FilterTrue}, nil
	case "FalseFilter":
		return broker.Filter{Kind: broker.FilterFalse}, nil
	case "SqlFilter":
		if f.SQLExpression == nil || strings.TrimSpace(*f.SQLExpression) == "" {
			return broker.Filter{}, fmt.Errorf("a SqlFilter needs a non-empty SqlExpression")
		}
		if f.Parameters != nil && len(f.Parameters.Items) > 0 {
			return broker.Filter{}, fmt.Errorf("SQL filter parameters are not supported by the emulator; write the values into the expression")
		}
		return broker.Filter{Kind: broker.FilterSQL, SQLExpression: *f.SQLExpression}, nil
	case "CorrelationFilter":
		cf := &broker.CorrelationFilter{
			CorrelationID:    deref(f.CorrelationID),
			MessageID:        deref(f.MessageID),
			To:               deref(f.To),
			ReplyTo:          deref(f.ReplyTo),
			Subject:          deref(f.Label),
			SessionID:        deref(f.SessionID),
			ReplyToSessionID: deref(f.ReplyToSessionID),
			ContentType:      deref(f.ContentType),
		}
		props, err := f.Properties.toMap()
		if err != nil {
			return broker.Filter{}, fmt.Errorf("Properties: %v", err)
		}
		cf.Properties = props
		return broker.Filter{Kind: broker.FilterCorrelation, Correlation: cf}, nil
	case "":
		return broker.Filter{}, fmt.Errorf("the filter has no i:type attribute")
	}
	return broker.Filter{}, fmt.Errorf("filter type %q is not supported (TrueFilter, FalseFilter, SqlFilter or CorrelationFilter)", typ)
}

func (a *actionIn) toAction() (string, error) {
	if a == nil {
		return "", nil
	}
	typ := xsiType(a.Attrs)
	if typ == "" && a.SQLExpression != nil {
		typ = "SqlRuleAction"
	}
	switch typ {
	case "EmptyRuleAction", "":
		return "", nil
	case "SqlRuleAction":
		if a.SQLExpression == nil || strings.TrimSpace(*a.SQLExpression) == "" {
			return "", fmt.Errorf("a SqlRuleAction needs a non-empty SqlExpression")
		}
		if a.Parameters != nil && len(a.Parameters.Items) > 0 {
			return "", fmt.Errorf("SQL action parameters are not supported by the emulator; write the values into the expression")
		}
		return *a.SQLExpression, nil
	}
	return "", fmt.Errorf("action type %q is not supported (EmptyRuleAction or SqlRuleAction)", typ)
}

// toMap decodes typed values (xs:string, boolean, int, long, double,
// dateTime …) into the Go values the broker compares message properties with.
func (l *kvListIn) toMap() (map[string]any, error) {
	if l == nil || len(l.Items) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(l.Items))
	for _, kv := range l.Items {
		if kv.Key == "" {
			return nil, fmt.Errorf("a property has an empty Key")
		}
		v, err := parseTypedValue(xsiType(kv.Value.Attrs), kv.Value.Text)
		if err != nil {
			return nil, fmt.Errorf("property %q: %v", kv.Key, err)
		}
		out[kv.Key] = v
	}
	return out, nil
}

func parseTypedValue(typ, text string) (any, error) {
	switch typ {
	case "string":
		return text, nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean", text)
		}
		return b, nil
	case "int", "long", "short", "byte", "unsignedInt", "unsignedShort", "unsignedByte":
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", text)
		}
		return n, nil
	case "double", "float", "decimal":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		return f, nil
	case "dateTime":
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 3339 time", text)
		}
		return t.UTC(), nil
	case "":
		return nil, fmt.Errorf("the Value has no i:type attribute")
	}
	return nil, fmt.Errorf("value type %q is not supported (string, boolean, int, long, double or dateTime)", typ)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// writeRuleDescription writes a RuleDescription. Filter and Action are always
// present: the SDK dereferences both without checking.
func writeRuleDescription(w *docWriter, r *broker.Rule) {
	w.open("RuleDescription", "xmlns", nsConnect, "xmlns:i", nsInstance)
	writeFilter(w, r.Filter)
	if r.Action == "" {
		w.empty("Action", "i:type", "EmptyRuleAction")
	} else {
		w.open("Action", "i:type", "SqlRuleAction")
		w.text("SqlExpression", r.Action)
		w.int("CompatibilityLevel", 20)
		w.close("Action")
	}
	w.time("CreatedAt", r.CreatedAt)
	w.text("Name", r.Name)
	w.close("RuleDescription")
}

func writeFilter(w *docWriter, f broker.Filter) {
	switch f.Kind {
	case broker.FilterFalse:
		writeSQLFilter(w, "FalseFilter", "1=0")
	case broker.FilterSQL:
		writeSQLFilter(w, "SqlFilter", f.SQLExpression)
	case broker.FilterCorrelation:
		w.open("Filter", "i:type", "CorrelationFilter")
		if c := f.Correlation; c != nil {
			w.optText("CorrelationId", c.CorrelationID)
			w.optText("MessageId", c.MessageID)
			w.optText("To", c.To)
			w.optText("ReplyTo", c.ReplyTo)
			w.optText("Label", c.Subject)
			w.optText("SessionId", c.SessionID)
			w.optText("ReplyToSessionId", c.ReplyToSessionID)
			w.optText("ContentType", c.ContentType)
			writeProperties(w, "Properties", c.Properties)
		}
		w.close("Filter")
	default:
		writeSQLFilter(w, "TrueFilter", "1=1")
	}
}

func writeSQLFilter(w *docWriter, typ, expr string) {
	w.open("Filter", "i:type", typ)
	w.text("SqlExpression", expr)
	w.int("CompatibilityLevel", 20)
	w.close("Filter")
}

// writeProperties writes a typed key/value list, keys sorted so documents are
// stable. Nothing is written for an empty map: the SDK reads an absent list
// as nil, which is what a caller who set no properties compares against.
func writeProperties(w *docWriter, name string, props map[string]any) {
	if len(props) == 0 {
		return
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.open(name)
	for _, k := range keys {
		typ, text := typedValue(props[k])
		w.open("KeyValueOfstringanyType")
		w.text("Key", k)
		w.text("Value", text, "i:type", "d6p1:"+typ, "xmlns:d6p1", nsSchema)
		w.close("KeyValueOfstringanyType")
	}
	w.close(name)
}

// typedValue maps a Go value to an xs type the SDK reads back. Integers are
// all "int" because the SDK understands no other integer type name.
func typedValue(v any) (typ, text string) {
	switch x := v.(type) {
	case string:
		return "string", x
	case bool:
		return "boolean", strconv.FormatBool(x)
	case int:
		return "int", strconv.FormatInt(int64(x), 10)
	case int8:
		return "int", strconv.FormatInt(int64(x), 10)
	case int16:
		return "int", strconv.FormatInt(int64(x), 10)
	case int32:
		return "int", strconv.FormatInt(int64(x), 10)
	case int64:
		return "int", strconv.FormatInt(x, 10)
	case uint8:
		return "int", strconv.FormatUint(uint64(x), 10)
	case uint16:
		return "int", strconv.FormatUint(uint64(x), 10)
	case uint32:
		return "int", strconv.FormatUint(uint64(x), 10)
	case uint64:
		if x <= math.MaxInt64 {
			return "int", strconv.FormatUint(x, 10)
		}
		return "string", strconv.FormatUint(x, 10)
	case float32:
		return "double", strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return "double", strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return "dateTime", x.UTC().Format(time.RFC3339Nano)
	}
	return "string", fmt.Sprint(v)
}
