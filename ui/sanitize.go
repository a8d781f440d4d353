package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Untrusted text (message bodies, property values, entity names) must reach
// the terminal inert: an ESC that starts a sequence, an OSC 52 that writes the
// clipboard or an OSC 8 hyperlink must be shown as text, never executed. The
// sanitiser below is ui's own (ui may not import sbsvc/decode) and is
// deliberately small: every C0/C1 control becomes a visible glyph, and
// invisible reordering characters become U+FFFD.

const replacement = "\uFFFD"

// controlPicture returns the visible stand-in for a C0 control or DEL
// (U+2400..U+241F are the Unicode "control pictures", U+2421 is DEL's).
func controlPicture(b byte) rune {
	if b == 0x7f {
		return '\u2421'
	}
	return rune(0x2400) + rune(b)
}

// isInvisibleFormat reports runes that can reorder or hide text on screen:
// bidi embeddings, overrides and isolates, the implicit marks, the line and
// paragraph separators and the byte-order mark. Zero-width joiners and
// variation selectors stay: emoji sequences need them.
//
// More generally every format character (Unicode category Cf) goes, except
// the joiners and the emoji tag characters: Cf covers the bidi controls, the
// zero-width space, and the Arabic "prepended" marks (U+0600..U+0605 …)
// that would fuse with the padding after a cell and shift every column.
func isInvisibleFormat(r rune) bool {
	switch {
	case r == 0x200C, r == 0x200D: // ZWNJ, ZWJ
		return false
	case r >= 0xE0020 && r <= 0xE007F: // tags, in subdivision flags
		return false
	case r == 0x2028, r == 0x2029:
		return true
	}
	return r >= 0x80 && unicode.Is(unicode.Cf, r)
}

// isPrependLetter lists the letters with the grapheme property Prepend:
// they attach to whatever follows, so one at the very end of a cell or
// line would swallow the padding. Only a trailing one is replaced.
func isPrependLetter(r rune) bool {
	switch {
	case r == 0x0D4E, r == 0x111C2, r == 0x111C3, r == 0x1193F, r == 0x11941,
		r == 0x11A3A, r == 0x11D46, r == 0x11F02:
		return true
	case r >= 0x11A84 && r <= 0x11A89:
		return true
	}
	return false
}

// plainASCII reports whether s is printable ASCII only (plus '\n' when
// allowNewline), the common case that needs no copy.
func plainASCII(s string, allowNewline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c == '\n' && allowNewline {
			continue
		}
		return false
	}
	return true
}

// Sanitize makes one line of untrusted text safe for a table cell, a
// breadcrumb or a status segment: controls become control pictures (ESC
// shows as ␛, a line feed as ␊), a tab becomes a space, C1 controls, bidi
// controls and invalid UTF-8 become U+FFFD.
func Sanitize(s string) string {
	if plainASCII(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t':
				b.WriteByte(' ')
			case c < 0x20 || c == 0x7f:
				b.WriteRune(controlPicture(c))
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		writeSafeRune(&b, r, size, i == len(s))
	}
	return b.String()
}

// writeSafeRune writes a non-ASCII rune, neutralising the dangerous ones.
func writeSafeRune(b *strings.Builder, r rune, size int, lineEnd bool) {
	switch {
	case lineEnd && isPrependLetter(r):
		b.WriteString(replacement)
	case r == utf8.RuneError && size <= 1:
		b.WriteString(replacement)
	case r >= 0x80 && r <= 0x9f: // C1 controls, e.g. U+009B (single-byte CSI)
		b.WriteString(replacement)
	case isInvisibleFormat(r):
		b.WriteString(replacement)
	default:
		b.WriteRune(r)
	}
}

// SanitizeText is Sanitize for a multi-line document (a message body): line
// breaks are kept ("\r\n" and "\n"), a lone '\r' shows as ␍, and tabs expand
// to the next multiple of tabWidth columns (counted in runes, which is right
// for the text bodies that actually contain tabs).
func SanitizeText(s string, tabWidth int) string {
	if tabWidth < 1 {
		tabWidth = 4
	}
	if textIsClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	col := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				b.WriteByte('\n')
				col = 0
				continue
			case c == '\r' && i < len(s) && s[i] == '\n':
				continue // CRLF: the '\n' that follows ends the line
			case c == '\t':
				n := tabWidth - col%tabWidth
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			case c < 0x20 || c == 0x7f:
				b.WriteRune(controlPicture(c))
			default:
				b.WriteByte(c)
			}
			col++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		writeSafeRune(&b, r, size, i == len(s) || s[i] == '\n' || s[i] == '\r')
		col++
	}
	return b.String()
}

// textIsClean reports whether SanitizeText would return s unchanged, so the
// common case (a decoded body that is already clean) costs one read pass
// and no copy.
func textIsClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || (r >= 0x80 && r <= 0x9f) || isInvisibleFormat(r) || isPrependLetter(r) {
			return false // rare enough that the slow path may decide
		}
		i += size
	}
	return true
}
