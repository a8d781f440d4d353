package model

import (
	"slices"
	"strings"
	"testing"
)

// On the demo emulator: the orders dead-letter queue grouped by reason,
// a group picked, a body word filtered, a selection handed to resubmit.
func TestMessagesDemoTriage(t *testing.T) {
	h := newHarness(t, demoTestTarget(t))
	h.press("enter")
	ev := h.app.top().(*entitiesView)
	for i := 0; i < len(ev.rows) && ev.rows[ev.table.Cursor()].Name != "orders"; i++ {
		h.press("j")
	}
	h.press("enter", "tab", "v")
	mv := h.app.top().(*messagesView)
	h.mustSee("SchemaValidationFailed", "MaxDeliveryCountExceeded", "TTLExpiredException", "All 4 messages loaded")
	s := mv.tab().summary
	if len(s.rows) != 4 {
		t.Fatalf("groups: %+v (two schema descriptions, max deliveries, expiry)", s.rows)
	}
	for s.rows[s.table.Cursor()].key.reason != "MaxDeliveryCountExceeded" {
		h.press("j")
	}
	h.press("enter")
	if got := shownIDs(mv); !slices.Equal(got, []string{"ORD-1009"}) {
		t.Fatalf("the max-deliveries group shows %v", got)
	}
	h.press("esc", "/")
	h.typeText("xbt") // only in ORD-1008's body and description
	h.press("enter")
	if got := shownIDs(mv); !slices.Equal(got, []string{"ORD-1008"}) {
		t.Fatalf("filter xbt shows %v", got)
	}
	h.press("esc")
	h.pressAll("space", "j", "space")
	h.mustSee("2 selected")
	h.press("R")
	if h.app.top() == mv {
		t.Fatalf("R with a selection opened nothing (toast %q)", h.toastText())
	}
	if !strings.Contains(h.screen(), "2 selected messages") {
		t.Fatalf("the resubmit step does not name the selection:\n%s", h.screen())
	}
}
