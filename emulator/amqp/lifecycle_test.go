package amqp

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

// attachedReceiver opens a receiver on q and returns the client and server ends.
func attachedReceiver(t *testing.T, b *memBroker, s *goamqp.Session, q string) (*goamqp.Receiver, *Link) {
	t.Helper()
	rcv, err := s.NewReceiver(ctxT(t), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rcv, recv(t, b.attached, "receiver attach")
}

func TestServerDetach(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, l := attachedReceiver(t, b, s, "q")

	l.Detach(&Error{Condition: ErrLinkDetachForced, Description: "go away"})
	_, err := rcv.Receive(ctxT(t), nil)
	var le *goamqp.LinkError
	if !errors.As(err, &le) || le.RemoteErr == nil || string(le.RemoteErr.Condition) != string(ErrLinkDetachForced) {
		t.Fatalf("receive after server detach: %v", err)
	}
	ev := recv(t, b.detached, "Detached")
	if ev.link != l {
		t.Fatal("Detached for the wrong link")
	}
	recv(t, l.Done(), "link done")
	if err := l.Send(OutgoingDelivery{Payload: []byte{0}}); !errors.Is(err, ErrLinkClosed) {
		t.Fatalf("Send after detach: %v", err)
	}
	// The client's answering detach must not be answered: the session stays
	// healthy and can attach the same address again.
	time.Sleep(50 * time.Millisecond)
	attachedReceiver(t, b, s, "q")
	select {
	case ev := <-b.detached:
		t.Fatalf("unexpected second Detached %+v", ev)
	default:
	}
}

func TestClientDetach(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, l := attachedReceiver(t, b, s, "q")
	if err := rcv.Close(ctxT(t)); err != nil {
		t.Fatalf("client detach: %v", err)
	}
	ev := recv(t, b.detached, "Detached")
	if ev.link != l || ev.err != nil {
		t.Fatalf("Detached %+v", ev)
	}
}

func TestServerEndSession(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, l := attachedReceiver(t, b, s, "q")
	l.Session().End(&Error{Condition: ErrInternal, Description: "session over"})
	_, err := rcv.Receive(ctxT(t), nil)
	var se *goamqp.SessionError
	if !errors.As(err, &se) {
		t.Fatalf("receive after server end: %T %v", err, err)
	}
	recv(t, b.detached, "Detached")
	// The connection goes on: a new session works.
	s2 := newSession(t, c)
	if _, err := s2.NewSender(ctxT(t), "q", nil); err != nil {
		t.Fatal(err)
	}
}

func TestClientEndWithoutDetach(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	for range 3 { // channel numbers are reused right away
		s := newSession(t, c)
		_, l := attachedReceiver(t, b, s, "q")
		if err := s.Close(ctxT(t)); err != nil {
			t.Fatalf("session close: %v", err)
		}
		ev := recv(t, b.detached, "implicit Detached")
		if ev.link != l {
			t.Fatal("Detached for the wrong link")
		}
	}
}

func TestServerCloseAndDrop(t *testing.T) {
	for _, drop := range []bool{false, true} {
		b := newMemBroker(t)
		addr := testServer(t, &Server{Handler: b})
		c := dial(t, addr, nil)
		s := newSession(t, c)
		rcv, l := attachedReceiver(t, b, s, "q")
		if drop {
			l.Conn().Drop()
		} else {
			l.Conn().Close(&Error{Condition: ErrConnectionForced, Description: "bye"})
		}
		_, err := rcv.Receive(ctxT(t), nil)
		var ce *goamqp.ConnError
		if !errors.As(err, &ce) {
			t.Fatalf("drop=%v: receive error %T %v", drop, err, err)
		}
		if !drop && (ce.RemoteErr == nil || string(ce.RemoteErr.Condition) != string(ErrConnectionForced)) {
			t.Fatalf("close error %v", ce.RemoteErr)
		}
		recv(t, b.detached, "Detached")
		recv(t, l.Conn().Done(), "conn done")
	}
}

func TestServerCloseEndsEverything(t *testing.T) {
	b := newMemBroker(t)
	srv := &Server{Handler: b}
	addr := testServer(t, srv)
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, _ := attachedReceiver(t, b, s, "q")
	if n := len(srv.Conns()); n != 1 {
		t.Fatalf("%d conns", n)
	}
	srv.Close()
	if _, err := rcv.Receive(ctxT(t), nil); err == nil {
		t.Fatal("receive after server close succeeded")
	}
	if n := len(srv.Conns()); n != 0 {
		t.Fatalf("%d conns after close", n)
	}
}

func TestBlockingAttachDoesNotStallConnection(t *testing.T) {
	b := newMemBroker(t)
	release := make(chan struct{})
	b.blockAttach["slow"] = release
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)

	slowDone := make(chan error, 1)
	go func() {
		_, err := s.NewReceiver(ctxT(t), "slow", nil)
		slowDone <- err
	}()
	// Meanwhile another link on the same session attaches and sends.
	s2 := newSession(t, c)
	snd, err := s2.NewSender(ctxT(t), "fast", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte("x")), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-slowDone:
		t.Fatalf("slow attach finished early: %v", err)
	default:
	}
	close(release)
	if err := recv(t, slowDone, "slow attach"); err != nil {
		t.Fatalf("slow attach: %v", err)
	}
}

func TestIdleKeepalive(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, IdleTimeout: 300 * time.Millisecond})
	// The client times out after 200ms without frames (it advertises half).
	c := dial(t, addr, &goamqp.ConnOptions{IdleTimeout: 200 * time.Millisecond})
	s := newSession(t, c)
	snd, err := s.NewSender(ctxT(t), "q", nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond) // both sides must keep the other alive
	if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte("still here")), nil); err != nil {
		t.Fatalf("send after idle period: %v", err)
	}
}

func TestAbandonedAttach(t *testing.T) {
	b := newMemBroker(t)
	b.blockAttach["slow"] = make(chan struct{}) // never released
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	ctx, cancel := shortCtx(200 * time.Millisecond)
	_, err := s.NewReceiver(ctx, "slow", nil)
	cancel()
	if err == nil {
		t.Fatal("attach to a blocked address succeeded")
	}
	// The next attach makes the client detach the abandoned link; the
	// pending Attach is cancelled and the session keeps working.
	snd, err := s.NewSender(ctxT(t), "q", nil)
	if err != nil {
		t.Fatalf("attach after an abandoned one: %v", err)
	}
	if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte("x")), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewReceiver(ctxT(t), "q", nil); err != nil {
		t.Fatalf("third attach: %v", err)
	}
}

func TestOnFrameDropsConnection(t *testing.T) {
	b := newMemBroker(t)
	var mu sync.Mutex
	incoming := map[uint64]int{}
	var victim atomic.Uint64
	srv := &Server{Handler: b, OnFrame: func(c *Conn, in bool) bool {
		mu.Lock()
		defer mu.Unlock()
		if in {
			incoming[c.ID()]++
		}
		return c.ID() != victim.Load()
	}}
	addr := testServer(t, srv)
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, l := attachedReceiver(t, b, s, "q")
	mu.Lock()
	seen := incoming[l.Conn().ID()]
	mu.Unlock()
	if seen < 2 { // open, begin, attach at least
		t.Fatalf("OnFrame saw %d incoming frames", seen)
	}
	victim.Store(l.Conn().ID())
	// Any frame now drops the connection.
	if _, err := s.NewSender(ctxT(t), "q", nil); err == nil {
		t.Fatal("attach on a dropped connection succeeded")
	}
	_, err := rcv.Receive(ctxT(t), nil)
	var ce *goamqp.ConnError
	if !errors.As(err, &ce) {
		t.Fatalf("receive after OnFrame drop: %v", err)
	}
	checkOtherConnection(t, addr)
}

// Sent runs once for a delivery whose frames were written and never for one
// that Send refused (the ordering against a detach reply is covered by the
// emulator's TestReceiveAndDeleteCloseWhileDelivering).
func TestSendSentCallback(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{Credit: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := recv(t, b.attached, "receiver attach")
	calls := 0
	if err := l.Send(OutgoingDelivery{Payload: encodeBody(t, []byte("x")), Sent: func() { calls++ }}); !errors.Is(err, ErrNoCredit) {
		t.Fatalf("Send without credit: %v", err)
	}
	if calls != 0 {
		t.Fatal("Sent ran for a delivery that was never written")
	}
	if err := rcv.IssueCredit(1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.Credit() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := l.Send(OutgoingDelivery{Settled: true, Payload: encodeBody(t, []byte("x")), Sent: func() { calls++ }}); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("Sent ran %d times, want 1", calls)
	}
	msg, err := rcv.Receive(ctxT(t), nil)
	if err != nil || string(msg.GetData()) != "x" {
		t.Fatalf("receive: %v %v", msg, err)
	}
}

// A delivery tag is kept inline for the settlement: the longest the spec
// allows comes back whole in the handler's Disposition, and a longer one is
// refused without using credit.
func TestSendDeliveryTagLimit(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{Credit: -1, SettlementMode: goamqp.ReceiverSettleModeSecond.Ptr()})
	if err != nil {
		t.Fatal(err)
	}
	l := recv(t, b.attached, "receiver attach")
	if err := rcv.IssueCredit(1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.Credit() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	tag := bytes.Repeat([]byte{0xab}, 33)
	if err := l.Send(OutgoingDelivery{Tag: tag, Payload: encodeBody(t, []byte("x"))}); !errors.Is(err, errTagTooLong) {
		t.Fatalf("Send with a 33-byte tag: %v", err)
	}
	tag = tag[:32]
	tag[31] = 0xcd
	if err := l.Send(OutgoingDelivery{Tag: tag, Payload: encodeBody(t, []byte("x"))}); err != nil {
		t.Fatalf("Send with a 32-byte tag (credit left %d): %v", l.Credit(), err)
	}
	msg, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(msg.DeliveryTag, tag) {
		t.Fatalf("client got tag % x, want % x", msg.DeliveryTag, tag)
	}
	if err := rcv.AcceptMessage(ctxT(t), msg); err != nil {
		t.Fatal(err)
	}
	d := recv(t, b.dispositions, "disposition")
	if !bytes.Equal(d.tag, tag) {
		t.Fatalf("handler got tag % x, want % x", d.tag, tag)
	}
}
