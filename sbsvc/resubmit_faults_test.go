package sbsvc

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// TestResubmitUnderFaultsLosesNothing moves 60 dead-lettered messages while
// the emulator injects a failure, then checks that the report matches what
// the broker holds and that every message is in the queue or its DLQ.
func TestResubmitUnderFaultsLosesNothing(t *testing.T) {
	const n = 60
	cases := []struct {
		name   string
		arm    func(em *emulator.Emulator, opts *ResubmitOptions)
		verify func(t *testing.T, res ResubmitResult)
		// mayMissLocked: the fault can strand messages under locks the run
		// cannot reach, so fewer than n may be selected.
		mayMissLocked bool
	}{
		{"connections dropped mid-way", func(em *emulator.Emulator, opts *ResubmitOptions) {
			var once sync.Once
			opts.Progress = func(p ResubmitProgress) {
				if p.Moved >= 10 {
					once.Do(func() {
						if em.Faults.DropConnections() == 0 {
							panic("nothing to drop")
						}
					})
				}
			}
		}, func(t *testing.T, res ResubmitResult) {
			if len(res.Moved) < 10 {
				t.Errorf("moved only %d", len(res.Moved))
			}
		}, true},
		{"server busy on send", func(em *emulator.Emulator, opts *ResubmitOptions) {
			// fastRetry makes three attempts per send, and the receivers
			// send at once: at least one batch fails for good.
			em.Faults.FailNext(emulator.OpSend, 9, emulator.FaultServerBusy)
		}, func(t *testing.T, res ResubmitResult) {
			if len(res.Failed) == 0 || len(res.Failed)%10 != 0 || len(res.Moved) != n-len(res.Failed) {
				t.Fatalf("result %+v", res.Progress())
			}
			for _, f := range res.Failed {
				if KindOf(f.Err) != KindServerBusy || f.MaybeSent {
					t.Errorf("failed item %+v", f)
				}
			}
		}, false},
		{"locks expire before completion", func(em *emulator.Emulator, opts *ResubmitOptions) {
			var once sync.Once
			opts.Edit = func(m Message, _ *Edit) error {
				if m.MessageID == "m-25" {
					once.Do(em.Faults.ExpireAllLocks)
				}
				return nil
			}
		}, func(t *testing.T, res ResubmitResult) {
			if len(res.PossibleDuplicates) == 0 {
				t.Fatalf("no possible duplicates reported: %+v", res.Progress())
			}
			for _, d := range res.PossibleDuplicates {
				if KindOf(d.Err) != KindLockLost {
					t.Errorf("duplicate %+v", d)
				}
			}
		}, false},
	}
	// Each fault also runs against a queue with duplicate detection: the
	// copies then get new ids (the queue remembers the originals'), and a
	// batch re-sent after an unknown outcome carries the same new ids.
	for _, tc := range cases {
		for _, dedup := range []bool{false, true} {
			name := tc.name
			if dedup {
				name += " with duplicate detection"
			}
			t.Run(name, func(t *testing.T) {
				runResubmitFault(t, n, dedup, tc.arm, tc.verify, tc.mayMissLocked)
			})
		}
	}
}

// runResubmitFault is one case of TestResubmitUnderFaultsLosesNothing.
func runResubmitFault(t *testing.T, n int, dedup bool, arm func(*emulator.Emulator, *ResubmitOptions),
	verify func(*testing.T, ResubmitResult), mayMissLocked bool) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: dedup})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "r" }, testMessages(n)...)
	ns := connectEmulator(t, em, nil)
	opts := ResubmitOptions{BatchSize: 10, AuditPath: auditPath(t), IdleTimeout: 2 * time.Second}
	arm(em, &opts)
	res, _ := ns.Resubmit(ctxT(t, 60*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, opts)
	// A dropped connection leaves the messages it had locked out of
	// reach until their locks expire, so that run may select fewer;
	// checkResubmitAccount then finds them untouched in the DLQ.
	if res.Selected > n || (res.Selected < n && !mayMissLocked) {
		t.Errorf("selected %d of %d", res.Selected, n)
	}
	if dedup && res.Renamed != len(res.Moved)+len(res.PossibleDuplicates) {
		t.Errorf("renamed %d, want every copy sent (%d)", res.Renamed, len(res.Moved)+len(res.PossibleDuplicates))
	}
	checkResubmitAccount(t, em, ns, q, n, res)
	verify(t, res)
}

// checkResubmitAccount checks a result against the broker: every selected
// message is in exactly one list, the DLQ holds the failed ones and the
// possible duplicates, the queue the moved ones and the duplicates' copies,
// and no message id is missing from both.
func checkResubmitAccount(t *testing.T, em *emulator.Emulator, ns *Namespace, q string, n int, res ResubmitResult) {
	t.Helper()
	p := res.Progress()
	if res.Selected != p.Selected || p.Selected > n {
		t.Fatalf("report does not add up: %+v, selected %d", p, res.Selected)
	}
	untouched := n - p.Selected // a cancelled run never saw them
	maybe := 0
	for _, f := range res.Failed {
		if f.MaybeSent {
			maybe++
		}
	}
	// A batch re-sent after an attempt with an unknown outcome may have
	// left extra copies; the report counts them.
	for _, it := range append(append([]ResubmitItem{}, res.Moved...), res.PossibleDuplicates...) {
		maybe += it.ExtraCopies
	}
	// Locks released by the run may still be settling: wait for the counts.
	var active, dlq int64
	deadline := time.Now().Add(5 * time.Second)
	for {
		active, dlq = counts(t, em, q)
		if dlq == int64(p.Failed+p.PossibleDuplicates+untouched) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if dlq != int64(p.Failed+p.PossibleDuplicates+untouched) {
		t.Errorf("DLQ holds %d, report says %d failed + %d possible duplicates + %d untouched", dlq, p.Failed, p.PossibleDuplicates, untouched)
	}
	if lo, hi := int64(p.Moved+p.PossibleDuplicates), int64(p.Moved+p.PossibleDuplicates+maybe); active < lo || active > hi {
		t.Errorf("queue holds %d, report says between %d and %d", active, lo, hi)
	}
	// A copy sent with a new id stands for its original.
	original := map[string]string{}
	for _, it := range slices.Concat(res.Moved, res.PossibleDuplicates, res.Failed) {
		if it.NewMessageID != "" {
			original[it.NewMessageID] = it.MessageID
		}
	}
	seen := map[string]bool{}
	for _, ref := range []EntityRef{{Queue: q}, {Queue: q, SubQueue: DeadLetter}} {
		for _, m := range peekEvery(t, ns, ref) {
			seen[m.MessageID] = true
			if o, ok := original[m.MessageID]; ok {
				seen[o] = true
			}
		}
	}
	for i := range n {
		if id := fmt.Sprintf("m-%d", i); !seen[id] {
			t.Errorf("message %s is lost", id)
		}
	}
}

func TestResubmitCancelMidwayIsConsistent(t *testing.T) {
	const n = 60
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "r" }, testMessages(n)...)
	ns := connectEmulator(t, em, nil)
	ctx, cancel := context.WithCancel(ctxT(t, 60*time.Second))
	defer cancel()
	res, err := ns.Resubmit(ctx, EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{
		BatchSize: 10, AuditPath: auditPath(t),
		Edit: func(m Message, _ *Edit) error {
			if m.MessageID == "m-25" {
				cancel() // the batch being built still goes out; no other does
			}
			return nil
		}})
	wantKind(t, err, KindCancelled)
	// The batch holding m-25 still goes out, and so may batches other
	// receivers had in hand; nothing is taken after that, and the rest is
	// left untouched in the DLQ.
	if !res.Cancelled || len(res.Moved) < 30 || res.Selected == n {
		t.Fatalf("cancelled run: %+v cancelled=%v", res.Progress(), res.Cancelled)
	}
	checkResubmitAccount(t, em, ns, q, n, res)
}
