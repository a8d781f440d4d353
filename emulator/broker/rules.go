package broker

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/sbx-tui/sbx/emulator/broker/sqlfilter"
)

// compiledRule is a rule with its SQL parsed once.
type compiledRule struct {
	rule   Rule
	filter *sqlfilter.Filter
	action *sqlfilter.Action
}

// compileRule checks a rule and parses its SQL; bad SQL is a 400.
func compileRule(r Rule) (*compiledRule, error) {
	if err := checkName("rule", strings.TrimPrefix(r.Name, "$")); err != nil && r.Name != DefaultRuleName {
		return nil, err
	}
	c := &compiledRule{rule: r}
	switch r.Filter.Kind {
	case FilterTrue, FilterFalse:
	case FilterSQL:
		f, err := safeParse(func() (*sqlfilter.Filter, error) { return sqlfilter.Parse(r.Filter.SQLExpression) })
		if err != nil {
			return nil, errBadArgument("the SQL filter of rule '%s' is not valid: %v", r.Name, err)
		}
		c.filter = f
	case FilterCorrelation:
		if r.Filter.Correlation == nil {
			return nil, errBadArgument("the correlation filter of rule '%s' is empty", r.Name)
		}
	default:
		return nil, errBadArgument("the filter kind of rule '%s' is not known", r.Name)
	}
	if strings.TrimSpace(r.Action) != "" {
		a, err := safeParse(func() (*sqlfilter.Action, error) { return sqlfilter.ParseAction(r.Action) })
		if err != nil {
			return nil, errBadArgument("the SQL action of rule '%s' is not valid: %v", r.Name, err)
		}
		c.action = a
	}
	return c, nil
}

// safeParse runs a parser, turning a panic into an error: a fault in the
// filter engine must not take the broker down.
func safeParse[T any](parse func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("filter engine failure: %v", p)
		}
	}()
	return parse()
}

// matches evaluates the rule's filter on m.
func (c *compiledRule) matches(m *Message) (ok bool, err error) {
	switch c.rule.Filter.Kind {
	case FilterTrue:
		return true, nil
	case FilterFalse:
		return false, nil
	case FilterCorrelation:
		return correlationMatches(c.rule.Filter.Correlation, m), nil
	case FilterSQL:
		defer func() {
			if p := recover(); p != nil {
				ok, err = false, fmt.Errorf("filter evaluation failed: %v", p)
			}
		}()
		return c.filter.Match(&messageProps{m: m}), nil
	}
	return false, nil
}

// apply runs the rule's action on m, a copy the caller owns.
func (c *compiledRule) apply(m *Message) (err error) {
	if c.action == nil {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rule action failed: %v", p)
		}
	}()
	return c.action.Apply(&messageProps{m: m})
}

// correlationMatches: every field the filter sets must equal the message's,
// and every property must be present with an equal value.
func correlationMatches(f *CorrelationFilter, m *Message) bool {
	if f == nil {
		return false
	}
	eqStr := func(want string, got *string) bool { return want == "" || got != nil && *got == want }
	eqAny := func(want string, got any) bool { return want == "" || idString(got) == want }
	if !eqAny(f.CorrelationID, m.CorrelationID) || !eqAny(f.MessageID, m.MessageID) ||
		!eqStr(f.To, m.To) || !eqStr(f.ReplyTo, m.ReplyTo) || !eqStr(f.Subject, m.Subject) ||
		!eqStr(f.SessionID, m.SessionID) || !eqStr(f.ReplyToSessionID, m.ReplyToSessionID) ||
		!eqStr(f.ContentType, m.ContentType) {
		return false
	}
	for k, want := range f.Properties {
		got, ok := m.ApplicationProperties[k]
		if !ok || !valuesEqual(want, got) {
			return false
		}
	}
	return true
}

// idString renders a message or correlation id for comparison with a filter.
func idString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	default:
		return fmt.Sprint(v)
	}
}

// valuesEqual compares property values, treating numbers of different Go
// types as equal when their values are (the ATOM API and AMQP may disagree
// on widths).
func valuesEqual(a, b any) bool {
	if fa, ok := asFloat(a); ok {
		if fb, ok := asFloat(b); ok {
			return fa == fb
		}
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || ta == nil || !ta.Comparable() {
		return ta == nil && tb == nil
	}
	return a == b
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float32:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}
