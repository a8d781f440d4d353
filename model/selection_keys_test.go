package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

func TestSelectionKeys(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.press("tab")
	tab := mv.tab()

	h.pressAll("space")
	if !slices.Equal(tab.selectedSeqs(), []int64{100}) {
		t.Fatalf("space: %v", tab.selectedSeqs())
	}
	h.mustSee("1 selected", selectedMarker)
	h.pressAll("space") // toggles off
	if len(tab.selected) != 0 {
		t.Fatalf("space again: %v", tab.selectedSeqs())
	}
	h.mustNotSee("selected")

	h.pressAll("shift+down", "shift+down") // rows 0..2
	if !slices.Equal(tab.selectedSeqs(), []int64{100, 101, 102}) || mv.table.Cursor() != 2 {
		t.Fatalf("shift+down twice: %v, cursor %d", tab.selectedSeqs(), mv.table.Cursor())
	}
	h.mustSee("3 selected")
	h.press("j", "j", "j")
	h.pressAll("shift+up") // rows 5 and 4
	if !slices.Equal(tab.selectedSeqs(), []int64{100, 101, 102, 104, 105}) {
		t.Fatalf("shift+up: %v", tab.selectedSeqs())
	}
	// The marker sits in the first column of exactly the selected rows.
	marked := 0
	for _, l := range splitLines(stripANSI(h.screen())) {
		if strings.HasPrefix(strings.TrimLeft(l, " ▸"), selectedMarker) {
			marked++
		}
	}
	if marked != 5 {
		t.Fatalf("%d rows carry the marker, want 5:\n%s", marked, h.screen())
	}

	// The selection survives a reload: rows come back with their numbers.
	h.press("r")
	if len(tab.selected) != 5 && len(mv.tab().selected) != 5 {
		t.Fatalf("reload dropped the selection")
	}
	h.mustSee("5 selected")

	// Esc clears the selection before it leaves.
	h.press("esc")
	if len(mv.tab().selected) != 0 || h.depth() != 3 {
		t.Fatalf("esc: %d selected, depth %d", len(mv.tab().selected), h.depth())
	}
	h.press("esc")
	if h.depth() != 2 {
		t.Fatalf("the second esc did not leave")
	}
}

// ctrl+a selects what the filter shows; again, it clears them.
func TestSelectAllFollowsTheFilter(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.press("tab", "/")
	h.typeText("timeout")
	h.press("enter")
	h.pressAll("ctrl+a")
	if len(mv.tab().selected) != 5 {
		t.Fatalf("ctrl+a under a filter selected %d, want the 5 shown", len(mv.tab().selected))
	}
	for _, m := range mv.tab().selectedMessages() {
		if m.DeadLetterReason != "Timeout" {
			t.Fatalf("selected %s with reason %q", m.MessageID, m.DeadLetterReason)
		}
	}
	h.mustSee("5 of 30 match", "5 selected")
	h.pressAll("ctrl+a")
	if len(mv.tab().selected) != 0 {
		t.Fatalf("ctrl+a again kept %d", len(mv.tab().selected))
	}
}

// A reload after the selected messages were removed (resubmitted,
// deleted) forgets them once the tab is loaded to its end.
func TestSelectionPrunedWhenRowsGo(t *testing.T) {
	f := triageFake(6)
	h := newHarness(t, fakeTarget("alpha", f))
	mv := messagesOf(t, h)
	h.press("tab")
	h.pressAll("space", "j", "space")
	// With a filter on, a reload peeks one page and waits for the user.
	h.press("/")
	h.typeText("D-")
	h.press("enter")
	f.msgs[sbsvc.DeadLetter] = f.msgs[sbsvc.DeadLetter][1:]
	h.send(entityChangedMsg{Path: "orders"})
	// The first page (short, so not known to be the last) already passed
	// #100 without finding it.
	if !slices.Equal(mv.tab().selectedSeqs(), []int64{101}) || mv.tab().end {
		t.Fatalf("after the reload: %v (end %v), want [101] before the end", mv.tab().selectedSeqs(), mv.tab().end)
	}
	h.mustSee("1 selected")
	if n := len(mv.tab().msgs); n != 5 {
		t.Fatalf("entityChangedMsg did not reload the tab: %d rows", n)
	}
	// A selected number beyond what is loaded is kept until the end shows
	// it is gone.
	mv.tab().selected[999] = struct{}{}
	h.press("r")
	if _, ok := mv.tab().selected[999]; !ok {
		t.Fatalf("a number past the loaded rows was dropped before the end")
	}
	for !mv.tab().end {
		h.press("G")
	}
	if !slices.Equal(mv.tab().selectedSeqs(), []int64{101}) {
		t.Fatalf("at the end: %v, want [101]", mv.tab().selectedSeqs())
	}
	h.send(entityChangedMsg{Path: "events/Subscriptions/all"}) // not ours
	if n := len(mv.tab().msgs); n != 5 {
		t.Fatalf("another entity's change touched the rows")
	}
}

// Each write key builds the request the actions expect.
func TestActionRequests(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	check := func(name string, kind actionKind, ok func(actionRequest) bool) {
		t.Helper()
		req, refuse := mv.buildRequest(kind)
		if refuse != nil {
			t.Fatalf("%s refused: %v", name, runCmd(refuse))
		}
		if req.conn == nil || req.nsName != "fake" || req.entity.Name != "orders" || req.origin != mv.vid || req.sub != mv.tab().sub {
			t.Fatalf("%s: context missing: %+v", name, req)
		}
		if !ok(req) {
			t.Fatalf("%s: request %+v", name, req)
		}
	}
	refused := func(name string, kind actionKind, want string) {
		t.Helper()
		_, refuse := mv.buildRequest(kind)
		tm, ok := toastOf(runCmd(refuse))
		if !ok || !strings.Contains(tm.text, want) {
			t.Fatalf("%s: want a toast with %q, got %v", name, want, tm)
		}
	}
	// Active tab, nothing selected, cursor on A-1.
	check("lock asks how many", actLock, func(r actionRequest) bool { return len(r.seqs) == 0 && r.count == 0 })
	refused("resubmit from active", actResubmit, "dead-letter tab")
	check("delete cursor", actDelete, func(r actionRequest) bool { return slices.Equal(r.seqs, []int64{1}) && len(r.messages) == 1 })
	check("purge", actPurge, func(r actionRequest) bool { return r.all && len(r.seqs) == 0 })
	check("export all", actExport, func(r actionRequest) bool { return r.all })
	check("send", actSend, func(r actionRequest) bool { return r.kind == actSend && r.template == nil })
	check("send from template", actSendTemplate, func(r actionRequest) bool {
		return r.kind == actSend && r.template != nil && r.template.MessageID == "A-1"
	})
	refused("cancel unscheduled", actCancelScheduled, "scheduled")
	refused("accept session", actAcceptSession, "does not use sessions")
	h.press("j") // the scheduled A-2
	check("cancel scheduled", actCancelScheduled, func(r actionRequest) bool { return slices.Equal(r.seqs, []int64{2}) })
	h.pressAll("space", "j", "space") // selected
	check("lock selected", actLock, func(r actionRequest) bool { return slices.Equal(r.seqs, []int64{2, 3}) && len(r.messages) == 2 })
	check("cancel only the scheduled of the selection", actCancelScheduled, func(r actionRequest) bool { return slices.Equal(r.seqs, []int64{2}) })
	check("export selected", actExport, func(r actionRequest) bool { return !r.all && slices.Equal(r.seqs, []int64{2, 3}) })
	check("delete selected", actDelete, func(r actionRequest) bool { return slices.Equal(r.seqs, []int64{2, 3}) })

	h.press("tab") // the DLQ: its own (empty) selection
	check("resubmit all", actResubmit, func(r actionRequest) bool { return r.all && r.group == nil && r.sub == sbsvc.DeadLetter })
	check("edit resubmit cursor", actEditResubmit, func(r actionRequest) bool {
		return len(r.messages) == 1 && r.messages[0].MessageID == "D-000"
	})
	h.pressAll("space", "j", "space")
	check("resubmit selected", actResubmit, func(r actionRequest) bool {
		return !r.all && slices.Equal(r.seqs, []int64{100, 101}) && len(r.messages) == 2
	})
}

// The write keys reach startAction (the fake cannot write, and says so),
// are refused in read-only mode, and are not in the status-bar hints.
func TestActionKeysRefusedReadOnlyAndHidden(t *testing.T) {
	for _, ro := range []bool{false, true} {
		h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", triageFake(3))}, ReadOnly: ro})
		mv := messagesOf(t, h)
		for _, k := range []string{"l", "D", "P", "X", "n", "N"} {
			h.press(k)
			want := "cannot write"
			if ro && k != "X" { // export only peeks: read-only mode offers it
				want = "read-only"
			}
			if !strings.Contains(h.toastText(), want) || h.app.top() != mv {
				t.Fatalf("read-only=%v %s: toast %q, top %T", ro, k, h.toastText(), h.app.top())
			}
		}
		bar := splitLines(h.screen())
		status := bar[len(bar)-1]
		for _, hidden := range []string{"peek-lock", "delete", "purge", "export", "resubmit"} {
			if strings.Contains(status, hidden) {
				t.Fatalf("the hints offer %q: %s", hidden, status)
			}
		}
	}
}
