package decode

import "unicode/utf8"

// renderText shows b as UTF-8 text (invalid bytes become \xNN when the
// result is sanitised), capped at the output limit.
func (d *decoder) renderText(b []byte) {
	b = trimUTF8BOM(b)
	d.out.bytes(b)
	if d.out.full {
		d.note("text is %s", humanBytes(len(b)))
	}
	d.setKind("text")
}

// renderRaw shows the bytes exactly, as far as a terminal allows: nothing is
// decoded, not even a byte-order mark.
func (d *decoder) renderRaw(b []byte) {
	d.out.bytes(b)
	if d.out.full {
		d.note("body is %s", humanBytes(len(b)))
	}
	d.setKind("raw")
}

// hexBytesPerLine picks 32, 16 or 8 bytes per line, whichever fits width.
func hexBytesPerLine(width int) int {
	for _, n := range []int{32, 16, 8} {
		if hexLineLen(n) <= width {
			return n
		}
	}
	return 8
}

// hexLineLen is the printed width of a dump line of n bytes: offset, hex
// groups of eight, and the |ascii| column.
func hexLineLen(n int) int {
	return 8 + 2 + 3*n + (n/8 - 1) + 2 + n
}

// renderHex writes a classic dump, as many lines as fit in the output cap.
func (d *decoder) renderHex(b []byte) {
	per := hexBytesPerLine(d.opts.Width)
	lineLen := hexLineLen(per) + 1
	maxLines := max(d.opts.MaxBytes/lineLen, 1)
	shown := min(len(b), maxLines*per)
	line := make([]byte, 0, lineLen)
	for off := 0; off < shown; off += per {
		line = appendHexLine(line[:0], b[off:min(off+per, len(b))], off, per)
		if off+per >= shown {
			line = line[:len(line)-1] // no newline after the last line
		}
		d.out.bytes(line)
	}
	if shown < len(b) {
		d.note("showing the first %s of %s as hex", humanBytes(shown), humanBytes(len(b)))
		d.out.full = true
	}
	d.setKind("hex")
}

func appendHexLine(dst, chunk []byte, off, per int) []byte {
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, hexDigits[(off>>uint(shift))&0xf])
	}
	dst = append(dst, ' ', ' ')
	for i := 0; i < per; i++ {
		if i > 0 && i%8 == 0 {
			dst = append(dst, ' ')
		}
		if i < len(chunk) {
			dst = append(dst, hexDigits[chunk[i]>>4], hexDigits[chunk[i]&0xf], ' ')
		} else {
			dst = append(dst, ' ', ' ', ' ')
		}
	}
	dst = append(dst, ' ', '|')
	for _, c := range chunk {
		if c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
		} else {
			dst = append(dst, '.')
		}
	}
	dst = append(dst, '|', '\n')
	return dst
}

// hexPreview formats the first bytes for one line: "1f 8b 08 00 …".
func hexPreview(b []byte, n int) string {
	out := make([]byte, 0, 3*n+4)
	for i, c := range b {
		if i == n {
			return string(out) + " …"
		}
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(out)
}

// cutRunes shortens s to at most n runes, ending with … if it cut.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i] + "…"
}
