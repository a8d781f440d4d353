package amqp

import (
	"cmp"
	"errors"
	"slices"
)

// errMessageTooLarge is returned by Send for a payload above the client's
// max-message-size.
var errMessageTooLarge = errors.New("amqp: message exceeds the client's max-message-size")

// errTagTooLong refuses a delivery tag the client could not accept.
var errTagTooLong = errors.New("amqp: delivery tag longer than 32 bytes")

// maxReusedAssembly is the largest reassembly buffer a link keeps for its
// next multi-frame delivery.
const maxReusedAssembly = 1 << 20

// handleTransfer collects the frames of a client delivery and hands the
// complete delivery to the link handler (dispatchMu held).
func (s *sessionState) handleTransfer(f *transferFrame, payload []byte) error {
	s.nextIncomingID++
	s.inSinceFlow++
	l := s.links[f.Handle]
	if l == nil {
		return sessErr(ErrSessionUnattached, "transfer for handle %d, which is not attached", f.Handle)
	}
	s.mu.Lock()
	phase := l.phase
	s.mu.Unlock()
	if phase != linkAttached || l.handler == nil {
		return nil // detaching: the spec lets us drop it
	}
	if l.clientRole != RoleSender {
		l.pub.Detach(&Error{Condition: ErrNotAllowed, Description: "transfer on a link the client receives on"})
		return nil
	}
	a := &l.asm
	first := !a.active
	if first {
		if f.DeliveryID == nil {
			l.pub.Detach(&Error{Condition: ErrNotAllowed, Description: "first transfer of a delivery without delivery-id"})
			return nil
		}
		*a = assembly{active: true, id: *f.DeliveryID, tag: f.DeliveryTag, settled: f.Settled}
		if f.MessageFormat != nil {
			a.format = *f.MessageFormat
		}
	} else {
		a.settled = a.settled || f.Settled
	}
	if f.Aborted {
		*a = assembly{}
		s.consumeRxCredit(l)
		return nil
	}
	if uint64(len(a.payload))+uint64(len(payload)) > l.rxLimit {
		*a = assembly{}
		l.pub.Detach(&Error{Condition: ErrLinkMessageSize, Description: "message exceeds the link's max-message-size"})
		return nil
	}
	switch {
	case first && !f.More:
		// Single-frame delivery: the handler reads it straight from the
		// read buffer (IncomingDelivery.Payload is valid during the call).
		a.payload = payload
	case first:
		a.payload = append(l.rxBuf[:0], payload...)
	default:
		a.payload = append(a.payload, payload...)
	}
	if f.More {
		s.maybeSessionFlow()
		return nil
	}
	d := &IncomingDelivery{Tag: a.tag, Format: a.format, Payload: a.payload, Settled: a.settled}
	id, settled, multiFrame := a.id, a.settled, !first
	*a = assembly{}
	var state DeliveryState
	s.c.callHandler(func() { state = l.handler.Transfer(l.pub, d) })
	if multiFrame && cap(d.Payload) <= maxReusedAssembly {
		// The handler is done with it: reuse it for the next delivery.
		l.rxBuf = d.Payload[:0]
	}
	if !settled {
		if state == nil {
			state = &Accepted{}
		}
		_ = s.write(&dispositionFrame{Role: RoleReceiver, First: id, Settled: true, State: state})
	}
	s.consumeRxCredit(l)
	return nil
}

// consumeRxCredit counts a delivery on a client-sender link and tops the
// credit up once half of it is used.
func (s *sessionState) consumeRxCredit(l *linkState) {
	l.rxDeliveryCount++
	if l.rxCredit > 0 {
		l.rxCredit--
	}
	s.mu.Lock()
	attached := l.phase == linkAttached
	s.mu.Unlock()
	full := s.c.srv.senderCredit()
	if attached && l.rxCredit <= full/2 {
		l.rxCredit = full
		_ = s.sendFlow(l)
		return
	}
	s.maybeSessionFlow()
}

// maybeSessionFlow re-advertises the incoming window once half of it is used.
func (s *sessionState) maybeSessionFlow() {
	if s.inSinceFlow >= s.c.srv.sessionWindow()/2 {
		_ = s.sendFlow(nil)
	}
}

// handleFlow applies a client flow for this link (dispatchMu held).
func (l *linkState) handleFlow(f *flowFrame) error {
	s := l.s
	if l.clientRole == RoleSender {
		// The client reports its sender state; we only answer echoes.
		if f.Echo {
			return s.sendFlow(l)
		}
		return nil
	}
	s.mu.Lock()
	if f.LinkCredit != nil {
		// available = delivery-count(client) + link-credit(client) -
		// delivery-count(server); an absent delivery-count means the
		// client has seen no attach yet, so our initial count (0) applies.
		var count uint32
		if f.DeliveryCount != nil {
			count = *f.DeliveryCount
		}
		credit := count + *f.LinkCredit - l.deliveryCount
		if int32(credit) < 0 {
			credit = 0
		}
		l.credit = credit
	}
	l.drain = f.Drain
	phase := l.phase
	s.mu.Unlock()
	switch phase {
	case linkPending:
		l.pendingFlow = true
		return nil
	case linkAttached:
		s.c.linkFlow(l)
		if f.Echo && !f.Drain {
			return s.sendFlow(l)
		}
	}
	return nil
}

// linkFlow lets the handler send on a client-receiver link, then completes a
// requested drain (dispatchMu held).
func (c *connState) linkFlow(l *linkState) {
	if l.handler == nil || l.finished {
		return
	}
	c.callHandler(func() { l.handler.Flow(l.pub) })
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !l.drain || l.phase != linkAttached {
		return
	}
	// Drain: the unused credit is consumed by advancing the delivery count.
	l.deliveryCount += l.credit
	l.credit = 0
	f := s.flowLocked(l)
	_ = s.writeLocked(&f)
}

// handleDisposition applies the client's settlement of deliveries the
// server sent (dispatchMu held).
func (s *sessionState) handleDisposition(f *dispositionFrame) {
	if f.Role == RoleSender {
		// The client settling its own transfers: the server settled them
		// already when it received them.
		return
	}
	last := f.First
	if f.Last != nil && *f.Last >= f.First {
		last = *f.Last
	}
	type item struct {
		id uint32
		d  outDelivery
	}
	var room [16]item // the usual disposition settles one or a few
	items := room[:0]
	s.mu.Lock()
	s.unsettled.takeRange(f.First, last, func(id uint32, d outDelivery) {
		items = append(items, item{id, d})
	})
	s.mu.Unlock()
	// A huge range comes back unordered. slices.SortFunc, unlike
	// sort.Slice, keeps items (and room) off the heap.
	byID := func(a, b item) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(items, byID) {
		slices.SortFunc(items, byID)
	}

	var run dispositionRun
	for _, it := range items {
		l := it.d.link
		if l.handler == nil || l.finished {
			continue
		}
		s.mu.Lock()
		detachSent := l.phase == linkDetachSent
		s.mu.Unlock()
		if detachSent {
			// The server has detached this link, so it can no longer
			// confirm a settlement on it and the client will see the
			// detach as a failed settle. Applying it anyway would make the
			// client's retry (through $management) fail with lock lost for
			// a message that was in fact settled; leave the delivery alone.
			continue
		}
		state := s.c.callDisposition(l, append(s.replyTag[:0], it.d.deliveryTag()...), f.State, f.Settled)
		if f.Settled {
			continue
		}
		if state == nil {
			state = &Accepted{}
		}
		if !run.extend(it.id, state) {
			run.flush(s)
			run = dispositionRun{first: it.id, last: it.id, state: state, active: true}
		}
	}
	run.flush(s)
}

// dispositionRun groups consecutive delivery ids that get the same outcome
// into one settled disposition.
type dispositionRun struct {
	active      bool
	first, last uint32
	state       DeliveryState
}

func (r *dispositionRun) extend(id uint32, st DeliveryState) bool {
	if !r.active || id != r.last+1 || !sameSimpleState(r.state, st) {
		return false
	}
	r.last = id
	return true
}

func sameSimpleState(a, b DeliveryState) bool {
	switch a.(type) {
	case *Accepted:
		_, ok := b.(*Accepted)
		return ok
	case *Released:
		_, ok := b.(*Released)
		return ok
	}
	return a == b
}

func (r *dispositionRun) flush(s *sessionState) {
	if !r.active {
		return
	}
	f := &s.reply // the frame is encoded before write returns
	*f = dispositionFrame{Role: RoleSender, First: r.first, Settled: true, State: r.state}
	if r.last != r.first {
		s.replyLast = r.last
		f.Last = &s.replyLast
	}
	_ = s.write(f)
	r.active = false
}
