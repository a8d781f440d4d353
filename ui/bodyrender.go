package ui

import (
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Render draws exactly height rows of exactly width cells: the visible part
// of the document, highlighted, with search hits marked and an optional
// line-number gutter. Only the lines on screen are touched.
func (v *BodyView) Render(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	gutter := 0
	if v.lineNumbers {
		gutter = len(strconv.Itoa(len(v.starts))) + 1
		if gutter >= width {
			gutter = 0
		}
	}
	tw := width - gutter
	if tw != v.wrapWidth {
		clear(v.rowStarts)
		v.wrapWidth = tw
	}
	v.width, v.height = tw, height
	v.top = max(min(v.top, len(v.starts)-1), 0)
	v.topSub = max(min(v.topSub, v.rows(v.top)-1), 0)

	codes := &v.styles.codes
	var b strings.Builder
	b.Grow((width + 32) * height)
	line, sub := v.top, v.topSub
	for r := 0; r < height; r++ {
		if r > 0 {
			b.WriteByte('\n')
		}
		if line >= len(v.starts) {
			b.WriteString(strings.Repeat(" ", width))
			continue
		}
		if gutter > 0 {
			num := strings.Repeat(" ", gutter-1)
			if sub == 0 {
				num = FitRight(strconv.Itoa(line+1), gutter-1)
			}
			b.WriteString(codes.wrap(codes.lineNumber, num))
			b.WriteByte(' ')
		}
		text := v.line(line)
		var b0, b1, lead, cells int
		if v.wrap {
			pts := v.wrapPoints(line)
			b0, b1 = pts[sub], len(text)
			if sub+1 < len(pts) {
				b1 = pts[sub+1]
			}
			cells = Width(text[b0:b1])
		} else {
			b0, b1, lead, cells = cellRange(text, v.xOff, tw)
		}
		b.WriteString(strings.Repeat(" ", lead))
		v.writeSegment(&b, line, text, b0, b1)
		if pad := tw - cells; pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		if v.wrap && sub+1 < v.rows(line) {
			sub++
		} else {
			line, sub = line+1, 0
		}
	}
	return b.String()
}

// writeSegment writes text[b0:b1] of line i, colouring each piece by its
// token class, overridden by a search hit.
func (v *BodyView) writeSegment(b *strings.Builder, i int, text string, b0, b1 int) {
	if b0 >= b1 {
		return
	}
	codes := &v.styles.codes
	spans := v.spansFor(i, text)
	ls := v.starts[i]
	si := sort.Search(len(spans), func(k int) bool { return spans[k].end > b0 })
	mi := sort.Search(len(v.matches), func(k int) bool { return v.matches[k].end-ls > b0 })
	for p := b0; p < b1; {
		class, next := tokPlain, b1
		for si < len(spans) && spans[si].end <= p {
			si++
		}
		if si < len(spans) {
			if sp := spans[si]; sp.start <= p {
				class, next = sp.class, min(next, sp.end)
			} else {
				next = min(next, sp.start)
			}
		}
		for mi < len(v.matches) && v.matches[mi].end-ls <= p {
			mi++
		}
		if mi < len(v.matches) {
			ms, me := v.matches[mi].start-ls, v.matches[mi].end-ls
			if ms <= p {
				class, next = tokMatch, min(next, me)
				if mi == v.current {
					class = tokCurrent
				}
			} else {
				next = min(next, ms)
			}
		}
		b.WriteString(codes.wrap(codes.tok[class], text[p:next]))
		p = next
	}
}

// spansFor highlights line i once and caches the result.
func (v *BodyView) spansFor(i int, text string) []span {
	if s, ok := v.spans[i]; ok {
		return s
	}
	var s []span
	if len(text) <= maxHighlightLine {
		switch v.kind {
		case KindJSON:
			s = highlightJSON(text)
		case KindXML:
			s, _ = highlightXML(text, v.xmlStateAt(i), true)
		case KindHex:
			s = highlightHex(text)
		}
	}
	if len(v.spans) >= maxCachedLines {
		clear(v.spans)
	}
	v.spans[i] = s
	return s
}

// xmlStateAt is the XML lexer state at the start of line i. States are
// computed forward once and kept (one byte per line), so a comment opened
// far above the screen still colours the lines below it.
func (v *BodyView) xmlStateAt(i int) xmlState {
	for len(v.xmlStates) <= i {
		k := len(v.xmlStates)
		if k == 0 {
			v.xmlStates = append(v.xmlStates, xmlText)
			continue
		}
		st := v.xmlStates[k-1]
		if prev := v.line(k - 1); len(prev) <= maxHighlightLine {
			_, st = highlightXML(prev, st, false)
		}
		v.xmlStates = append(v.xmlStates, st)
	}
	return v.xmlStates[i]
}

// wrapPoints lists the byte offsets where each visual row of line i begins
// at the current wrap width (hard wrap at the cell limit; a wide character
// never splits).
func (v *BodyView) wrapPoints(i int) []int {
	if p, ok := v.rowStarts[i]; ok {
		return p
	}
	w := max(v.wrapWidth, 1)
	text := v.line(i)
	pts := []int{0}
	if isASCII(text) {
		for o := w; o < len(text); o += w {
			pts = append(pts, o)
		}
	} else {
		col := 0
		for o := 0; o < len(text); {
			n, gw := nextCluster(text, o)
			if n == 0 {
				break
			}
			if col+gw > w && col > 0 {
				pts = append(pts, o)
				col = 0
			}
			col += gw
			o += n
		}
	}
	if len(v.rowStarts) >= maxCachedLines {
		clear(v.rowStarts)
	}
	v.rowStarts[i] = pts
	return pts
}

// cellRange finds the bytes of s that fill display columns [from, from+w).
// A wide character cut by the left edge is replaced by lead spaces; one cut
// by the right edge is left out. cells is the width written (lead included).
func cellRange(s string, from, w int) (b0, b1, lead, cells int) {
	if end := from + w; end <= len(s) && isASCII(s[:end]) {
		return from, end, 0, w
	}
	if isASCII(s) {
		b0 = min(from, len(s))
		b1 = min(from+w, len(s))
		return b0, b1, 0, b1 - b0
	}
	col, o := 0, 0
	for o < len(s) && col < from {
		n, gw := nextCluster(s, o)
		if n == 0 {
			break
		}
		col += gw
		o += n
	}
	b0 = o
	lead = max(col-from, 0)
	cells = lead
	for o < len(s) {
		n, gw := nextCluster(s, o)
		if n == 0 || cells+gw > w {
			break
		}
		cells += gw
		o += n
	}
	return b0, o, lead, cells
}

// nextCluster measures the grapheme cluster at s[o:]: its length in bytes
// and its width in cells. An ASCII byte followed by another ASCII byte is a
// cluster of its own (sanitised text holds no CR or controls), which skips
// the costly segmentation for most of a mixed-script document.
func nextCluster(s string, o int) (n, width int) {
	if s[o] < 0x80 && (o+1 == len(s) || s[o+1] < 0x80) {
		return 1, 1
	}
	g, w := ansi.FirstGraphemeCluster(s[o:], ansi.GraphemeWidth)
	return len(g), w
}
