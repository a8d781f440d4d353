package model

import (
	"strings"
	"testing"
)

func TestJumpNeedsANamespace(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", treeFake()))
	h.press(":")
	if h.app.jump != nil {
		t.Fatalf("the jump prompt opened with no namespace browsed")
	}
	if h.app.toast == nil || !strings.Contains(h.app.toast.text, "open a namespace first") {
		t.Fatalf("no explanation: %+v", h.app.toast)
	}
}

func TestJumpOpensTheBestMatch(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press(":")
	if h.app.jump == nil {
		t.Fatalf(": did not open the prompt")
	}
	h.mustSee("enter open · tab complete")
	h.typeText("alrt")
	h.mustSee(":alrt", "events/alerts", "subscription")
	h.press("enter")
	mv, ok := h.app.top().(*messagesView)
	if !ok || h.depth() != 3 {
		t.Fatalf("enter did not open the messages view (depth %d)", h.depth())
	}
	if mv.entity.Name != "alerts" || mv.entity.Topic != "events" {
		t.Fatalf("opened %s/%s", mv.entity.Topic, mv.entity.Name)
	}
	h.mustSee("events › alerts › Active") // the tree's words in the breadcrumbs, not "events/Subscriptions/alerts"
	if e, _ := ev.selected(); e.Name != "alerts" {
		t.Fatalf("the entities cursor did not follow the jump: %q", e.Name)
	}

	// From the messages view, a jump replaces it rather than stacking.
	h.press(":")
	h.typeText("zeta")
	h.press("enter")
	if h.depth() != 3 {
		t.Fatalf("a second jump stacked views: depth %d", h.depth())
	}
	if mv := h.app.top().(*messagesView); mv.entity.Name != "zeta-audit" {
		t.Fatalf("second jump opened %q", mv.entity.Name)
	}
}

func TestJumpPrefersExactThenPrefixAndCompletesWithTab(t *testing.T) {
	h, _ := openEntities(t, treeFake(), Options{})
	h.press(":")
	h.typeText("a")
	// "all" is an exact subscription name… no: "a" is a prefix of
	// "alerts", "all", "archive"; the shortest comes first.
	if got := jumpName(h.app.jump.matches[0]); got != "events/all" {
		t.Fatalf("best match for a: %q", got)
	}
	h.press("down", "tab")
	if got := h.app.jump.input.text(); got != "events/alerts" {
		t.Fatalf("tab completed to %q", got)
	}
	h.press("esc")
	if h.app.jump != nil || h.depth() != 2 {
		t.Fatalf("esc should only close the prompt (depth %d)", h.depth())
	}
}

func TestJumpWithNoMatchSaysSo(t *testing.T) {
	h, _ := openEntities(t, treeFake(), Options{})
	h.press(":")
	h.typeText("nope")
	h.mustSee("no match")
	h.press("enter")
	if h.depth() != 2 || h.app.jump == nil {
		t.Fatalf("enter without a match should keep the prompt (depth %d)", h.depth())
	}
	h.mustSee("No queue or subscription in alpha matches nope")
	// q is typed, not quit.
	h.typeText("q")
	if h.quit {
		t.Fatalf("q quit from the jump prompt")
	}
	h.press("enter")
	h.press("esc")
	h.press("enter") // empty
	if h.depth() != 3 {
		// esc closed the prompt; enter opened the selected entity.
		t.Fatalf("depth %d", h.depth())
	}
}

func TestJumpStopsAtAGuardedView(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	g := &guardedView{stubView: stubView{vid: 999}}
	h.app.stack = append(h.app.stack, g)
	h.press(":")
	h.typeText("orders")
	h.press("enter")
	if g.asked != 1 || h.app.top() != g {
		t.Fatalf("a view that refuses to be left was dropped (asked %d)", g.asked)
	}
	g.allow = true
	h.press(":")
	h.typeText("orders")
	h.press("enter")
	if !g.cancelled || h.depth() != 3 || h.app.stack[1] != ev {
		t.Fatalf("jump did not replace the guarded view once allowed (depth %d)", h.depth())
	}
}
