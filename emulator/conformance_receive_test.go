package emulator_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Peek pages through messages from a sequence number and never locks them
// or changes counts.
func TestPeek(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "a", "b", "c", "d", "e")
	r := newReceiver(t, c, q, nil)

	empty, err := newReceiver(t, c, newQueue(t, em, broker.Properties{}), nil).PeekMessages(ctxT(t, 10*time.Second), 5, nil)
	if err != nil || len(empty) != 0 {
		t.Fatalf("peek on an empty queue: %d messages, %v", len(empty), err)
	}
	first, err := r.PeekMessages(ctxT(t, 10*time.Second), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, err := r.PeekMessages(ctxT(t, 10*time.Second), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := append(bodies(first), bodies(next)...); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Fatalf("peeked %q", got)
	}
	from := *first[1].SequenceNumber
	again, err := r.PeekMessages(ctxT(t, 10*time.Second), 2, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
	if err != nil || !slices.Equal(bodies(again), []string{"b", "c"}) {
		t.Fatalf("peek from %d: %q, %v", from, bodies(again), err)
	}
	if first[0].LockToken != ([16]byte{}) && first[0].LockedUntil != nil {
		t.Error("a peeked message carries a lock")
	}
	if got := counts(t, em, q).Active; got != 5 {
		t.Fatalf("active after peeks = %d", got)
	}
	// Nothing was locked: all five are receivable, and stay peekable while locked.
	got := receiveN(t, r, 5)
	locked, err := r.PeekMessages(ctxT(t, 10*time.Second), 5, &azservicebus.PeekMessagesOptions{FromSequenceNumber: first[0].SequenceNumber})
	if err != nil || len(locked) != 5 {
		t.Fatalf("peek of locked messages: %d, %v", len(locked), err)
	}
	if !slices.Equal(bodies(got), []string{"a", "b", "c", "d", "e"}) {
		t.Fatalf("received %q", bodies(got))
	}
}

// Abandon makes a message available again with DeliveryCount+1 and the
// modified properties.
func TestAbandon(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "x")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	err := r.AbandonMessage(ctxT(t, 10*time.Second), m, &azservicebus.AbandonMessageOptions{PropertiesToModify: map[string]any{"why": "retry"}})
	if err != nil {
		t.Fatal(err)
	}
	m2 := receiveN(t, r, 1)[0]
	if m2.DeliveryCount != 2 || m2.ApplicationProperties["why"] != "retry" || *m2.SequenceNumber != *m.SequenceNumber {
		t.Fatalf("redelivery: count %d, props %v", m2.DeliveryCount, m2.ApplicationProperties)
	}
	if m2.LockToken == m.LockToken {
		t.Error("redelivery reused the lock token")
	}
}

// Dead-lettering moves the message to the DLQ with reason and description;
// it can be settled there.
func TestDeadLetter(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "bad")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	reason, desc := "Poison", "could not parse"
	err := r.DeadLetterMessage(ctxT(t, 10*time.Second), m, &azservicebus.DeadLetterOptions{
		Reason: &reason, ErrorDescription: &desc, PropertiesToModify: map[string]any{"extra": int64(5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q); got.Active != 0 || got.DeadLetter != 1 {
		t.Fatalf("counts after dead-letter: %+v", got)
	}
	dlq := newReceiver(t, c, q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
	d := receiveN(t, dlq, 1)[0]
	if string(d.Body) != "bad" || d.DeadLetterReason == nil || *d.DeadLetterReason != reason ||
		d.DeadLetterErrorDescription == nil || *d.DeadLetterErrorDescription != desc || d.ApplicationProperties["extra"] != int64(5) {
		t.Fatalf("DLQ message: reason %v, description %v, props %v", d.DeadLetterReason, d.DeadLetterErrorDescription, d.ApplicationProperties)
	}
	if d.DeliveryCount != 1 {
		t.Errorf("DLQ DeliveryCount = %d, want 1", d.DeliveryCount)
	}
	if err := dlq.CompleteMessage(ctxT(t, 10*time.Second), d, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q).DeadLetter; got != 0 {
		t.Fatalf("dead letters after complete = %d", got)
	}
}

// A deferred message is visible to peek as Deferred, only receivable by
// sequence number, and settles through the management link.
func TestDeferAndReceiveDeferred(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "later")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	if err := r.DeferMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
	expectNoMessage(t, r)
	peeked, err := r.PeekMessages(ctxT(t, 10*time.Second), 1, &azservicebus.PeekMessagesOptions{FromSequenceNumber: m.SequenceNumber})
	if err != nil || len(peeked) != 1 || peeked[0].State != azservicebus.MessageStateDeferred {
		t.Fatalf("peek of a deferred message: %v %v", peeked, err)
	}
	got, err := r.ReceiveDeferredMessages(ctxT(t, 10*time.Second), []int64{*m.SequenceNumber}, nil)
	if err != nil || len(got) != 1 || string(got[0].Body) != "later" || got[0].State != azservicebus.MessageStateDeferred {
		t.Fatalf("ReceiveDeferredMessages: %v %v", got, err)
	}
	if got[0].LockToken == ([16]byte{}) {
		t.Fatal("deferred message has no lock token")
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), got[0], nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q).Active; got != 0 {
		t.Fatalf("active = %d", got)
	}
}

// RenewMessageLock moves LockedUntil forward, also through another
// receiver holding only the token.
func TestRenewLock(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{LockDuration: 5 * time.Second})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "x")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	old := *m.LockedUntil
	time.Sleep(20 * time.Millisecond)
	if err := r.RenewMessageLock(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
	if !m.LockedUntil.After(old) {
		t.Fatalf("LockedUntil %v not after %v", m.LockedUntil, old)
	}
	other := newReceiver(t, c, q, nil)
	byToken := &azservicebus.ReceivedMessage{LockToken: m.LockToken}
	if err := other.RenewMessageLock(ctxT(t, 10*time.Second), byToken, nil); err != nil {
		t.Fatal(err)
	}
	if err := other.CompleteMessage(ctxT(t, 10*time.Second), byToken, nil); err != nil {
		t.Fatal(err)
	}
}

// Receive-and-delete removes messages as they are delivered.
func TestReceiveAndDelete(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "1", "2", "3")
	r := newReceiver(t, c, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
	got := receiveN(t, r, 3)
	if !slices.Equal(bodies(got), []string{"1", "2", "3"}) {
		t.Fatalf("received %q", bodies(got))
	}
	if got := counts(t, em, q).Active; got != 0 {
		t.Fatalf("active = %d", got)
	}
	if err := r.CompleteMessage(ctxT(t, 5*time.Second), got[0], nil); err == nil {
		t.Fatal("a receive-and-delete message could be settled")
	}
}

// An empty queue makes ReceiveMessages wait until the caller's deadline.
func TestReceiveEmptyWaitsForDeadline(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	r := newReceiver(t, newClient(t, em.ConnectionString), q, nil)
	start := time.Now()
	msgs, err := r.ReceiveMessages(ctxT(t, 500*time.Millisecond), 5, nil)
	if !errors.Is(err, context.DeadlineExceeded) || len(msgs) != 0 {
		t.Fatalf("got %d messages, %v", len(msgs), err)
	}
	if time.Since(start) < 400*time.Millisecond {
		t.Fatal("returned before the deadline")
	}
}

// After the lock expires, settling fails with CodeLockLost and the message
// is redelivered with a higher delivery count.
func TestLockLostAfterExpiry(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "x")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	if err := em.Faults.ExpireLock(m.LockToken); err != nil {
		t.Fatal(err)
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), m, nil); sbCode(err) != azservicebus.CodeLockLost {
		t.Fatalf("complete after expiry: %v", err)
	}
	if err := r.RenewMessageLock(ctxT(t, 10*time.Second), m, nil); sbCode(err) != azservicebus.CodeLockLost {
		t.Fatalf("renew after expiry: %v", err)
	}
	m2 := receiveN(t, r, 1)[0]
	if m2.DeliveryCount != 2 {
		t.Fatalf("DeliveryCount = %d, want 2", m2.DeliveryCount)
	}
	em.Faults.ExpireAllLocks()
	if err := r.AbandonMessage(ctxT(t, 10*time.Second), m2, nil); sbCode(err) != azservicebus.CodeLockLost {
		t.Fatalf("abandon after ExpireAllLocks: %v", err)
	}
}

// Locks outlive their receiver: settling by token from a new receiver works
// for every outcome.
func TestSettleByLockTokenAfterClose(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "complete", "abandon", "deadletter", "defer")
	first, err := c.NewReceiverForQueue(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := receiveN(t, first, 4)
	if err := first.Close(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	r := newReceiver(t, c, q, nil)
	token := func(i int) *azservicebus.ReceivedMessage {
		return &azservicebus.ReceivedMessage{LockToken: msgs[i].LockToken}
	}
	ctx := ctxT(t, 10*time.Second)
	if err := r.CompleteMessage(ctx, token(0), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.AbandonMessage(ctx, token(1), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.DeadLetterMessage(ctx, token(2), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.DeferMessage(ctx, token(3), nil); err != nil {
		t.Fatal(err)
	}
	again := receiveN(t, r, 1)[0]
	if string(again.Body) != "abandon" || again.DeliveryCount != 2 {
		t.Fatalf("after abandon: %q count %d", again.Body, again.DeliveryCount)
	}
	deferred, err := r.ReceiveDeferredMessages(ctx, []int64{*msgs[3].SequenceNumber}, nil)
	if err != nil || len(deferred) != 1 {
		t.Fatalf("deferred: %v %v", deferred, err)
	}
	if got := counts(t, em, q); got.DeadLetter != 1 {
		t.Fatalf("counts %+v", got)
	}
}

// MaxDeliveryCount dead-letters with reason MaxDeliveryCountExceeded.
func TestMaxDeliveryCount(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{MaxDeliveryCount: 2})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "poison")
	r := newReceiver(t, c, q, nil)
	for range 2 {
		m := receiveN(t, r, 1)[0]
		if err := r.AbandonMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
			t.Fatal(err)
		}
	}
	expectNoMessage(t, r)
	d := receiveN(t, newReceiver(t, c, q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}), 1)[0]
	if d.DeadLetterReason == nil || *d.DeadLetterReason != "MaxDeliveryCountExceeded" {
		t.Fatalf("reason %v", d.DeadLetterReason)
	}
	// It arrives in the DLQ with the count of its last delivery.
	if d.DeliveryCount != 2 {
		t.Fatalf("DeliveryCount in the DLQ = %d, want MaxDeliveryCount (2)", d.DeliveryCount)
	}
}

// An expired message goes to the DLQ with TTLExpiredException when the
// entity asks for it.
func TestTTLExpiry(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{DeadLetteringOnMessageExpiration: true})
	c := newClient(t, em.ConnectionString)
	ttl := 100 * time.Millisecond
	if err := newSender(t, c, q).SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("stale"), TimeToLive: &ttl}, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the message to expire", func() bool { return counts(t, em, q).DeadLetter == 1 })
	r := newReceiver(t, c, q, nil)
	expectNoMessage(t, r)
	d := receiveN(t, newReceiver(t, c, q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}), 1)[0]
	if string(d.Body) != "stale" || d.DeadLetterReason == nil || *d.DeadLetterReason != "TTLExpiredException" {
		t.Fatalf("DLQ message %q reason %v", d.Body, d.DeadLetterReason)
	}
}

// Scheduled messages are peekable as Scheduled, cancellable, counted, and
// delivered once due.
func TestScheduledMessages(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	due := time.Now().Add(1500 * time.Millisecond)
	seqs, err := s.ScheduleMessages(ctxT(t, 10*time.Second), []*azservicebus.Message{
		{Body: []byte("keep")}, {Body: []byte("cancel")},
	}, due, nil)
	if err != nil || len(seqs) != 2 || seqs[1] != seqs[0]+1 {
		t.Fatalf("ScheduleMessages: %v %v", seqs, err)
	}
	if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("via field"), ScheduledEnqueueTime: &due}, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q); got.Scheduled != 3 || got.Active != 0 {
		t.Fatalf("counts %+v", got)
	}
	r := newReceiver(t, c, q, nil)
	peeked, err := r.PeekMessages(ctxT(t, 10*time.Second), 5, nil)
	if err != nil || len(peeked) != 3 || peeked[0].State != azservicebus.MessageStateScheduled ||
		peeked[0].ScheduledEnqueueTime == nil || peeked[0].ScheduledEnqueueTime.Sub(due).Abs() > time.Millisecond {
		t.Fatalf("peek of scheduled messages: %v %v", peeked, err)
	}
	if err := s.CancelScheduledMessages(ctxT(t, 10*time.Second), seqs[1:], nil); err != nil {
		t.Fatal(err)
	}
	expectNoMessage(t, r)
	got := receiveN(t, r, 2)
	if time.Now().Before(due) {
		t.Fatal("delivered before its time")
	}
	if !slices.Equal(bodies(got), []string{"keep", "via field"}) {
		t.Fatalf("received %q", bodies(got))
	}
}

// A message bigger than a frame travels in several transfer frames both
// ways and arrives intact.
func TestLargeMessageMultiFrame(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	body := make([]byte, 200*1024)
	for i := range body {
		body[i] = byte(i * 7)
	}
	if err := newSender(t, c, q).SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: body}, nil); err != nil {
		t.Fatal(err)
	}
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	if !slices.Equal(m.Body, body) {
		t.Fatalf("body of %d bytes differs", len(m.Body))
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
}

// ReceiveDeferredMessages on a receive-and-delete receiver removes them.
func TestReceiveDeferredReceiveAndDelete(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "d1", "d2")
	r := newReceiver(t, c, q, nil)
	var seqs []int64
	for _, m := range receiveN(t, r, 2) {
		if err := r.DeferMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *m.SequenceNumber)
	}
	rd := newReceiver(t, c, q, deleteMode)
	got, err := rd.ReceiveDeferredMessages(ctxT(t, 10*time.Second), seqs, nil)
	if err != nil || !slices.Equal(bodies(got), []string{"d1", "d2"}) {
		t.Fatalf("ReceiveDeferredMessages: %q %v", bodies(got), err)
	}
	if c := counts(t, em, q); c.Active != 0 {
		t.Fatalf("counts after receive-and-delete of deferred messages: %+v", c)
	}
}

// Settling deferred messages through the management link: abandon keeps it
// deferred with a higher count, defer again with properties, dead-letter.
// Inside the DLQ, abandon does not raise the delivery count.
func TestDeferredSettlements(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "d")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	ctx := ctxT(t, 10*time.Second)
	if err := r.DeferMessage(ctx, m, nil); err != nil {
		t.Fatal(err)
	}
	seq := []int64{*m.SequenceNumber}
	get := func() *azservicebus.ReceivedMessage {
		got, err := r.ReceiveDeferredMessages(ctx, seq, nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("ReceiveDeferredMessages: %v %v", got, err)
		}
		return got[0]
	}
	d := get()
	if err := r.AbandonMessage(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	peeked, err := r.PeekMessages(ctx, 1, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &seq[0]})
	if err != nil || len(peeked) != 1 || peeked[0].State != azservicebus.MessageStateDeferred || peeked[0].DeliveryCount != d.DeliveryCount+1 {
		t.Fatalf("after abandoning a deferred message: %+v %v", peeked, err)
	}
	d = get()
	if err := r.DeferMessage(ctx, d, &azservicebus.DeferMessageOptions{PropertiesToModify: map[string]any{"again": true}}); err != nil {
		t.Fatal(err)
	}
	d = get()
	if d.ApplicationProperties["again"] != true {
		t.Fatalf("properties %v", d.ApplicationProperties)
	}
	if err := r.DeadLetterMessage(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	dlq := newReceiver(t, c, q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
	x := receiveN(t, dlq, 1)[0]
	if err := dlq.AbandonMessage(ctx, x, nil); err != nil {
		t.Fatal(err)
	}
	y := receiveN(t, dlq, 1)[0]
	if y.DeliveryCount != x.DeliveryCount {
		t.Fatalf("DLQ abandon changed the count: %d then %d", x.DeliveryCount, y.DeliveryCount)
	}
}

// Receive-and-delete with a large credit hands every message out exactly
// once, across the first receiver, its cache after Close and a second one.
func TestReceiveAndDeleteExactlyOnce(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	fillQueue(t, newSender(t, c, q), 3000)
	r1, err := c.NewReceiverForQueue(q, deleteMode)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	take := func(msgs []*azservicebus.ReceivedMessage) {
		for _, m := range msgs {
			if seen[*m.SequenceNumber] {
				t.Fatalf("sequence %d delivered twice", *m.SequenceNumber)
			}
			seen[*m.SequenceNumber] = true
		}
	}
	msgs, err := r1.ReceiveMessages(ctxT(t, 10*time.Second), 3000, nil)
	if err != nil {
		t.Fatal(err)
	}
	take(msgs)
	if err := r1.Close(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	for {
		cached, err := r1.ReceiveMessages(ctxT(t, 10*time.Second), 3000, nil)
		if err != nil || len(cached) == 0 {
			break
		}
		take(cached)
	}
	r2 := newReceiver(t, c, q, deleteMode)
	for len(seen) < 3000 {
		more, err := r2.ReceiveMessages(ctxT(t, 10*time.Second), 3000-len(seen), nil)
		if err != nil {
			t.Fatalf("after %d: %v", len(seen), err)
		}
		take(more)
	}
	if got := counts(t, em, q).Active; got != 0 {
		t.Fatalf("active = %d", got)
	}
}

// A message that arrives on credit left over from an earlier
// ReceiveMessages is released by the SDK and comes back without a delivery
// count increment.
func TestReleasedLateDelivery(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	sendBodies(t, s, "a")
	r := newReceiver(t, c, q, nil)
	got, err := r.ReceiveMessages(ctxT(t, 10*time.Second), 2, nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("first receive: %d messages, %v", len(got), err)
	}
	base := em.Stats().Deliveries
	sendBodies(t, s, "b")
	eventually(t, "the late delivery", func() bool { return em.Stats().Deliveries == base+1 })
	// The SDK's releaser answers on its own goroutine: wait until the broker
	// holds b unlocked again rather than guessing how long that takes.
	eventually(t, "the release of the late delivery", func() bool {
		msgs, err := em.Broker.Peek(q, 1, 10, nil)
		if err != nil {
			return false
		}
		// b is the newest message (a stays locked by the first receive).
		return len(msgs) == 2 && msgs[1].LockedUntil.IsZero()
	})
	m := receiveN(t, r, 1)[0]
	if string(m.Body) != "b" || m.DeliveryCount != 1 {
		t.Fatalf("got %q with DeliveryCount %d", m.Body, m.DeliveryCount)
	}
	if d := em.Stats().Deliveries - base; d != 2 {
		t.Fatalf("b was delivered %d times, want 2 (released once)", d)
	}
}
