package sqlfilter

import "testing"

type matchCase struct {
	expr string
	want bool
}

// matchCases run against sampleProps(). Each group exercises one feature;
// most come in true/false pairs so a constant answer cannot pass.
var matchCases = []matchCase{
	// Constants and the True/False filter texts.
	{"1=1", true},
	{"1=0", false},
	{"1 = 1.0", true},
	{"TRUE", true},
	{"false", false},
	{"TRUE = TRUE", true},
	{"TRUE <> FALSE", true},
	{"NULL", false},
	{"NOT NULL", false},

	// Properties: scopes, brackets, quoting, case rules.
	{"sys.MessageId = '123456'", true},
	{"sys.MessageId = '123457'", false},
	{"SYS.messageid = '123456'", true}, // system names are case-insensitive
	{"sys.[MessageId] = '123456'", true},
	{"sys.label = 'subject1'", true},
	{"color = 'red'", true},
	{"user.color = 'red'", true},
	{"USER.color = 'red'", true},
	{"Color = 'upper'", true}, // user names are case-sensitive
	{"COLOR = 'red'", false},  // …so COLOR is missing: NULL
	{"[my prop] = 'spaced'", true},
	{`"my prop" = 'spaced'`, true},
	{"user.[my prop] = 'spaced'", true},
	{"[and] = 'keyword-named'", true},
	{"name = 'O''Brien'", true},
	{"name = N'O''Brien'", true},
	{"name = 'OBrien'", false},
	{"empty = ''", true},

	// Sequential combination of the sample filter from the config docs.
	{"sys.MessageId = '123456' AND color = 'red'", true},
	{"sys.MessageId = '123456' AND color = 'blue'", false},

	// Numbers across Go kinds: exact integers, promotion to float.
	{"size = 10", true},
	{"size = 10.0", true},
	{"size > 9", true},
	{"size >= 10", true},
	{"size < 10", false},
	{"size <= 10", true},
	{"size <> 10", false},
	{"size != 11", true},
	{"price = 9.5", true},
	{"price > 9", true},
	{"price < 9.49", false},
	{"qty = 3", true},
	{"i8 = -5", true},
	{"i8 < -4.5", true},
	{"u8 = 200", true},
	{"big > 9223372036854775807", true}, // uint64 above MaxInt64 stays exact
	{"big = 18446744073709551615.0", true},
	{"maxi = 9223372036854775807", true},
	{"maxi > 9223372036854775806", true},
	{"f32 = 0.1", true}, // float32(0.1) equals the literal 0.1
	{"sys.SequenceNumber = 42", true},
	{"sys.DeliveryCount >= 2", true},
	{"1.5e1 = 15", true},
	{"2E-1 = 0.2", true},
	{".5 = 0.5", true},
	{"-9223372036854775808 < 0", true},

	// Arithmetic and precedence.
	{"size + 5 = 15", true},
	{"size - 5 * 2 = 0", true},
	{"(size - 5) * 2 = 10", true},
	{"size / 3 = 3", true}, // integer division
	{"size / 4.0 = 2.5", true},
	{"size % 3 = 1", true},
	{"price * 2 = 19", true},
	{"-size = -10", true},
	{"- -size = 10", true},
	{"+size = 10", true},
	{"10 - 2 - 3 = 5", true}, // left associative
	{"2 * 3 + 4 = 10", true},
	{"2 + 3 * 4 = 14", true},
	{"size / 0 = 0", false},       // division by zero is NULL
	{"NOT (size / 0 = 0)", false}, // …and stays unknown under NOT
	{"maxi + 1 > 0", false},       // overflow is NULL
	{"color + 'dish' = 'reddish'", true},
	{"color + 1 = 'red1'", false}, // mismatch in arithmetic: NULL

	// Strings compare ordinally and case-sensitively.
	{"color < 's'", true},
	{"color > 'red'", false},
	{"color >= 'red'", true},
	{"color = 'RED'", false},

	// Times.
	{"when = sys.EnqueuedTimeUtc", true},
	{"when < later", true},
	{"later <= when", false},

	// Bools.
	{"flag = TRUE", true},
	{"flag", true},
	{"off", false},
	{"NOT off", true},
	{"flag = off", false},
	{"off < flag", true},

	// Type mismatches: unequal, unordered, never an error.
	{"color = 1", false},
	{"color <> 1", true},
	{"color < 1", false},
	{"NOT (color < 1)", false},
	{"when = 'x'", false},
	{"flag = 1", false},
	{"bytes = bytes2", true}, // byte slices by content
	{"m = m", true},          // uncomparable Go values do not panic
	{"m = bytes", false},

	// NULL and missing properties: unknown, false at the top.
	{"missing = 1", false},
	{"missing <> 1", false},
	{"NOT (missing = 1)", false},
	{"nullprop = 1", false},
	{"missing = NULL", false},
	{"NULL = NULL", false},
	{"missing IS NULL", true},
	{"nullprop IS NULL", true},
	{"color IS NULL", false},
	{"color IS NOT NULL", true},
	{"missing IS NOT NULL", false},
	{"sys.ReplyTo IS NULL", true},
	{"missing + 1 IS NULL", true},
	{"-missing IS NULL", true},

	// Three-valued AND / OR / NOT.
	{"missing = 1 OR color = 'red'", true},   // unknown OR true
	{"color = 'red' OR missing = 1", true},   // true OR unknown
	{"missing = 1 OR color = 'blue'", false}, // unknown OR false = unknown
	{"NOT (missing = 1 OR color = 'blue')", false},
	{"missing = 1 AND color = 'blue'", false}, // unknown AND false = false
	{"NOT (missing = 1 AND color = 'blue')", true},
	{"missing = 1 AND color = 'red'", false}, // unknown
	{"NOT (missing = 1 AND color = 'red')", false},

	// Precedence: NOT > AND > OR.
	{"color = 'red' OR color = 'blue' AND size = 0", true},
	{"(color = 'red' OR color = 'blue') AND size = 0", false},
	{"NOT color = 'blue' AND size = 10", true},
	{"NOT color = 'red' OR size = 10", true},
	{"NOT (color = 'red' OR size = 10)", false},
	{"NOT NOT color = 'red'", true},
	{"color = 'red' and size = 10 or false", true},

	// IN / NOT IN.
	{"color IN ('red', 'green')", true},
	{"color IN ('blue', 'green')", false},
	{"color NOT IN ('blue', 'green')", true},
	{"color NOT IN ('red')", false},
	{"size IN (1, 10.0, 'x')", true},
	{"size IN (1, size + 0)", true},
	{"missing IN ('a')", false},
	{"NOT (missing IN ('a'))", false},
	{"color IN ('blue', NULL)", false},     // no match, a NULL: unknown
	{"color NOT IN ('blue', NULL)", false}, // …still unknown
	{"color IN ('red', NULL)", true},
	{"sys.To in ('abc', 'xyz')", true},

	// LIKE / NOT LIKE.
	{"color LIKE 'r%'", true},
	{"color LIKE 'R%'", false},
	{"color LIKE '%d'", true},
	{"color LIKE '%e%'", true},
	{"color LIKE 'r_d'", true},
	{"color LIKE 'r_'", false},
	{"color LIKE '___'", true},
	{"color LIKE '____'", false},
	{"color LIKE '%'", true},
	{"empty LIKE '%'", true},
	{"empty LIKE '_'", false},
	{"color LIKE 'red'", true},
	{"color LIKE 're'", false},
	{"color LIKE '%%%r%%e%%d%%'", true},
	{"color NOT LIKE 'b%'", true},
	{"color NOT LIKE 'r%'", false},
	{"uni LIKE 'h_llo'", true}, // _ is one character, not one byte
	{"pct LIKE '50!%' ESCAPE '!'", true},
	{"color LIKE 're!%' ESCAPE '!'", false},
	{"pct LIKE '5%!%' ESCAPE '!'", true},
	{"path LIKE 'a\\_b' ESCAPE '\\'", true},
	{"color LIKE 'r\\_d' ESCAPE '\\'", false},
	{"color LIKE 'r!ed' ESCAPE '!'", true}, // escaping an ordinary char keeps it
	{"name LIKE '%''%'", true},
	{"missing LIKE '%'", false},
	{"missing NOT LIKE '%'", false},
	{"size LIKE '1%'", false}, // not a string: unknown
	{"NOT (size LIKE '1%')", false},
	{"color LIKE color", true}, // computed pattern
	{"color LIKE 'r' + '%'", true},
	{"'aXbXc' LIKE 'a%b%c'", true},
	{"'ab' LIKE 'a%b%c'", false},
	{"'mississippi' LIKE '%iss%ppi'", true},
	{"'mississippi' LIKE '%iss%ipi'", false},

	// EXISTS.
	{"EXISTS(color)", true},
	{"EXISTS (missing)", false},
	{"NOT EXISTS(missing)", true},
	{"EXISTS(nullprop)", true}, // present with a NULL value
	{"exists(sys.MessageId)", true},
	{"EXISTS(sys.ReplyTo)", false},
	{"EXISTS([my prop])", true},
	{"EXISTS(COLOR)", false},

	// newid() yields a fresh string.
	{"newid() <> newid()", true},
	{"newid() LIKE '________-____-4___-____-____________'", true},

	// Whitespace and keyword case do not matter.
	{"  color='red'and\tsize=10  ", true},
	{"color = 'red' AnD size = 10", true},
}

func TestMatch(t *testing.T) {
	props := sampleProps()
	for _, c := range matchCases {
		f, err := Parse(c.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.expr, err)
			continue
		}
		if got := f.Match(props); got != c.want {
			t.Errorf("Parse(%q).Match = %v, want %v", c.expr, got, c.want)
		}
		if f.String() != c.expr {
			t.Errorf("String() = %q, want %q", f.String(), c.expr)
		}
	}
}

// TestMatchDifferentMessages checks one filter against several messages, so
// the answer depends on the message and not only on the expression.
func TestMatchDifferentMessages(t *testing.T) {
	f, err := Parse("sys.Label = 'red' AND (color IN ('a','b') OR NOT EXISTS(size))")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sys, user map[string]any
		want      bool
	}{
		{map[string]any{"Label": "red"}, map[string]any{"color": "a", "size": 1}, true},
		{map[string]any{"Label": "red"}, map[string]any{"color": "c", "size": 1}, false},
		{map[string]any{"Label": "red"}, map[string]any{"color": "c"}, true},
		{map[string]any{"Label": "blue"}, map[string]any{"color": "a"}, false},
		{map[string]any{}, map[string]any{"color": "a"}, false},
		{nil, nil, false},
	}
	for i, c := range cases {
		if got := f.Match(&testProps{sys: c.sys, user: c.user}); got != c.want {
			t.Errorf("case %d: got %v, want %v", i, got, c.want)
		}
	}
}

func TestMatchNilSafety(t *testing.T) {
	var f *Filter
	if f.Match(sampleProps()) {
		t.Error("nil filter matched")
	}
	g, err := Parse("NOT EXISTS(a)")
	if err != nil {
		t.Fatal(err)
	}
	if !g.Match(nil) {
		t.Error("nil Props should have no properties")
	}
	var zero Filter
	if zero.Match(sampleProps()) {
		t.Error("zero Filter matched")
	}
}

func TestSystemNamesCanonical(t *testing.T) {
	p := &recordingProps{}
	f, err := Parse("sys.correlationid = 'x' AND sys.REPLYTOSESSIONID = 'y' AND sys.custom = 1 AND user.Foo = 1")
	if err != nil {
		t.Fatal(err)
	}
	// Every lookup is NULL, so AND's right side is only evaluated when the
	// left is not false: all four are asked for.
	f.Match(p)
	want := []string{"sys:CorrelationId", "sys:ReplyToSessionId", "sys:custom", "user:Foo"}
	if len(p.asked) != len(want) {
		t.Fatalf("asked %v, want %v", p.asked, want)
	}
	for i := range want {
		if p.asked[i] != want[i] {
			t.Errorf("asked %v, want %v", p.asked, want)
		}
	}
}

type recordingProps struct{ asked []string }

func (r *recordingProps) System(n string) (any, bool) {
	r.asked = append(r.asked, "sys:"+n)
	return nil, false
}
func (r *recordingProps) User(n string) (any, bool) {
	r.asked = append(r.asked, "user:"+n)
	return nil, false
}
