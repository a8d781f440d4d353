package sbsvc

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// sessionFixture is a session-enabled queue with messages in sessions
// "a" (3) and "b" (2).
func sessionFixture(t *testing.T, lock time.Duration) (*Namespace, EntityRef) {
	t.Helper()
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true, LockDuration: lock})
	ns := connectEmulator(t, em, nil)
	ref := EntityRef{Queue: q}
	var msgs []OutgoingMessage
	for i, s := range []string{"a", "b", "a", "b", "a"} {
		msgs = append(msgs, OutgoingMessage{SessionID: s, Body: []byte{byte('0' + i)}})
	}
	if n, err := ns.Send(ctxT(t, 20*time.Second), ref, msgs); err != nil || n != len(msgs) {
		t.Fatalf("Send: %d, %v", n, err)
	}
	return ns, ref
}

func TestSessionsListAcceptStateRenew(t *testing.T) {
	t.Parallel()
	ns, ref := sessionFixture(t, 10*time.Second)
	ctx := ctxT(t, 30*time.Second)

	ids, err := ns.ListSessions(ctx, ref)
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []string{"a", "b"}) {
		t.Fatalf("ListSessions = %v, %v", ids, err)
	}

	h, err := ns.AcceptSession(ctx, ref, "a")
	if err != nil {
		t.Fatalf("AcceptSession: %v", err)
	}
	defer h.Close(ctx)
	if h.ID() != "a" || h.Ref().SessionID != "a" || time.Until(h.LockedUntil()) < 8*time.Second {
		t.Errorf("handle %q until %v", h.ID(), h.LockedUntil())
	}

	// A held session cannot be taken by anyone else.
	_, err = ns.AcceptSession(ctx, ref, "a")
	wantKind(t, err, KindSessionCannotBeLocked)

	var got []*Locked
	for len(got) < 3 {
		ls, err := h.Receive(ctx, 3-len(got))
		if err != nil || len(ls) == 0 {
			t.Fatalf("Receive: %d, %v", len(ls), err)
		}
		got = append(got, ls...)
	}
	for _, l := range got {
		if l.Message.SessionID != "a" || l.Session != h || !l.LockedUntil().Equal(h.LockedUntil()) {
			t.Errorf("session message %+v (until %v, session until %v)", l.Message, l.LockedUntil(), h.LockedUntil())
		}
	}

	if st, err := h.State(ctx); err != nil || st != nil {
		t.Errorf("initial state %q, %v", st, err)
	}
	if err := h.SetState(ctx, []byte("step-2")); err != nil {
		t.Fatalf("SetState: %v", err)
	}
	if st, err := h.State(ctx); err != nil || !bytes.Equal(st, []byte("step-2")) {
		t.Errorf("state %q, %v", st, err)
	}

	old := h.LockedUntil()
	time.Sleep(50 * time.Millisecond)
	if err := h.RenewLock(ctx); err != nil {
		t.Fatalf("RenewLock: %v", err)
	}
	if !h.LockedUntil().After(old) {
		t.Errorf("session lock %v not after %v", h.LockedUntil(), old)
	}
	// Renewing a session message renews the session lock.
	if err := ns.Renew(ctx, got[0]); err != nil || !got[0].LockedUntil().Equal(h.LockedUntil()) {
		t.Errorf("Renew session message: %v (until %v, session %v)", err, got[0].LockedUntil(), h.LockedUntil())
	}

	// Settle through the session: complete one, defer one and get it back.
	if err := ns.Complete(ctx, got[0]); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if err := ns.Defer(ctx, got[1], nil); err != nil {
		t.Fatalf("Defer: %v", err)
	}
	back, err := h.ReceiveDeferred(ctx, []int64{got[1].Message.SequenceNumber})
	if err != nil || len(back) != 1 {
		t.Fatalf("ReceiveDeferred: %v, %v", back, err)
	}
	if err := ns.Complete(ctx, back[0]); err != nil {
		t.Fatalf("Complete deferred: %v", err)
	}

	// The next free session is b, since a is held.
	next, err := ns.AcceptNextSession(ctx, ref)
	if err != nil {
		t.Fatalf("AcceptNextSession: %v", err)
	}
	if next.ID() != "b" {
		t.Errorf("next session %q", next.ID())
	}
	if err := next.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := next.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := next.Receive(ctx, 1); err == nil {
		t.Error("received through a closed handle")
	}

	// Once a is closed, its state stays and another client can take it.
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := ns.AcceptSession(ctx, ref, "a")
	if err != nil {
		t.Fatalf("re-accept: %v", err)
	}
	defer again.Close(ctx)
	if st, err := again.State(ctx); err != nil || string(st) != "step-2" {
		t.Errorf("state after re-accept %q, %v", st, err)
	}
	// Only the third message of a is left (its lock lapsed with the close).
	left, err := again.Peek(ctx, 0, 10)
	if err != nil || len(left) != 1 || left[0].SessionID != "a" || left[0].SequenceNumber != got[2].Message.SequenceNumber {
		t.Errorf("session a holds %+v, %v; want only seq %d", left, err, got[2].Message.SequenceNumber)
	}
}

func TestSessionReferencesChecked(t *testing.T) {
	t.Parallel()
	ns := bareNamespace(false)
	ctx := ctxT(t, time.Second)
	if _, err := ns.ListSessions(ctx, EntityRef{Queue: "q", SubQueue: DeadLetter}); err == nil {
		t.Error("listed sessions of a dead-letter queue")
	}
	if _, err := ns.AcceptSession(ctx, EntityRef{}, "a"); KindOf(err) != KindNotFound {
		t.Errorf("accept on empty ref: %v", err)
	}
}
