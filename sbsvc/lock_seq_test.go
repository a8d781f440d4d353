package sbsvc

import (
	"slices"
	"testing"
	"time"
)

func lockedSeqs(ls []*Locked) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.Message.SequenceNumber
	}
	return out
}

func TestLockBySequenceActiveDeferredAndMissing(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 8)
	ctx := ctxT(t, 30*time.Second)

	// Defer seq 6 first (locking 6 skips 1..5 once: see the counts below).
	first, err := ns.LockBySequence(ctx, ref, []int64{6}, 0)
	if err != nil || !slices.Equal(lockedSeqs(first.Locked), []int64{6}) || !slices.Equal(first.Skipped, []int64{1, 2, 3, 4, 5}) {
		t.Fatalf("lock 6 = %v skipped %v missing %v, %v", lockedSeqs(first.Locked), first.Skipped, first.Missing, err)
	}
	if err := ns.Defer(ctx, first.Locked[0], nil); err != nil {
		t.Fatal(err)
	}

	got, err := ns.LockBySequence(ctx, ref, []int64{3, 6, 2, 99}, 0)
	if err != nil {
		t.Fatalf("LockBySequence: %v", err)
	}
	if !slices.Equal(lockedSeqs(got.Locked), []int64{2, 3, 6}) || !slices.Equal(got.Missing, []int64{99}) {
		t.Errorf("locked %v missing %v", lockedSeqs(got.Locked), got.Missing)
	}
	// 99 is beyond every message, so the scan went through 7 and 8 too.
	if !slices.Equal(got.Skipped, []int64{1, 4, 5, 7, 8}) {
		t.Errorf("skipped %v", got.Skipped)
	}
	for _, l := range got.Locked {
		if l.LockedUntil().Before(time.Now()) || l.Settled() != "" {
			t.Errorf("seq %d not locked", l.Message.SequenceNumber)
		}
	}
	// Skipped ones are back and counted one delivery per skip; locked ones
	// stay locked (peek shows them, still available to no one else).
	counts := map[int64]uint32{}
	for _, m := range peekAll(t, ns, ref) {
		counts[m.SequenceNumber] = m.DeliveryCount
	}
	for seq, want := range map[int64]uint32{1: 2, 4: 2, 5: 2, 7: 1, 8: 1} {
		if counts[seq] != want {
			t.Errorf("seq %d delivered %d times, want %d", seq, counts[seq], want)
		}
	}
	for _, l := range got.Locked {
		if err := ns.Complete(ctx, l); err != nil {
			t.Fatalf("Complete %d: %v", l.Message.SequenceNumber, err)
		}
	}
	if left := peekAll(t, ns, ref); len(left) != 5 {
		t.Errorf("%d left, want 5", len(left))
	}
}

func TestLockBySequenceFromDeadLetterQueue(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 3)
	ctx := ctxT(t, 30*time.Second)
	for _, l := range receiveN(t, ns, ref, 3) {
		if err := ns.DeadLetter(ctx, l, DeadLetterOptions{Reason: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	dlq := EntityRef{Queue: ref.Queue, SubQueue: DeadLetter}
	got, err := ns.LockBySequence(ctx, dlq, []int64{2}, 0)
	if err != nil || !slices.Equal(lockedSeqs(got.Locked), []int64{2}) || !slices.Equal(got.Skipped, []int64{1}) || len(got.Missing) != 0 {
		t.Fatalf("got %v skipped %v missing %v, %v", lockedSeqs(got.Locked), got.Skipped, got.Missing, err)
	}
	if got.Locked[0].Message.DeadLetterReason != "r" {
		t.Errorf("message %+v", got.Locked[0].Message)
	}
	if err := ns.Complete(ctx, got.Locked[0]); err != nil {
		t.Fatal(err)
	}
	left := peekAll(t, ns, dlq)
	if len(left) != 2 || left[0].SequenceNumber != 1 || left[1].SequenceNumber != 3 {
		t.Errorf("DLQ left %+v", left)
	}
}

func TestLockBySequenceStopsAtMaxScan(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 10)
	got, err := ns.LockBySequence(ctxT(t, 30*time.Second), ref, []int64{9}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Locked) != 0 || !slices.Equal(got.Missing, []int64{9}) || len(got.Skipped) > 4 || len(got.Skipped) < 3 {
		t.Errorf("locked %v missing %v skipped %v", lockedSeqs(got.Locked), got.Missing, got.Skipped)
	}
}
