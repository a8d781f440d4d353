package ui

import (
	"sort"
	"strings"
)

// Body kinds the viewer highlights; anything else is shown as plain text.
const (
	KindJSON = "json"
	KindXML  = "xml"
	KindText = "text"
	KindHex  = "hex"
)

// maxMatches caps the search so a one-letter query over 20 MB stays cheap.
const maxMatches = 100_000

// maxCachedLines bounds the per-line caches (spans, wrap points).
const maxCachedLines = 4096

// BodyView is a scrollable, highlighted window over a decoded message body.
// Only the lines on screen are highlighted and measured, and both results
// are cached per line, so a 20 MB document scrolls as fast as a small one.
// It is a plain struct: the detail view maps keys to its methods.
type BodyView struct {
	styles *Styles
	kind   string
	doc    string // sanitised
	starts []int  // byte offset where each line begins

	wrap        bool
	lineNumbers bool

	top, topSub int // first visible line, and visual row within it (wrap)
	xOff        int // first visible column when not wrapping
	width       int // last text width (excluding the line-number gutter)
	height      int

	spans     map[int][]span
	rowStarts map[int][]int // wrap points per line, for wrapWidth
	wrapWidth int

	xmlStates []xmlState // state at the start of line i, known up to len

	query     string
	matches   []bodyMatch
	truncated bool
	current   int
	lowerDoc  string
}

type bodyMatch struct{ start, end int } // doc byte offsets, never across lines

// NewBodyView makes an empty viewer.
func NewBodyView(styles *Styles) *BodyView {
	if styles == nil {
		styles = NewStyles(true, true)
	}
	v := &BodyView{styles: styles, width: 80, height: 20, current: -1}
	v.SetContent("", KindText)
	return v
}

// SetContent replaces the document. The text is sanitised again here (a
// fast no-op on clean text) because the viewer must never emit a control
// byte, whatever its caller did. This is O(len(text)); for a very large body
// the detail view should call it from the tea.Cmd that decoded the body.
func (v *BodyView) SetContent(text, kind string) {
	v.doc = SanitizeText(text, 4)
	v.kind = strings.ToLower(kind)
	v.starts = v.starts[:0]
	v.starts = append(v.starts, 0)
	for i := 0; i < len(v.doc); {
		j := strings.IndexByte(v.doc[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		v.starts = append(v.starts, i)
	}
	v.spans = map[int][]span{}
	v.rowStarts = map[int][]int{}
	v.xmlStates = v.xmlStates[:0]
	v.top, v.topSub, v.xOff = 0, 0, 0
	v.lowerDoc = ""
	q := v.query
	v.query, v.matches, v.current = "", nil, -1
	if q != "" {
		v.SetQuery(q)
	}
}

// SetStyles switches theme.
func (v *BodyView) SetStyles(s *Styles) {
	if s != nil {
		v.styles = s
	}
}

// Kind is the document kind in use.
func (v *BodyView) Kind() string { return v.kind }

// Lines is the number of lines in the document.
func (v *BodyView) Lines() int { return len(v.starts) }

// TopLine is the first visible line (0-based).
func (v *BodyView) TopLine() int { return v.top }

// XOffset is the first visible column when not wrapping.
func (v *BodyView) XOffset() int { return v.xOff }

// line returns line i without its '\n'.
func (v *BodyView) line(i int) string {
	if i < 0 || i >= len(v.starts) {
		return ""
	}
	end := len(v.doc)
	if i+1 < len(v.starts) {
		end = v.starts[i+1] - 1
	}
	return v.doc[v.starts[i]:end]
}

// Wrap reports whether long lines wrap.
func (v *BodyView) Wrap() bool { return v.wrap }

// SetWrap turns wrapping on or off, keeping the top line.
func (v *BodyView) SetWrap(on bool) {
	v.wrap = on
	v.topSub, v.xOff = 0, 0
}

// SetLineNumbers shows or hides the line-number gutter.
func (v *BodyView) SetLineNumbers(on bool) {
	v.lineNumbers = on
	clear(v.rowStarts) // the text width changes
}

// rows is the number of visual rows line i takes at the current width.
func (v *BodyView) rows(i int) int {
	if !v.wrap {
		return 1
	}
	return len(v.wrapPoints(i))
}

// ScrollDown moves the view n visual rows down, stopping when the last line
// reaches the bottom.
func (v *BodyView) ScrollDown(n int) {
	if !v.wrap { // one row per line: plain arithmetic
		if maxTop := max(len(v.starts)-v.height, 0); v.top < maxTop && n > 0 {
			v.top = min(v.top+n, maxTop)
		}
		return
	}
	for ; n > 0; n-- {
		if v.atBottom() {
			return
		}
		if v.topSub+1 < v.rows(v.top) {
			v.topSub++
		} else if v.top+1 < len(v.starts) {
			v.top, v.topSub = v.top+1, 0
		}
	}
}

// ScrollUp moves the view n visual rows up.
func (v *BodyView) ScrollUp(n int) {
	if !v.wrap {
		v.top = max(v.top-max(n, 0), 0)
		return
	}
	for ; n > 0; n-- {
		switch {
		case v.topSub > 0:
			v.topSub--
		case v.top > 0:
			v.top--
			v.topSub = v.rows(v.top) - 1
		default:
			return
		}
	}
}

// atBottom reports whether the rows from the top to the end fit on screen.
// It walks at most height rows, so it is O(screen), not O(document).
func (v *BodyView) atBottom() bool {
	left := v.height
	for i := v.top; i < len(v.starts); i++ {
		r := v.rows(i)
		if i == v.top {
			r -= v.topSub
		}
		left -= r
		if left < 0 {
			return false
		}
	}
	return true
}

// PageDown scrolls one screen down.
func (v *BodyView) PageDown() { v.ScrollDown(max(v.height-1, 1)) }

// PageUp scrolls one screen up.
func (v *BodyView) PageUp() { v.ScrollUp(max(v.height-1, 1)) }

// Top goes to the first line.
func (v *BodyView) Top() { v.top, v.topSub = 0, 0 }

// Bottom shows the end of the document.
func (v *BodyView) Bottom() {
	left := max(v.height, 1)
	i := len(v.starts) - 1
	for ; i >= 0; i-- {
		r := v.rows(i)
		if r >= left {
			v.top, v.topSub = i, r-left
			return
		}
		left -= r
	}
	v.top, v.topSub = 0, 0
}

// ScrollRight moves the horizontal window right (no-op when wrapping).
func (v *BodyView) ScrollRight(n int) {
	if !v.wrap {
		v.xOff = max(v.xOff+n, 0)
	}
}

// ScrollLeft moves the horizontal window left.
func (v *BodyView) ScrollLeft(n int) { v.xOff = max(v.xOff-n, 0) }

// GotoLine puts line i (0-based, clamped) at the top.
func (v *BodyView) GotoLine(i int) {
	v.top, v.topSub = max(min(i, len(v.starts)-1), 0), 0
}

// SetQuery searches the document for q (ASCII letters match either case;
// other text matches exactly) and moves to the first hit at or after the
// top line. An empty query clears the search.
func (v *BodyView) SetQuery(q string) {
	q = strings.NewReplacer("\n", "", "\r", "").Replace(q)
	v.query, v.matches, v.current, v.truncated = q, nil, -1, false
	if q == "" {
		return
	}
	hay, needle := v.doc, q
	if isASCII(q) {
		if v.lowerDoc == "" {
			v.lowerDoc = asciiLower(v.doc)
		}
		hay, needle = v.lowerDoc, asciiLower(q)
	}
	for i := 0; i < len(hay); {
		j := strings.Index(hay[i:], needle)
		if j < 0 {
			break
		}
		if len(v.matches) == maxMatches {
			v.truncated = true
			break
		}
		v.matches = append(v.matches, bodyMatch{i + j, i + j + len(needle)})
		i += j + len(needle)
	}
	if len(v.matches) == 0 {
		return
	}
	from := v.starts[v.top]
	v.current = sort.Search(len(v.matches), func(k int) bool { return v.matches[k].start >= from })
	if v.current == len(v.matches) {
		v.current = 0
	}
	v.reveal()
}

// Query is the active search text.
func (v *BodyView) Query() string { return v.query }

// MatchCount is the number of hits (capped at 100,000; see MatchesTruncated).
func (v *BodyView) MatchCount() int { return len(v.matches) }

// MatchesTruncated reports that the search stopped at the cap.
func (v *BodyView) MatchesTruncated() bool { return v.truncated }

// CurrentMatch is the 1-based index of the hit the user is on (0: none).
func (v *BodyView) CurrentMatch() int { return v.current + 1 }

// MatchPosition returns the line and display column of the current hit.
func (v *BodyView) MatchPosition() (line, col int, ok bool) {
	if v.current < 0 {
		return 0, 0, false
	}
	m := v.matches[v.current]
	line = sort.Search(len(v.starts), func(k int) bool { return v.starts[k] > m.start }) - 1
	return line, Width(v.doc[v.starts[line]:m.start]), true
}

// NextMatch moves to the next hit, wrapping around.
func (v *BodyView) NextMatch() {
	if len(v.matches) > 0 {
		v.current = (v.current + 1) % len(v.matches)
		v.reveal()
	}
}

// PrevMatch moves to the previous hit, wrapping around.
func (v *BodyView) PrevMatch() {
	if len(v.matches) > 0 {
		v.current = (v.current - 1 + len(v.matches)) % len(v.matches)
		v.reveal()
	}
}

// reveal scrolls so the current hit is on screen, a third of the way down
// when it has to move, and horizontally into view when not wrapping.
func (v *BodyView) reveal() {
	line, col, ok := v.MatchPosition()
	if !ok {
		return
	}
	if line < v.top || line >= v.top+v.height || (line == v.top && v.topSub > 0) || !v.lineVisible(line) {
		v.GotoLine(line)
		v.ScrollUp(v.height / 3)
	}
	if !v.wrap {
		m := v.matches[v.current]
		w := Width(v.doc[m.start:m.end])
		if col < v.xOff || col+w > v.xOff+v.width {
			v.xOff = max(col-v.width/3, 0)
		}
	}
}

// lineVisible reports whether line i starts within the rows on screen.
func (v *BodyView) lineVisible(i int) bool {
	if i < v.top {
		return false
	}
	rows := -v.topSub
	for k := v.top; k < i; k++ {
		rows += v.rows(k)
		if rows >= v.height {
			return false
		}
	}
	return rows < v.height
}

// PositionText summarises where the view is for the status line, e.g.
// "line 12/340 · match 2/17" (a "+" after the count when the search hit
// its cap). Without colour it is the only way to see where the hit is.
func (v *BodyView) PositionText() string {
	out := "line " + FormatCount(int64(v.top+1)) + "/" + FormatCount(int64(len(v.starts)))
	if v.query != "" {
		more := ""
		if v.truncated {
			more = "+"
		}
		if len(v.matches) == 0 {
			out += " · no match"
		} else {
			line, col, _ := v.MatchPosition()
			out += " · match " + FormatCount(int64(v.current+1)) + "/" + FormatCount(int64(len(v.matches))) + more +
				" at " + FormatCount(int64(line+1)) + ":" + FormatCount(int64(col+1))
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower lowers ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
