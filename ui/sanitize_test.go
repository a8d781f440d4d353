package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "orders-queue", "orders-queue"},
		{"clear screen", "a\x1b[2Jb", "a␛[2Jb"},
		{"osc52 clipboard", "\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"},
		{"osc8 link", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "␛]8;;http://evil␛\\x␛]8;;␛\\"},
		{"c1 csi", "\u009b31mred", "\uFFFD31mred"},
		{"bidi override", "abc\u202Efed", "abc\uFFFDfed"},
		{"bidi isolates", "\u2066x\u2069", "\uFFFDx\uFFFD"},
		{"newline and tab", "a\nb\tc\r", "a␊b c␍"},
		{"del and nul", "\x7f\x00", "␡␀"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"cjk kept", "注文キュー", "注文キュー"},
		{"emoji zwj kept", "👩‍💻", "👩‍💻"},
		{"combining kept", "e\u0301", "e\u0301"},
		{"zero width space", "a\u200Bb", "a\uFFFDb"},
		{"arabic prepended mark", "\u0603", "\uFFFD"},
		{"soft hyphen", "co\u00ADop", "co\uFFFDop"},
		{"tag flag kept", "🏴\U000E0067\U000E0062\U000E007F", "🏴\U000E0067\U000E0062\U000E007F"},
		{"prepend letter inside kept", "\u0D4Eക", "\u0D4Eക"},
		{"prepend letter at end", "ക\u0D4E", "ക\uFFFD"},
	}
	for _, c := range cases {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSanitizeText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"clean shares", "a\nb", "a\nb"},
		{"crlf", "a\r\nb\r\n", "a\nb\n"},
		{"lone cr", "a\rb", "a␍b"},
		{"tabs to 4", "\tx\tyz\tw", "    x   yz  w"},
		{"tab after newline resets", "ab\n\tc", "ab\n    c"},
		{"escape", "x\x1b[2Jy\n\u009b", "x␛[2Jy\n\uFFFD"},
		{"bom and separators", "\uFEFFa\u2028b", "\uFFFDa\uFFFDb"},
		{"prepend letter at line end", "\u0D4E\nക\u0D4E\r\nx\u0D4Ey", "\uFFFD\nക\uFFFD\nx\u0D4Ey"},
	}
	for _, c := range cases {
		if got := SanitizeText(c.in, 4); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// unsafeRune reports a rune Sanitize must never let through.
func unsafeRune(r rune, allowNewline bool) bool {
	return (r < 0x20 && !(allowNewline && r == '\n')) || (r >= 0x7f && r <= 0x9f) || isInvisibleFormat(r)
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]52;c;AA==\x07", "\u009b1m", "\u202e", "a\tb\r\nc", "\xff\xfe", "注文👩‍💻"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, out := range []string{Sanitize(in), SanitizeText(in, 4)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", in)
			}
		}
		for _, r := range Sanitize(in) {
			if unsafeRune(r, false) {
				t.Fatalf("Sanitize(%q) kept %U", in, r)
			}
		}
		for _, r := range SanitizeText(in, 4) {
			if unsafeRune(r, true) {
				t.Fatalf("SanitizeText(%q) kept %U", in, r)
			}
		}
		if strings.Count(SanitizeText(in, 4), "\n") != strings.Count(in, "\n") {
			t.Fatalf("line count changed for %q", in)
		}
		// Cells must always come out exactly as wide as asked.
		if w := Width(Fit(Sanitize(in), 7)); w != 7 {
			t.Fatalf("Fit(%q, 7) is %d wide", in, w)
		}
	})
}
