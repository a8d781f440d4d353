// Package sqlfilter parses and evaluates Service Bus SQL rule filters and
// actions (the SQL-92 subset the service accepts).
package sqlfilter

// Props is the message a filter looks at. System properties are asked for by
// their Service Bus names without the "sys." prefix (MessageId, CorrelationId,
// To, ReplyTo, Label, Subject, SessionId, ReplyToSessionId, ContentType,
// SequenceNumber, EnqueuedTimeUtc, DeliveryCount, …); user properties by
// their application property name. Values are Go values: string, bool, the
// integer kinds, float32/float64, time.Time, or others compared only by ==.
//
// System names reach System in the canonical spelling above whatever case
// the filter used ("sys.label" asks for "Label"); Label and Subject are
// passed as written, so implementations should treat them as aliases.
// User property names are case-sensitive.
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
type Filter struct {
	root node
	src  string
}

// Parse parses a filter expression such as
// "sys.Label = 'red' AND (color IN ('a','b') OR NOT EXISTS(size))".
// Errors are *SyntaxError naming the position and what was expected.
// "1=1" and "1=0" (the TrueFilter and FalseFilter texts) parse like any other.
func Parse(expr string) (*Filter, error) {
	root, err := parseFilter(expr)
	if err != nil {
		return nil, err
	}
	return &Filter{root: root, src: expr}, nil
}

// Match evaluates the filter. Unknown properties are NULL; comparisons with
// NULL are unknown (false at the top); type mismatches are false, not errors:
// values of different types are unequal (so <> holds), and ordering, LIKE and
// arithmetic across types are unknown. A nil filter matches nothing.
func (f *Filter) Match(p Props) bool {
	if f == nil || f.root == nil {
		return false
	}
	if p == nil {
		p = noProps{}
	}
	b, known := truth(f.root.eval(p))
	return known && b
}

// String is the expression the filter was parsed from.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.src
}

// Action is a parsed SQL rule action: "SET a = expr; REMOVE b; SET sys.Label = 'x'".
type Action struct {
	stmts []statement
	src   string
}

// ParseAction parses an action. Statements run in order; semicolons between
// them are optional. A blank action is valid and does nothing. SET on a
// broker-stamped system property (SequenceNumber, EnqueuedTimeUtc, …) and
// REMOVE of any system property are refused here.
func ParseAction(expr string) (*Action, error) {
	stmts, err := parseStatements(expr)
	if err != nil {
		return nil, err
	}
	return &Action{stmts: stmts, src: expr}, nil
}

// Apply runs the action on a message's properties. SET of a user property
// stores the computed Go value (nil for NULL); SET of a system property goes
// through SetSystem, whose error stops the action.
func (a *Action) Apply(p MutableProps) error {
	if a == nil || p == nil {
		return nil
	}
	return run(a.stmts, p)
}

// String is the text the action was parsed from.
func (a *Action) String() string {
	if a == nil {
		return ""
	}
	return a.src
}
