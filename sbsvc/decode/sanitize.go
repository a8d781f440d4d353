package decode

import (
	"strings"
	"unicode/utf8"
)

// Sanitize returns s with everything a terminal could act on made visible
// and inert (see the package documentation for the exact forms). Tabs and
// newlines are kept; a CR that ends a CRLF pair is dropped.
func Sanitize(s string) string { return sanitize(s, false) }

// SanitizeLine is Sanitize for a single line: newlines are shown as ⏎.
func SanitizeLine(s string) string { return sanitize(s, true) }

const hexDigits = "0123456789abcdef"

// isClean reports whether s is plain printable ASCII (plus tab, and newline
// when multi-line), so the common case costs one pass and no allocation.
func isClean(s string, line bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t':
		case c == '\n':
			if line {
				return false
			}
		case c < 0x20 || c >= 0x7f:
			return false
		}
	}
	return true
}

// isInvisibleControl reports runes that are valid UTF-8 but dangerous or
// deceptive on a terminal: C1 controls (U+009B is a one-byte CSI on some
// terminals), bidirectional overrides and isolates, and the line/paragraph
// separators.
func isInvisibleControl(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

func sanitize(s string, line bool) string {
	if isClean(s, line) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8 + 8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\t':
				b.WriteByte(c)
			case c == '\n':
				if line {
					b.WriteString("⏎")
				} else {
					b.WriteByte(c)
				}
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					continue // CRLF: the LF is rendered on its own
				}
				b.WriteRune(0x240d) // ␍
			case c < 0x20:
				b.WriteRune(0x2400 + rune(c)) // Control Pictures block
			case c == 0x7f:
				b.WriteRune(0x2421) // ␡
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			i++
			continue
		}
		if isInvisibleControl(r) {
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>uint(shift))&0xf])
			}
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
