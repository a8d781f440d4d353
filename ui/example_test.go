package ui_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/ui"
)

// show prints a frame with its trailing spaces trimmed and a bar marking
// each line's start, so leading spaces survive the example's comparison.
func show(frame string) {
	for _, l := range strings.Split(frame, "\n") {
		fmt.Println("|" + strings.TrimRight(l, " "))
	}
}

// The message list: a row source formats only the rows the table asks for.
func ExampleTable() {
	styles := ui.NewStyles(true, true) // dark background, NO_COLOR
	cols := []ui.Column{
		{Title: "Seq", Width: 4, Align: ui.AlignRight},
		{Title: "Subject", MinWidth: 8, Flex: 1},
		{Title: "DLQ", Width: 5, Align: ui.AlignRight},
	}
	rows := ui.StringRows{{"1", "order.created", "0"}, {"2", "注文 \x1b[2J", "3"}}
	t := ui.NewTable(styles, cols, rows)
	t.Down()
	show(t.Render(30, 3))
	// Output:
	// |   Seq Subject             DLQ
	// |     1 order.created         0
	// |▸    2 注文 ␛[2J             3
}

// The detail view's body: search, then ask where the hit is.
func ExampleBodyView() {
	v := ui.NewBodyView(ui.NewStyles(true, true))
	v.SetContent("{\n  \"orderId\": 4711,\n  \"status\": \"failed\"\n}", ui.KindJSON)
	v.SetLineNumbers(true)
	v.SetQuery("failed")
	show(v.Render(30, 4))
	fmt.Println(v.PositionText())
	// Output:
	// |1 {
	// |2   "orderId": 4711,
	// |3   "status": "failed"
	// |4 }
	// line 1/4 · match 1/1 at 3:14
}

func ExampleStyles_ProgressBar() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := ui.Progress{Done: 4200, Total: 10000, Started: start, Now: start.Add(4 * time.Second)}
	fmt.Println(ui.NewStyles(true, true).ProgressBar(p, 50))
	// Output: ██████░░░░░░░░░░ 4,200/10,000 · 1,050/s · ETA 0:06
}
