package model

import (
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

func manyQueues(n int) *fakeConn {
	f := &fakeConn{msgs: map[sbsvc.SubQueue][]sbsvc.Message{}}
	for i := range n {
		name := "queue-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		f.listing.Queues = append(f.listing.Queues, sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: name,
			Ref: sbsvc.EntityRef{Queue: name}, CountsKnown: true, Status: "Active"})
	}
	return f
}

func TestMouseClickSelectsAndDoubleClickOpens(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	y := h.lineIndex("zeta-audit")
	if y < 0 {
		t.Fatalf("zeta-audit not on screen")
	}
	h.click(20, y)
	if e, _ := ev.selected(); e.Name != "zeta-audit" || h.depth() != 2 {
		t.Fatalf("a click selected %q (depth %d)", e.Name, h.depth())
	}
	// A second click long after is another single click.
	h.advance(2 * time.Second)
	h.click(20, y)
	if h.depth() != 2 {
		t.Fatalf("two slow clicks opened the row")
	}
	h.click(20, y)
	if h.depth() != 3 {
		t.Fatalf("a double click did not open the row (depth %d)", h.depth())
	}
	h.press("esc")
	// Clicks on the header, the summary or the status bar select nothing.
	before := ev.table.Cursor()
	for _, yy := range []int{0, 1, 2, 39} {
		h.click(5, yy)
	}
	if ev.table.Cursor() != before || h.depth() != 2 {
		t.Fatalf("a click outside the rows moved the cursor")
	}
}

func TestMouseWheelScrollsTheList(t *testing.T) {
	h, ev := openEntities(t, manyQueues(100), Options{})
	h.wheel(true, 10)
	h.wheel(true, 10)
	if ev.table.Cursor() != 2*wheelRows {
		t.Fatalf("two notches down: cursor %d", ev.table.Cursor())
	}
	h.wheel(false, 10)
	if ev.table.Cursor() != wheelRows {
		t.Fatalf("one notch up: cursor %d", ev.table.Cursor())
	}
	for range 40 {
		h.wheel(true, 10)
	}
	if !strings.Contains(h.screen(), "queue-dv") { // the 100th
		t.Fatalf("wheeling to the end did not scroll the last row into view")
	}
}

func TestMouseOnTheNamespacesView(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()), fakeTarget("beta", newFake()))
	y := h.lineIndex("beta")
	h.click(3, y)
	if h.app.ns.table.Cursor() != 1 {
		t.Fatalf("click did not select beta")
	}
	h.click(3, y)
	if h.depth() != 2 || h.app.ns.entered.target.Name != "beta" {
		t.Fatalf("double click did not open beta")
	}
}

func TestMouseIsIgnoredUnderHelpAndCanBeTurnedOff(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	if h.app.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatalf("mouse not enabled")
	}
	h.press("?")
	h.click(20, h.lineIndex("Navigation"))
	if ev.table.Cursor() != 0 {
		t.Fatalf("a click under the help moved the list")
	}
	off := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", newFake())}, NoMouse: true})
	if off.app.View().MouseMode != tea.MouseModeNone {
		t.Fatalf("NoMouse still captures the mouse")
	}
}

func TestTableRowAtMapsLines(t *testing.T) {
	h, ev := openEntities(t, manyQueues(100), Options{})
	h.press("G")
	first, _ := ev.table.VisibleRange()
	if got := ev.table.RowAt(1); got != first {
		t.Fatalf("RowAt(1) = %d, want the first visible row %d", got, first)
	}
	if ev.table.RowAt(0) != -1 || ev.table.RowAt(1000) != -1 {
		t.Fatalf("header or beyond the table mapped to a row")
	}
}

type rgb struct{ r, g, b uint8 }

func (c rgb) RGBA() (uint32, uint32, uint32, uint32) {
	return uint32(c.r) * 0x101, uint32(c.g) * 0x101, uint32(c.b) * 0x101, 0xffff
}

var _ color.Color = rgb{}

func TestBackgroundColourPicksLightOrDarkStyles(t *testing.T) {
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", treeFake())},
		Styles: ui.NewStyles(true, false)})
	h.press("enter")
	dark := h.screen()
	styles := h.app.sh.styles
	h.send(tea.BackgroundColorMsg{Color: rgb{250, 250, 250}})
	if h.app.sh.styles != styles {
		t.Fatalf("the styles pointer changed: views would keep the old one")
	}
	light := h.screen()
	if dark == light {
		t.Fatalf("a light background did not change the colours")
	}
	if h.app.sh.styles.DeadLetter.GetForeground() != ui.NewStyles(false, false).DeadLetter.GetForeground() {
		t.Fatalf("a light background did not get the light palette")
	}
	h.send(tea.BackgroundColorMsg{Color: rgb{10, 10, 10}})
	if h.screen() != dark {
		t.Fatalf("back to dark did not restore the dark frame")
	}
	if stripANSI(light) != stripANSI(dark) {
		t.Fatalf("the background changed the text, not only the colours")
	}
}

func TestNoColorStaysPlainWhateverTheBackground(t *testing.T) {
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", treeFake())},
		Styles: ui.NewStyles(true, ui.NoColorFromEnv(func(k string) string {
			if k == "NO_COLOR" {
				return "1"
			}
			return ""
		}))})
	h.press("enter")
	h.send(tea.BackgroundColorMsg{Color: rgb{255, 255, 255}})
	if s := h.screen(); strings.Contains(s, "\x1b[") {
		t.Fatalf("NO_COLOR output carries escape sequences")
	}
	h.mustSee("● 7", "[PEEK]")
}

func TestStatusBarShowsAgeModeAndViewHints(t *testing.T) {
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", treeFake())}, ReadOnly: true})
	h.mustSee("[PEEK]", "[READ-ONLY]", "a add namespace")
	h.press("enter")
	h.advance(3 * time.Second)
	bar := splitLines(h.screen())[39]
	for _, want := range []string{"alpha", "updated 3s ago", "enter open", "/ filter"} {
		if !strings.Contains(bar, want) {
			t.Fatalf("status bar lacks %q: %q", want, bar)
		}
	}
}

func TestDefaultTimersGoThroughTheProgram(t *testing.T) {
	app := New(Options{Targets: []Target{fakeTarget("alpha", newFake())}})
	if cmd := app.sh.after(time.Millisecond, func(time.Time) tea.Msg { return ageTickMsg{} }); cmd != nil {
		t.Fatalf("without a program a timer must not return a (sleeping) command")
	}
	got := make(chan tea.Msg, 1)
	app.SetProgram(func(m tea.Msg) { got <- m })
	if cmd := app.sh.after(10*time.Millisecond, func(time.Time) tea.Msg { return toastExpiredMsg{id: 7} }); cmd != nil {
		t.Fatalf("the timer returned a command")
	}
	select {
	case m := <-got:
		if m != (toastExpiredMsg{id: 7}) {
			t.Fatalf("delivered %#v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the timer never fired")
	}
}
