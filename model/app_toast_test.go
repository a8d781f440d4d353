package model

import (
	"testing"

	"github.com/sbx-tui/sbx/ui"
)

// A toast shows over the bottom of the view and goes away on its own once
// its time is up; a newer toast is not removed by the older one's timer.
func TestToastShowsAndExpires(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.run(toast(ui.ToastSuccess, "moved %d messages", 3))
	h.mustSee("moved 3 messages")
	h.advance(toastFor / 2)
	h.run(toast(ui.ToastWarn, "second notice"))
	h.advance(toastFor / 2)
	h.mustSee("second notice")
	if s := h.screen(); contains(s, "moved 3 messages") {
		t.Fatalf("the first toast should be replaced by the second:\n%s", s)
	}
	h.advance(toastFor)
	if s := h.screen(); contains(s, "second notice") {
		t.Fatalf("the toast outlived its %v:\n%s", toastFor, s)
	}
	if got := len(splitLines(h.screen())); got != 40 {
		t.Fatalf("screen has %d lines with a toast, want 40", got)
	}
}

// Esc on a view with a leave guard asks it first; it stays when the guard
// says so.
func TestLeaveGuardKeepsView(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	g := &guardedView{stubView: stubView{vid: h.app.sh.nextID()}}
	h.app.stack = append(h.app.stack, g)
	h.press("esc")
	if h.depth() != 2 || g.asked != 1 {
		t.Fatalf("depth %d, asked %d: the guard should keep the view", h.depth(), g.asked)
	}
	g.allow = true
	h.press("esc")
	if h.depth() != 1 {
		t.Fatalf("depth %d after the guard allowed leaving", h.depth())
	}
}

// A navigation with pop replaces the asking view.
func TestNavigationPopReplaces(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	first := &stubView{vid: h.app.sh.nextID()}
	h.app.stack = append(h.app.stack, first)
	second := &stubView{vid: h.app.sh.nextID()}
	h.app.navigate(first, &navigation{pop: true, push: second})
	if h.depth() != 2 || h.app.top() != view(second) || !first.cancelled {
		t.Fatalf("depth %d, top %T, first cancelled %v", h.depth(), h.app.top(), first.cancelled)
	}
}
