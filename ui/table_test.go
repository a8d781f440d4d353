package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func demoColumns() []Column {
	return []Column{
		{Title: "Seq", Width: 6, Align: AlignRight},
		{Title: "Message ID", MinWidth: 10, Flex: 2},
		{Title: "Subject", MinWidth: 8, Flex: 1},
		{Title: "DLQ", Width: 7, Align: AlignRight},
	}
}

type demoRows struct{ n int }

func (d demoRows) Len() int { return d.n }
func (d demoRows) Row(i int) []Cell {
	return []Cell{
		{Text: fmt.Sprint(i + 1)},
		{Text: fmt.Sprintf("msg-%08d-aaaa-bbbb-cccc", i)},
		{Text: "order.created"},
		DeadLetterCell(int64(i % 3)),
	}
}

func TestTableGolden(t *testing.T) {
	tb := NewTable(plainStyles(), demoColumns(), demoRows{n: 50})
	tb.SetSort(0, true)
	tb.SetCursor(3)
	tb.Mark(2, true)
	tb.Mark(3, true)
	golden(t, "table_60x8", tb.Render(60, 8))
	tb.Bottom()
	golden(t, "table_60x8_bottom", tb.Render(60, 8))
}

func TestTableEmptyAndTiny(t *testing.T) {
	tb := NewTable(plainStyles(), demoColumns(), nil)
	out := tb.Render(40, 3)
	if !strings.Contains(out, "no rows") {
		t.Fatalf("empty table should say so: %q", out)
	}
	if got := strings.Count(out, "\n") + 1; got != 3 {
		t.Fatalf("want 3 lines, got %d", got)
	}
	// Degenerate sizes must not panic and must respect the width.
	tb.SetSource(demoRows{n: 5})
	for _, w := range []int{0, 1, 2, 3, 5, 9} {
		for _, h := range []int{0, 1, 2} {
			for _, line := range strings.Split(tb.Render(w, h), "\n") {
				if lw := ansi.StringWidth(line); lw > max(w, 0) {
					t.Fatalf("w=%d h=%d: line %q is %d wide", w, h, line, lw)
				}
			}
		}
	}
}

// Names in any script must keep every column in place.
func TestTableAlignmentUnicode(t *testing.T) {
	rows := StringRows{
		{"1", "注文キュー処理待ちメッセージ", "x", "0"},
		{"2", "👩‍💻 dev 🚀🚀🚀🚀🚀🚀🚀🚀", "y", "1"},
		{"3", "cafe\u0301 e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", "z", "2"},
		{"4", "Ελληνικά και русский текст", "🇯🇵", "3"},
		{"5", "שלום עולם مرحبا", "ab", "4"},
		{"6", "plain ascii", "", ""},
	}
	cols := []Column{
		{Title: "#", Width: 3, Align: AlignRight},
		{Title: "Name", Width: 13},
		{Title: "S", Width: 4},
		{Title: "N", Width: 3, Align: AlignRight},
	}
	tb := NewTable(plainStyles(), cols, rows)
	tb.SetCursor(99) // clamps to the last row
	const width = 30
	out := tb.Render(width, len(rows)+1)
	lines := strings.Split(out, "\n")
	if len(lines) != len(rows)+1 {
		t.Fatalf("want %d lines, got %d", len(rows)+1, len(lines))
	}
	// Column starts: gutter 2, then widths 3,13,4,3 separated by one space.
	starts := []int{2, 6, 20, 25}
	for li, line := range lines {
		if w := ansi.StringWidth(line); w != width {
			t.Errorf("line %d %q is %d cells, want %d", li, line, w, width)
		}
		if li == 0 {
			continue
		}
		for j, s := range starts {
			cell := ansi.Cut(line, s, s+cols[j].Width)
			if w := ansi.StringWidth(cell); w != cols[j].Width {
				t.Errorf("row %d col %d: %q is %d cells", li, j, cell, w)
			}
			if j > 0 && ansi.Cut(line, s-1, s) != " " {
				t.Errorf("row %d: separator before col %d moved: %q", li, j, line)
			}
		}
	}
	if !strings.Contains(lines[1], "注文キュー処…") {
		t.Errorf("CJK name not cut with an ellipsis at a character boundary: %q", lines[1])
	}
	if !strings.HasPrefix(lines[len(lines)-1], "▸") {
		t.Errorf("cursor marker missing on the last row: %q", lines[len(lines)-1])
	}
}

func TestTableSanitisesCells(t *testing.T) {
	rows := StringRows{{"\x1b[2Jboom", "\x1b]52;c;SGVsbG8=\x07", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "\u009b31m\u202Eevil"}}
	cols := []Column{{Title: "a", Width: 10}, {Title: "b", Width: 20}, {Title: "c", Width: 30}, {Title: "d", Width: 10}}
	for _, dark := range []bool{true, false} {
		tb := NewTable(NewStyles(dark, false), cols, rows)
		tb.SetCursor(5) // also checks the cursor row path
		out := tb.Render(80, 2)
		body := ansi.Strip(out) // our own styling is stripped; injected bytes would remain
		if hasEscape(body) {
			t.Fatalf("escape survived sanitising: %q", body)
		}
		if !strings.Contains(body, "␛[2Jboom") {
			t.Fatalf("ESC not shown as a picture: %q", body)
		}
	}
}

func TestTableCursorHelpers(t *testing.T) {
	tb := NewTable(plainStyles(), demoColumns(), demoRows{n: 100})
	tb.Render(60, 11) // body height 10
	tb.Down()
	tb.Down()
	if tb.Cursor() != 2 || tb.Offset() != 0 {
		t.Fatalf("cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	tb.PageDown()
	if tb.Cursor() != 12 || tb.Offset() != 3 {
		t.Fatalf("after PageDown cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	tb.Bottom()
	if tb.Cursor() != 99 || tb.Offset() != 90 {
		t.Fatalf("after Bottom cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	if first, end := tb.VisibleRange(); first != 90 || end != 100 {
		t.Fatalf("visible range %d..%d", first, end)
	}
	tb.PageUp()
	if tb.Cursor() != 89 || tb.Offset() != 89 {
		t.Fatalf("after PageUp cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	tb.Top()
	tb.Up()
	if tb.Cursor() != 0 || tb.Offset() != 0 {
		t.Fatalf("after Top+Up cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	// Shrinking the data keeps the cursor in range.
	tb.Bottom()
	tb.SetSource(demoRows{n: 5})
	if tb.Cursor() != 4 || tb.Offset() != 0 {
		t.Fatalf("after shrink cursor %d offset %d", tb.Cursor(), tb.Offset())
	}
	// A resize keeps the cursor visible.
	tb.SetSource(demoRows{n: 100})
	tb.SetCursor(50)
	tb.Render(60, 4)
	if c, o := tb.Cursor(), tb.Offset(); c < o || c >= o+3 {
		t.Fatalf("cursor %d not visible from offset %d", c, o)
	}
}

func TestTableMarks(t *testing.T) {
	tb := NewTable(plainStyles(), demoColumns(), demoRows{n: 10})
	tb.MarkRange(7, 5)
	tb.ToggleMark(6)
	tb.ToggleMark(1)
	tb.Mark(99, true) // out of range: ignored
	if got := fmt.Sprint(tb.Marked()); got != "[1 5 7]" {
		t.Fatalf("marked %s", got)
	}
	out := tb.Render(60, 11)
	if n := strings.Count(out, "✓"); n != 3 {
		t.Fatalf("want 3 marks drawn, got %d", n)
	}
	tb.SetSource(demoRows{n: 6}) // row 7 no longer exists
	if got := fmt.Sprint(tb.Marked()); got != "[1 5]" {
		t.Fatalf("marks after shrink %s", got)
	}
	tb.ClearMarks()
	if len(tb.Marked()) != 0 {
		t.Fatal("marks not cleared")
	}
}

// countingRows records which rows the table asked for.
type countingRows struct {
	n     int
	asked map[int]int
}

func (c *countingRows) Len() int { return c.n }
func (c *countingRows) Row(i int) []Cell {
	c.asked[i]++
	return []Cell{{Text: fmt.Sprint(i)}}
}

func TestTableRendersOnlyVisibleRowsAndCaches(t *testing.T) {
	src := &countingRows{n: 1_000_000, asked: map[int]int{}}
	tb := NewTable(plainStyles(), []Column{{Title: "n", MinWidth: 5}}, src)
	tb.SetCursor(500_000)
	tb.Render(40, 21)
	if len(src.asked) != 20 {
		t.Fatalf("asked for %d rows, want the 20 visible", len(src.asked))
	}
	tb.Down()
	tb.Render(40, 21)
	if len(src.asked) != 20 {
		t.Fatalf("a cursor move inside the window re-fetched rows: %d", len(src.asked))
	}
	for i, n := range src.asked {
		if n != 1 {
			t.Fatalf("row %d fetched %d times", i, n)
		}
	}
	tb.Render(50, 21) // width change drops the cache
	for i, n := range src.asked {
		if n != 2 {
			t.Fatalf("row %d fetched %d times after a resize", i, n)
		}
	}
}

func TestLayoutColumns(t *testing.T) {
	cols := demoColumns()
	cases := []struct {
		width int
		want  string
	}{
		{60, "[6 26 16 7]"}, // avail 58 - 3 seps - 13 fixed - 18 min = 24 spare: 16/8
		{40, "[6 12 10 7]"}, // spare 4: 2 and 1, the rounding remainder to the last flex column
		{25, "[6 16 0 0]"},  // only two columns fit; the flexible one shown takes the rest
		{5, "[3 0 0 0]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(layoutColumns(cols, c.width)); got != c.want {
			t.Errorf("width %d: %s, want %s", c.width, got, c.want)
		}
	}
}

// With trailing columns hidden, the spare width goes to a flexible column
// still shown, not to a fixed one (a right-aligned size column padded wide
// reads as a hole in the row).
func TestLayoutColumnsHiddenSpareGoesToFlex(t *testing.T) {
	cols := []Column{
		{Title: "SEQ", Width: 6},
		{Title: "ID", MinWidth: 10, Flex: 2},
		{Title: "DLV", Width: 3},
		{Title: "SIZE", Width: 8},
		{Title: "PREVIEW", MinWidth: 30, Flex: 4},
	}
	// avail 38: 6+1+10+1+3+1+8 = 30 fits, PREVIEW (31) does not: spare 8 → ID.
	if got := fmt.Sprint(layoutColumns(cols, 40)); got != "[6 18 3 8 0]" {
		t.Fatalf("got %s", got)
	}
	fixed := []Column{{Title: "A", Width: 4}, {Title: "B", Width: 4}, {Title: "C", Width: 40}}
	if got := fmt.Sprint(layoutColumns(fixed, 20)); got != "[4 13 0]" {
		t.Fatalf("all fixed, one hidden: got %s", got)
	}
}
