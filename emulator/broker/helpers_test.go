package broker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is the broker's clock in tests; time only moves when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestBroker(t testing.TB) (*Broker, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	b := New(Options{Now: clk.Now})
	t.Cleanup(b.Close)
	return b, clk
}

func ptr[T any](v T) *T { return &v }

func body(s string) *Message { return &Message{Body: []byte(s)} }

func mustCreateQueue(t testing.TB, b *Broker, name string, p Properties) {
	t.Helper()
	if _, err := b.CreateQueue(name, p); err != nil {
		t.Fatalf("CreateQueue(%s): %v", name, err)
	}
}

func mustSend(t testing.TB, b *Broker, address string, msgs ...*Message) {
	t.Helper()
	if err := b.Send(address, msgs); err != nil {
		t.Fatalf("Send(%s): %v", address, err)
	}
}

func mustReceiver(t testing.TB, b *Broker, path string, mode ReceiveMode) *Receiver {
	t.Helper()
	r, err := b.OpenReceiver(context.Background(), path, mode, nil)
	if err != nil {
		t.Fatalf("OpenReceiver(%s): %v", path, err)
	}
	t.Cleanup(r.Close)
	return r
}

func mustNext(t testing.TB, r *Receiver) *Delivery {
	t.Helper()
	d, ok := r.Next()
	if !ok {
		t.Fatalf("Next: nothing deliverable")
	}
	return d
}

func expectEmpty(t testing.TB, r *Receiver) {
	t.Helper()
	if d, ok := r.Next(); ok {
		t.Fatalf("Next: got message %d (%q), want nothing", d.Message.SequenceNumber, d.Message.Body)
	}
}

func mustCounts(t testing.TB, b *Broker, path string) Counts {
	t.Helper()
	c, err := b.Counts(path)
	if err != nil {
		t.Fatalf("Counts(%s): %v", path, err)
	}
	return c
}

// wantCounts compares the message counts (not the size).
func wantCounts(t testing.TB, b *Broker, path string, active, scheduled, dead, tdead int64) {
	t.Helper()
	c := mustCounts(t, b, path)
	if c.Active != active || c.Scheduled != scheduled || c.DeadLetter != dead || c.TransferDeadLetter != tdead {
		t.Fatalf("Counts(%s) = active %d scheduled %d dlq %d tdlq %d, want %d %d %d %d", path,
			c.Active, c.Scheduled, c.DeadLetter, c.TransferDeadLetter, active, scheduled, dead, tdead)
	}
}

// condition returns the broker condition of err, or "" when err is not an
// *Error.
func condition(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Condition
	}
	return ""
}

func wantCondition(t testing.TB, err error, cond string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", cond)
	}
	if got := condition(err); got != cond {
		t.Fatalf("got error %v (condition %q), want condition %q", err, got, cond)
	}
}

func peekSeqs(t testing.TB, b *Broker, path string, from int64, max int) []int64 {
	t.Helper()
	msgs, err := b.Peek(path, from, max, nil)
	if err != nil {
		t.Fatalf("Peek(%s): %v", path, err)
	}
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.SequenceNumber
	}
	return out
}
