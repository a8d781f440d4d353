package ui

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// benchRows formats each row on demand, the way the message list's source
// will format sbsvc messages.
type benchRows struct {
	n    int
	base time.Time
}

func (r benchRows) Len() int { return r.n }
func (r benchRows) Row(i int) []Cell {
	return []Cell{
		{Text: strconv.Itoa(i + 1)},
		{Text: r.base.Add(time.Duration(i) * time.Second).Format("2006-01-02 15:04:05")},
		{Text: fmt.Sprintf("6f1c%08x-2b7e-4a8e-9d1f-%012x", i, i*7)},
		{Text: "order.created / 注文"},
		{Text: strconv.Itoa(i % 10)},
		{Text: strconv.Itoa(512+i%4096) + " B"},
		{Text: "application/json"},
		{Text: `{"orderId":` + strconv.Itoa(i) + `,"items":[{"sku":"ABC-1","qty":2}],"customer":"Zoë"}`, Hint: HintDim},
	}
}

func benchColumns() []Column {
	return []Column{
		{Title: "Seq", Width: 8, Align: AlignRight},
		{Title: "Enqueued", Width: 19},
		{Title: "Message ID", MinWidth: 12, Flex: 2},
		{Title: "Subject", MinWidth: 10, Flex: 1},
		{Title: "Dlv", Width: 3, Align: AlignRight},
		{Title: "Size", Width: 7, Align: AlignRight},
		{Title: "Content type", Width: 16},
		{Title: "Body", MinWidth: 10, Flex: 3},
	}
}

// BenchmarkTableRender pages through the table and renders each frame at
// 120×40 (every frame is a cold render of 39 new rows), at 1,000 and at
// 100,000 rows. The 100k case reports its cost relative to the 1k case as
// x-1k; the budget is ≤ 2 ms and ≤ 1.5×.
func BenchmarkTableRender(b *testing.B) {
	var perOp1k float64
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			tb := NewTable(NewStyles(true, false), benchColumns(), benchRows{n: n, base: time.Unix(1_700_000_000, 0)})
			tb.Render(120, 40)
			b.ReportAllocs()
			for b.Loop() {
				tb.PageDown()
				if tb.Cursor() == n-1 {
					tb.Top()
				}
				_ = tb.Render(120, 40)
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if n == 1_000 {
				perOp1k = perOp
			} else if perOp1k > 0 {
				b.ReportMetric(perOp/perOp1k, "x-1k")
			}
		})
	}
}

// BenchmarkCursorMove is one keypress: move the cursor by one row and
// render the frame (budget ≤ 2 ms).
func BenchmarkCursorMove(b *testing.B) {
	tb := NewTable(NewStyles(true, false), benchColumns(), benchRows{n: 100_000, base: time.Unix(1_700_000_000, 0)})
	tb.SetCursor(50_000)
	tb.Render(120, 40)
	b.ReportAllocs()
	down := true
	for b.Loop() {
		if down {
			tb.Down()
		} else {
			tb.Up()
		}
		if tb.Cursor()%200 == 0 {
			down = !down
		}
		_ = tb.Render(120, 40)
	}
}
