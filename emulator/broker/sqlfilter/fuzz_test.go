package sqlfilter

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse, Match, ParseAction or Apply
// panic, and that wrapping a valid filter in parentheses changes nothing.
func FuzzParse(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.expr)
	}
	for _, s := range []string{
		"", "(", ")", "'", "[", `"`, "N'", "sys.", "1e", ".", "a LIKE", "a IN (", "NOT",
		"SET a = 1; REMOVE b", "SET sys.Label = 'x'", "a LIKE '%_%' ESCAPE '%'",
		"-9223372036854775808 % -1 = 0", "big * big > 0", "f32 / 0.0 IS NULL",
	} {
		f.Add(s)
	}
	props := sampleProps()
	f.Fuzz(func(t *testing.T, expr string) {
		if flt, err := Parse(expr); err == nil {
			got := flt.Match(props)
			flt.Match(&testProps{})
			if !strings.Contains(strings.ToLower(expr), "newid") {
				wrapped, err := Parse("(" + expr + ")")
				if err != nil && strings.Contains(err.Error(), "nested more than") {
					return // one level past the limit is a fair refusal
				}
				if err != nil {
					t.Fatalf("Parse(%q) ok but parenthesized: %v", expr, err)
				}
				if w := wrapped.Match(props); w != got {
					t.Fatalf("Match(%q) = %v but parenthesized %v", expr, got, w)
				}
			}
		} else if !strings.HasPrefix(err.Error(), "position ") {
			t.Fatalf("Parse(%q) error without a position: %v", expr, err)
		}
		if a, err := ParseAction(expr); err == nil {
			_ = a.Apply(props.clone())
		}
		if a, err := ParseAction("SET x = " + expr); err == nil {
			_ = a.Apply(props.clone())
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	flt, err := Parse("sys.Label = 'subject1' AND size > 5 AND color IN ('red', 'green', 'blue')")
	if err != nil {
		b.Fatal(err)
	}
	props := sampleProps()
	if !flt.Match(props) {
		b.Fatal("benchmark filter should match")
	}
	b.ReportAllocs()
	for b.Loop() {
		flt.Match(props)
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("sys.Label = 'subject1' AND size > 5 AND color IN ('red', 'green', 'blue')"); err != nil {
			b.Fatal(err)
		}
	}
}
