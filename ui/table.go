package ui

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Table is a virtualised table: Render touches only the rows in the visible
// window, so its cost does not grow with the number of rows. It is a plain
// struct with methods (not a tea.Model); the owning view maps keys to the
// cursor helpers.
//
// Rendered rows are cached by index for the visible window. The cache is
// dropped when the width, the columns, the styles or the source change; a
// view whose source changes in place (a new page appended, a re-sort) calls
// Invalidate.
type Table struct {
	styles *Styles
	cols   []Column
	src    RowSource

	// EmptyText is shown when the source has no rows.
	EmptyText string

	cursor, offset int
	bodyHeight     int // rows shown by the last Render; drives paging

	marks map[int]struct{}

	sortCol  int
	sortDesc bool

	layoutWidth int
	stylesGen   uint64 // styles.gen the cache was rendered with
	widths      []int
	header      string
	cache, next map[int]cachedRow
}

type cachedRow struct {
	plain  string // cells padded and joined, no SGR
	styled string // plain with the per-cell hint colours
}

// NewTable makes a table over src (nil means empty).
func NewTable(styles *Styles, cols []Column, src RowSource) *Table {
	if styles == nil {
		styles = NewStyles(true, true)
	}
	t := &Table{
		styles:     styles,
		cols:       slices.Clone(cols),
		src:        src,
		EmptyText:  "no rows",
		bodyHeight: 10,
		marks:      map[int]struct{}{},
		sortCol:    -1,
		cache:      map[int]cachedRow{},
		next:       map[int]cachedRow{},
	}
	return t
}

// Invalidate drops every cached row and the layout.
func (t *Table) Invalidate() {
	clear(t.cache)
	t.layoutWidth = -1
}

// SetSource swaps the rows and keeps the cursor in range. Marks are row
// indexes: those past the new end are dropped; a view that re-sorts or
// refilters clears or remaps them itself.
func (t *Table) SetSource(src RowSource) {
	t.src = src
	t.Invalidate()
	n := t.Len()
	for i := range t.marks {
		if i >= n {
			delete(t.marks, i)
		}
	}
	t.SetCursor(t.cursor)
}

// VisibleRange is the half-open range of row indexes the last Render
// showed; a view peeks the next page when the cursor nears its end.
func (t *Table) VisibleRange() (first, end int) {
	return t.offset, min(t.offset+max(t.bodyHeight, 1), t.Len())
}

// SetColumns replaces the column set.
func (t *Table) SetColumns(cols []Column) {
	t.cols = slices.Clone(cols)
	t.Invalidate()
}

// SetStyles switches theme (a background or NO_COLOR change).
func (t *Table) SetStyles(s *Styles) {
	if s != nil {
		t.styles = s
		t.Invalidate()
	}
}

// SetSort shows a sort indicator on column col (-1 for none). The table does
// not sort: the source does, and the view then calls Invalidate.
func (t *Table) SetSort(col int, desc bool) {
	t.sortCol, t.sortDesc = col, desc
	t.layoutWidth = -1
}

// Len is the number of rows in the source.
func (t *Table) Len() int {
	if t.src == nil {
		return 0
	}
	return t.src.Len()
}

// Cursor is the index of the highlighted row (0 when empty).
func (t *Table) Cursor() int { return t.cursor }

// Offset is the index of the first visible row.
func (t *Table) Offset() int { return t.offset }

// SetCursor moves the cursor to i (clamped) and scrolls so it is visible.
func (t *Table) SetCursor(i int) {
	n := t.Len()
	t.cursor = max(min(i, n-1), 0)
	t.scrollToCursor()
}

func (t *Table) scrollToCursor() {
	h := max(t.bodyHeight, 1)
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+h {
		t.offset = t.cursor - h + 1
	}
	// Never leave blank rows at the bottom while there are rows above.
	t.offset = max(min(t.offset, t.Len()-h), 0)
}

// RowAt maps a line of the last Render (0 is the header) to the index of
// the row drawn there, or -1 for the header, blank lines below the last
// row, and lines outside the table: what a mouse click hit.
func (t *Table) RowAt(y int) int {
	if y < 1 || y > max(t.bodyHeight, 1) {
		return -1
	}
	i := t.offset + y - 1
	if i >= t.Len() {
		return -1
	}
	return i
}

// Up moves the cursor one row up.
func (t *Table) Up() { t.SetCursor(t.cursor - 1) }

// Down moves the cursor one row down.
func (t *Table) Down() { t.SetCursor(t.cursor + 1) }

// PageUp moves the cursor one screenful up.
func (t *Table) PageUp() { t.SetCursor(t.cursor - max(t.bodyHeight, 1)) }

// PageDown moves the cursor one screenful down.
func (t *Table) PageDown() { t.SetCursor(t.cursor + max(t.bodyHeight, 1)) }

// Top moves the cursor to the first row.
func (t *Table) Top() { t.SetCursor(0) }

// Bottom moves the cursor to the last row.
func (t *Table) Bottom() { t.SetCursor(t.Len() - 1) }

// ToggleMark flips row i in the multi-selection.
func (t *Table) ToggleMark(i int) { t.Mark(i, !t.IsMarked(i)) }

// Mark adds (on) or removes row i from the multi-selection.
func (t *Table) Mark(i int, on bool) {
	if i < 0 || i >= t.Len() {
		return
	}
	if on {
		t.marks[i] = struct{}{}
	} else {
		delete(t.marks, i)
	}
}

// MarkRange marks rows a..b inclusive, in either order.
func (t *Table) MarkRange(a, b int) {
	if a > b {
		a, b = b, a
	}
	for i := max(a, 0); i <= b && i < t.Len(); i++ {
		t.marks[i] = struct{}{}
	}
}

// ClearMarks empties the multi-selection.
func (t *Table) ClearMarks() { clear(t.marks) }

// IsMarked reports whether row i is in the multi-selection.
func (t *Table) IsMarked(i int) bool { _, ok := t.marks[i]; return ok }

// Marked lists the marked rows in ascending order.
func (t *Table) Marked() []int {
	out := make([]int, 0, len(t.marks))
	for i := range t.marks {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

// Render draws the header and the visible rows in exactly height lines of
// exactly width cells each. It also records the body height for paging and
// keeps the cursor visible after a resize.
func (t *Table) Render(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if width <= gutterWidth { // nothing useful fits; keep the geometry
		return strings.TrimSuffix(strings.Repeat(strings.Repeat(" ", width)+"\n", height), "\n")
	}
	if t.stylesGen != t.styles.gen {
		// The styles were replaced in place (the terminal's background
		// became known): cached rows carry the old colours.
		t.stylesGen = t.styles.gen
		t.layoutWidth = -1
	}
	if width != t.layoutWidth {
		t.relayout(width)
	}
	t.bodyHeight = max(height-1, 1)
	t.scrollToCursor()

	var b strings.Builder
	b.Grow((width + 24) * height)
	b.WriteString(t.header)
	n := t.Len()
	if n == 0 && height > 1 {
		b.WriteByte('\n')
		b.WriteString(t.styles.codes.wrap(t.styles.codes.hint(HintDim), Fit("  "+Sanitize(t.EmptyText), width)))
		for range height - 2 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", width))
		}
		return b.String()
	}
	clear(t.next)
	for r := 0; r < height-1; r++ {
		b.WriteByte('\n')
		i := t.offset + r
		if i >= n {
			b.WriteString(strings.Repeat(" ", width))
			continue
		}
		row, ok := t.cache[i]
		if !ok {
			row = t.renderRow(i, width)
		}
		t.next[i] = row
		t.writeRow(&b, i, row)
	}
	t.cache, t.next = t.next, t.cache
	return b.String()
}

// relayout recomputes column widths and the header for a new width.
func (t *Table) relayout(width int) {
	clear(t.cache)
	t.layoutWidth = width
	t.widths = layoutColumns(t.cols, width)
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutterWidth))
	for j, c := range t.cols {
		w := t.widths[j]
		if w == 0 {
			continue
		}
		if j > 0 {
			b.WriteString(colSep)
		}
		title := Sanitize(c.Title)
		if j == t.sortCol {
			ind := " ▲"
			if t.sortDesc {
				ind = " ▼"
			}
			title = Fit(title, max(w-Width(ind), 0))
			title = strings.TrimRight(title, " ") + ind
		}
		if c.Align == AlignRight {
			b.WriteString(FitRight(title, w))
		} else {
			b.WriteString(Fit(title, w))
		}
	}
	// One SGR for the whole line: lipgloss styles an underlined string rune
	// by rune, which would put hundreds of escapes in every frame.
	t.header = t.styles.codes.wrap(t.styles.codes.header, Fit(b.String(), width))
}

// renderRow formats row i: sanitised, cut and padded cells.
func (t *Table) renderRow(i, width int) cachedRow {
	cells := t.src.Row(i)
	var plain, styled strings.Builder
	used := gutterWidth
	for j := range t.cols {
		w := t.widths[j]
		if w == 0 {
			continue
		}
		if j > 0 {
			plain.WriteString(colSep)
			styled.WriteString(colSep)
			used += len(colSep)
		}
		var c Cell
		if j < len(cells) {
			c = cells[j]
		}
		text := Sanitize(c.Text)
		if t.cols[j].Align == AlignRight {
			text = FitRight(text, w)
		} else {
			text = Fit(text, w)
		}
		used += w
		plain.WriteString(text)
		if c.Marks != 0 && t.cols[j].Align != AlignRight && Sanitize(c.Text) == c.Text {
			t.writeMarked(&styled, text, c)
		} else {
			styled.WriteString(t.styles.codes.wrap(t.styles.codes.hint(c.Hint), text))
		}
	}
	if pad := width - used; pad > 0 {
		sp := strings.Repeat(" ", pad)
		plain.WriteString(sp)
		styled.WriteString(sp)
	}
	return cachedRow{plain: plain.String(), styled: styled.String()}
}

// writeRow adds the gutter (cursor and mark) and the row in its state style.
func (t *Table) writeRow(b *strings.Builder, i int, row cachedRow) {
	cursor := i == t.cursor
	marked := t.IsMarked(i)
	gutter := [2]string{" ", " "}
	if cursor {
		gutter[0] = "▸"
	}
	if marked {
		gutter[1] = "✓"
	}
	g := gutter[0] + gutter[1]
	codes := &t.styles.codes
	switch {
	case cursor:
		b.WriteString(codes.wrap(codes.selected, g+row.plain))
	case marked:
		b.WriteString(codes.wrap(codes.marked, g+row.plain))
	default:
		b.WriteString(g)
		b.WriteString(row.styled)
	}
}

// writeMarked writes a cell with its marked runes in the match style and
// the runs between them in the cell's hint colour.
func (t *Table) writeMarked(b *strings.Builder, text string, c Cell) {
	codes := &t.styles.codes
	base, mark := codes.hint(c.Hint), codes.tok[tokMatch]
	if mark == "" { // no colour: nothing to emphasise with
		b.WriteString(codes.wrap(base, text))
		return
	}
	runStart, i := 0, 0
	for off, r := range text {
		if i < 64 && c.Marks&(1<<i) != 0 {
			b.WriteString(codes.wrap(base, text[runStart:off]))
			end := off + utf8.RuneLen(r)
			b.WriteString(codes.wrap(mark, text[off:end]))
			runStart = end
		}
		i++
	}
	b.WriteString(codes.wrap(base, text[runStart:]))
}
