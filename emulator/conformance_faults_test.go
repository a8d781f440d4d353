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

// drainAndComplete receives until want distinct bodies were completed,
// tolerating the empty returns and errors a recovering receiver produces.
// It fails on a body completed twice. Settling by lock token goes through
// the management link, which survives a dropped receiver connection.
func drainAndComplete(t testing.TB, r *azservicebus.Receiver, want int) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	seen := map[string]bool{}
	var order []string
	for len(order) < want {
		if time.Now().After(deadline) {
			t.Fatalf("completed %d of %d messages: %q", len(order), want, order)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		msgs, err := r.ReceiveMessages(ctx, want-len(order), nil)
		cancel()
		if err != nil {
			t.Logf("ReceiveMessages: %v (retrying)", err)
			continue
		}
		for _, m := range msgs {
			cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := r.CompleteMessage(cctx, &azservicebus.ReceivedMessage{LockToken: m.LockToken}, nil)
			ccancel()
			if err != nil {
				t.Logf("complete %q: %v (it will be redelivered)", m.Body, err)
				continue
			}
			if seen[string(m.Body)] {
				t.Fatalf("%q completed twice", m.Body)
			}
			seen[string(m.Body)] = true
			order = append(order, string(m.Body))
		}
	}
	return order
}

// Sender and receiver keep working when every connection is dropped, and
// no message is lost or completed twice.
func TestRecoverDropConnections(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true, LockDuration: 2 * time.Second})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	r := newReceiver(t, c, q, nil)
	var want []string
	for i := range 10 {
		id := fmt.Sprintf("m%d", i)
		want = append(want, id)
		if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{MessageID: &id, Body: []byte(id)}, nil); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if i == 4 {
			if n := em.Faults.DropConnections(); n == 0 {
				t.Fatal("no connection to drop")
			}
		}
	}
	got := drainAndComplete(t, r, 4)
	em.Faults.DropConnections()
	got = append(got, drainAndComplete(t, r, 6)...)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("completed %q, want %q", got, want)
	}
	if c := counts(t, em, q); c.Active != 0 {
		t.Fatalf("left over: %+v", c)
	}
}

// A connection dropped after a given number of frames, at many different
// points, never loses a message; duplicate detection absorbs the resends of
// transfers whose outcome was lost. Phase one drops established connections
// around a send (the transfer or its disposition); phase
// two drops fresh clients during setup (SASL, open, CBS, attaches).
func TestRecoverDropAfterFrames(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true, LockDuration: 2 * time.Second})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	sendBodies(t, s, "warm-up")
	var want []string
	send := func(s *azservicebus.Sender, id string) {
		want = append(want, id)
		if err := s.SendMessage(ctxT(t, 20*time.Second), &azservicebus.Message{MessageID: &id, Body: []byte(id)}, nil); err != nil {
			t.Fatalf("send %s: %v", id, err)
		}
	}
	for i := range 9 {
		em.Faults.DropAfterFrames(1 + i%2)
		send(s, fmt.Sprintf("a%02d", i))
	}
	if n := em.Faults.FrameDrops(); n != 9 {
		t.Fatalf("%d connections dropped around sends, want 9", n)
	}
	for i := range 12 {
		em.Faults.DropAfterFrames(4 + 3*i)
		send(newSender(t, newClient(t, em.ConnectionString), q), fmt.Sprintf("b%02d", i))
	}
	em.Faults.DropAfterFrames(0)
	t.Logf("%d connections dropped in all", em.Faults.FrameDrops())
	if n := em.Faults.FrameDrops(); n < 15 {
		t.Fatalf("only %d connections were dropped", n)
	}
	got := drainAndComplete(t, newReceiver(t, c, q, nil), len(want)+1)
	slices.Sort(got)
	want = append(want, "warm-up")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("completed %q, want %q", got, want)
	}
}

// server-busy and timeout failures of sends, CBS, management and receiver
// attaches are retried by the SDK until they succeed.
func TestRecoverServerBusy(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)

	em.Faults.FailNext(emulator.OpCBS, 2, emulator.FaultTimeout)
	s := newSender(t, c, q)
	em.Faults.FailNext(emulator.OpSend, 2, emulator.FaultServerBusy)
	sendBodies(t, s, "once")
	if em.Faults.Pending(emulator.OpCBS) != 0 || em.Faults.Pending(emulator.OpSend) != 0 {
		t.Fatal("the injected faults were not hit")
	}
	if got := counts(t, em, q).Active; got != 1 {
		t.Fatalf("active = %d, want exactly 1", got)
	}

	em.Faults.FailNext(emulator.OpReceive, 2, emulator.FaultServerBusy)
	r := newReceiver(t, c, q, nil)
	em.Faults.FailNext(emulator.OpManagement, 2, emulator.FaultServerBusy)
	peeked, err := r.PeekMessages(ctxT(t, 10*time.Second), 1, nil)
	if err != nil || len(peeked) != 1 {
		t.Fatalf("peek: %v %v", peeked, err)
	}
	m := receiveN(t, r, 1)[0]
	if em.Faults.Pending(emulator.OpReceive) != 0 || em.Faults.Pending(emulator.OpManagement) != 0 {
		t.Fatal("the injected faults were not hit")
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
}

// A settlement refused with server-busy settles nothing and loses nothing.
// The SDK retries after its fixed settlement back-off (about 4 s), but
// go-amqp already counts a rejected disposition as settled, so the retry is
// a no-op that reports success; the message stays locked and comes back
// once the lock expires (the same would happen against Azure).
func TestRecoverSettleServerBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the SDK's default settlement back-off")
	}
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "x")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]
	em.Faults.FailNext(emulator.OpSettle, 1, emulator.FaultServerBusy)
	err := r.CompleteMessage(ctxT(t, 20*time.Second), m, nil)
	t.Logf("CompleteMessage after a refused settlement returned %v", err)
	if em.Faults.Pending(emulator.OpSettle) != 0 {
		t.Fatal("the settle fault was not hit")
	}
	if got := counts(t, em, q).Active; got != 1 {
		t.Fatalf("active = %d: the refused settlement changed the queue", got)
	}
	if err := em.Faults.ExpireLock(m.LockToken); err != nil {
		t.Fatal(err)
	}
	again := receiveN(t, r, 1)[0]
	if *again.SequenceNumber != *m.SequenceNumber || again.DeliveryCount != 2 {
		t.Fatalf("redelivered seq %d count %d", *again.SequenceNumber, again.DeliveryCount)
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), again, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q).Active; got != 0 {
		t.Fatalf("active = %d", got)
	}
}

// Links force-detached by the broker are re-attached: the sender resends,
// a message received before the detach still completes (through the
// management link), and the receiver gets the next message.
func TestRecoverDetachForced(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	sendBodies(t, s, "first")
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]

	if n := em.Faults.DetachLinks(""); n < 2 {
		t.Fatalf("detached %d links, want the sender's and the receiver's", n)
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatalf("complete after detach: %v", err)
	}
	sendBodies(t, s, "second")
	got := drainAndComplete(t, r, 1)
	if got[0] != "second" {
		t.Fatalf("received %q", got)
	}
	if c := counts(t, em, q); c.Active != 0 {
		t.Fatalf("left over: %+v", c)
	}
}

// Added latency slows operations down but breaks nothing.
func TestLatency(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	sendBodies(t, s, "warm-up")
	em.Faults.SetLatency(100 * time.Millisecond)
	start := time.Now()
	sendBodies(t, s, "slow")
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("send took %v with 100ms latency", d)
	}
	em.Faults.SetLatency(0)
	got := receiveN(t, newReceiver(t, c, q, deleteMode), 2)
	if !slices.Equal(bodies(got), []string{"warm-up", "slow"}) {
		t.Fatalf("received %q", bodies(got))
	}
}

// With latency injected, deliveries are delayed one by one: the first of
// several the client has credit for arrives after about one delay, not
// after the whole run's worth that batching them into one write would cost.
func TestLatencyDeliversOneByOne(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "warm-up", "a", "b", "c", "d", "e", "f", "g", "h")
	r := newReceiver(t, c, q, nil)
	receiveN(t, r, 1) // the link is attached before the latency starts
	const delay = 150 * time.Millisecond
	em.Faults.SetLatency(delay)
	defer em.Faults.SetLatency(0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	msgs, err := r.ReceiveMessages(ctx, 8, nil)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("receive: %d messages, %v", len(msgs), err)
	}
	// The SDK returns shortly after the first message; a run of eight held
	// back together would take eight delays.
	if d := time.Since(start); d >= 4*delay {
		t.Fatalf("the first of 8 deliveries took %v with %v latency each", d, delay)
	}
}

// A broker "restart" (close with amqp:connection:forced) is survived by the
// sender and the receiver alike.
func TestRecoverConnectionForced(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{LockDuration: 2 * time.Second})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	r := newReceiver(t, c, q, nil)
	sendBodies(t, s, "one")
	if got := drainAndComplete(t, r, 1); got[0] != "one" {
		t.Fatalf("received %q", got)
	}
	if n := em.Faults.CloseConnections(""); n == 0 {
		t.Fatal("no connection closed")
	}
	sendBodies(t, s, "two")
	if got := drainAndComplete(t, r, 1); got[0] != "two" {
		t.Fatalf("received %q", got)
	}
}

// A session receiver whose link is force-detached re-attaches to its
// session and keeps receiving.
func TestRecoverSessionReceiverDetach(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := newClient(t, em.ConnectionString)
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	if n := em.Faults.DetachLinks(""); n != 1 {
		t.Fatalf("detached %d links", n)
	}
	sendToSession(t, newSender(t, c, q), "s", "after-detach")
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs, err := sr.ReceiveMessages(ctxT(t, 2*time.Second), 1, nil)
		if len(msgs) == 1 {
			if string(msgs[0].Body) != "after-detach" {
				t.Fatalf("body %q", msgs[0].Body)
			}
			if err := sr.CompleteMessage(ctxT(t, 10*time.Second), msgs[0], nil); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message after the detach (last error %v)", err)
		}
	}
}
