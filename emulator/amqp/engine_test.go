package amqp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

func TestSendAndReceive(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)

	snd, err := s.NewSender(ctxT(t), "q1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte(fmt.Sprint("m", i))), nil); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	l := recv(t, b.attached, "sender attach")
	if l.ClientRole != RoleSender || l.Target.Address != "q1" || l.Session() == nil || l.Conn() == nil {
		t.Fatalf("unexpected link %+v", l)
	}
	if l.Conn().Hostname() == "" || l.Conn().RemoteAddr() == nil || l.Conn().ID() == 0 {
		t.Fatal("connection details missing")
	}

	second := ReceiverSettleModeSecond()
	rcv, err := s.NewReceiver(ctxT(t), "q1", &goamqp.ReceiverOptions{SettlementMode: second})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		msg, err := rcv.Receive(ctxT(t), nil)
		if err != nil {
			t.Fatalf("receive %d: %v", i, err)
		}
		if got := string(msg.GetData()); got != fmt.Sprint("m", i) {
			t.Fatalf("message %d = %q", i, got)
		}
		if err := rcv.AcceptMessage(ctxT(t), msg); err != nil {
			t.Fatalf("accept %d: %v", i, err)
		}
		ev := recv(t, b.dispositions, "disposition")
		if _, ok := ev.state.(*Accepted); !ok || ev.settled {
			t.Fatalf("disposition %d = %#v settled=%v", i, ev.state, ev.settled)
		}
	}
}

func ReceiverSettleModeSecond() *goamqp.ReceiverSettleMode {
	m := goamqp.ReceiverSettleModeSecond
	return &m
}

func TestSASLPlain(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, PlainAuth: func(u, p string) bool { return u == "alice" && p == "secret" }})

	c := dial(t, addr, &goamqp.ConnOptions{SASLType: goamqp.SASLTypePlain("alice", "secret")})
	if _, err := c.NewSession(ctxT(t), nil); err != nil {
		t.Fatalf("session after PLAIN auth: %v", err)
	}

	ctx, cancel := shortCtx(5 * time.Second)
	defer cancel()
	bad, err := goamqp.Dial(ctx, "amqp://"+addr, &goamqp.ConnOptions{SASLType: goamqp.SASLTypePlain("alice", "wrong")})
	if err == nil {
		bad.Close()
		t.Fatal("dial with a wrong password succeeded")
	}
}

func TestMessageLargerThanFrame(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, MaxFrameSize: 4096})
	c := dial(t, addr, &goamqp.ConnOptions{MaxFrameSize: 2048})
	s := newSession(t, c)
	snd, err := s.NewSender(ctxT(t), "big", nil)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000) // 160 KB
	if err := snd.Send(ctxT(t), goamqp.NewMessage(big), nil); err != nil {
		t.Fatal(err)
	}
	d := recv(t, b.deliveries, "delivery")
	m, err := DecodeMessage(d.Payload)
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.DataSections()
	if err != nil || len(data) != 1 || !bytes.Equal(data[0], big) {
		t.Fatalf("server got %d sections, err %v", len(data), err)
	}
	rcv, err := s.NewReceiver(ctxT(t), "big", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(msg.GetData(), big) {
		t.Fatalf("client got %d bytes, want %d", len(msg.GetData()), len(big))
	}
}

func TestCreditControlsDelivery(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{Credit: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := recv(t, b.attached, "receiver attach")
	b.put("q", encodeBody(t, []byte("one")))
	b.put("q", encodeBody(t, []byte("two")))

	ctx, cancel := shortCtx(200 * time.Millisecond)
	_, err = rcv.Receive(ctx, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive without credit: %v, want deadline exceeded", err)
	}
	if l.Credit() != 0 {
		t.Fatalf("server sees credit %d before any flow", l.Credit())
	}
	if err := rcv.IssueCredit(1); err != nil {
		t.Fatal(err)
	}
	msg, err := rcv.Receive(ctxT(t), nil)
	if err != nil || string(msg.GetData()) != "one" {
		t.Fatalf("after credit: %v %v", msg, err)
	}
	// Credit is used up again: the second message stays queued.
	ctx, cancel = shortCtx(200 * time.Millisecond)
	_, err = rcv.Receive(ctx, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive with spent credit: %v", err)
	}
	b.mu.Lock()
	left := len(b.queues["q"])
	b.mu.Unlock()
	if left != 1 {
		t.Fatalf("%d messages left in the queue, want 1", left)
	}
}

func TestDrain(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{Credit: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := recv(t, b.attached, "receiver attach")
	b.put("q", encodeBody(t, []byte("a")))
	if err := rcv.IssueCredit(5); err != nil {
		t.Fatal(err)
	}
	if _, err := rcv.Receive(ctxT(t), nil); err != nil {
		t.Fatal(err)
	}
	if err := rcv.DrainCredit(ctxT(t), nil); err != nil {
		t.Fatalf("drain: %v", err)
	}
	if l.Credit() != 0 || !l.Drain() {
		t.Fatalf("after drain: credit %d drain %v", l.Credit(), l.Drain())
	}
	// After the drain, new messages wait for new credit.
	b.put("q", encodeBody(t, []byte("b")))
	ctx, cancel := shortCtx(200 * time.Millisecond)
	_, err = rcv.Receive(ctx, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive after drain: %v", err)
	}
	if err := rcv.IssueCredit(1); err != nil {
		t.Fatal(err)
	}
	if msg, err := rcv.Receive(ctxT(t), nil); err != nil || string(msg.GetData()) != "b" {
		t.Fatalf("receive after new credit: %v %v", msg, err)
	}
}

func TestManySessionsAndLinks(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	const n = 4
	for i := range n {
		s := newSession(t, c)
		q := fmt.Sprint("q", i)
		snd, err := s.NewSender(ctxT(t), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte(q)), nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		s := newSession(t, c)
		q := fmt.Sprint("q", i)
		rcv, err := s.NewReceiver(ctxT(t), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := rcv.Receive(ctxT(t), nil)
		if err != nil || string(msg.GetData()) != q {
			t.Fatalf("%s: %v %v", q, msg, err)
		}
	}
}

func TestServerOutcomes(t *testing.T) {
	b := newMemBroker(t)
	b.transferFate = func(d *IncomingDelivery) DeliveryState {
		if m, _ := DecodeMessage(d.Payload); m != nil {
			if data, _ := m.DataSections(); len(data) == 1 && string(data[0]) == "bad" {
				return &Rejected{Error: &Error{Condition: ErrLinkMessageSize, Description: "too big"}}
			}
		}
		return nil
	}
	b.dispFate = func(state DeliveryState) DeliveryState {
		if _, ok := state.(*Rejected); ok {
			return &Rejected{Error: &Error{Condition: ErrMessageLockLost, Description: "lock lost"}}
		}
		return &Accepted{}
	}
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	snd, err := s.NewSender(ctxT(t), "q", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = snd.Send(ctxT(t), goamqp.NewMessage([]byte("bad")), nil)
	var amqpErr *goamqp.Error
	if !errors.As(err, &amqpErr) || string(amqpErr.Condition) != string(ErrLinkMessageSize) {
		t.Fatalf("send of rejected message: %v", err)
	}
	for _, body := range []string{"x", "y"} {
		if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{SettlementMode: ReceiverSettleModeSecond()})
	if err != nil {
		t.Fatal(err)
	}
	m1, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = rcv.RejectMessage(ctxT(t), m1, &goamqp.Error{Condition: goamqp.ErrCond(ErrDeadLetter)})
	if !errors.As(err, &amqpErr) || string(amqpErr.Condition) != string(ErrMessageLockLost) {
		t.Fatalf("reject answered with %v, want lock lost", err)
	}
	ev := recv(t, b.dispositions, "reject disposition")
	if r, ok := ev.state.(*Rejected); !ok || r.Error == nil || r.Error.Condition != ErrDeadLetter {
		t.Fatalf("handler saw %#v", ev.state)
	}
	m2, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rcv.ModifyMessage(ctxT(t), m2, &goamqp.ModifyMessageOptions{UndeliverableHere: true}); err != nil {
		t.Fatalf("modify: %v", err)
	}
	ev = recv(t, b.dispositions, "modify disposition")
	if m, ok := ev.state.(*Modified); !ok || m.UndeliverableHere == nil || !*m.UndeliverableHere {
		t.Fatalf("handler saw %#v", ev.state)
	}
}

func TestPresettledDeliveries(t *testing.T) {
	b := newMemBroker(t)
	b.settled = true
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	settled := goamqp.SenderSettleModeSettled
	snd, err := s.NewSender(ctxT(t), "q", &goamqp.SenderOptions{SettlementMode: &settled})
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte("fire")), nil); err != nil {
		t.Fatal(err)
	}
	if d := recv(t, b.deliveries, "delivery"); !d.Settled {
		t.Fatal("pre-settled transfer arrived unsettled")
	}
	first := goamqp.ReceiverSettleModeFirst
	rcv, err := s.NewReceiver(ctxT(t), "q", &goamqp.ReceiverOptions{
		SettlementMode:            &first,
		RequestedSenderSettleMode: &settled,
	})
	if err != nil {
		t.Fatal(err)
	}
	l := recv(t, b.attached, "sender attach")
	l = recv(t, b.attached, "receiver attach")
	if l.SndSettleMode == nil || *l.SndSettleMode != SndSettled {
		t.Fatalf("snd-settle-mode %v", l.SndSettleMode)
	}
	msg, err := rcv.Receive(ctxT(t), nil)
	if err != nil || string(msg.GetData()) != "fire" {
		t.Fatalf("%v %v", msg, err)
	}
}

func TestRefusedAttach(t *testing.T) {
	b := newMemBroker(t)
	b.refuse["missing"] = &Error{Condition: ErrNotFound, Description: "no such entity"}
	addr := testServer(t, &Server{Handler: b})
	c := dial(t, addr, nil)
	s := newSession(t, c)
	for _, recvSide := range []bool{false, true} {
		var err error
		if recvSide {
			_, err = s.NewReceiver(ctxT(t), "missing", nil)
		} else {
			_, err = s.NewSender(ctxT(t), "missing", nil)
		}
		var amqpErr *goamqp.Error
		if !errors.As(err, &amqpErr) || string(amqpErr.Condition) != string(ErrNotFound) {
			t.Fatalf("receiver=%v: attach error %v, want not-found", recvSide, err)
		}
	}
	// The session still works afterwards.
	if _, err := s.NewSender(ctxT(t), "ok", nil); err != nil {
		t.Fatal(err)
	}
}

// A handler that panics while settling does not take the connection down,
// and the client is told the settlement failed, not that it was accepted;
// the next settlement on the same link goes through.
func TestDispositionHandlerPanic(t *testing.T) {
	b := newMemBroker(t)
	panicked := false
	b.dispFate = func(state DeliveryState) DeliveryState {
		if !panicked {
			panicked = true
			panic("settling went wrong")
		}
		return state
	}
	addr := testServer(t, &Server{Handler: b})
	s := newSession(t, dial(t, addr, nil))
	snd, err := s.NewSender(ctxT(t), "q1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte(fmt.Sprint("m", i))), nil); err != nil {
			t.Fatal(err)
		}
	}
	rcv, err := s.NewReceiver(ctxT(t), "q1", &goamqp.ReceiverOptions{SettlementMode: ReceiverSettleModeSecond()})
	if err != nil {
		t.Fatal(err)
	}
	first, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var rejected *goamqp.Error
	if err := rcv.AcceptMessage(ctxT(t), first); !errors.As(err, &rejected) || rejected.Condition != goamqp.ErrCondInternalError {
		t.Fatalf("accepting while the handler panics: %v, want the internal-error rejection", err)
	}
	second, err := rcv.Receive(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rcv.AcceptMessage(ctxT(t), second); err != nil {
		t.Fatalf("the settlement after the panic: %v", err)
	}
}
