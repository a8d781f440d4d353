package broker

import (
	"slices"
	"testing"
	"time"
)

func TestSequenceNumbers(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustCreateQueue(t, b, "other", Properties{})
	mustSend(t, b, "q", body("a"))
	mustSend(t, b, "q", body("b"), body("c"), body("d"))
	clk.Advance(time.Second)
	mustSend(t, b, "other", body("x"))
	if got := peekSeqs(t, b, "q", 1, 10); !slices.Equal(got, []int64{1, 2, 3, 4}) {
		t.Fatalf("q sequence numbers = %v, want 1..4", got)
	}
	if got := peekSeqs(t, b, "other", 1, 10); !slices.Equal(got, []int64{1}) {
		t.Fatalf("other sequence numbers = %v, want [1] (each entity counts on its own)", got)
	}
	msgs, _ := b.Peek("q", 1, 10, nil)
	for _, m := range msgs {
		if m.EnqueuedTime.IsZero() {
			t.Fatalf("message %d has no enqueued time", m.SequenceNumber)
		}
		id, ok := m.MessageID.(string)
		if !ok || len(id) != 32 {
			t.Fatalf("broker message id = %#v, want a 32-hex-digit string", m.MessageID)
		}
	}
	// A sender's id is kept as sent, whatever its type.
	mustSend(t, b, "q", &Message{MessageID: uint64(7)})
	msgs, _ = b.Peek("q", 5, 1, nil)
	if msgs[0].MessageID != uint64(7) {
		t.Fatalf("message id = %#v, want uint64(7)", msgs[0].MessageID)
	}
}

func TestPeekFromWithGaps(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	for range 10 {
		mustSend(t, b, "q", body("m"))
	}
	r := mustReceiver(t, b, "q", PeekLock)
	// Complete 7 and 8 (and 1..6 on the way).
	for range 8 {
		d := mustNext(t, r)
		if d.Message.SequenceNumber >= 7 {
			if err := b.Complete(d.LockToken); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		from int64
		max  int
		want []int64
	}{
		{7, 1, []int64{9}},
		{7, 5, []int64{9, 10}},
		{1, 3, []int64{1, 2, 3}},
		{0, 2, []int64{1, 2}},
		{11, 5, nil},
		{5, 0, nil},
	}
	for _, c := range cases {
		if got := peekSeqs(t, b, "q", c.from, c.max); !slices.Equal(got, c.want) {
			t.Errorf("Peek(from %d, max %d) = %v, want %v", c.from, c.max, got, c.want)
		}
	}
}

func TestPeekDoesNotLockOrCount(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", body("a"))
	for range 3 {
		msgs, err := b.Peek("q", 1, 10, nil)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("Peek = %v, %v", msgs, err)
		}
		if msgs[0].DeliveryCount != 0 || !msgs[0].LockedUntil.IsZero() {
			t.Fatalf("peeked message has count %d, lockedUntil %v", msgs[0].DeliveryCount, msgs[0].LockedUntil)
		}
	}
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if d.Message.DeliveryCount != 0 {
		t.Fatalf("first delivery count = %d, want 0 (peeks do not count)", d.Message.DeliveryCount)
	}
	// Locked messages are peekable and show their lock.
	msgs, _ := b.Peek("q", 1, 10, nil)
	if len(msgs) != 1 || !msgs[0].LockedUntil.Equal(d.LockedUntil) {
		t.Fatalf("peek of a locked message = %+v", msgs)
	}
	// The peeked snapshot is a copy.
	msgs[0].Body[0] = 'z'
	msgs[0].ApplicationProperties = map[string]any{"x": 1}
	again, _ := b.Peek("q", 1, 1, nil)
	if again[0].ApplicationProperties != nil {
		t.Fatal("changing a snapshot changed the broker")
	}
}

func TestLockRenewComplete(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{LockDuration: 30 * time.Second})
	mustSend(t, b, "q", body("a"))
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if d.LockToken == ([16]byte{}) {
		t.Fatal("peek-lock delivery without a lock token")
	}
	if want := clk.Now().Add(30 * time.Second); !d.LockedUntil.Equal(want) {
		t.Fatalf("LockedUntil = %v, want %v", d.LockedUntil, want)
	}
	expectEmpty(t, r) // locked: not delivered twice
	clk.Advance(20 * time.Second)
	until, err := b.RenewLock([][16]byte{d.LockToken})
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(30 * time.Second); len(until) != 1 || !until[0].Equal(want) {
		t.Fatalf("RenewLock = %v, want [%v]", until, want)
	}
	clk.Advance(20 * time.Second) // past the first lock, within the renewed one
	b.Tick()
	if err := b.Complete(d.LockToken); err != nil {
		t.Fatalf("Complete after renew: %v", err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
	wantCondition(t, b.Complete(d.LockToken), CondMessageLockLost)
}

func TestLockLost(t *testing.T) {
	cases := []struct {
		name   string
		settle func(b *Broker, tok [16]byte) error
	}{
		{"complete", func(b *Broker, tok [16]byte) error { return b.Complete(tok) }},
		{"abandon", func(b *Broker, tok [16]byte) error { return b.Abandon(tok, nil) }},
		{"release", func(b *Broker, tok [16]byte) error { return b.Release(tok) }},
		{"defer", func(b *Broker, tok [16]byte) error { return b.Defer(tok, nil) }},
		{"deadletter", func(b *Broker, tok [16]byte) error { return b.DeadLetter(tok, "r", "d", nil) }},
		{"renew", func(b *Broker, tok [16]byte) error { _, err := b.RenewLock([][16]byte{tok}); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, clk := newTestBroker(t)
			mustCreateQueue(t, b, "q", Properties{LockDuration: 5 * time.Second})
			mustSend(t, b, "q", body("a"))
			r := mustReceiver(t, b, "q", PeekLock)
			d := mustNext(t, r)
			clk.Advance(6 * time.Second) // no Tick: the settlement itself notices
			err := c.settle(b, d.LockToken)
			wantCondition(t, err, CondMessageLockLost)
			if e := err.(*Error); e.Status != 410 {
				t.Fatalf("status = %d, want 410", e.Status)
			}
			again := mustNext(t, r)
			if again.Message.DeliveryCount != 1 {
				t.Fatalf("redelivery count = %d, want 1", again.Message.DeliveryCount)
			}
			wantCondition(t, c.settle(b, [16]byte{1, 2, 3}), CondMessageLockLost)
		})
	}
}

func TestLockExpiryRedelivers(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{LockDuration: 10 * time.Second})
	mustSend(t, b, "q", body("a"))
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	ready := r.Ready()
	clk.Advance(10 * time.Second)
	b.Tick()
	select {
	case <-ready:
	default:
		t.Fatal("Ready did not fire on lock expiry")
	}
	d2 := mustNext(t, r)
	if d2.Message.SequenceNumber != d.Message.SequenceNumber || d2.Message.DeliveryCount != 1 {
		t.Fatalf("redelivered seq %d count %d", d2.Message.SequenceNumber, d2.Message.DeliveryCount)
	}
	if d2.LockToken == d.LockToken {
		t.Fatal("a new delivery must get a new lock token")
	}
}

func TestAbandonAndRelease(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", &Message{Body: []byte("a"), ApplicationProperties: map[string]any{"keep": "yes"}})
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if err := b.Abandon(d.LockToken, map[string]any{"added": int64(5)}); err != nil {
		t.Fatal(err)
	}
	d = mustNext(t, r)
	if d.Message.DeliveryCount != 1 {
		t.Fatalf("count after abandon = %d, want 1", d.Message.DeliveryCount)
	}
	if d.Message.ApplicationProperties["added"] != int64(5) || d.Message.ApplicationProperties["keep"] != "yes" {
		t.Fatalf("properties after abandon = %v", d.Message.ApplicationProperties)
	}
	if err := b.Release(d.LockToken); err != nil {
		t.Fatal(err)
	}
	d = mustNext(t, r)
	if d.Message.DeliveryCount != 1 {
		t.Fatalf("count after release = %d, want 1 (release does not count)", d.Message.DeliveryCount)
	}
	wantCounts(t, b, "q", 1, 0, 0, 0)
}

func TestReceiveAndDelete(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", body("a"), body("b"))
	r := mustReceiver(t, b, "q", ReceiveAndDelete)
	d := mustNext(t, r)
	if d.LockToken != ([16]byte{}) || string(d.Message.Body) != "a" {
		t.Fatalf("receive-and-delete delivery = %+v", d)
	}
	wantCounts(t, b, "q", 1, 0, 0, 0)
	mustNext(t, r)
	expectEmpty(t, r)
	wantCounts(t, b, "q", 0, 0, 0, 0)
	if c := mustCounts(t, b, "q"); c.SizeInBytes != 0 {
		t.Fatalf("size after draining = %d", c.SizeInBytes)
	}
}

// NextHeld in receive-and-delete mode takes a message without losing it:
// Complete removes it, Release puts it back first in line with its delivery
// count unchanged, and while held no other receiver gets it.
func TestReceiveAndDeleteHeld(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", body("a"), body("b"))
	r := mustReceiver(t, b, "q", ReceiveAndDelete)
	d, ok := r.NextHeld()
	if !ok || d.LockToken == ([16]byte{}) || string(d.Message.Body) != "a" {
		t.Fatalf("held delivery = %+v, %v", d, ok)
	}
	other := mustReceiver(t, b, "q", ReceiveAndDelete)
	if d2 := mustNext(t, other); string(d2.Message.Body) != "b" {
		t.Fatalf("a second receiver got %q while a was held, want b", d2.Message.Body)
	}
	expectEmpty(t, other)
	if err := b.Release(d.LockToken); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 1, 0, 0, 0)
	again, ok := r.NextHeld()
	if !ok || string(again.Message.Body) != "a" || again.Message.DeliveryCount != 0 {
		t.Fatalf("after release: %+v, %v (want a, delivery count 0)", again, ok)
	}
	if err := b.Complete(again.LockToken); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
	expectEmpty(t, r)
}

// NextHeldInto fills the caller's delivery and message instead of new ones:
// the same pair serves one delivery after another, each a snapshot that
// changing does not change the stored message.
func TestNextHeldIntoReusesTheCallersDelivery(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", body("a"), body("b"))
	r := mustReceiver(t, b, "q", PeekLock)
	var msg Message
	d := Delivery{Message: &msg}
	if !r.NextHeldInto(&d) || d.Message != &msg || string(msg.Body) != "a" || d.LockToken == ([16]byte{}) || d.LockedUntil.IsZero() {
		t.Fatalf("first delivery = %+v", d)
	}
	first := d.LockToken
	msg.Subject = new(string) // a change to the snapshot
	if !r.NextHeldInto(&d) || d.Message != &msg || string(msg.Body) != "b" || d.LockToken == first {
		t.Fatalf("second delivery = %+v (first token %x)", d, first)
	}
	if msg.Subject != nil {
		t.Fatal("the second snapshot kept a field set on the first")
	}
	if err := b.Abandon(first, nil); err != nil {
		t.Fatal(err)
	}
	again, ok := r.NextHeld()
	if !ok || string(again.Message.Body) != "a" || again.Message.Subject != nil {
		t.Fatalf("after abandon: %+v, %v (want a, unchanged by the snapshot's edit)", again, ok)
	}
}
