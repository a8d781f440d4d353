package amqp

import (
	"bytes"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

// TestThroughput10k pushes 10,000 1 KB messages through the engine the way
// the SDK does (one unsettled Send at a time, peek-lock receive with
// settlement), so a slow path in the engine shows up as a failed bound.
func TestThroughput10k(t *testing.T) {
	if testing.Short() {
		t.Skip("throughput test skipped in -short mode")
	}
	const n = 10000
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	snd, err := s.NewSender(ctxT(t), "perf", nil)
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("x"), 1024)
	start := time.Now()
	for i := range n {
		if err := snd.Send(ctxT(t), goamqp.NewMessage(body), nil); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	sent := time.Since(start)

	rcv, err := s.NewReceiver(ctxT(t), "perf", &goamqp.ReceiverOptions{Credit: 5000, SettlementMode: ReceiverSettleModeSecond()})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	for i := range n {
		msg, err := rcv.Receive(ctxT(t), nil)
		if err != nil {
			t.Fatalf("receive %d: %v", i, err)
		}
		if len(msg.GetData()) != len(body) {
			t.Fatalf("message %d has %d bytes", i, len(msg.GetData()))
		}
		if err := rcv.AcceptMessage(ctxT(t), msg); err != nil {
			t.Fatalf("accept %d: %v", i, err)
		}
	}
	received := time.Since(start)
	t.Logf("10k x 1KB: send %v, receive+accept %v", sent, received)
	// Generous bounds (race detector, 2 shared cores); a per-message stall in
	// the engine would blow through them.
	if sent > 30*time.Second || received > 30*time.Second {
		t.Fatalf("too slow: send %v, receive %v", sent, received)
	}
}
