package amqp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// closeGrace is how long the server waits for the client's close after
// sending its own, and for the last bytes to be written.
const closeGrace = 2 * time.Second

// connState is the engine's state for one client connection.
type connState struct {
	srv *Server
	nc  net.Conn
	id  uint64
	pub *Conn
	log *slog.Logger
	w   *connWriter

	br   *bufio.Reader
	hdr  [frameHeaderSize]byte
	rbuf []byte
	disp dispositionScratch // the last disposition read, valid while it is handled
	// readDeadline is the socket's read deadline as armReadDeadline last
	// set it (zero after it set closeGrace).
	readDeadline time.Time

	// Negotiated in open; written before any session exists.
	peerMaxFrame uint32 // largest frame we may send
	maxIn        uint32 // largest frame we accept
	channelMax   uint16

	hostMu   sync.Mutex
	hostname string

	// dispatchMu serializes everything that changes connection, session or
	// link state or calls a LinkHandler: the reader holds it per frame, and
	// attach completions and server-side detach/end take it too.
	dispatchMu sync.Mutex
	sessions   map[uint16]*sessionState
	ended      bool   // torn down; guarded by dispatchMu
	remoteErr  *Error // the client's close error, if any

	opened    atomic.Bool
	closeSent atomic.Bool
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
}

func newConnState(s *Server, nc net.Conn) *connState {
	ctx, cancel := context.WithCancel(context.Background())
	c := &connState{
		srv:      s,
		nc:       nc,
		w:        newConnWriter(nc),
		br:       bufio.NewReaderSize(nc, 64<<10),
		maxIn:    s.maxFrameSize(),
		sessions: map[uint16]*sessionState{},
		ctx:      ctx,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	c.pub = &Conn{impl: c}
	if s.OnFrame != nil {
		c.w.onKeepalive = func() bool { return s.OnFrame(c.pub, false) }
	}
	return c
}

// connError is a protocol violation that ends the connection with close(e).
type connError struct{ e *Error }

func (e connError) Error() string { return e.e.Error() }

// errConnDone ends the read loop after a clean close exchange.
var errConnDone = errors.New("amqp: connection done")

func protoErr(cond Symbol, format string, args ...any) error {
	return connError{&Error{Condition: cond, Description: fmt.Sprintf(format, args...)}}
}

func (c *connState) serve() {
	c.log = c.srv.logger().With("conn", c.id, "remote", c.nc.RemoteAddr().String())
	go c.w.run()
	defer c.teardown()
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("amqp: BUG: panic serving connection", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if err := c.handshake(); err != nil {
		c.log.Warn("amqp: handshake failed", "err", err)
		return
	}
	c.log.Debug("amqp: connection open", "hostname", c.pub.Hostname())
	c.readLoop()
}

func (c *connState) readLoop() {
	// While more whole frames are buffered the writer is corked, so the
	// replies to frames that arrived together (dispositions, say) leave in
	// one socket write; it is uncorked before the socket is read again.
	corked := false
	defer func() {
		if corked {
			c.w.uncork()
		}
	}()
	for {
		h, p, payload, err := c.readFrame()
		if err != nil {
			c.onReadError(err)
			return
		}
		if !c.hook(true) {
			c.log.Info("amqp: connection dropped by OnFrame")
			return
		}
		more := c.frameBuffered() && c.srv.batching()
		if more && !corked {
			c.w.cork()
			corked = true
		}
		c.dispatchMu.Lock()
		err = c.handleFrame(h, p, payload)
		c.dispatchMu.Unlock()
		if !more && corked {
			c.w.uncork()
			corked = false
		}
		if err != nil {
			var ce connError
			if errors.As(err, &ce) {
				c.log.Warn("amqp: protocol error, closing connection", "err", err)
				c.sendClose(ce.e)
			}
			return
		}
	}
}

// readFrame reads and decodes one frame. Decode problems come back as
// connError, socket problems as plain errors.
func (c *connState) readFrame() (frameHeader, performative, []byte, error) {
	// The deadline only matters when the socket is read: a frame already
	// buffered needs no new one.
	if !c.frameBuffered() {
		c.armReadDeadline()
	}
	if _, err := io.ReadFull(c.br, c.hdr[:]); err != nil {
		return frameHeader{}, nil, nil, err
	}
	h, err := parseFrameHeader(c.hdr[:], c.maxIn)
	if err != nil {
		return h, nil, nil, connError{&Error{Condition: ErrFramingError, Description: err.Error()}}
	}
	size := int(h.Size) - frameHeaderSize
	if cap(c.rbuf) < size {
		c.rbuf = make([]byte, size)
	}
	body := c.rbuf[:size]
	if err := c.readBody(body); err != nil {
		return h, nil, nil, err
	}
	p, payload, err := decodeFrameBody(body[int(h.DOff)*4-frameHeaderSize:], &c.disp)
	if err != nil {
		return h, nil, nil, connError{&Error{Condition: ErrDecode, Description: err.Error()}}
	}
	return h, p, payload, nil
}

// armReadDeadline makes sure the socket read about to start fails only
// after the idle timeout, or closeGrace once close was sent. Moving a
// deadline is a timer change, so it is not moved for every read: it is set
// an eighth of the timeout further out and moved again only when less than
// the timeout is left. A silent client is cut off after between one and
// one and an eighth timeouts, never before.
func (c *connState) armReadDeadline() {
	now := time.Now()
	if c.closeSent.Load() {
		c.readDeadline = time.Time{}
		_ = c.nc.SetReadDeadline(now.Add(closeGrace))
		return
	}
	idle := c.srv.idleTimeout()
	if c.readDeadline.Before(now.Add(idle)) {
		c.readDeadline = now.Add(idle + idle/8)
		_ = c.nc.SetReadDeadline(c.readDeadline)
	}
}

// directReadMin is the body size from which the part of a frame not yet
// buffered is read from the socket straight into the frame buffer: the
// read buffer would only be one more copy of large transfers.
const directReadMin = 16 << 10

// readBody fills body: from the read buffer, and for a large frame the rest
// from the socket directly.
func (c *connState) readBody(body []byte) error {
	if len(body) < directReadMin {
		_, err := io.ReadFull(c.br, body)
		return err
	}
	n := 0
	for n < len(body) && c.br.Buffered() > 0 {
		m, _ := c.br.Read(body[n:]) // buffered bytes only: no socket read
		n += m
	}
	if n < len(body) {
		_, err := io.ReadFull(c.nc, body[n:])
		return err
	}
	return nil
}

// frameBuffered reports whether a whole frame is buffered, so reading it
// will not touch the socket.
func (c *connState) frameBuffered() bool {
	n := c.br.Buffered()
	if n < frameHeaderSize {
		return false
	}
	size, err := c.br.Peek(4)
	return err == nil && uint64(n) >= uint64(binary.BigEndian.Uint32(size))
}

func (c *connState) onReadError(err error) {
	var ce connError
	switch {
	case errors.As(err, &ce):
		c.log.Warn("amqp: bad input, closing connection", "err", err)
		c.sendClose(ce.e)
	case c.closeSent.Load():
		// We closed and the client did not answer in time; nothing to add.
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.log.Info("amqp: client idle too long, closing connection", "timeout", c.srv.idleTimeout())
		c.sendClose(&Error{Condition: ErrResourceLimit, Description: "idle timeout expired"})
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		c.log.Debug("amqp: connection ended by peer", "err", err)
	default:
		c.log.Info("amqp: connection read failed", "err", err)
	}
}

// hook runs the OnFrame fault hook; false means drop the connection.
func (c *connState) hook(incoming bool) bool {
	if c.srv.OnFrame == nil || c.srv.OnFrame(c.pub, incoming) {
		return true
	}
	c.nc.Close()
	return false
}

// writeFrame queues one frame for the writer.
func (c *connState) writeFrame(typ uint8, channel uint16, p performative, payload []byte) error {
	return c.writeFrameThen(typ, channel, p, payload, nil)
}

// writeFrameThen is writeFrame that runs then once the frame is queued and
// before it can reach the socket (see connWriter.enqueueThen).
func (c *connState) writeFrameThen(typ uint8, channel uint16, p performative, payload []byte, then func()) error {
	if !c.hook(false) {
		return errWriterClosed
	}
	_, isClose := p.(*closeFrame)
	return c.w.enqueueThen(func(b []byte) ([]byte, error) {
		return appendFrame(b, typ, channel, p, payload)
	}, isClose, then)
}

func (c *connState) writeRaw(b []byte) error {
	return c.w.enqueue(func(buf []byte) ([]byte, error) { return append(buf, b...), nil }, false)
}

// sendClose queues close(err) once; later sends are refused.
func (c *connState) sendClose(e *Error) {
	if c.closeSent.Swap(true) {
		return
	}
	if c.opened.Load() {
		_ = c.writeFrame(frameTypeAMQP, 0, &closeFrame{Error: e}, nil)
	}
	c.w.refuseMore()
}

// closeWithError sends close(err) and lets the reader wait briefly for the
// client's close before the socket goes away.
func (c *connState) closeWithError(e *Error) {
	if !c.opened.Load() {
		c.nc.Close()
		return
	}
	c.sendClose(e)
	_ = c.nc.SetReadDeadline(time.Now().Add(closeGrace))
}

// teardown ends every session and link, flushes and closes the socket.
func (c *connState) teardown() {
	c.dispatchMu.Lock()
	c.ended = true
	for ch, s := range c.sessions {
		c.finishSession(s, c.remoteErr)
		delete(c.sessions, ch)
	}
	c.dispatchMu.Unlock()
	c.cancel()
	c.w.shutdown(closeGrace)
	c.nc.Close()
	close(c.done)
}

func (c *connState) handleFrame(h frameHeader, p performative, payload []byte) error {
	if h.Type != frameTypeAMQP {
		return protoErr(ErrFramingError, "SASL frame after the SASL exchange")
	}
	if p == nil {
		return nil // keepalive
	}
	switch f := p.(type) {
	case *closeFrame:
		c.remoteErr = f.Error
		if !c.closeSent.Load() {
			c.sendClose(nil)
		}
		return errConnDone
	case *openFrame:
		return protoErr(ErrNotAllowed, "second open")
	case *beginFrame:
		if c.closeSent.Load() {
			return nil
		}
		return c.handleBegin(h.Channel, f)
	}
	if c.closeSent.Load() {
		return nil // the spec lets us discard frames once close is sent
	}
	s := c.sessions[h.Channel]
	if _, isEnd := p.(*endFrame); isEnd && s == nil {
		// go-amqp sends end for a session whose begin it gave up on
		// (NewSession's context ended, so the begin was never written):
		// nothing to end, and no answer is expected. Closing the
		// connection over it would break every other session.
		c.log.Debug("amqp: end on a channel without a session, ignored", "channel", h.Channel)
		return nil
	}
	if s == nil {
		return protoErr(ErrNotAllowed, "%s on channel %d without a session", performativeLabel(p), h.Channel)
	}
	return s.handle(p, payload)
}

func performativeLabel(p performative) string {
	switch p.(type) {
	case *attachFrame:
		return "attach"
	case *flowFrame:
		return "flow"
	case *transferFrame:
		return "transfer"
	case *dispositionFrame:
		return "disposition"
	case *detachFrame:
		return "detach"
	case *endFrame:
		return "end"
	}
	return fmt.Sprintf("%T", p)
}

// ID is unique per connection for the server's lifetime.
func (c *Conn) ID() uint64 {
	if c == nil || c.impl == nil {
		return 0
	}
	return c.impl.id
}

// Hostname is the hostname from the client's open.
func (c *Conn) Hostname() string {
	if c == nil || c.impl == nil {
		return ""
	}
	c.impl.hostMu.Lock()
	defer c.impl.hostMu.Unlock()
	return c.impl.hostname
}

// RemoteAddr is the client's address.
func (c *Conn) RemoteAddr() net.Addr {
	if c == nil || c.impl == nil {
		return nil
	}
	return c.impl.nc.RemoteAddr()
}

// Close sends close(err) and closes the socket (after the client's answering
// close, or a short grace period).
func (c *Conn) Close(err *Error) {
	if c == nil || c.impl == nil {
		return
	}
	c.impl.closeWithError(err)
}

// Drop closes the socket at once without a close frame (fault injection).
func (c *Conn) Drop() {
	if c == nil || c.impl == nil {
		return
	}
	c.impl.nc.Close()
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} {
	if c == nil || c.impl == nil {
		return closedChan
	}
	return c.impl.done
}

var closedChan = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()
