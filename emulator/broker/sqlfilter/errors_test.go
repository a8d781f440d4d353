package sqlfilter

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		expr string
		pos  int
		msg  string // substring of the message
	}{
		{"", 1, "the filter is empty"},
		{"   ", 4, "the filter is empty"},
		{"color = ", 9, "expected a value, found end of expression"},
		{"color = 'red", 9, "unterminated string"},
		{"[my prop = 1", 1, "unterminated identifier: missing closing ]"},
		{"color IN ('a', 'b'", 19, "expected ')' after IN list"},
		{"color IN 'a'", 10, "expected '(' to open the IN list"},
		{"color IN ()", 11, "IN list is empty"},
		{"(color = 'red'", 15, "expected ')' to close '(' at position 1"},
		{"color = 'red')", 14, "expected AND, OR or end of expression, found ')'"},
		{"color = 'red' color = 'x'", 15, "expected AND, OR or end of expression"},
		{"a = b = c", 7, "expected AND, OR or end of expression, found '='"},
		{"color NOT 'x'", 11, "expected IN or LIKE after NOT"},
		{"color IS 'x'", 10, "expected 'NULL' after IS"},
		{"color IS NOT 5", 14, "expected 'NULL' after IS"},
		{"a LIKE 'x' ESCAPE 'ab'", 19, "one-character string"},
		{"a LIKE 'x' ESCAPE b", 19, "one-character string"},
		{"a LIKE 'x!' ESCAPE '!'", 8, "ends with its escape character"},
		{"a LIKE 5", 8, "LIKE needs a string pattern, found a number"},
		{"a LIKE TRUE", 8, "LIKE needs a string pattern, found a condition"},
		{"EXISTS color", 8, "expected '(' after EXISTS"},
		{"EXISTS(1)", 8, "expected a property name"},
		{"EXISTS(a", 9, "expected ')' after the EXISTS property"},
		{"a = 1 AND", 10, "expected a value"},
		{"AND a = 1", 1, "expected a value, found keyword AND"},
		{"a = IN", 5, "found keyword IN"},
		{"5", 1, "a filter needs a condition, found a number"},
		{"'red'", 1, "a filter needs a condition, found a string"},
		{"a = 1 AND 5", 7, "AND needs a condition, found a number"},
		{"'x' OR a", 5, "OR needs a condition, found a string"},
		{"NOT 3", 1, "NOT needs a condition, found a number"},
		{"(a = 1) + 2 = 3", 9, "operator '+' needs values, found a condition"},
		{"'a' * 2 = 3", 5, "needs numbers, found a string"},
		{"'a' + 2 = 3", 5, "cannot combine a string and a number"},
		{"-'a' = 1", 1, "unary '-' needs a number, found a string"},
		{"a = 99999999999999999999", 5, "integer 99999999999999999999 is out of range"},
		{"a = 1e999", 5, "number 1e999 is out of range"},
		{"a = 1e", 7, "expected digits in the exponent"},
		{"a = 12abc", 7, "unexpected letter after number"},
		{"a = #", 5, `unexpected character '#'`},
		{"a = foo()", 5, "unknown function foo"},
		{"newid( = 1", 8, "expected ')' after newid("},
		{"sys. = 1", 6, "expected a property name after sys."},
		{"sys.1 = 1", 4, `found ".1"`},            // ".1" is a number, so "sys" was a user property
		{"héllo = # ", 9, "unexpected character"}, // positions count characters, not bytes
		{"a = ,", 5, "expected a value, found ','"},
	}
	for _, c := range cases {
		_, err := Parse(c.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want a *SyntaxError", c.expr, err)
			continue
		}
		if se.Pos != c.pos || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("Parse(%q) = %q, want position %d with %q", c.expr, err, c.pos, c.msg)
		}
		if !strings.HasPrefix(err.Error(), "position ") {
			t.Errorf("Parse(%q) error %q does not start with its position", c.expr, err)
		}
	}
}

func TestActionParseErrors(t *testing.T) {
	cases := []struct {
		expr string
		msg  string
	}{
		{"SET", "expected a property name"},
		{"SET a", "expected '=' after the property to SET"},
		{"SET a =", "expected a value"},
		{"SET a = 1 b = 2", "expected ';' or the end of the action"},
		{"DELETE a", "expected SET or REMOVE"},
		{"REMOVE sys.To", "system property sys.To cannot be removed"},
		{"SET sys.SequenceNumber = 1", "set by the broker"},
		{"SET sys.enqueuedtimeutc = 1", "set by the broker"},
		{"SET a = 'x", "unterminated string"},
		{"SET 5 = 1", "expected a property name"},
	}
	for _, c := range cases {
		_, err := ParseAction(c.expr)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseAction(%q) error = %v, want %q", c.expr, err, c.msg)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	ok := strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100)
	if _, err := Parse(ok); err != nil {
		t.Errorf("100 levels: %v", err)
	}
	for _, deep := range []string{
		strings.Repeat("(", 100000) + "a = 1" + strings.Repeat(")", 100000),
		strings.Repeat("NOT ", 100000) + "a = 1",
		"a = " + strings.Repeat("-", 100000) + "1",
	} {
		_, err := Parse(deep)
		if err == nil || !strings.Contains(err.Error(), "nested more than") {
			t.Errorf("deep expression: error = %v, want a nesting error", err)
		}
	}
	// Long flat chains are not nesting and stay accepted.
	chain := "a = 1" + strings.Repeat(" OR a = 1", 10000)
	f, err := Parse(chain)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Match(&testProps{user: map[string]any{"a": 1}}) {
		t.Error("long OR chain should match")
	}
}
