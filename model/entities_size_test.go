package model

import (
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
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

// The size column says how full an entity is, and stands out from 80% on,
// before the entity starts refusing sends.
func TestSizeOfMaxCell(t *testing.T) {
	cases := []struct {
		size, maxMB int64
		text        string
		warn        bool
	}{
		{457, 1024, "457 B / 1 GB", false},
		{800 << 20, 1024, "800.0 MB / 1 GB", false},
		{820 << 20, 1024, "820.0 MB / 1 GB", true},
		{5 << 20, 5, "5.0 MB / 5 MB", true},
		{2048, 0, "2.0 KB", false}, // no maximum known: the size alone
	}
	for _, c := range cases {
		got := sizeOfMaxCell(sbsvc.Entity{SizeBytes: c.size, MaxSizeMB: c.maxMB})
		if got.Text != c.text || (got.Hint == ui.HintWarn) != c.warn {
			t.Errorf("size %d of %d MB: %q warn=%v, want %q warn=%v", c.size, c.maxMB, got.Text, got.Hint == ui.HintWarn, c.text, c.warn)
		}
	}
}

// After a write, the entities view reloads and hands the fresh counts to the
// messages view above it, whose "N of M loaded" must not keep the old M.
func TestMessagesTotalFollowsTheEntitiesReload(t *testing.T) {
	f := newFake()
	h, _ := openEntities(t, f, Options{})
	h.press("enter")
	h.mustSee("[Active]", "3 of 3 loaded")
	f.mu.Lock()
	f.listing.Queues[0].Counts.Active = 4
	f.msgs[sbsvc.Active] = append(f.msgs[sbsvc.Active], sbsvc.Message{SequenceNumber: 9, MessageID: "A-9",
		BodyKind: sbsvc.BodyData, Body: []byte(`{}`)})
	f.mu.Unlock()
	h.send(entityChangedMsg{Path: "orders"})
	h.mustSee("A-9", "4 of 4 loaded")
}
