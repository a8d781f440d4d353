package broker

import (
	"context"
	"slices"
	"testing"
	"time"
)

func sessionMsg(id, b string) *Message { return &Message{SessionID: ptr(id), Body: []byte(b)} }

func acceptSession(t testing.TB, b *Broker, path, id string) *Receiver {
	t.Helper()
	r, err := b.OpenReceiver(context.Background(), path, PeekLock, &SessionSpec{ID: ptr(id)})
	if err != nil {
		t.Fatalf("accept session %q: %v", id, err)
	}
	t.Cleanup(r.Close)
	return r
}

func acceptNext(b *Broker, path string, wait time.Duration) (*Receiver, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	return b.OpenReceiver(ctx, path, PeekLock, &SessionSpec{})
}

func TestSessionEntityRules(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	mustCreateQueue(t, b, "plain", Properties{})
	err := b.Send("sq", []*Message{body("no session")})
	wantCondition(t, err, CondNotAllowed)
	_, err = b.OpenReceiver(context.Background(), "sq", PeekLock, nil)
	wantCondition(t, err, CondNotAllowed)
	if err.(*Error).Description != textSessionRequired {
		t.Fatalf("description = %q", err.(*Error).Description)
	}
	_, err = b.OpenReceiver(context.Background(), "plain", PeekLock, &SessionSpec{ID: ptr("s")})
	wantCondition(t, err, CondNotAllowed)
	// The dead-letter queue of a session entity is read without sessions.
	if _, err := b.OpenReceiver(context.Background(), "sq/$DeadLetterQueue", PeekLock, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSessionAcceptByID(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true, LockDuration: 30 * time.Second})
	r := acceptSession(t, b, "sq", "s1") // before any message exists
	if id, ok := r.SessionID(); !ok || id != "s1" {
		t.Fatalf("SessionID = %q, %v", id, ok)
	}
	if want := clk.Now().Add(30 * time.Second); !r.SessionLockedUntil().Equal(want) {
		t.Fatalf("SessionLockedUntil = %v, want %v", r.SessionLockedUntil(), want)
	}
	expectEmpty(t, r)
	ready := r.Ready()
	mustSend(t, b, "sq", sessionMsg("other", "x"), sessionMsg("s1", "a"), sessionMsg("s1", "b"), sessionMsg("", "blank"))
	select {
	case <-ready:
	default:
		t.Fatal("Ready did not fire for a message of the session")
	}
	for _, want := range []string{"a", "b"} {
		d := mustNext(t, r)
		if string(d.Message.Body) != want || *d.Message.SessionID != "s1" {
			t.Fatalf("got %q of session %q, want %q", d.Message.Body, *d.Message.SessionID, want)
		}
		if !d.LockedUntil.Equal(r.SessionLockedUntil()) {
			t.Fatalf("message lock %v should follow the session lock %v", d.LockedUntil, r.SessionLockedUntil())
		}
		if err := b.Complete(d.LockToken); err != nil {
			t.Fatal(err)
		}
	}
	expectEmpty(t, r)
	blank := acceptSession(t, b, "sq", "")
	if d := mustNext(t, blank); string(d.Message.Body) != "blank" {
		t.Fatalf("empty-string session got %q", d.Message.Body)
	}
	msgs, _ := b.Peek("sq", 1, 10, ptr("other"))
	if len(msgs) != 1 || string(msgs[0].Body) != "x" {
		t.Fatalf("peek restricted to a session = %v", msgs)
	}
}

func TestSessionCannotBeLocked(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	r := acceptSession(t, b, "sq", "s1")
	_, err := b.OpenReceiver(context.Background(), "sq", PeekLock, &SessionSpec{ID: ptr("s1")})
	wantCondition(t, err, CondSessionCannotLock)
	r.Close()
	acceptSession(t, b, "sq", "s1") // free again after close
}

func TestSessionNextAvailable(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	_, err := acceptNext(b, "sq", 20*time.Millisecond)
	wantCondition(t, err, CondTimeout)
	_, err = acceptNext(b, "missing", time.Hour)
	wantCondition(t, err, CondNotFound) // fails fast
	ids := []string{"s3", "s1", "s5", "s2", "s4"}
	for _, id := range ids {
		mustSend(t, b, "sq", sessionMsg(id, id))
	}
	var got []string
	for range ids {
		r, err := acceptNext(b, "sq", 20*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		id, _ := r.SessionID()
		got = append(got, id)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("sessions handed out %v, want each once in arrival order %v", got, ids)
	}
	_, err = acceptNext(b, "sq", 20*time.Millisecond)
	wantCondition(t, err, CondTimeout)
}

func TestSessionNextAvailableWaits(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	done := make(chan error, 1)
	var r *Receiver
	go func() {
		var err error
		r, err = acceptNext(b, "sq", 10*time.Second)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	mustSend(t, b, "sq", sessionMsg("late", "x"))
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if id, _ := r.SessionID(); id != "late" {
			t.Fatalf("accepted %q", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("accept-next did not wake up for a new session")
	}
}

func TestSessionState(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	_, err := b.GetSessionState("sq", "s1")
	wantCondition(t, err, CondSessionLockLost) // nobody holds it
	r := acceptSession(t, b, "sq", "s1")
	if st, err := b.GetSessionState("sq", "s1"); err != nil || st != nil {
		t.Fatalf("initial state = %v, %v; want nil", st, err)
	}
	if err := b.SetSessionState("sq", "s1", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.GetSessionState("sq", "s1"); string(st) != "hello" {
		t.Fatalf("state = %q", st)
	}
	r.Close()
	r = acceptSession(t, b, "sq", "s1") // state survives the receiver
	if st, _ := b.GetSessionState("sq", "s1"); string(st) != "hello" {
		t.Fatalf("state after re-accept = %q", st)
	}
	if err := b.SetSessionState("sq", "s1", []byte{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.GetSessionState("sq", "s1"); st != nil {
		t.Fatalf("cleared state = %v, want nil", st)
	}
}

func TestListSessions(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	mustSend(t, b, "sq", sessionMsg("b", "1"), sessionMsg("a", "2"), sessionMsg("b", "3"))
	r := acceptSession(t, b, "sq", "c")
	before := clk.Now()
	clk.Advance(time.Second)
	if err := b.SetSessionState("sq", "c", []byte("st")); err != nil {
		t.Fatal(err)
	}
	r.Close()
	acceptSession(t, b, "sq", "empty") // locked but no messages or state: not listed
	list := func(since time.Time, skip, top int) []string {
		ids, err := b.ListSessions("sq", since, skip, top)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	cases := []struct {
		name      string
		since     time.Time
		skip, top int
		want      []string
	}{
		{"all", time.Time{}, 0, 100, []string{"a", "b", "c"}},
		{"sentinel", time.UnixMilli(253402300800000), 0, 100, []string{"a", "b", "c"}},
		{"paged", time.Time{}, 1, 1, []string{"b"}},
		{"past the end", time.Time{}, 5, 100, []string{}},
		{"state updated since", before, 0, 100, []string{"c"}},
		{"nothing updated since", clk.Now(), 0, 100, nil},
	}
	for _, c := range cases {
		if got := list(c.since, c.skip, c.top); !slices.Equal(got, c.want) {
			t.Errorf("%s: ListSessions = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSessionLockRenewAndExpiry(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true, LockDuration: 10 * time.Second})
	mustSend(t, b, "sq", sessionMsg("s", "a"))
	r := acceptSession(t, b, "sq", "s")
	d := mustNext(t, r)
	first := r.SessionLockedUntil()
	clk.Advance(5 * time.Second)
	until, err := b.RenewSessionLock("sq", "s")
	if err != nil || !until.After(first) || !r.SessionLockedUntil().Equal(until) {
		t.Fatalf("RenewSessionLock = %v, %v (was %v)", until, err, first)
	}
	clk.Advance(9 * time.Second) // past the first expiry, within the renewed one
	b.Tick()
	if r.Err() != nil {
		t.Fatalf("receiver lost its session after renewal: %v", r.Err())
	}
	clk.Advance(2 * time.Second)
	b.Tick()
	wantCondition(t, r.Err(), CondSessionLockLost)
	expectEmpty(t, r)
	wantCondition(t, b.Complete(d.LockToken), CondMessageLockLost)
	_, err = b.RenewSessionLock("sq", "s")
	wantCondition(t, err, CondSessionLockLost)
	// The session is free again; its message came back with one more delivery.
	r2 := acceptSession(t, b, "sq", "s")
	if d := mustNext(t, r2); d.Message.DeliveryCount != 1 {
		t.Fatalf("count after session lock expiry = %d, want 1", d.Message.DeliveryCount)
	}
}

func TestSessionCloseReleases(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	mustSend(t, b, "sq", sessionMsg("s", "a"), sessionMsg("s", "b"))
	r := acceptSession(t, b, "sq", "s")
	d := mustNext(t, r)
	mustNext(t, r)
	r.Close()
	wantCondition(t, b.Complete(d.LockToken), CondMessageLockLost)
	r2 := acceptSession(t, b, "sq", "s")
	for _, want := range []string{"a", "b"} {
		d := mustNext(t, r2)
		if string(d.Message.Body) != want || d.Message.DeliveryCount != 0 {
			t.Fatalf("after close got %q count %d, want %q count 0", d.Message.Body, d.Message.DeliveryCount, want)
		}
	}
}

func TestSessionSubscription(t *testing.T) {
	b, _ := newTestBroker(t)
	if _, err := b.CreateTopic("t", Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateSubscription("t", "s", Properties{RequiresSession: true}, nil); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "t", sessionMsg("x", "hello"))
	r, err := acceptNext(b, "t/Subscriptions/s", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if d := mustNext(t, r); string(d.Message.Body) != "hello" {
		t.Fatalf("got %q", d.Message.Body)
	}
	wantCondition(t, b.Send("t", []*Message{body("no session")}), CondNotAllowed)
}
