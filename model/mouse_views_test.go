package model

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// doubleClick clicks twice at (x, y) within the double-click window.
func (h *harness) doubleClick(x, y int) {
	h.click(x, y)
	h.click(x, y)
}

// Tabs are clickable; the wheel moves the cursor; a click selects a row
// and a second click on it opens the message.
func TestMouseOnTheMessagesView(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	x := strings.Index(h.screenLine("Dead-letter"), "Dead-letter")
	h.click(x+2, 1) // the tab bar is the first line under the breadcrumbs
	if mv.cur != 1 || len(mv.tab().msgs) != 30 {
		t.Fatalf("a click on the dead-letter tab: tab %d, %d loaded", mv.cur, len(mv.tab().msgs))
	}
	h.click(1, 1) // back on "Active"
	if mv.cur != 0 {
		t.Fatalf("a click on the active tab left tab %d", mv.cur)
	}
	h.click(x+2, 1)
	h.wheel(true, 10)
	h.wheel(true, 10)
	if c := mv.table.Cursor(); c != 2*wheelRows {
		t.Fatalf("two notches: cursor %d", c)
	}
	h.wheel(false, 10)
	if c := mv.table.Cursor(); c != wheelRows {
		t.Fatalf("a notch up: cursor %d", c)
	}
	y := h.lineIndex("D-010")
	h.click(20, y)
	if m, _ := mv.cursorMessage(); m.MessageID != "D-010" || h.depth() != 3 {
		t.Fatalf("a click selected %q (depth %d)", m.MessageID, h.depth())
	}
	h.click(20, y)
	dv, ok := h.app.top().(*detailView)
	if !ok || dv.msg.MessageID != "D-010" {
		t.Fatalf("a double click opened %T", h.app.top())
	}
}

// In the reason summary a double click filters to the group, like Enter.
func TestMouseOnTheReasonSummary(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.press("tab", "v")
	y := h.lineIndex("bad xml")
	h.doubleClick(20, y)
	if mv.tab().summary != nil {
		t.Fatal("a double click left the summary open")
	}
	h.mustSee("10 of 30 match", "reason: Poison · bad xml")
}

// On the sessions list a double click browses the session.
func TestMouseOnTheSessionsList(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newSessionFake()))
	mv := messagesOf(t, h)
	h.doubleClick(3, h.lineIndex("s-two"))
	if mv.session != "s-two" {
		t.Fatalf("a double click did not enter s-two (session %q)", mv.session)
	}
	h.mustSee("two-a", "two-b")
}

// The wheel scrolls the detail page; in the property picker a double
// click copies the value under the pointer.
func TestMouseOnTheDetailView(t *testing.T) {
	h, dv := openDetail(t)
	h.wheel(true, 10)
	if dv.headerTop != wheelRows {
		t.Fatalf("a notch down scrolled %d lines", dv.headerTop)
	}
	h.wheel(false, 10)
	if dv.headerTop != 0 {
		t.Fatalf("a notch up left %d lines scrolled", dv.headerTop)
	}
	h.press("Y")
	y := h.lineIndex("corr-9")
	h.doubleClick(20, y)
	if dv.picker != nil || !strings.Contains(h.toastText(), "copied correlation id") {
		t.Fatalf("a double click in the picker: open %v, toast %q", dv.picker != nil, h.toastText())
	}
}

// The locked view's rows take the wheel and clicks; a double click opens
// the detail, which the wheel scrolls (its countdown line shifts clicks).
func TestMouseOnTheLockedView(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{LockDuration: 30 * time.Second}, 3)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 3})
	v, ok := e.h.app.top().(*lockedView)
	if !ok {
		t.Fatalf("top is %T", e.h.app.top())
	}
	y := e.h.lineIndex("m-2")
	e.h.click(12, y)
	if v.table.Cursor() != 2 {
		t.Fatalf("a click on m-2 put the cursor on %d", v.table.Cursor())
	}
	e.h.wheel(false, y)
	if v.table.Cursor() != 0 {
		t.Fatalf("a notch up: cursor %d", v.table.Cursor())
	}
	y = e.h.lineIndex("m-1")
	e.h.doubleClick(12, y)
	d, ok := e.h.app.top().(*lockedDetail)
	if !ok || d.msg.MessageID != "m-1" {
		t.Fatalf("a double click opened %T", e.h.app.top())
	}
	e.h.wheel(true, 10)
	if d.headerTop != wheelRows {
		t.Fatalf("the wheel scrolled the locked detail %d lines", d.headerTop)
	}
	e.h.press("esc") // back to the list
	// The leave question is drawn where the rows were: clicks there do
	// nothing.
	e.h.press("esc")
	if v.mode != modeAskLeave {
		t.Fatalf("esc with locks held: mode %d", v.mode)
	}
	e.h.click(12, e.h.lineIndex("abandon them all"))
	if v.mode != modeAskLeave || e.h.app.top() != view(v) {
		t.Fatal("a click answered the leave question")
	}
	e.h.press("a")
}

// A finished job's summary taller than the screen scrolls with the wheel
// (and j/k/pgup/pgdown/g/G); a click on its closing line closes it.
func TestMouseOnTheBulkView(t *testing.T) {
	h := newHarness(t)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 16})
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("line %02d", i))
	}
	bv, cmd := newBulkView(h.app.sh, bulkJob{title: "long", crumb: "long", total: 1,
		run: func(_ context.Context, c *bulkCounter) bulkSummary {
			c.done.Add(1)
			return bulkSummary{lines: lines, toast: "done"}
		}})
	h.run(h.app.navigate(h.app.top(), &navigation{push: bv}))
	h.run(cmd)
	h.advance(toastFor) // the "done" toast would cover the last lines
	h.mustSee("line 00")
	h.mustNotSee("enter or esc to close")
	for range 10 {
		h.wheel(true, 5)
	}
	h.mustSee("line 29", "enter or esc to close")
	h.mustNotSee("line 00")
	h.press("pgup", "pgup")
	h.mustSee("line 00")
	h.press("j", "j", "j", "j", "j")
	h.mustNotSee("line 00")
	h.press("k")
	h.mustSee("line 00")
	h.press("G")
	h.mustSee("line 29")
	depth := h.depth()
	h.click(3, h.lineIndex("line 29"))
	if h.depth() != depth {
		t.Fatal("a click on a summary line closed the view")
	}
	h.click(3, h.lineIndex("enter or esc to close"))
	if h.depth() != depth-1 {
		t.Fatal("a click on the closing line did not close the view")
	}
}

// On a narrow terminal the tabs get short names; clicks follow them.
func TestMouseOnShortTabNames(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	bar := h.screenLine("[Active]")
	if !strings.Contains(bar, " DLQ ") || strings.Contains(bar, "Dead-letter") {
		t.Fatalf("the narrow tab bar: %q", bar)
	}
	h.click(strings.Index(bar, "Transfer DLQ")+1, 1)
	if mv.cur != 2 {
		t.Fatalf("a click on Transfer DLQ chose tab %d", mv.cur)
	}
	h.click(strings.Index(h.screenLine("Transfer DLQ"), "DLQ")+1, 1)
	if mv.cur != 1 {
		t.Fatalf("a click on DLQ chose tab %d", mv.cur)
	}
}
