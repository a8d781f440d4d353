package emulator_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// A receive-and-delete message the emulator had taken off the queue but
// could not send (the connection dropped in between) goes back to the
// queue: every message ends up received exactly once, none is lost.
//
// Injected latency holds the delivery between the broker handing the
// message out and the link sending it; the connection is dropped in that
// window, so the send fails.
func TestReceiveAndDeleteSendFailureKeepsMessage(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	var want []string
	for i := range 5 {
		want = append(want, fmt.Sprintf("m%d", i))
	}
	sendBodies(t, newSender(t, newClient(t, em.ConnectionString), q), want...)

	rad := &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}
	r := newReceiver(t, newClient(t, em.ConnectionString), q, rad)
	got := bodies(receiveN(t, r, 1)) // links attached, m0 received

	em.Faults.SetLatency(600 * time.Millisecond)
	inFlight := make(chan []string, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		msgs, _ := r.ReceiveMessages(ctx, 1, nil)
		inFlight <- bodies(msgs)
	}()
	// The client's credit reaches the pump at once; m1 is then held in the
	// injected delay. Drop the connection while it is.
	// (Held under a lock, or, without that protection, already gone.)
	eventually(t, "m1 taken by the delivery pump", func() bool { return lockedCount(t, em, q) == 1 || counts(t, em, q).Active == 3 })
	if n := em.Faults.DropConnections(); n == 0 {
		t.Fatal("no connection to drop")
	}
	time.Sleep(700 * time.Millisecond) // the delayed send runs and fails
	em.Faults.SetLatency(0)
	got = append(got, <-inFlight...)

	if c := counts(t, em, q).Active; int(c)+len(got) != len(want) {
		t.Fatalf("after the drop: %d received (%q) + %d queued, want %d in all", len(got), got, c, len(want))
	}
	r2 := newReceiver(t, newClient(t, em.ConnectionString), q, rad)
	ctx := ctxT(t, 10*time.Second)
	for len(got) < len(want) {
		msgs, err := r2.ReceiveMessages(ctx, len(want)-len(got), nil)
		if err != nil {
			t.Fatalf("receiving the rest after %q: %v", got, err)
		}
		for _, m := range msgs {
			// The SDK counts the current delivery: 1 is a first delivery.
			if m.DeliveryCount != 1 {
				t.Errorf("%s: delivery count %d, want 1 (a failed send is not a delivery)", m.Body, m.DeliveryCount)
			}
		}
		got = append(got, bodies(msgs)...)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("received %q, want each of %q once", got, want)
	}
	if c := counts(t, em, q); c.Active != 0 {
		t.Fatalf("left over: %+v", c)
	}
}

// lockedCount counts the messages of a queue that are locked (peeked
// messages carry their lock expiry).
func lockedCount(t testing.TB, em *emulator.Emulator, q string) int {
	t.Helper()
	msgs, err := em.Broker.Peek(q, 0, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if !m.LockedUntil.IsZero() {
			n++
		}
	}
	return n
}
