package sbsvc

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Sends to one entity share one sender link, from many goroutines at once;
// it survives a detach by the service and is closed with the namespace.
func TestSendReusesOneSenderPerEntity(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q1 := newQueue(t, em, broker.Properties{})
	q2 := newQueue(t, em, broker.Properties{})
	ns := connectEmulator(t, em, nil)
	ctx := ctxT(t, 30*time.Second)

	const goroutines, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q := q1
				if g%2 == 1 {
					q = q2
				}
				if _, err := ns.Send(ctx, EntityRef{Queue: q}, []OutgoingMessage{{Body: []byte(fmt.Sprint(g, i))}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if a1, _ := counts(t, em, q1); a1 != goroutines/2*each {
		t.Errorf("q1 holds %d", a1)
	}
	if _, err := ns.Schedule(ctx, EntityRef{Queue: q1}, []OutgoingMessage{{Body: []byte("later")}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	// The only entity links open are the two senders: forty sends, one
	// schedule and not one link each.
	if n := em.Faults.DetachLinks("amqp:link:detach-forced"); n != 2 {
		t.Errorf("%d entity links were open, want 2 (one sender per queue)", n)
	}
	// The detached sender re-attaches by itself.
	if _, err := ns.Send(ctx, EntityRef{Queue: q1}, []OutgoingMessage{{Body: []byte("after detach")}}); err != nil {
		t.Fatalf("send after detach: %v", err)
	}
	if a1, _ := counts(t, em, q1); a1 != goroutines/2*each+1 {
		t.Errorf("q1 holds %d after the detach", a1)
	}

	if err := ns.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := em.Faults.DetachLinks("amqp:link:detach-forced"); n != 0 {
		t.Errorf("%d entity links still open after Close", n)
	}
	if _, err := ns.Send(ctx, EntityRef{Queue: q1}, []OutgoingMessage{{Body: []byte("x")}}); err == nil {
		t.Error("Send after Close succeeded")
	}
}

// A send to an entity that does not exist drops the sender, so the entity
// can be used once it is created.
func TestSendDropsSenderOfMissingEntity(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	ns := connectEmulator(t, em, nil)
	_, err := ns.Send(ctxT(t, 20*time.Second), EntityRef{Queue: "later"}, []OutgoingMessage{{Body: []byte("x")}})
	wantKind(t, err, KindNotFound)
	if _, err := em.Broker.CreateQueue("later", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Send(ctxT(t, 20*time.Second), EntityRef{Queue: "later"}, []OutgoingMessage{{Body: []byte("x")}}); err != nil {
		t.Fatalf("send once the queue exists: %v", err)
	}
}
