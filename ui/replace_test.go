package ui

import (
	"strings"
	"testing"
)

func TestTableRowAt(t *testing.T) {
	rows := make(StringRows, 50)
	for i := range rows {
		rows[i] = []string{strings.Repeat("x", i%5+1)}
	}
	tb := NewTable(NewStyles(true, true), []Column{{Title: "A", Flex: 1}}, rows)
	tb.Render(40, 11) // header + 10 rows
	if tb.RowAt(0) != -1 {
		t.Fatalf("the header maps to a row")
	}
	if tb.RowAt(1) != 0 || tb.RowAt(10) != 9 || tb.RowAt(11) != -1 || tb.RowAt(-3) != -1 {
		t.Fatalf("RowAt at the top: %d %d %d", tb.RowAt(1), tb.RowAt(10), tb.RowAt(11))
	}
	tb.SetCursor(30)
	tb.Render(40, 11)
	first, _ := tb.VisibleRange()
	if tb.RowAt(1) != first || tb.RowAt(10) != first+9 {
		t.Fatalf("RowAt after scrolling: %d, first %d", tb.RowAt(1), first)
	}
	short := NewTable(nil, []Column{{Title: "A", Flex: 1}}, rows[:3])
	short.Render(40, 11)
	if short.RowAt(3) != 2 || short.RowAt(4) != -1 {
		t.Fatalf("blank lines below the last row map to rows")
	}
}

func TestStylesReplaceRecoloursCachedTables(t *testing.T) {
	st := NewStyles(true, false)
	tb := NewTable(st, []Column{{Title: "N", Flex: 1}}, StringRows{{"a"}, {"b"}})
	dark := tb.Render(30, 3)
	st.Replace(NewStyles(false, false))
	light := tb.Render(30, 3)
	if light == dark {
		t.Fatalf("the table kept its dark rendering after Replace")
	}
	if want := NewTable(NewStyles(false, false), []Column{{Title: "N", Flex: 1}}, StringRows{{"a"}, {"b"}}).Render(30, 3); light != want {
		t.Fatalf("after Replace the table differs from one built light:\n%q\n%q", light, want)
	}
	st.Replace(NewStyles(true, true))
	if plain := tb.Render(30, 3); strings.Contains(plain, "\x1b") || !st.NoColor {
		t.Fatalf("Replace with NO_COLOR styles still colours: %q", plain)
	}
	st.Replace(nil)
	st.Replace(st)
	if !st.NoColor {
		t.Fatalf("a no-op Replace changed the styles")
	}
}

func TestStatusBarFitsHintsInOrder(t *testing.T) {
	st := NewStyles(true, true)
	bar := StatusBar{Left: []string{"alpha"}, Hints: []string{"enter open", "/ filter", "x only with dead letters"}}
	wide := bar.Render(st, 80)
	if !strings.Contains(wide, "enter open  / filter  x only with dead letters") {
		t.Fatalf("all hints should fit at 80: %q", wide)
	}
	narrow := bar.Render(st, 30)
	if !strings.Contains(narrow, "enter open  / filter") || strings.Contains(narrow, "only") || Width(narrow) != 30 {
		t.Fatalf("at 30 cells the first hints should stay and the last go: %q", narrow)
	}
	if got := bar.Render(st, 12); Width(got) != 12 || !strings.HasPrefix(got, "alpha") {
		t.Fatalf("with no room for hints the left text stays: %q", got)
	}
}

func TestTableMarksMatchedLetters(t *testing.T) {
	st := NewStyles(true, false)
	src := rowsWithMarks{{Text: "orders-dlq", Marks: 1<<0 | 1<<1 | 1<<7}, {Text: "billing"}}
	tb := NewTable(st, []Column{{Title: "N", Flex: 1}}, src)
	tb.SetCursor(1) // marks show on rows other than the cursor's
	out := tb.Render(30, 3)
	match := st.codes.tok[tokMatch]
	if got := strings.Count(out, match); got != 3 {
		t.Fatalf("%d marked spans, want one per marked letter (3):\n%q", got, out)
	}
	if !strings.Contains(out, match+"o"+sgrReset) || !strings.Contains(out, match+"d"+sgrReset) {
		t.Fatalf("the marked letters are not wrapped in the match style: %q", out)
	}
	plain := NewTable(NewStyles(true, true), []Column{{Title: "N", Flex: 1}}, src)
	plain.SetCursor(1)
	if p := plain.Render(30, 3); strings.Contains(p, "\x1b") || !strings.Contains(p, "orders-dlq") {
		t.Fatalf("NO_COLOR: marks must leave the text plain: %q", p)
	}
	// Text that sanitising changes is drawn unmarked (positions would lie).
	dirty := NewTable(st, []Column{{Title: "N", Flex: 1}}, rowsWithMarks{{Text: "a\x1bb", Marks: 1}, {Text: "x"}})
	dirty.SetCursor(1)
	if strings.Contains(dirty.Render(30, 3), match) {
		t.Fatalf("marks drawn on sanitised text")
	}
}

type rowsWithMarks []Cell

func (r rowsWithMarks) Len() int         { return len(r) }
func (r rowsWithMarks) Row(i int) []Cell { return []Cell{r[i]} }
