package decode

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ in, multi, line string }{
		{"plain text", "plain text", "plain text"},
		{"a\tb", "a\tb", "a\tb"},
		{"a\nb", "a\nb", "a⏎b"},
		{"a\r\nb", "a\nb", "a⏎b"},
		{"a\rb", "a␍b", "a␍b"},
		{"\x1b[2J", "␛[2J", "␛[2J"},
		{"\x1b]52;c;aGk=\x07", "␛]52;c;aGk=␇", "␛]52;c;aGk=␇"},
		{"\x1b]8;;http://x/\x1b\\t\x1b]8;;\x1b\\", "␛]8;;http://x/␛\\t␛]8;;␛\\", "␛]8;;http://x/␛\\t␛]8;;␛\\"},
		{"\u009b2J", `\u009b2J`, `\u009b2J`},
		{"\u0085", `\u0085`, `\u0085`},
		{"abc\u202edcba", `abc\u202edcba`, `abc\u202edcba`},
		{"\u2066x\u2069", `\u2066x\u2069`, `\u2066x\u2069`},
		{"\u2028", `\u2028`, `\u2028`},
		{"\x00\x7f", "␀␡", "␀␡"},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
		{"héllo wörld ✓ 日本", "héllo wörld ✓ 日本", "héllo wörld ✓ 日本"},
		{"emoji 👩‍💻", "emoji 👩‍💻", "emoji 👩‍💻"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.multi {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.multi)
		}
		if got := SanitizeLine(tt.in); got != tt.line {
			t.Errorf("SanitizeLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
		assertInert(t, "Sanitize", Sanitize(tt.in), false)
		assertInert(t, "SanitizeLine", SanitizeLine(tt.in), true)
	}
}

func TestSanitizeCleanFastPathDoesNotCopy(t *testing.T) {
	s := "just ascii\nwith a newline"
	if got := Sanitize(s); got != s {
		t.Fatalf("got %q", got)
	}
	allocs := testing.AllocsPerRun(100, func() { _ = Sanitize(s) })
	if allocs != 0 {
		t.Fatalf("clean input allocated %v times", allocs)
	}
}
