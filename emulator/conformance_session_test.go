package emulator_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	goamqp "github.com/Azure/go-amqp"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func sendToSession(t testing.TB, s *azservicebus.Sender, session string, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte(b), SessionID: &session}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// Accepting a named session works before it has messages; its messages then
// arrive in order with their SessionID.
func TestSessionAcceptByID(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	if sr.SessionID() != "s1" || !sr.LockedUntil().After(time.Now()) {
		t.Fatalf("session %q locked until %v", sr.SessionID(), sr.LockedUntil())
	}
	s := newSender(t, c, q)
	sendToSession(t, s, "other", "o1")
	sendToSession(t, s, "s1", "a", "b")
	got := receiveN(t, sr, 2)
	if !slices.Equal(bodies(got), []string{"a", "b"}) || *got[0].SessionID != "s1" {
		t.Fatalf("received %q", bodies(got))
	}
	for _, m := range got {
		if err := sr.CompleteMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Peek through a session receiver only sees its own session.
	sendToSession(t, s, "s1", "c")
	peeked, err := sr.PeekMessages(ctxT(t, 10*time.Second), 10, nil)
	if err != nil || !slices.Equal(bodies(peeked), []string{"c"}) {
		t.Fatalf("session peek: %q %v", bodies(peeked), err)
	}
}

// Accept-next hands out each session with messages once, then times out.
func TestSessionAcceptNextAvailable(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	for _, id := range []string{"a", "b", "c"} {
		sendToSession(t, s, id, "in "+id)
	}
	var seen []string
	for range 3 {
		sr, err := c.AcceptNextSessionForQueue(ctxT(t, 5*time.Second), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close(context.Background())
		m := receiveN(t, sr, 1)[0]
		if string(m.Body) != "in "+sr.SessionID() {
			t.Fatalf("session %s delivered %q", sr.SessionID(), m.Body)
		}
		seen = append(seen, sr.SessionID())
	}
	slices.Sort(seen)
	if !slices.Equal(seen, []string{"a", "b", "c"}) {
		t.Fatalf("sessions %v", seen)
	}
	start := time.Now()
	_, err := c.AcceptNextSessionForQueue(ctxT(t, time.Second), q, nil)
	if sbCode(err) != azservicebus.CodeTimeout && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("accept-next with nothing left: %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("accept-next took %v", time.Since(start))
	}
}

// RenewSessionLock moves LockedUntil forward.
func TestSessionLockRenewal(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true, LockDuration: 5 * time.Second})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	old := sr.LockedUntil()
	time.Sleep(20 * time.Millisecond)
	if err := sr.RenewSessionLock(ctxT(t, 10*time.Second), nil); err != nil {
		t.Fatal(err)
	}
	if !sr.LockedUntil().After(old) {
		t.Fatalf("LockedUntil %v not after %v", sr.LockedUntil(), old)
	}
}

// Session state starts nil, round-trips, and clears with nil.
func TestSessionState(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	ctx := ctxT(t, 10*time.Second)
	if st, err := sr.GetSessionState(ctx, nil); err != nil || st != nil {
		t.Fatalf("initial state %q, %v", st, err)
	}
	if err := sr.SetSessionState(ctx, []byte("step-2"), nil); err != nil {
		t.Fatal(err)
	}
	if st, err := sr.GetSessionState(ctx, nil); err != nil || string(st) != "step-2" {
		t.Fatalf("state %q, %v", st, err)
	}
	if err := sr.SetSessionState(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	if st, err := sr.GetSessionState(ctx, nil); err != nil || st != nil {
		t.Fatalf("cleared state %q, %v", st, err)
	}
}

// Sessions with messages or state are listed.
func TestListSessions(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	listed := func() []string {
		var ids []string
		pager := c.NewListSessionsForQueuePager(q, nil)
		for pager.More() {
			page, err := pager.NextPage(ctxT(t, 10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, page.Sessions...)
		}
		slices.Sort(ids)
		return ids
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("sessions of an empty queue: %v", got)
	}
	s := newSender(t, c, q)
	sendToSession(t, s, "x", "1")
	sendToSession(t, s, "y", "2")
	if got := listed(); !slices.Equal(got, []string{"x", "y"}) {
		t.Fatalf("sessions %v", got)
	}
}

// A session locked by one receiver is refused to another.
func TestSessionLockedRefused(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "busy", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = newClient(t, em.ConnectionString).AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "busy", nil)
	var ae *goamqp.Error
	if !errors.As(err, &ae) || ae.Condition != "com.microsoft:session-cannot-be-locked" {
		t.Fatalf("second accept: %v", err)
	}
	// Closing the first receiver releases the lock.
	if err := sr.Close(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	sr2, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "busy", nil)
	if err != nil {
		t.Fatalf("accept after close: %v", err)
	}
	sr2.Close(context.Background())
}

// A plain receiver on a session queue fails with amqp:not-allowed and the
// service's text.
func TestNonSessionReceiverOnSessionQueue(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	r := newReceiver(t, newClient(t, em.ConnectionString), q, nil)
	_, err := r.ReceiveMessages(ctxT(t, 10*time.Second), 1, nil)
	var ae *goamqp.Error
	if !errors.As(err, &ae) || ae.Condition != goamqp.ErrCondNotAllowed ||
		!strings.Contains(ae.Description, "It is not possible for an entity that requires sessions to create a non-sessionful message receiver") {
		t.Fatalf("receive: %v", err)
	}
}

// Subscriptions that require sessions work like queues.
func TestSessionSubscription(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	if _, err := em.Broker.CreateTopic("st", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := em.Broker.CreateSubscription("st", "ss", broker.Properties{RequiresSession: true}, nil); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, em.ConnectionString)
	sendToSession(t, newSender(t, c, "st"), "k", "hello")
	sr, err := c.AcceptNextSessionForSubscription(ctxT(t, 5*time.Second), "st", "ss", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	if m := receiveN(t, sr, 1)[0]; sr.SessionID() != "k" || string(m.Body) != "hello" {
		t.Fatalf("session %q body %q", sr.SessionID(), m.Body)
	}
}

// When a session lock expires the broker detaches the session receiver's
// link (com.microsoft:session-lock-lost); the SDK re-attaches to the same
// session and keeps receiving. The clock is moved instead of waiting.
func TestSessionLockLostRecovers(t *testing.T) {
	var offset atomic.Int64
	em := startEmulator(t, emulator.Config{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	q := newQueue(t, em, broker.Properties{RequiresSession: true, LockDuration: 30 * time.Second})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	firstLock := sr.LockedUntil()
	offset.Store(int64(time.Minute))

	// The lock is gone: another client may take the session now.
	other, err := newClient(t, em.ConnectionString).AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s", nil)
	if err != nil {
		t.Fatalf("the expired session was not released: %v", err)
	}
	if err := other.Close(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	sendToSession(t, newSender(t, c, q), "s", "after")
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs, err := sr.ReceiveMessages(ctxT(t, 2*time.Second), 1, nil)
		if len(msgs) == 1 {
			if string(msgs[0].Body) != "after" {
				t.Fatalf("body %q", msgs[0].Body)
			}
			break
		}
		t.Logf("ReceiveMessages while recovering: %v", err)
		if time.Now().After(deadline) {
			t.Fatal("the session receiver did not recover")
		}
	}
	if !sr.LockedUntil().After(firstLock.Add(time.Minute)) {
		t.Fatalf("LockedUntil %v: the link was not re-attached (first lock %v)", sr.LockedUntil(), firstLock)
	}
}

// The empty string is a valid session id, also for a message scheduled for
// now (the SDK's TestSessionReceiver_blankSessionIDs).
func TestBlankSessionScheduledNow(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	blank := ""
	if _, err := newSender(t, c, q).ScheduleMessages(ctxT(t, 10*time.Second),
		[]*azservicebus.Message{{Body: []byte("blank"), SessionID: &blank}}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	m := receiveN(t, sr, 1)[0]
	if string(m.Body) != "blank" || m.SessionID == nil || *m.SessionID != "" {
		t.Fatalf("body %q session %v", m.Body, m.SessionID)
	}
}
