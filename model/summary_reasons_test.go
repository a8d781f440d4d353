package model

import (
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

// triageFake(30): Poison/bad json 15, Poison/bad xml 10, Timeout 5.
func TestSummaryGroupsByReasonAndDescription(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.press("v")
	if mv.tab().summary != nil || !strings.Contains(h.toastText(), "dead-letter tabs") {
		t.Fatalf("v on the active tab: summary %v, toast %q", mv.tab().summary != nil, h.toastText())
	}
	h.press("tab", "v")
	h.advance(toastFor)
	h.mustSee("COUNT", "REASON", "DESCRIPTION", "All 30 messages loaded")
	s := mv.tab().summary
	want := []reasonRow{{groupKey{"Poison", "bad json"}, 15}, {groupKey{"Poison", "bad xml"}, 10}, {groupKey{"Timeout", ""}, 5}}
	if len(s.rows) != len(want) {
		t.Fatalf("groups %+v", s.rows)
	}
	for i := range want {
		if s.rows[i] != want[i] {
			t.Fatalf("group %d = %+v, want %+v (biggest first)", i, s.rows[i], want[i])
		}
	}
	// Enter on the second group filters the list to it.
	h.press("j", "enter")
	if mv.tab().summary != nil {
		t.Fatalf("enter left the summary open")
	}
	h.mustSee("10 of 30 match", "reason: Poison · bad xml")
	for _, id := range shownIDs(mv) {
		m := mv.tab().msgs[indexOf(mv, id)]
		if m.DeadLetterDescription != "bad xml" {
			t.Fatalf("%s (%s) shows under the bad xml group", id, m.DeadLetterDescription)
		}
	}
	// A text filter on top of the group keeps the group.
	h.press("/")
	h.typeText("D-01")
	h.press("enter")
	for _, id := range shownIDs(mv) {
		if !strings.HasPrefix(id, "D-01") || mv.tab().msgs[indexOf(mv, id)].DeadLetterDescription != "bad xml" {
			t.Fatalf("%s passes group + text filter", id)
		}
	}
	h.press("esc") // the whole filter (group too) goes
	if mv.tab().filter.active() || len(shownIDs(mv)) != 30 {
		t.Fatalf("esc kept %+v", mv.tab().filter)
	}
	h.press("v", "v") // v toggles the summary closed again
	if mv.tab().summary != nil {
		t.Fatalf("v did not close the summary")
	}
	h.press("v", "esc")
	if mv.tab().summary != nil || h.depth() != 3 {
		t.Fatalf("esc in the summary: open=%v depth=%d", mv.tab().summary != nil, h.depth())
	}
}

func indexOf(mv *messagesView, id string) int {
	for i, m := range mv.tab().msgs {
		if m.MessageID == id {
			return i
		}
	}
	return -1
}

// With more dead letters than one page, the summary says what it covers
// and a loads the rest with progress (G stays go-to-bottom); Esc stops a load in flight.
func TestSummaryLoadAll(t *testing.T) {
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", triageFake(250))}, PageSize: 40})
	mv := messagesOf(t, h)
	h.press("tab", "v")
	h.mustSee("Counts cover the 40 of 250 messages loaded so far", "a to load all", "a load all")
	// G and g only move within the summary: they load nothing.
	h.press("G")
	if n := len(mv.tab().msgs); n != 40 || mv.tab().loadAll {
		t.Fatalf("G loaded %d (loading %v): it is go-to-bottom", n, mv.tab().loadAll)
	}
	if s := mv.tab().summary; s.table.Cursor() != len(s.rows)-1 {
		t.Fatalf("G put the cursor on %d of %d groups", s.table.Cursor(), len(s.rows))
	}
	h.press("g")
	if c := mv.tab().summary.table.Cursor(); c != 0 {
		t.Fatalf("g put the cursor on %d", c)
	}
	if got := mv.tab().summary.rows[0].count; got >= 250/2 {
		t.Fatalf("the first page already counts %d", got)
	}
	// Esc while loading stops at what is loaded.
	cmd := mv.startLoadAll()
	h.mustSee("Loading every dead letter", "esc stops")
	h.press("esc")
	if mv.tab().loadAll || h.depth() != 3 || mv.tab().summary == nil {
		t.Fatalf("esc during load all: loading=%v depth=%d summary=%v", mv.tab().loadAll, h.depth(), mv.tab().summary != nil)
	}
	h.run(cmd) // the cancelled page is dropped
	if len(mv.tab().msgs) != 40 {
		t.Fatalf("a cancelled load all still loaded: %d", len(mv.tab().msgs))
	}
	h.press("a")
	if n := len(mv.tab().msgs); n != 250 || !mv.tab().end {
		t.Fatalf("a loaded %d (end %v), want 250", n, mv.tab().end)
	}
	total := 0
	for _, r := range mv.tab().summary.rows {
		total += r.count
	}
	if total != 250 {
		t.Fatalf("groups count %d, want 250", total)
	}
	h.advance(toastFor)
	h.mustSee("All 250 messages loaded")
}

// Resubmit in the summary asks for the group under the cursor.
func TestSummaryResubmitAsksForTheGroup(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(30)))
	mv := messagesOf(t, h)
	h.press("tab", "v", "j")
	req, refuse := mv.buildRequest(actResubmit)
	if refuse != nil || req.group == nil {
		t.Fatalf("no group in the request: %+v", req)
	}
	if req.group.Reason != "Poison" || req.group.Description != "bad xml" || req.group.Count != 10 || len(req.group.Seqs) != 10 {
		t.Fatalf("group %+v", *req.group)
	}
	if req.all || len(req.seqs) != 0 || req.sub != sbsvc.DeadLetter {
		t.Fatalf("request %+v", req)
	}
	// ctrl+a in the summary selects the group's loaded messages.
	h.pressAll("ctrl+a")
	if len(mv.tab().selected) != 10 {
		t.Fatalf("ctrl+a selected %d, want the group's 10", len(mv.tab().selected))
	}
}
