package ui

// Align places text inside a column.
type Align uint8

const (
	AlignLeft Align = iota
	AlignRight
)

// Column describes one table column. A column with Width > 0 is fixed; one
// with Width == 0 is flexible: it gets at least MinWidth (its title's width
// when MinWidth is 0) and a Flex-weighted share of the spare width.
type Column struct {
	Title    string
	Width    int
	MinWidth int
	Flex     int
	Align    Align
}

// Hint tells the table how to colour a cell; the text itself must carry the
// meaning too (NO_COLOR), e.g. DeadLetterCell prefixes a marker.
type Hint uint8

const (
	HintNone Hint = iota
	HintDim
	HintDeadLetter
	HintOK
	HintWarn
	HintError
)

// Cell is one untrusted value plus a colour hint. The table sanitises Text.
type Cell struct {
	Text string
	Hint Hint
	// Marks has bit i set to emphasise rune i of Text (the letters a
	// filter matched; the first 64 runes can be marked). They are drawn
	// only on rows other than the cursor's, and only when sanitising left
	// Text unchanged, so they always line up. A bit set keeps Cell
	// comparable.
	Marks uint64
}

// RowSource feeds the table. Row is only called for visible rows, so a
// source over 100,000 messages may format lazily.
type RowSource interface {
	Len() int
	Row(i int) []Cell
}

// StringRows adapts plain string rows to a RowSource.
type StringRows [][]string

func (r StringRows) Len() int { return len(r) }

func (r StringRows) Row(i int) []Cell {
	if i < 0 || i >= len(r) {
		return nil
	}
	cells := make([]Cell, len(r[i]))
	for j, t := range r[i] {
		cells[j] = Cell{Text: t}
	}
	return cells
}

// DeadLetterMarker prefixes dead-letter counts above zero so they stand out
// without colour as well.
const DeadLetterMarker = "● "

// DeadLetterCell formats a dead-letter count: above zero it carries the
// marker and the DeadLetter hint; zero is dimmed.
func DeadLetterCell(n int64) Cell {
	if n > 0 {
		return Cell{Text: DeadLetterMarker + FormatCount(n), Hint: HintDeadLetter}
	}
	return Cell{Text: FormatCount(n), Hint: HintDim}
}

const (
	gutterWidth = 2 // cursor marker + selection mark
	colSep      = " "
)

// layoutColumns decides each column's width for a total line width. When
// even the minimum widths do not fit, trailing columns get width 0 (hidden)
// and the last visible one takes what is left.
func layoutColumns(cols []Column, width int) []int {
	widths := make([]int, len(cols))
	avail := width - gutterWidth
	if avail <= 0 || len(cols) == 0 {
		return widths
	}
	base := func(c Column) int {
		if c.Width > 0 {
			return c.Width
		}
		if c.MinWidth > 0 {
			return c.MinWidth
		}
		return max(Width(c.Title), 1)
	}
	// Take columns left to right while their base widths fit.
	used, n := 0, 0
	for i, c := range cols {
		need := base(c)
		if i > 0 {
			need += len(colSep)
		}
		if used+need > avail {
			if i == 0 {
				widths[0] = avail
				return widths
			}
			break
		}
		widths[i] = base(c)
		used += need
		n++
	}
	spare := avail - used
	totalFlex := 0
	for _, c := range cols[:n] {
		if c.Width == 0 {
			totalFlex += max(c.Flex, 1)
		}
	}
	if totalFlex == 0 {
		if n < len(cols) {
			// Columns are hidden and none shown is flexible: the last
			// shown one takes the rest rather than leave a blank edge.
			widths[n-1] += spare
		}
		return widths // all fixed: the remainder stays blank
	}
	// The spare goes to the flexible columns shown, by weight (with some
	// columns hidden too: a fixed numeric column padded wide would read
	// as a gap in the middle of the row).
	lastFlex, given := -1, 0
	for i, c := range cols[:n] {
		if c.Width == 0 {
			share := spare * max(c.Flex, 1) / totalFlex
			widths[i] += share
			given += share
			lastFlex = i
		}
	}
	widths[lastFlex] += spare - given
	return widths
}
