package emulator

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// epochTicks is 1970-01-01 in .NET ticks (100 ns since 0001-01-01).
const epochTicks = 621355968000000000

// defaultAcceptNextWait bounds accept-next-session when the client gave no
// com.microsoft:timeout (the SDK documents "up to one minute").
const defaultAcceptNextWait = 60 * time.Second

// attachReceiver accepts a client receiver link on an entity path (queue,
// subscription, or one of their sub-queues), possibly bound to a session.
func (h *handler) attachReceiver(ctx context.Context, l *amqp.Link, path string) (amqp.LinkHandler, *amqp.Error) {
	b := h.em.Broker
	if err := b.CheckPath(path); err != nil {
		return nil, toAMQPError(err)
	}
	if aerr := h.checkAuthorized(l.Conn(), path); aerr != nil {
		return nil, aerr
	}
	if kind, ok := h.em.Faults.take(OpReceive); ok {
		return nil, kind.amqpError()
	}

	filter, isSession, sessionID := sessionFilter(l.Source)
	var spec *broker.SessionSpec
	openCtx := ctx
	if isSession {
		spec = &broker.SessionSpec{ID: sessionID}
		if sessionID == nil {
			wait := acceptNextWait(l.Properties)
			var cancel context.CancelFunc
			openCtx, cancel = context.WithTimeout(ctx, wait)
			defer cancel()
		}
	}
	mode := receiveMode(l)
	recv, err := b.OpenReceiver(openCtx, path, mode, spec)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || (isSession && openCtx.Err() != nil) {
			return nil, &amqp.Error{Condition: amqp.ErrTimeout,
				Description: "no unlocked session with messages became available in time"}
		}
		return nil, toAMQPError(err)
	}

	rl := &receiverLink{
		h:    h,
		link: l,
		recv: recv,
		mode: mode,
		path: path,
		wake: make(chan struct{}, 1),
		quit: make(chan struct{}),
	}
	rl.completeSent = rl.completeSentDelivery
	if id, ok := recv.SessionID(); ok {
		rl.session = &id
		src := *l.Source
		src.Filter = &amqp.Map{Pairs: []amqp.MapPair{{
			Key:   amqp.Symbol(propSessionFilter),
			Value: amqp.Described{Descriptor: filter, Value: id},
		}}}
		l.ReplySource = &src
		l.ReplyProperties = &amqp.Map{Pairs: []amqp.MapPair{{
			Key:   amqp.Symbol(propLockedUntil),
			Value: dotNetTicks(recv.SessionLockedUntil()),
		}}}
	}
	st := h.state(l.Conn())
	h.mu.Lock()
	st.receivers[l.Name] = rl
	h.mu.Unlock()
	h.track(l)
	return rl, nil
}

// sessionFilter reads the session filter of a source: whether there is one,
// the descriptor to echo, and the requested id (nil: next available).
func sessionFilter(src *amqp.Source) (descriptor any, ok bool, id *string) {
	v, found := src.Filter.Get(amqp.Symbol(propSessionFilter))
	if !found {
		return nil, false, nil
	}
	descriptor = uint64(0x137000000C)
	if d, isDescribed := v.(amqp.Described); isDescribed {
		descriptor = d.Descriptor
		v = d.Value
	} else if d, isDescribed := v.(*amqp.Described); isDescribed && d != nil {
		descriptor = d.Descriptor
		v = d.Value
	}
	switch s := v.(type) {
	case string:
		return descriptor, true, &s
	case amqp.Symbol:
		str := string(s)
		return descriptor, true, &str
	}
	return descriptor, true, nil
}

// acceptNextWait is how long accept-next may wait for a session: the
// client's com.microsoft:timeout link property (ms), else a minute.
func acceptNextWait(props *amqp.Map) time.Duration {
	v, ok := props.Get(amqp.Symbol(propTimeout))
	if !ok {
		return defaultAcceptNextWait
	}
	var ms int64
	switch n := v.(type) {
	case uint32:
		ms = int64(n)
	case uint64:
		ms = int64(n)
	case int32:
		ms = int64(n)
	case int64:
		ms = n
	default:
		return defaultAcceptNextWait
	}
	if ms < 0 {
		ms = 0
	}
	return time.Duration(ms) * time.Millisecond
}

// dotNetTicks encodes a time as .NET ticks, as the SDK reads the session
// lock expiry.
func dotNetTicks(t time.Time) int64 {
	return t.UnixMilli()*10000 + epochTicks
}

// receiverLink delivers a broker receiver's messages on one client link and
// applies the client's settlements.
type receiverLink struct {
	h       *handler
	link    *amqp.Link
	recv    *broker.Receiver
	mode    broker.ReceiveMode
	path    string
	session *string

	sendMu    sync.Mutex // one delivery at a time: credit check, Next and Send
	startOnce sync.Once
	stopOnce  sync.Once
	wake      chan struct{}
	quit      chan struct{}
	deliverID uint64          // tag counter for receive-and-delete deliveries
	enc       deliveryEncoder // reused for every delivery (under sendMu)
	// The delivery being sent and its message snapshot, reused for every
	// delivery (under sendMu): nothing keeps them once it is sent.
	held    broker.Delivery
	heldMsg broker.Message
	idTag   [8]byte
	// The receive-and-delete delivery being sent and the callback that
	// completes it once its frames are out (bound once: no closure per
	// delivery). Both under sendMu.
	sentToken    [16]byte
	completeSent func()
}

// Flow implements amqp.LinkHandler: start the pump on the first credit and
// wake it on later ones; a drain is served synchronously.
func (r *receiverLink) Flow(l *amqp.Link) {
	r.startOnce.Do(func() {
		go r.pump()
	})
	if l.Drain() {
		for r.deliverOne() {
		}
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// pump sends messages while the client has credit, sleeping until the
// broker has something or the client grants more. When the broker says the
// receiver can no longer deliver (session lock lost, entity deleted) it
// detaches the link with that error, as the service does.
func (r *receiverLink) pump() {
	for {
		select {
		case <-r.quit:
			return
		case <-r.link.Done():
			return
		default:
		}
		if r.link.Credit() == 0 {
			select {
			case <-r.wake:
			case <-r.sessionLockCheck():
				if r.detachIfBroken() {
					return
				}
			case <-r.quit:
				return
			case <-r.link.Done():
				return
			}
			continue
		}
		ready := r.recv.Ready()
		if r.deliverRun() {
			continue
		}
		if r.detachIfBroken() {
			return
		}
		select {
		case <-ready:
		case <-r.wake:
		case <-r.sessionLockCheck():
		case <-r.quit:
			return
		case <-r.link.Done():
			return
		}
	}
}

// sessionLockCheck fires around the session lock's expiry (and at least
// every few seconds) so a lost lock is noticed even while the client has
// no credit and nothing else wakes the pump. Nil for sessionless links.
func (r *receiverLink) sessionLockCheck() <-chan time.Time {
	if r.session == nil {
		return nil
	}
	wait := r.recv.SessionLockedUntil().Sub(r.h.em.cfg.Now()) + 2*tickInterval
	return time.After(min(max(wait, tickInterval), 5*time.Second))
}

// detachIfBroken detaches the link when the broker receiver has stopped
// working, reporting whether it did.
func (r *receiverLink) detachIfBroken() bool {
	err := r.recv.Err()
	if err == nil {
		return false
	}
	r.link.Detach(toAMQPError(err))
	return true
}

// maxDeliveryRun bounds how many deliveries one run holds the connection's
// writer back for (other links' frames wait behind it).
const maxDeliveryRun = 32

// deliverRun sends up to maxDeliveryRun deliverable messages in one socket
// write (unless latency is injected: see Faults.unbatched); it reports
// whether it sent any.
func (r *receiverLink) deliverRun() bool {
	sent := 0
	r.link.Batch(func() {
		for sent < maxDeliveryRun && r.deliverOne() {
			sent++
		}
	})
	return sent > 0
}

// deliverOne sends the next deliverable message if there is credit; it
// reports whether it sent one.
//
// The broker holds the message under a lock until the delivery is on its
// way, in both modes: a receive-and-delete message is removed only after
// Send succeeded, and any message whose Send failed (link or connection
// just gone) is released without a delivery count change, so nothing is
// lost that the client never got.
func (r *receiverLink) deliverOne() bool {
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	if r.link.Credit() == 0 {
		return false
	}
	em := r.h.em
	d := &r.held
	d.Message = &r.heldMsg
	if !r.recv.NextHeldInto(d) {
		return false
	}
	em.Faults.delay()
	var lock *lockInfo
	var tag []byte
	if r.mode == broker.PeekLock {
		lock = &lockInfo{token: d.LockToken, lockedUntil: d.LockedUntil}
		tag = r.enc.lockTag(lock)
	} else {
		r.deliverID++
		binary.BigEndian.PutUint64(r.idTag[:], r.deliverID)
		tag = r.idTag[:]
	}
	// Send copies payload and tag into the connection's output, so the
	// encoder's memory is free again when it returns.
	payload, err := r.enc.encode(d.Message, lock)
	if err == nil {
		out := amqp.OutgoingDelivery{Tag: tag, Payload: payload}
		if r.mode == broker.ReceiveAndDelete {
			// Sent settled: the receive is done once the frames are out,
			// and it is finished before a detach reply can follow them. A
			// lock lost meanwhile (the link was slower than the lock
			// duration) means the message went back to the queue and may
			// be delivered again.
			out.Settled = true
			r.sentToken = d.LockToken
			out.Sent = r.completeSent
		}
		err = r.link.Send(out)
	}
	if err != nil {
		// Taken but never sent: give it back.
		_ = em.Broker.Release(d.LockToken)
		if !errors.Is(err, amqp.ErrNoCredit) {
			em.log.Debug("delivery failed", "path", r.path, "err", err)
		}
		return false
	}
	em.stats.deliveries.Add(1)
	return true
}

// completeSentDelivery finishes the receive-and-delete delivery in
// sentToken (sendMu held by deliverOne).
func (r *receiverLink) completeSentDelivery() {
	if err := r.h.em.Broker.Complete(r.sentToken); err != nil {
		r.h.em.log.Debug("completing a receive-and-delete delivery", "path", r.path, "err", err)
	}
}

// Transfer is never expected on a link the client receives on.
func (r *receiverLink) Transfer(*amqp.Link, *amqp.IncomingDelivery) amqp.DeliveryState {
	return &amqp.Rejected{Error: &amqp.Error{Condition: amqp.ErrNotAllowed, Description: "this link only delivers"}}
}

// Disposition implements amqp.LinkHandler: apply a settlement by the lock
// token the delivery tag carries and answer with the state the SDK expects.
func (r *receiverLink) Disposition(l *amqp.Link, tag []byte, state amqp.DeliveryState, settled bool) amqp.DeliveryState {
	em := r.h.em
	em.Faults.delay()
	if r.mode == broker.ReceiveAndDelete {
		return &amqp.Accepted{}
	}
	token, ok := tagToLockToken(tag)
	if !ok {
		return lockLost("the delivery tag is not a lock token")
	}
	if kind, ok := em.Faults.take(OpSettle); ok {
		return &amqp.Rejected{Error: kind.amqpError()}
	}
	reply, err := settle(em.Broker, token, state)
	if err != nil {
		return &amqp.Rejected{Error: toAMQPError(err)}
	}
	return reply
}

// settle applies one outcome to the message holding token and returns the
// state to confirm it with.
func settle(b *broker.Broker, token [16]byte, state amqp.DeliveryState) (amqp.DeliveryState, error) {
	switch s := state.(type) {
	case *amqp.Accepted:
		return &amqp.Accepted{}, b.Complete(token)
	case *amqp.Released:
		return &amqp.Released{}, b.Release(token)
	case *amqp.Modified:
		props, err := mapToProps(s.MessageAnnotations)
		if err != nil {
			return nil, err
		}
		if s.UndeliverableHere != nil && *s.UndeliverableHere {
			return s, b.Defer(token, props)
		}
		return s, b.Abandon(token, props)
	case *amqp.Rejected:
		reason, description, props := deadLetterInfo(s.Error)
		// A successful dead-letter is confirmed without an error: echoing
		// the client's would read as a failure.
		return &amqp.Rejected{}, b.DeadLetter(token, reason, description, props)
	default:
		return nil, errors.New("unsupported settlement outcome")
	}
}

// deadLetterInfo splits a dead-letter error's info map into the reason, the
// description and the remaining properties to set on the message.
func deadLetterInfo(e *amqp.Error) (reason, description string, props map[string]any) {
	if e == nil || e.Info.Len() == 0 {
		return "", "", nil
	}
	props = map[string]any{}
	for _, p := range e.Info.Pairs {
		k, ok := annotationKey(p.Key)
		if !ok {
			continue
		}
		switch k {
		case "DeadLetterReason":
			reason, _ = p.Value.(string)
		case "DeadLetterErrorDescription":
			description, _ = p.Value.(string)
		default:
			props[k] = p.Value
		}
	}
	if len(props) == 0 {
		props = nil
	}
	return reason, description, props
}

func lockLost(description string) amqp.DeliveryState {
	return &amqp.Rejected{Error: &amqp.Error{Condition: amqp.ErrMessageLockLost, Description: description}}
}

// Detached implements amqp.LinkHandler.
func (r *receiverLink) Detached(l *amqp.Link, _ *amqp.Error) {
	r.stop()
	st := r.h.state(l.Conn())
	r.h.mu.Lock()
	if st.receivers[l.Name] == r {
		delete(st.receivers, l.Name)
	}
	r.h.mu.Unlock()
	r.h.untrack(l)
}

// stop ends the pump and releases the broker receiver (and its session
// lock). Message locks stay: the SDK may still settle by lock token.
func (r *receiverLink) stop() {
	// Not under sendMu: a delivery blocked in Send may need the connection's
	// reader, which is the goroutine calling Detached.
	r.stopOnce.Do(func() {
		close(r.quit)
		r.recv.Close()
	})
}

// receiveMode is the broker mode for a receiver link's settle modes:
// receive-and-delete when the client wants pre-settled deliveries.
func receiveMode(l *amqp.Link) broker.ReceiveMode {
	if l.SndSettleMode != nil && *l.SndSettleMode == amqp.SndSettled {
		return broker.ReceiveAndDelete
	}
	return broker.PeekLock
}
