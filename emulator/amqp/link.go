package amqp

import (
	"context"
	"runtime/debug"
)

type linkPhase uint8

const (
	linkPending    linkPhase = iota // Handler.Attach is running
	linkAttached                    // attach answered, link usable
	linkDetachSent                  // server detached; waiting for the client's detach
	linkGone                        // finished
)

// linkState is the engine's state for one link.
type linkState struct {
	pub        *Link
	s          *sessionState
	handle     uint32 // the client's handle; the server uses the same number
	clientRole Role
	ctx        context.Context
	cancel     context.CancelFunc
	done       chan struct{}

	// Guarded by c.dispatchMu.
	handler         LinkHandler
	finished        bool
	clientDetached  bool // the client detached while Attach was running
	clientDetachErr *Error
	pendingFlow     bool // a flow arrived while Attach was running
	rxDeliveryCount uint32
	rxCredit        uint32
	rxLimit         uint64 // largest message accepted from the client
	asm             assembly
	rxBuf           []byte // reassembly buffer kept between deliveries

	// Guarded by s.mu.
	phase         linkPhase
	deliveryCount uint32
	credit        uint32
	drain         bool
	detachLater   *Error // Link.Detach called while Attach was running
	detachLaterOK bool
	maxOut        uint64 // the client's max-message-size; 0 = none
}

// assembly collects the frames of one incoming delivery.
type assembly struct {
	active  bool
	id      uint32
	tag     []byte
	format  uint32
	settled bool
	payload []byte
}

// hardMessageLimit caps reassembly when the handler sets no limit, so a
// client cannot make the server buffer without end.
const hardMessageLimit = 256 << 20

func (s *sessionState) handleAttach(f *attachFrame) error {
	if f.Handle > serverHandleMax {
		return sessErr(ErrNotAllowed, "handle %d exceeds handle-max %d", f.Handle, serverHandleMax)
	}
	if old := s.links[f.Handle]; old != nil {
		s.mu.Lock()
		phase := old.phase
		s.mu.Unlock()
		if phase != linkDetachSent {
			return sessErr(errHandleInUse, "attach on handle %d, which is in use", f.Handle)
		}
		// The client reused the handle before acknowledging our detach.
		delete(s.links, f.Handle)
		s.c.finishLink(old, nil)
	}
	ctx, cancel := context.WithCancel(s.ctx)
	l := &linkState{
		s:          s,
		handle:     f.Handle,
		clientRole: f.Role,
		ctx:        ctx,
		cancel:     cancel,
		done:       make(chan struct{}),
		phase:      linkPending,
		maxOut:     f.MaxMessageSize,
	}
	l.pub = &Link{
		Name:           f.Name,
		ClientRole:     f.Role,
		Source:         f.Source,
		Target:         f.Target,
		SndSettleMode:  f.SndSettleMode,
		RcvSettleMode:  f.RcvSettleMode,
		Properties:     f.Properties,
		MaxMessageSize: f.MaxMessageSize,
		impl:           l,
	}
	s.links[f.Handle] = l
	go s.runAttach(l)
	return nil
}

// runAttach asks the Handler about the link on its own goroutine, then
// completes the attach under the dispatch lock.
func (s *sessionState) runAttach(l *linkState) {
	lh, aerr := s.callAttach(l)
	s.c.dispatchMu.Lock()
	defer s.c.dispatchMu.Unlock()
	s.completeAttach(l, lh, aerr)
}

func (s *sessionState) callAttach(l *linkState) (lh LinkHandler, aerr *Error) {
	defer func() {
		if r := recover(); r != nil {
			s.c.log.Error("amqp: BUG: panic in Handler.Attach", "panic", r, "stack", string(debug.Stack()))
			lh, aerr = nil, &Error{Condition: ErrInternal, Description: "internal error attaching the link"}
		}
	}()
	if s.c.srv.Handler == nil {
		return nil, &Error{Condition: ErrNotImplemented, Description: "no handler"}
	}
	lh, aerr = s.c.srv.Handler.Attach(l.ctx, l.pub)
	if aerr == nil && lh == nil {
		aerr = &Error{Condition: ErrInternal, Description: "link has no handler"}
	}
	return lh, aerr
}

// completeAttach answers the client's attach (dispatchMu held).
func (s *sessionState) completeAttach(l *linkState, lh LinkHandler, aerr *Error) {
	if aerr != nil {
		lh = nil
	}
	if s.c.ended || s.finished || s.endSent.Load() || l.finished {
		// The session or connection went away meanwhile: nothing may be
		// sent, but an accepted link still learns that it ended.
		l.handler = lh
		s.c.finishLink(l, nil)
		return
	}
	reply := s.attachReply(l, aerr != nil)
	if aerr != nil {
		s.mu.Lock()
		_ = s.writeLocked(reply)
		_ = s.writeLocked(&detachFrame{Handle: l.handle, Closed: true, Error: aerr})
		l.phase = linkDetachSent
		s.mu.Unlock()
		if l.clientDetached {
			// The client already detached: both detaches are exchanged.
			delete(s.links, l.handle)
		}
		s.c.finishLink(l, nil)
		return
	}
	l.handler = lh
	l.rxLimit = hardMessageLimit
	if m := l.pub.ReplyMaxMessageSize; m > 0 && m < hardMessageLimit {
		l.rxLimit = m
	}
	s.mu.Lock()
	_ = s.writeLocked(reply)
	l.phase = linkAttached
	detachLater, detachLaterOK := l.detachLater, l.detachLaterOK
	s.mu.Unlock()

	switch {
	case l.clientDetached:
		// The client gave up while we were deciding.
		_ = s.write(&detachFrame{Handle: l.handle, Closed: true})
		delete(s.links, l.handle)
		s.c.finishLink(l, l.clientDetachErr)
	case detachLaterOK:
		l.pub.Detach(detachLater)
	case l.clientRole == RoleSender:
		// The client cannot send before it has credit.
		l.rxCredit = s.c.srv.senderCredit()
		_ = s.sendFlow(l)
	case l.pendingFlow:
		l.pendingFlow = false
		s.c.linkFlow(l)
	}
}

func (s *sessionState) attachReply(l *linkState, refused bool) *attachFrame {
	p := l.pub
	src, tgt := p.ReplySource, p.ReplyTarget
	if src == nil {
		src = p.Source
	}
	if tgt == nil {
		tgt = p.Target
	}
	// A successful reply needs both termini.
	if src == nil {
		src = &Source{}
	}
	if tgt == nil {
		tgt = &Target{}
	}
	if refused {
		if l.clientRole == RoleReceiver {
			src = nil
		} else {
			tgt = nil
		}
	}
	a := &attachFrame{
		Name:           p.Name,
		Handle:         l.handle,
		Role:           !l.clientRole,
		SndSettleMode:  p.SndSettleMode,
		RcvSettleMode:  p.RcvSettleMode,
		Source:         src,
		Target:         tgt,
		MaxMessageSize: p.ReplyMaxMessageSize,
		Properties:     p.ReplyProperties,
	}
	if l.clientRole == RoleReceiver {
		zero := uint32(0)
		a.InitialDeliveryCount = &zero
	}
	return a
}

func (s *sessionState) handleDetach(f *detachFrame) error {
	l := s.links[f.Handle]
	if l == nil {
		return sessErr(ErrSessionUnattached, "detach for handle %d, which is not attached", f.Handle)
	}
	s.mu.Lock()
	phase := l.phase
	if phase == linkAttached {
		// Checked and changed in one step so a concurrent Link.Detach
		// cannot make both ends send a second detach.
		l.phase = linkGone
		_ = s.writeLocked(&detachFrame{Handle: l.handle, Closed: true})
	}
	s.mu.Unlock()
	switch phase {
	case linkPending:
		// Answered once Attach returns (attach first, then detach).
		l.clientDetached = true
		l.clientDetachErr = f.Error
		l.cancel()
	case linkAttached:
		delete(s.links, f.Handle)
		s.c.finishLink(l, f.Error)
	default:
		// The acknowledgement of our own detach: not answered.
		delete(s.links, f.Handle)
		s.c.finishLink(l, nil)
	}
	return nil
}

// finishLink ends a link once: it stops sending, forgets the link's
// unsettled deliveries and tells the handler (dispatchMu held).
func (c *connState) finishLink(l *linkState, err *Error) {
	if l.finished {
		return
	}
	l.finished = true
	s := l.s
	s.mu.Lock()
	if l.phase != linkDetachSent {
		l.phase = linkGone
	}
	s.unsettled.removeLink(l)
	s.mu.Unlock()
	l.cancel()
	close(l.done)
	if l.handler != nil {
		c.callHandler(func() { l.handler.Detached(l.pub, err) })
	}
}

// callHandler runs a LinkHandler method, turning a panic into a log entry
// so one faulty link cannot take the connection down with it.
func (c *connState) callHandler(f func()) {
	defer c.recoverHandler()
	f()
}

// callDisposition is callHandler for a Disposition, without a closure (and
// its allocation) per settlement. A handler that panicked did not apply the
// settlement, so the client is told it failed rather than that it was
// accepted.
func (c *connState) callDisposition(l *linkState, tag []byte, state DeliveryState, settled bool) (reply DeliveryState) {
	defer func() {
		if r := recover(); r != nil {
			c.logHandlerPanic(r)
			reply = &Rejected{Error: &Error{Condition: ErrInternal, Description: "the server failed to apply the settlement"}}
		}
	}()
	return l.handler.Disposition(l.pub, tag, state, settled)
}

// recoverHandler, deferred, logs a handler's panic instead of letting it
// take the connection down.
func (c *connState) recoverHandler() {
	if r := recover(); r != nil {
		c.logHandlerPanic(r)
	}
}

func (c *connState) logHandlerPanic(r any) {
	c.log.Error("amqp: BUG: panic in LinkHandler", "panic", r, "stack", string(debug.Stack()))
}

// Session returns the AMQP session the link belongs to.
func (l *Link) Session() *Session {
	if l == nil || l.impl == nil {
		return nil
	}
	return l.impl.s.pub
}

// Conn returns the connection the link belongs to.
func (l *Link) Conn() *Conn {
	if l == nil || l.impl == nil {
		return nil
	}
	return l.impl.s.c.pub
}

// Batch runs f with the connection's writer held back, so the frames f
// queues (a run of deliveries, say) leave in one socket write. f should be
// short: other links' frames wait for it too. On an Unbatched server it
// just runs f.
func (l *Link) Batch(f func()) {
	if l == nil || l.impl == nil || !l.impl.s.c.srv.batching() {
		f()
		return
	}
	w := l.impl.s.c.w
	w.cork()
	defer w.uncork()
	f()
}

// Credit is the credit the client has granted on a link it receives on, less
// what the server has sent since.
func (l *Link) Credit() uint32 {
	if l == nil || l.impl == nil {
		return 0
	}
	ls := l.impl
	ls.s.mu.Lock()
	defer ls.s.mu.Unlock()
	return ls.credit
}

// Drain reports whether the client's last flow asked for a drain.
func (l *Link) Drain() bool {
	if l == nil || l.impl == nil {
		return false
	}
	ls := l.impl
	ls.s.mu.Lock()
	defer ls.s.mu.Unlock()
	return ls.drain
}

// Detach ends the link from the server side with detach(closed=true, err).
// Detached follows on the connection's dispatch goroutine; the client's
// answering detach is not answered again.
func (l *Link) Detach(err *Error) {
	if l == nil || l.impl == nil {
		return
	}
	ls := l.impl
	s := ls.s
	s.mu.Lock()
	switch ls.phase {
	case linkPending:
		ls.detachLater, ls.detachLaterOK = err, true
		s.mu.Unlock()
		return
	case linkAttached:
		ls.phase = linkDetachSent
		_ = s.writeLocked(&detachFrame{Handle: ls.handle, Closed: true, Error: err})
		s.mu.Unlock()
	default:
		s.mu.Unlock()
		return
	}
	ls.cancel()
	go func() {
		s.c.dispatchMu.Lock()
		defer s.c.dispatchMu.Unlock()
		s.c.finishLink(ls, nil)
	}()
}

// Done is closed when the link has ended.
func (l *Link) Done() <-chan struct{} {
	if l == nil || l.impl == nil {
		return closedChan
	}
	return l.impl.done
}
