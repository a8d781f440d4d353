package amqp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// serverHandleMax is the handle-max the server advertises in begin.
const serverHandleMax = 0xffff

// sessionState is the engine's state for one session. The server uses the
// client's channel number for its own end too: channels are unique among
// live sessions and both ends free them at the same end exchange.
type sessionState struct {
	c       *connState
	pub     *Session
	channel uint16
	ctx     context.Context
	cancel  context.CancelFunc

	// Guarded by c.dispatchMu (the reader and attach completions).
	links          map[uint32]*linkState // by the client's handle
	nextIncomingID uint32
	inSinceFlow    uint32 // transfer frames since we last sent a flow
	finished       bool

	endSent atomic.Bool // the server sent end and waits for the client's

	// mu guards the outgoing side, which Link.Send uses from any goroutine,
	// and orders every frame the session writes.
	mu                   sync.Mutex
	nextOutgoingID       uint32
	remoteIncomingWindow uint32
	nextDeliveryID       uint32
	unsettled            unsettledSet
	windowBlocked        bool // a Send failed for lack of session window
	scratch              []byte
	// Send's per-delivery values, kept here (under mu) so that encoding a
	// transfer allocates nothing: the frame's pointer fields point at
	// sendID and sendFormat, and the encoded performative travels to the
	// writer as &sendPerf.
	sendID     uint32
	sendFormat uint32
	sendPerf   rawPerformative
	// The settled disposition a dispositionRun sends, and its last id;
	// used only by the connection's reader (dispatchMu held).
	reply     dispositionFrame
	replyLast uint32
	// replyTag holds the tag handed to a Disposition handler, so that no
	// delivery's copy has to escape to the heap for it.
	replyTag [maxDeliveryTag]byte
}

// maxDeliveryTag is the longest delivery tag the spec allows (§2.8.7).
const maxDeliveryTag = 32

// outDelivery is an unsettled delivery the server sent. The tag is kept
// inline so that remembering a delivery allocates nothing.
type outDelivery struct {
	link   *linkState
	tagLen uint8
	tag    [maxDeliveryTag]byte
}

func (d *outDelivery) deliveryTag() []byte { return d.tag[:d.tagLen] }

// sessionError ends the session with end(e) (the connection goes on).
type sessionError struct{ e *Error }

func (e sessionError) Error() string { return e.e.Error() }

func sessErr(cond Symbol, format string, args ...any) error {
	return sessionError{&Error{Condition: cond, Description: fmt.Sprintf(format, args...)}}
}

const errHandleInUse Symbol = "amqp:session:handle-in-use"

func (c *connState) handleBegin(ch uint16, f *beginFrame) error {
	if f.RemoteChannel != nil {
		return protoErr(ErrNotAllowed, "begin with remote-channel: the server never begins sessions")
	}
	if _, busy := c.sessions[ch]; busy {
		return protoErr(ErrNotAllowed, "begin on channel %d, which is in use", ch)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	s := &sessionState{
		c:                    c,
		channel:              ch,
		ctx:                  ctx,
		cancel:               cancel,
		links:                map[uint32]*linkState{},
		nextIncomingID:       f.NextOutgoingID,
		remoteIncomingWindow: f.IncomingWindow,
	}
	s.pub = &Session{impl: s}
	c.sessions[ch] = s
	win := c.srv.sessionWindow()
	remote := ch
	return c.writeFrame(frameTypeAMQP, ch, &beginFrame{
		RemoteChannel:  &remote,
		NextOutgoingID: 0,
		IncomingWindow: win,
		OutgoingWindow: win,
		HandleMax:      serverHandleMax,
	}, nil)
}

// handle processes one frame for the session. Session-level errors end the
// session here; connection-level ones are returned.
func (s *sessionState) handle(p performative, payload []byte) error {
	if s.endSent.Load() {
		// Waiting for the client's end; everything else is discarded.
		if f, ok := p.(*endFrame); ok {
			s.c.finishSession(s, f.Error)
			delete(s.c.sessions, s.channel)
		}
		return nil
	}
	var err error
	switch f := p.(type) {
	case *attachFrame:
		err = s.handleAttach(f)
	case *flowFrame:
		err = s.handleFlow(f)
	case *transferFrame:
		err = s.handleTransfer(f, payload)
	case *dispositionFrame:
		s.handleDisposition(f)
	case *detachFrame:
		err = s.handleDetach(f)
	case *endFrame:
		// The client may end without detaching its links: that detaches
		// them all implicitly.
		s.c.finishSession(s, f.Error)
		delete(s.c.sessions, s.channel)
		return s.c.writeFrame(frameTypeAMQP, s.channel, &endFrame{}, nil)
	default:
		return protoErr(ErrNotAllowed, "unexpected %T on a session", p)
	}
	if se, ok := err.(sessionError); ok {
		s.c.log.Warn("amqp: session error, ending session", "channel", s.channel, "err", se.e)
		s.end(se.e)
		return nil
	}
	return err
}

// end sends end(e) once and stops the session's sending.
func (s *sessionState) end(e *Error) {
	s.mu.Lock()
	if s.endSent.Swap(true) {
		s.mu.Unlock()
		return
	}
	_ = s.c.writeFrame(frameTypeAMQP, s.channel, &endFrame{Error: e}, nil)
	s.mu.Unlock()
	s.cancel()
}

// finishSession ends every link of the session (dispatchMu held).
func (c *connState) finishSession(s *sessionState, err *Error) {
	if s.finished {
		return
	}
	s.finished = true
	s.endSent.Store(true) // nothing more may be written on the channel
	s.cancel()
	for h, l := range s.links {
		c.finishLink(l, err)
		delete(s.links, h)
	}
}

// write sends a non-transfer frame on the session unless it has ended.
func (s *sessionState) write(p performative) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(p)
}

func (s *sessionState) writeLocked(p performative) error {
	if s.endSent.Load() {
		return errWriterClosed
	}
	return s.c.writeFrame(frameTypeAMQP, s.channel, p, nil)
}

// sendFlow sends a flow with the session state and, for l != nil, the
// link's state. Every flow carries next-incoming-id: go-amqp ends the
// session when it is missing.
func (s *sessionState) sendFlow(l *linkState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flowLocked(l)
	return s.writeLocked(&f)
}

func (s *sessionState) flowLocked(l *linkState) flowFrame {
	nextIn := s.nextIncomingID
	s.inSinceFlow = 0
	f := flowFrame{
		NextIncomingID: &nextIn,
		IncomingWindow: s.c.srv.sessionWindow(),
		NextOutgoingID: s.nextOutgoingID,
		OutgoingWindow: s.c.srv.sessionWindow(),
	}
	if l != nil {
		h := l.handle
		f.Handle = &h
		var count, credit uint32
		if l.clientRole == RoleSender {
			count, credit = l.rxDeliveryCount, l.rxCredit
		} else {
			count, credit = l.deliveryCount, l.credit
			f.Drain = l.drain
		}
		f.DeliveryCount = &count
		f.LinkCredit = &credit
	}
	return f
}

func (s *sessionState) handleFlow(f *flowFrame) error {
	s.mu.Lock()
	// The client's view: remote-incoming-window = next-incoming-id(flow) +
	// incoming-window(flow) - our next-outgoing-id; without next-incoming-id
	// our initial outgoing id (0) stands in for it.
	var nextIn uint32
	if f.NextIncomingID != nil {
		nextIn = *f.NextIncomingID
	}
	s.remoteIncomingWindow = nextIn + f.IncomingWindow - s.nextOutgoingID
	if int32(s.remoteIncomingWindow) < 0 {
		s.remoteIncomingWindow = 0
	}
	unblocked := s.windowBlocked && s.remoteIncomingWindow > 0
	if unblocked {
		s.windowBlocked = false
	}
	s.mu.Unlock()

	var target *linkState
	if f.Handle != nil {
		target = s.links[*f.Handle]
		if target == nil {
			return sessErr(ErrSessionUnattached, "flow for handle %d, which is not attached", *f.Handle)
		}
	}
	if unblocked {
		// The window reopened: give every link with credit a chance to send.
		for _, l := range s.links {
			if l != target && l.clientRole == RoleReceiver && l.pub.Credit() > 0 {
				s.c.linkFlow(l)
			}
		}
	}
	if target != nil {
		return target.handleFlow(f)
	}
	if f.Echo {
		return s.sendFlow(nil)
	}
	return nil
}

// Conn returns the session's connection.
func (s *Session) Conn() *Conn {
	if s == nil || s.impl == nil {
		return nil
	}
	return s.impl.c.pub
}

// End ends the session from the server side with end(err). Its links get
// Detached; frames the client sends until it answers are discarded.
func (s *Session) End(err *Error) {
	if s == nil || s.impl == nil {
		return
	}
	ss := s.impl
	ss.end(err)
	go func() {
		ss.c.dispatchMu.Lock()
		defer ss.c.dispatchMu.Unlock()
		ss.c.finishSession(ss, nil)
	}()
}
