package broker

import (
	"testing"
	"time"
)

func fired(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestReadySignals(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	r := mustReceiver(t, b, "q", PeekLock)
	if !fired(r.Ready()) {
		t.Fatal("the first Ready should fire so the caller looks once")
	}
	if !fired(r.Ready()) {
		t.Fatal("a fired Ready must stay fired until Next")
	}
	expectEmpty(t, r)
	idle := r.Ready()
	if fired(idle) {
		t.Fatal("Ready fired with nothing new")
	}
	// Each event: take what is there (consuming earlier wake-ups), then act.
	events := []struct {
		name string
		act  func(d *Delivery)
	}{
		{"send", func(*Delivery) { mustSend(t, b, "q", body("a")) }},
		{"abandon", func(d *Delivery) { _ = b.Abandon(d.LockToken, nil) }},
		{"release", func(d *Delivery) { _ = b.Release(d.LockToken) }},
		{"expire lock", func(d *Delivery) { _ = b.ExpireLock(d.LockToken) }},
	}
	for _, e := range events {
		d, _ := r.Next()
		ch := r.Ready()
		if fired(ch) {
			t.Fatalf("before %s: Ready fired with nothing new", e.name)
		}
		e.act(d)
		if !fired(ch) {
			t.Fatalf("Ready did not fire on %s", e.name)
		}
	}
	// Whether Ready is asked before or after Next, an event is not lost.
	mustNext(t, r)
	expectEmpty(t, r)
	mustSend(t, b, "q", body("b"))
	if !fired(r.Ready()) {
		t.Fatal("an event between Next and Ready was lost")
	}
	mustNext(t, r)
	if fired(r.Ready()) {
		t.Fatal("Ready still fired after Next consumed the event")
	}
	r.Close()
	if fired(r.Ready()) {
		_, ok := r.Next()
		if ok {
			t.Fatal("a closed receiver delivered")
		}
	}
}

func TestExpireAllLocks(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	mustSend(t, b, "q", body("a"), body("b"))
	mustSend(t, b, "sq", sessionMsg("s", "x"))
	r := mustReceiver(t, b, "q", PeekLock)
	d1, d2 := mustNext(t, r), mustNext(t, r)
	sr := acceptSession(t, b, "sq", "s")
	sd := mustNext(t, sr)
	b.ExpireAllLocks()
	for _, tok := range [][16]byte{d1.LockToken, d2.LockToken, sd.LockToken} {
		wantCondition(t, b.Complete(tok), CondMessageLockLost)
	}
	wantCondition(t, sr.Err(), CondSessionLockLost)
	if d := mustNext(t, r); d.Message.DeliveryCount != 1 {
		t.Fatalf("count after expiry = %d", d.Message.DeliveryCount)
	}
	sr2 := acceptSession(t, b, "sq", "s")
	if d := mustNext(t, sr2); d.Message.DeliveryCount != 1 {
		t.Fatalf("session message count after expiry = %d, want 1", d.Message.DeliveryCount)
	}
}

func TestRuleActionFailureDeadLetters(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{
		"dl":   {Filter: Filter{Kind: FilterTrue}, Action: "SET sys.ViaPartitionKey = 'x'"},
		"drop": {Filter: Filter{Kind: FilterTrue}, Action: "SET sys.ViaPartitionKey = 'x'"},
	})
	if _, err := b.UpdateSubscription("t", "dl", Properties{DeadLetteringOnFilterEvaluationExceptions: true}); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "t", body("m"))
	wantCounts(t, b, "t/Subscriptions/dl", 0, 0, 1, 0)
	wantCounts(t, b, "t/Subscriptions/drop", 0, 0, 0, 0)
	msgs, _ := b.Peek("t/Subscriptions/dl/$DeadLetterQueue", 1, 1, nil)
	if msgs[0].ApplicationProperties[propDeadLetterReason] != reasonFilterError {
		t.Fatalf("reason = %v", msgs[0].ApplicationProperties)
	}
}

func TestDeadLetterInsideDLQStays(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{LockDuration: 5 * time.Second})
	mustSend(t, b, "q", body("a"))
	r := mustReceiver(t, b, "q", PeekLock)
	_ = b.DeadLetter(mustNext(t, r).LockToken, "first", "", nil)
	dlq := mustReceiver(t, b, "q/$DeadLetterQueue", PeekLock)
	if err := b.DeadLetter(mustNext(t, dlq).LockToken, "second", "", nil); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 1, 0)
	d := mustNext(t, dlq)
	if d.Message.ApplicationProperties[propDeadLetterReason] != "second" || d.Message.DeliveryCount != 0 {
		t.Fatalf("DLQ message = %v count %d", d.Message.ApplicationProperties, d.Message.DeliveryCount)
	}
	clk.Advance(time.Minute) // lock expiry in the DLQ: back, count unchanged
	b.Tick()
	if d := mustNext(t, dlq); d.Message.DeliveryCount != 0 {
		t.Fatalf("DLQ count after lock expiry = %d", d.Message.DeliveryCount)
	}
}
