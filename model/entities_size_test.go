package model

import (
	"strings"
	"testing"
)

// Subscriptions have no size of their own in the management API: their row
// must say the size is unknown instead of showing "0 B".
func TestSubscriptionSizeIsShownAsUnknown(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.press("enter")
	var subRow string
	for _, line := range strings.Split(h.screen(), "\n") {
		if strings.Contains(line, "└ all") {
			subRow = line
		}
	}
	if subRow == "" {
		t.Fatalf("no subscription row on screen:\n%s", h.screen())
	}
	if strings.Contains(subRow, "0 B") || !strings.Contains(subRow, "—") {
		t.Errorf("subscription row shows a size it does not know: %q", subRow)
	}
}
