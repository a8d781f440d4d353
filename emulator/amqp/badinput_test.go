package amqp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

// rawClient speaks the protocol by hand with the package's own codec, to
// send what a well-behaved client never would.
type rawClient struct {
	t  *testing.T
	nc net.Conn
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	return &rawClient{t: t, nc: nc}
}

func (r *rawClient) write(b []byte) {
	r.t.Helper()
	if _, err := r.nc.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawClient) writeFrame(typ uint8, ch uint16, p performative) {
	r.t.Helper()
	b, err := appendFrame(nil, typ, ch, p, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.write(b)
}

func (r *rawClient) readHeader() [8]byte {
	r.t.Helper()
	var h [8]byte
	if _, err := io.ReadFull(r.nc, h[:]); err != nil {
		r.t.Fatalf("reading protocol header: %v", err)
	}
	return h
}

// readFrame returns the next non-empty frame's performative, or an error.
func (r *rawClient) readFrame() (performative, error) {
	for {
		var h [8]byte
		if _, err := io.ReadFull(r.nc, h[:]); err != nil {
			return nil, err
		}
		size := binary.BigEndian.Uint32(h[:])
		body := make([]byte, size-8)
		if _, err := io.ReadFull(r.nc, body); err != nil {
			return nil, err
		}
		buf := append(h[:], body...)
		_, p, _, err := decodeFrame(buf, 0)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return p, nil
		}
	}
}

// open runs SASL ANONYMOUS and the open exchange.
func (r *rawClient) open() {
	r.t.Helper()
	r.write(protoHeaderSASL[:])
	if h := r.readHeader(); h != protoHeaderSASL {
		r.t.Fatalf("SASL header answer % x", h)
	}
	if p, err := r.readFrame(); err != nil {
		r.t.Fatal(err)
	} else if m, ok := p.(*saslMechanisms); !ok || len(m.Mechanisms) == 0 || m.Mechanisms[0] != "ANONYMOUS" {
		r.t.Fatalf("mechanisms %#v", p)
	}
	r.writeFrame(frameTypeSASL, 0, &saslInit{Mechanism: "ANONYMOUS"})
	if p, err := r.readFrame(); err != nil {
		r.t.Fatal(err)
	} else if o, ok := p.(*saslOutcome); !ok || o.Code != 0 {
		r.t.Fatalf("outcome %#v", p)
	}
	r.write(protoHeaderAMQP[:])
	if h := r.readHeader(); h != protoHeaderAMQP {
		r.t.Fatalf("AMQP header answer % x", h)
	}
	r.writeFrame(frameTypeAMQP, 0, &openFrame{ContainerID: "raw", MaxFrameSize: 65536, ChannelMax: 10})
	p, err := r.readFrame()
	if err != nil {
		r.t.Fatal(err)
	}
	if o, ok := p.(*openFrame); !ok || o.ContainerID == "" || o.MaxFrameSize != 65536 || o.IdleTimeout == 0 {
		r.t.Fatalf("server open %#v", p)
	}
}

// expectClose reads until the server's close frame (checking its condition
// when cond is set) and then the end of the stream.
func (r *rawClient) expectClose(cond Symbol) {
	r.t.Helper()
	for {
		p, err := r.readFrame()
		if err != nil {
			r.t.Fatalf("no close frame before %v", err)
		}
		if c, ok := p.(*closeFrame); ok {
			if cond != "" && (c.Error == nil || c.Error.Condition != cond) {
				r.t.Fatalf("close error %v, want %s", c.Error, cond)
			}
			break
		}
	}
	r.expectEOF()
}

func (r *rawClient) expectEOF() {
	r.t.Helper()
	buf := make([]byte, 64)
	for {
		_, err := r.nc.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			r.t.Fatal("server did not close the socket")
		}
		return
	}
}

// checkOtherConnection proves the server still serves a well-behaved client.
func checkOtherConnection(t *testing.T, addr string) {
	t.Helper()
	c := dial(t, addr, nil)
	s := newSession(t, c)
	snd, err := s.NewSender(ctxT(t), "healthy", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(ctxT(t), goamqp.NewMessage([]byte("ok")), nil); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputClosesOnlyThatConnection(t *testing.T) {
	unknownPerformative := []byte{0, 0, 0, 0, 2, 0, 0, 0, 0x00, 0x53, 0x30, 0x45}
	binary.BigEndian.PutUint32(unknownPerformative, uint32(len(unknownPerformative)))
	notDescribed := []byte{0, 0, 0, 10, 2, 0, 0, 0, 0x45, 0x40}
	truncatedBody := []byte{0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x11, 0xd0} // list32 cut short
	oversized := []byte{0, 0x10, 0, 0, 2, 0, 0, 0}                           // 1 MiB frame
	badDoff := []byte{0, 0, 0, 8, 1, 0, 0, 0}
	saslAfterOpen := []byte{0, 0, 0, 8, 2, 1, 0, 0}

	cases := []struct {
		name string
		open bool   // complete the handshake first
		send []byte // then send this
		cond Symbol // close condition expected ("" = only EOF)
	}{
		{"garbage instead of header", false, []byte("GET / HTTP/1.1\r\n\r\n"), ""},
		{"wrong protocol version", false, []byte{'A', 'M', 'Q', 'P', 0, 2, 0, 0}, ""},
		{"oversized frame", true, oversized, ErrFramingError},
		{"bad data offset", true, badDoff, ErrFramingError},
		{"unknown performative", true, unknownPerformative, ErrDecode},
		{"body not a performative", true, notDescribed, ErrDecode},
		{"truncated body", true, truncatedBody, ErrDecode},
		{"sasl frame after open", true, saslAfterOpen, ErrFramingError},
		{"second open", true, mustFrame(t, &openFrame{ContainerID: "again"}), ErrNotAllowed},
		{"attach without session", true, mustFrame(t, &attachFrame{Name: "x", Handle: 0}), ErrNotAllowed},
	}
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			healthy := dial(t, addr, nil)
			r := dialRaw(t, addr)
			if tc.open {
				r.open()
			}
			r.write(tc.send)
			if tc.open {
				r.expectClose(tc.cond)
			} else {
				// The server answers with the header it supports, then closes.
				if h := r.readHeader(); h != protoHeaderSASL {
					t.Fatalf("header answer % x", h)
				}
				r.expectEOF()
			}
			checkOtherConnection(t, addr)
			// A connection opened before the bad one is unaffected too.
			s := newSession(t, healthy)
			if _, err := s.NewSender(ctxT(t), "still", nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func mustFrame(t *testing.T, p performative) []byte {
	t.Helper()
	b, err := appendFrame(nil, frameTypeAMQP, 0, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestClientVanishesMidTransfer(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	r := dialRaw(t, addr)
	r.open()
	r.writeFrame(frameTypeAMQP, 0, &beginFrame{IncomingWindow: 100, OutgoingWindow: 100})
	if _, err := r.readFrame(); err != nil {
		t.Fatal(err)
	}
	role := RoleSender
	r.writeFrame(frameTypeAMQP, 0, &attachFrame{Name: "l", Handle: 0, Role: role, Source: &Source{}, Target: &Target{Address: "q"}})
	recv(t, b.attached, "attach")
	id := uint32(0)
	format := uint32(0)
	first, err := appendFrame(nil, frameTypeAMQP, 0, &transferFrame{Handle: 0, DeliveryID: &id, DeliveryTag: []byte{1}, MessageFormat: &format, More: true}, bytes.Repeat([]byte{1}, 1000))
	if err != nil {
		t.Fatal(err)
	}
	r.write(first)
	r.write(first[:20]) // half a frame, then gone
	r.nc.Close()
	ev := recv(t, b.detached, "Detached after the client vanished")
	if ev.link.Target.Address != "q" {
		t.Fatalf("detached %+v", ev.link)
	}
	select {
	case d := <-b.deliveries:
		t.Fatalf("incomplete delivery was handed on: %d bytes", len(d.Payload))
	default:
	}
	checkOtherConnection(t, addr)
}

func TestServerClosesSilentClient(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, IdleTimeout: 300 * time.Millisecond})
	r := dialRaw(t, addr)
	r.open()
	start := time.Now()
	r.expectClose(ErrResourceLimit)
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("closed after %v, before the idle timeout", d)
	}
}

// The read deadline is not moved for every frame, yet a client that was
// busy and then falls silent still gets the whole idle timeout after its
// last frame, and not much more.
func TestServerClosesClientSilentAfterTraffic(t *testing.T) {
	const idle = 400 * time.Millisecond
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, IdleTimeout: idle})
	r := dialRaw(t, addr)
	r.open()
	// Frames 20 ms apart: closer than the deadline's eighth-of-a-timeout
	// slack, so most of them leave the deadline where it is.
	var last time.Time
	for range 30 {
		r.write(emptyFrame)
		last = time.Now()
		time.Sleep(20 * time.Millisecond)
	}
	r.expectClose(ErrResourceLimit)
	d := time.Since(last)
	if d < idle {
		t.Fatalf("closed %v after the last frame, before the %v idle timeout", d, idle)
	}
	if d > idle+idle/8+300*time.Millisecond {
		t.Fatalf("closed %v after the last frame, long after the %v idle timeout", d, idle)
	}
}

func TestKeepaliveFramesArrive(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b})
	r := dialRaw(t, addr)
	r.write(protoHeaderAMQP[:]) // skipping SASL is accepted
	if h := r.readHeader(); h != protoHeaderAMQP {
		t.Fatalf("header % x", h)
	}
	// Advertise 200ms: the server must send something at least every 100ms.
	r.writeFrame(frameTypeAMQP, 0, &openFrame{ContainerID: "raw", MaxFrameSize: 65536, IdleTimeout: 200})
	if _, err := r.readFrame(); err != nil {
		t.Fatal(err)
	}
	var hdr [8]byte
	for i := range 5 {
		_ = r.nc.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
		if _, err := io.ReadFull(r.nc, hdr[:]); err != nil {
			t.Fatalf("keepalive %d: %v", i, err)
		}
		if !bytes.Equal(hdr[:], emptyFrame) {
			t.Fatalf("keepalive %d = % x", i, hdr)
		}
	}
}
