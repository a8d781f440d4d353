package broker

import (
	"slices"
	"testing"
	"time"
)

// A batch handed over with SendOwned to a plain queue is stored without a
// routing plan; what it stores must match what the planned path stores:
// contiguous sequence numbers, exact sizes (a broker-assigned id counted),
// duplicates dropped without using up numbers, and a batch holding a
// message scheduled for later still split between active and scheduled.
func TestSendOwnedToPlainQueue(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: time.Minute})
	withID := func(id, text string) *Message { return &Message{MessageID: id, Body: []byte(text)} }

	first := []*Message{withID("a", "1"), {Body: []byte("22")}, withID("a", "dup")}
	wantSize := first[0].Size() + int64(len("22")+32) // the assigned id is 32 digits
	if err := b.SendOwned("q", first); err != nil {
		t.Fatal(err)
	}
	if c := mustCounts(t, b, "q"); c.Active != 2 || c.SizeInBytes != wantSize {
		t.Fatalf("after the first batch: %d active, %d bytes; want 2 and %d", c.Active, c.SizeInBytes, wantSize)
	}
	// Only duplicates: nothing stored, no number used.
	if err := b.SendOwned("q", []*Message{withID("a", "again")}); err != nil {
		t.Fatal(err)
	}
	later := withID("later", "3")
	later.ScheduledEnqueueTime = clk.Now().Add(time.Hour)
	if err := b.SendOwned("q", []*Message{withID("b", "4"), later}); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 3, 1, 0, 0)
	if got := peekSeqs(t, b, "q", 1, 10); !slices.Equal(got, []int64{1, 2, 3, 4}) {
		t.Fatalf("sequence numbers = %v, want 1..4", got)
	}
	if got := bodiesIn(t, b, "q"); !slices.Equal(got, []string{"1", "22", "4"}) {
		t.Fatalf("bodies = %v", got)
	}
	// Over the queue's quota: refused whole.
	mustCreateQueue(t, b, "small", Properties{MaxSizeInMegabytes: 1})
	big := func() *Message { return &Message{Body: make([]byte, 200<<10)} }
	err := b.SendOwned("small", []*Message{big(), big(), big(), big(), big(), big()})
	wantCondition(t, err, CondResourceLimit)
	wantCounts(t, b, "small", 0, 0, 0, 0)
}
