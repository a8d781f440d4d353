package amqp

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

// memBroker is a tiny Handler for the engine tests: every address is a FIFO
// queue; client senders append to it, client receivers take from it.
type memBroker struct {
	t *testing.T

	mu        sync.Mutex
	queues    map[string][][]byte
	receivers map[string][]*Link
	nextTag   uint64

	// Behaviour knobs.
	refuse       map[string]*Error        // refuse attach on this address
	blockAttach  map[string]chan struct{} // Attach waits for the channel on this address
	transferFate func(d *IncomingDelivery) DeliveryState
	dispFate     func(state DeliveryState) DeliveryState
	settled      bool // send deliveries pre-settled
	replyMaxSize uint64

	// Observations.
	attached     chan *Link
	deliveries   chan *IncomingDelivery
	dispositions chan dispositionEvent
	detached     chan detachEvent
}

type dispositionEvent struct {
	tag     []byte
	state   DeliveryState
	settled bool
}

type detachEvent struct {
	link *Link
	err  *Error
}

func newMemBroker(t *testing.T) *memBroker {
	return &memBroker{
		t:            t,
		queues:       map[string][][]byte{},
		receivers:    map[string][]*Link{},
		refuse:       map[string]*Error{},
		blockAttach:  map[string]chan struct{}{},
		attached:     make(chan *Link, 100),
		deliveries:   make(chan *IncomingDelivery, 20000),
		dispositions: make(chan dispositionEvent, 20000),
		detached:     make(chan detachEvent, 100),
	}
}

func linkAddress(l *Link) string {
	if l.ClientRole == RoleSender {
		if l.Target != nil {
			return l.Target.Address
		}
		return ""
	}
	if l.Source != nil {
		return l.Source.Address
	}
	return ""
}

func (b *memBroker) Attach(ctx context.Context, l *Link) (LinkHandler, *Error) {
	addr := linkAddress(l)
	b.mu.Lock()
	refuse := b.refuse[addr]
	block := b.blockAttach[addr]
	b.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, &Error{Condition: ErrTimeout, Description: "attach cancelled"}
		}
	}
	if refuse != nil {
		return nil, refuse
	}
	l.ReplyMaxMessageSize = b.replyMaxSize
	if l.ClientRole == RoleReceiver {
		b.mu.Lock()
		b.receivers[addr] = append(b.receivers[addr], l)
		b.mu.Unlock()
	}
	b.attached <- l
	return b, nil
}

func (b *memBroker) Transfer(l *Link, d *IncomingDelivery) DeliveryState {
	// The payload is only valid during the call: keep a copy.
	kept := *d
	kept.Payload = append([]byte(nil), d.Payload...)
	d = &kept
	b.deliveries <- d
	if b.transferFate != nil {
		if st := b.transferFate(d); st != nil {
			return st
		}
	}
	b.put(linkAddress(l), d.Payload)
	return nil
}

func (b *memBroker) put(addr string, payload []byte) {
	b.mu.Lock()
	b.queues[addr] = append(b.queues[addr], payload)
	b.mu.Unlock()
	b.pump(addr)
}

// pump sends queued messages to receivers that have credit.
func (b *memBroker) pump(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range b.receivers[addr] {
		for len(b.queues[addr]) > 0 && l.Credit() > 0 {
			b.nextTag++
			tag := []byte{byte(b.nextTag >> 8), byte(b.nextTag)}
			err := l.Send(OutgoingDelivery{Tag: tag, Payload: b.queues[addr][0], Settled: b.settled})
			if err != nil {
				break
			}
			b.queues[addr] = b.queues[addr][1:]
		}
	}
}

func (b *memBroker) Flow(l *Link) { b.pump(linkAddress(l)) }

func (b *memBroker) Disposition(l *Link, tag []byte, state DeliveryState, settled bool) DeliveryState {
	b.dispositions <- dispositionEvent{tag: bytes.Clone(tag), state: state, settled: settled}
	if b.dispFate != nil {
		return b.dispFate(state)
	}
	return state
}

func (b *memBroker) Detached(l *Link, err *Error) {
	addr := linkAddress(l)
	b.mu.Lock()
	rs := b.receivers[addr]
	for i, r := range rs {
		if r == l {
			b.receivers[addr] = append(rs[:i:i], rs[i+1:]...)
			break
		}
	}
	b.mu.Unlock()
	b.detached <- detachEvent{link: l, err: err}
}

// testServer starts srv on a loopback listener and stops it with the test.
func testServer(t *testing.T, srv *Server) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v", err)
		}
	})
	return l.Addr().String()
}

func dial(t *testing.T, addr string, opts *goamqp.ConnOptions) *goamqp.Conn {
	t.Helper()
	if opts == nil {
		opts = &goamqp.ConnOptions{}
	}
	if opts.SASLType == nil {
		opts.SASLType = goamqp.SASLTypeAnonymous()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := goamqp.Dial(ctx, "amqp://"+addr, opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newSession(t *testing.T, c *goamqp.Conn) *goamqp.Session {
	t.Helper()
	s, err := c.NewSession(ctxT(t), nil)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	return s
}

// ctxT is a context bounded well below the test timeout.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func shortCtx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// encodeBody builds an encoded message with one data section.
func encodeBody(t *testing.T, data []byte) []byte {
	t.Helper()
	m := &Message{}
	m.SetBodyData(data)
	b, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
