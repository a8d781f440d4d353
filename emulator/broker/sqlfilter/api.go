// Package sqlfilter parses and evaluates Service Bus SQL rule filters and
// actions (the SQL-92 subset the service accepts).
package sqlfilter

// This file fixes the package's public API; "not implemented" bodies are
// filled in by the parser and evaluator files.

// Props is the message a filter looks at. System properties are asked for by
// their Service Bus names without the "sys." prefix (MessageId, CorrelationId,
// To, ReplyTo, Label, Subject, SessionId, ReplyToSessionId, ContentType,
// SequenceNumber, EnqueuedTimeUtc, DeliveryCount, …); user properties by
// their application property name. Values are Go values: string, bool, the
// integer kinds, float32/float64, time.Time, or others compared only by ==.
type Props interface {
	System(name string) (any, bool)
	User(name string) (any, bool)
}

// MutableProps lets an action change a message's properties.
type MutableProps interface {
	Props
	SetSystem(name string, v any) error
	SetUser(name string, v any)
	RemoveUser(name string)
}

// Filter is a parsed SQL filter expression.
type Filter struct{ impl any }

// Parse parses a filter expression such as
// "sys.Label = 'red' AND (color IN ('a','b') OR NOT EXISTS(size))".
// Errors name the position and what was expected.
func Parse(expr string) (*Filter, error) { panic("not implemented") }

// Match evaluates the filter. Unknown properties are NULL; comparisons with
// NULL are unknown (false at the top); type mismatches are false, not errors.
func (f *Filter) Match(p Props) bool { panic("not implemented") }

// Action is a parsed SQL rule action: "SET a = expr; REMOVE b; SET sys.Label = 'x'".
type Action struct{ impl any }

// ParseAction parses an action.
func ParseAction(expr string) (*Action, error) { panic("not implemented") }

// Apply runs the action on a message's properties.
func (a *Action) Apply(p MutableProps) error { panic("not implemented") }
