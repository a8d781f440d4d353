package broker

import (
	"testing"
	"time"
)

func TestDeferAndReceiveBySequence(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", body("a"), body("b"))
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	seq := d.Message.SequenceNumber
	if err := b.Defer(d.LockToken, map[string]any{"deferred": true}); err != nil {
		t.Fatal(err)
	}
	// Only b is deliverable; a is deferred but still counts as active.
	if next := mustNext(t, r); string(next.Message.Body) != "b" {
		t.Fatalf("next after defer = %q, want b", next.Message.Body)
	} else if err := b.Complete(next.LockToken); err != nil {
		t.Fatal(err)
	}
	expectEmpty(t, r)
	wantCounts(t, b, "q", 1, 0, 0, 0)
	peeked, _ := b.Peek("q", seq, 1, nil)
	if len(peeked) != 1 || peeked[0].State != StateDeferred {
		t.Fatalf("peek of deferred = %+v, want state deferred", peeked)
	}

	ds, err := b.ReceiveBySequence("q", []int64{seq}, PeekLock, nil)
	if err != nil || len(ds) != 1 {
		t.Fatalf("ReceiveBySequence = %v, %v", ds, err)
	}
	got := ds[0]
	if got.Message.State != StateDeferred || got.LockToken == ([16]byte{}) || got.Message.ApplicationProperties["deferred"] != true {
		t.Fatalf("deferred delivery = %+v", got.Message)
	}
	// Abandoning a deferred message keeps it deferred, with one more delivery.
	if err := b.Abandon(got.LockToken, nil); err != nil {
		t.Fatal(err)
	}
	expectEmpty(t, r)
	peeked, _ = b.Peek("q", seq, 1, nil)
	if peeked[0].State != StateDeferred || peeked[0].DeliveryCount != 1 {
		t.Fatalf("after abandon: state %d count %d, want deferred, 1", peeked[0].State, peeked[0].DeliveryCount)
	}
	// Locked messages and unknown numbers are not received; nothing is locked then.
	ds, _ = b.ReceiveBySequence("q", []int64{seq}, PeekLock, nil)
	_, err = b.ReceiveBySequence("q", []int64{seq}, PeekLock, nil)
	wantCondition(t, err, CondNotFound)
	if err := b.Release(ds[0].LockToken); err != nil {
		t.Fatal(err)
	}
	_, err = b.ReceiveBySequence("q", []int64{seq, 999}, PeekLock, nil)
	wantCondition(t, err, CondNotFound)
	// Receive-and-delete by sequence removes it.
	ds, err = b.ReceiveBySequence("q", []int64{seq}, ReceiveAndDelete, nil)
	if err != nil || len(ds) != 1 || ds[0].LockToken != ([16]byte{}) {
		t.Fatalf("receive-and-delete by sequence = %v, %v", ds, err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
}

func TestDeadLetterSettlement(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", &Message{Body: []byte("a"), TTL: time.Hour})
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if err := b.Abandon(d.LockToken, nil); err != nil {
		t.Fatal(err)
	}
	d = mustNext(t, r)
	if err := b.DeadLetter(d.LockToken, "the error reason", "the error description", map[string]any{"extra": "x"}); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 1, 0)
	dlq := mustReceiver(t, b, "q/$DeadLetterQueue", PeekLock)
	dd := mustNext(t, dlq)
	p := dd.Message.ApplicationProperties
	if p[propDeadLetterReason] != "the error reason" || p[propDeadLetterDescription] != "the error description" || p["extra"] != "x" {
		t.Fatalf("dead-letter properties = %v", p)
	}
	if dd.Message.DeliveryCount != 1 || dd.Message.SequenceNumber != d.Message.SequenceNumber {
		t.Fatalf("DLQ message count %d seq %d, want 1 and the original %d", dd.Message.DeliveryCount,
			dd.Message.SequenceNumber, d.Message.SequenceNumber)
	}
	if got := peekSeqs(t, b, "q/$deadletterqueue", 1, 5); len(got) != 1 || got[0] != d.Message.SequenceNumber {
		t.Fatalf("DLQ peek = %v", got)
	}
	// Abandoning inside the DLQ does not count; completing works.
	if err := b.Abandon(dd.LockToken, nil); err != nil {
		t.Fatal(err)
	}
	dd = mustNext(t, dlq)
	if dd.Message.DeliveryCount != 1 {
		t.Fatalf("DLQ count after abandon = %d, want 1", dd.Message.DeliveryCount)
	}
	ds, err := b.ReceiveBySequence("q/$DeadLetterQueue", []int64{dd.Message.SequenceNumber}, PeekLock, nil)
	wantCondition(t, err, CondNotFound) // locked already
	_ = ds
	if err := b.Complete(dd.LockToken); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
}

func TestMaxDeliveryCount(t *testing.T) {
	cases := []struct {
		name string
		fail func(b *Broker, clk *fakeClock, d *Delivery)
	}{
		{"abandon", func(b *Broker, clk *fakeClock, d *Delivery) { _ = b.Abandon(d.LockToken, nil) }},
		{"lock expiry", func(b *Broker, clk *fakeClock, d *Delivery) { clk.Advance(time.Minute); b.Tick() }},
		{"expire lock", func(b *Broker, clk *fakeClock, d *Delivery) { _ = b.ExpireLock(d.LockToken) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, clk := newTestBroker(t)
			mustCreateQueue(t, b, "q", Properties{MaxDeliveryCount: 3})
			mustSend(t, b, "q", body("a"))
			r := mustReceiver(t, b, "q", PeekLock)
			for i := range 3 {
				d := mustNext(t, r)
				if d.Message.DeliveryCount != uint32(i) {
					t.Fatalf("delivery %d has count %d", i, d.Message.DeliveryCount)
				}
				c.fail(b, clk, d)
			}
			expectEmpty(t, r)
			wantCounts(t, b, "q", 0, 0, 1, 0)
			msgs, _ := b.Peek("q/$DeadLetterQueue", 1, 1, nil)
			p := msgs[0].ApplicationProperties
			if p[propDeadLetterReason] != "MaxDeliveryCountExceeded" ||
				p[propDeadLetterDescription] != "Message could not be consumed after 3 delivery attempts." {
				t.Fatalf("dead-letter properties = %v", p)
			}
		})
	}
}

func TestTTL(t *testing.T) {
	cases := []struct {
		name       string
		entityTTL  time.Duration
		msgTTL     time.Duration
		deadLetter bool
		advance    time.Duration
		wantActive int64
		wantDLQ    int64
	}{
		{"message ttl expires", 0, 10 * time.Second, false, 10 * time.Second, 0, 0},
		{"not yet", 0, 10 * time.Second, false, 9 * time.Second, 1, 0},
		{"entity default applies", 5 * time.Second, time.Hour, false, 5 * time.Second, 0, 0},
		{"shorter message ttl wins", time.Hour, 2 * time.Second, false, 2 * time.Second, 0, 0},
		{"dead-lettered on expiry", 0, 10 * time.Second, true, 11 * time.Second, 0, 1},
		{"no ttl never expires", 0, 0, true, 1000 * time.Hour, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, clk := newTestBroker(t)
			mustCreateQueue(t, b, "q", Properties{DefaultMessageTimeToLive: c.entityTTL, DeadLetteringOnMessageExpiration: c.deadLetter})
			mustSend(t, b, "q", &Message{Body: []byte("a"), TTL: c.msgTTL})
			clk.Advance(c.advance)
			b.Tick()
			wantCounts(t, b, "q", c.wantActive, 0, c.wantDLQ, 0)
			if c.wantDLQ == 1 {
				msgs, _ := b.Peek("q/$DeadLetterQueue", 1, 1, nil)
				if msgs[0].ApplicationProperties[propDeadLetterReason] != "TTLExpiredException" {
					t.Fatalf("reason = %v", msgs[0].ApplicationProperties)
				}
				// Dead-lettered messages never expire again.
				clk.Advance(1000 * time.Hour)
				b.Tick()
				wantCounts(t, b, "q", 0, 0, 1, 0)
			}
		})
	}
}

func TestTTLWaitsForLock(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{LockDuration: time.Minute, DeadLetteringOnMessageExpiration: true})
	mustSend(t, b, "q", &Message{Body: []byte("a"), TTL: 10 * time.Second})
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	clk.Advance(20 * time.Second)
	b.Tick()
	wantCounts(t, b, "q", 1, 0, 0, 0) // still locked: not expired yet
	if err := b.Abandon(d.LockToken, nil); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 1, 0)
	expectEmpty(t, r)
	// An expired message found by Next is expired rather than delivered.
	mustSend(t, b, "q", &Message{Body: []byte("b"), TTL: time.Second})
	clk.Advance(2 * time.Second)
	expectEmpty(t, r)
	wantCounts(t, b, "q", 0, 0, 2, 0)
}
