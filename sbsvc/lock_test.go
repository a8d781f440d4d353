package sbsvc

import (
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// lockFixture is an emulator with one queue of n messages and a
// connected namespace.
func lockFixture(t *testing.T, lock time.Duration, n int) (*emulator.Emulator, *Namespace, EntityRef) {
	t.Helper()
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{LockDuration: lock})
	if n > 0 {
		loadBroker(t, em, q, n, 8, 0)
	}
	return em, connectEmulator(t, em, nil), EntityRef{Queue: q}
}

// receiveN locks exactly n messages or fails.
func receiveN(t *testing.T, ns *Namespace, ref EntityRef, n int) []*Locked {
	t.Helper()
	var got []*Locked
	for len(got) < n {
		ls, err := ns.ReceiveLocked(ctxT(t, 20*time.Second), ref, n-len(got))
		if err != nil {
			t.Fatalf("ReceiveLocked: %v", err)
		}
		if len(ls) == 0 {
			t.Fatalf("locked %d of %d, then the entity looked empty", len(got), n)
		}
		got = append(got, ls...)
	}
	return got
}

// peekAll peeks every message of ref.
func peekAll(t *testing.T, ns *Namespace, ref EntityRef) []Message {
	t.Helper()
	page, err := ns.Peek(ctxT(t, 10*time.Second), ref, 0, MaxPeekPage)
	if err != nil {
		t.Fatalf("Peek %s: %v", ref, err)
	}
	return page.Messages
}

func TestReceiveLockedHonoursLockDurationAndRenew(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 30*time.Second, 5)
	before := time.Now()
	ls := receiveN(t, ns, ref, 3)
	seen := map[int64]bool{}
	for _, l := range ls {
		until := l.LockedUntil()
		if until.Before(before.Add(28*time.Second)) || until.After(time.Now().Add(31*time.Second)) {
			t.Errorf("seq %d locked until %v, want about 30 s after %v", l.Message.SequenceNumber, until, before)
		}
		if l.Message.DeliveryCount != 1 || l.LockToken == ([16]byte{}) || l.Session != nil || seen[l.Message.SequenceNumber] {
			t.Errorf("locked message %+v", l.Message)
		}
		seen[l.Message.SequenceNumber] = true
	}
	// The other two are still there to lock; the three are not handed out again.
	rest := receiveN(t, ns, ref, 2)
	for _, l := range rest {
		if seen[l.Message.SequenceNumber] {
			t.Errorf("seq %d was locked twice", l.Message.SequenceNumber)
		}
	}

	old := ls[0].LockedUntil()
	time.Sleep(50 * time.Millisecond)
	if err := ns.Renew(ctxT(t, 10*time.Second), ls[0]); err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if !ls[0].LockedUntil().After(old) || !ls[0].Message.LockedUntil.Equal(old) {
		t.Errorf("renew moved LockedUntil from %v to %v", old, ls[0].LockedUntil())
	}
}

func TestReceiveLockedOnEmptyEntityReturnsNothing(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 0)
	start := time.Now()
	ls, err := ns.ReceiveLocked(ctxT(t, 20*time.Second), ref, 5)
	if err != nil || len(ls) != 0 {
		t.Fatalf("got %d, %v", len(ls), err)
	}
	if time.Since(start) > DefaultReceiveWait+5*time.Second {
		t.Errorf("waited %v", time.Since(start))
	}
}

func TestSettlementOutcomes(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 4)
	ls := receiveN(t, ns, ref, 4)
	complete, abandon, deadLetter, deferred := ls[0], ls[1], ls[2], ls[3]
	ctx := ctxT(t, 20*time.Second)

	if err := ns.Complete(ctx, complete); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if err := ns.Abandon(ctx, abandon, map[string]any{"retried": true, "note": "by sbx"}); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if err := ns.DeadLetter(ctx, deadLetter, DeadLetterOptions{Reason: "bad-order", Description: "total is negative", Properties: map[string]any{"checked": int64(2)}}); err != nil {
		t.Fatalf("DeadLetter: %v", err)
	}
	if err := ns.Defer(ctx, deferred, nil); err != nil {
		t.Fatalf("Defer: %v", err)
	}
	for _, c := range []struct {
		l    *Locked
		want string
	}{{complete, "completed"}, {abandon, "abandoned"}, {deadLetter, "dead-lettered"}, {deferred, "deferred"}} {
		if got := c.l.Settled(); got != c.want {
			t.Errorf("Settled() = %q, want %q", got, c.want)
		}
	}

	active := map[int64]Message{}
	for _, m := range peekAll(t, ns, ref) {
		active[m.SequenceNumber] = m
	}
	if _, ok := active[complete.Message.SequenceNumber]; ok || len(active) != 2 {
		t.Errorf("active after settling: %v", active)
	}
	if m := active[abandon.Message.SequenceNumber]; m.Properties["retried"] != true || m.Properties["note"] != "by sbx" || m.DeliveryCount != 1 || m.State != StateActive {
		t.Errorf("abandoned message = %+v", m)
	}
	if m := active[deferred.Message.SequenceNumber]; m.State != StateDeferred {
		t.Errorf("deferred message state %v", m.State)
	}
	dlq := peekAll(t, ns, EntityRef{Queue: ref.Queue, SubQueue: DeadLetter})
	if len(dlq) != 1 || dlq[0].SequenceNumber != deadLetter.Message.SequenceNumber || dlq[0].DeadLetterReason != "bad-order" ||
		dlq[0].DeadLetterDescription != "total is negative" || dlq[0].Properties["checked"] != int64(2) {
		t.Errorf("dead-letter queue = %+v", dlq)
	}

	// The deferred message comes back only by its sequence number.
	got, err := ns.ReceiveDeferred(ctx, ref, []int64{deferred.Message.SequenceNumber})
	if err != nil || len(got) != 1 || got[0].Message.SequenceNumber != deferred.Message.SequenceNumber || got[0].LockedUntil().Before(time.Now()) {
		t.Fatalf("ReceiveDeferred = %v, %v", got, err)
	}
	if err := ns.Complete(ctx, got[0]); err != nil {
		t.Fatalf("Complete deferred: %v", err)
	}
	if left := peekAll(t, ns, ref); len(left) != 1 || left[0].SequenceNumber != abandon.Message.SequenceNumber {
		t.Errorf("left: %+v", left)
	}
	// A dead-lettered message can be locked from the DLQ and completed.
	dl := receiveN(t, ns, EntityRef{Queue: ref.Queue, SubQueue: DeadLetter}, 1)
	if dl[0].Message.DeadLetterReason != "bad-order" {
		t.Errorf("DLQ message = %+v", dl[0].Message)
	}
	if err := ns.Complete(ctx, dl[0]); err != nil {
		t.Fatalf("Complete from DLQ: %v", err)
	}
}

func TestSettleAfterLockExpiredIsLockLost(t *testing.T) {
	t.Parallel()
	em, ns, ref := lockFixture(t, 0, 2)
	ls := receiveN(t, ns, ref, 2)
	for _, l := range ls {
		if err := em.Faults.ExpireLock(l.LockToken); err != nil {
			t.Fatalf("ExpireLock: %v", err)
		}
	}
	e := wantKind(t, ns.Complete(ctxT(t, 20*time.Second), ls[0]), KindLockLost)
	if e.Op != "complete" || e.Entity != ref.Queue {
		t.Errorf("error names %q %q", e.Op, e.Entity)
	}
	wantKind(t, ns.Renew(ctxT(t, 20*time.Second), ls[1]), KindLockLost)
	if ls[0].Settled() != "" {
		t.Error("a failed settlement marked the message settled")
	}
	// Nothing was lost: both are back, each delivered once.
	if got := peekAll(t, ns, ref); len(got) != 2 || got[0].DeliveryCount != 1 {
		t.Errorf("after lock loss: %+v", got)
	}
}

func TestSettleTwiceIsAlreadySettled(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 1)
	l := receiveN(t, ns, ref, 1)[0]
	ctx := ctxT(t, 20*time.Second)
	if err := ns.Complete(ctx, l); err != nil {
		t.Fatal(err)
	}
	wantKind(t, ns.Complete(ctx, l), KindAlreadySettled)
	wantKind(t, ns.DeadLetter(ctx, l, DeadLetterOptions{Reason: "x"}), KindAlreadySettled)
	wantKind(t, ns.Renew(ctx, l), KindAlreadySettled)
}

func TestReceiveAndDeleteIsExplicitAndRemoves(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 0, 3)
	var got []Message
	for len(got) < 3 {
		ms, err := ns.ReceiveAndDelete(ctxT(t, 20*time.Second), ref, 3-len(got))
		if err != nil || len(ms) == 0 {
			t.Fatalf("ReceiveAndDelete: %d, %v", len(ms), err)
		}
		got = append(got, ms...)
	}
	for i, m := range got {
		if string(m.Body) == "" || !m.LockedUntil.IsZero() || (i > 0 && m.SequenceNumber <= got[i-1].SequenceNumber) {
			t.Errorf("message %d = %+v", i, m)
		}
	}
	if left := peekAll(t, ns, ref); len(left) != 0 {
		t.Errorf("%d messages left", len(left))
	}
}

func TestReceiveRefusesBadReferences(t *testing.T) {
	t.Parallel()
	ns := bareNamespace(false)
	ctx := ctxT(t, time.Second)
	if _, err := ns.ReceiveLocked(ctx, EntityRef{}, 1); KindOf(err) != KindNotFound {
		t.Errorf("empty ref: %v", err)
	}
	if _, err := ns.ReceiveLocked(ctx, EntityRef{Queue: "q", SessionID: "s"}, 1); err == nil {
		t.Error("a session was received without accepting it")
	}
	if err := ns.Complete(ctx, nil); err == nil {
		t.Error("nil message settled")
	}
}
