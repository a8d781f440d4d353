package broker

import (
	"context"
	"slices"
	"time"
)

// receiverImpl is the state behind Receiver. Fields other than signal are
// guarded by the entity's mu.
type receiverImpl struct {
	b      *brokerImpl
	ent    *entity
	q      *msgQueue
	mode   ReceiveMode
	sess   *session // the locked session, for session receivers
	signal signal
	closed bool
	lost   *Error // why the receiver can no longer work
}

// OpenReceiver makes a receiver. For a session entity, session must be
// non-nil; accepting a session locks it (CondSessionCannotLock if another
// receiver holds it). With session.ID nil it waits until some unlocked session
// has a deliverable message or ctx ends (CondTimeout). A non-session receiver
// on a session entity fails with CondNotAllowed and the text "It is not
// possible for an entity that requires sessions to create a non-sessionful
// message receiver.". ReceiveDisabled/Disabled entities give CondEntityDisabled.
func (b *Broker) OpenReceiver(ctx context.Context, path string, mode ReceiveMode, session *SessionSpec) (*Receiver, error) {
	bi := b.impl
	ent, sq, err := bi.resolvePath(path)
	if err != nil {
		return nil, err
	}
	if err := ent.receivable(); err != nil {
		return nil, err
	}
	q := ent.queueFor(sq)
	r := &receiverImpl{b: bi, ent: ent, q: q, mode: mode}
	r.signal.pending = true
	switch {
	case q.sessionful() && session == nil:
		return nil, errNotAllowed(textSessionRequired)
	case !q.sessionful() && session != nil:
		return nil, errNotAllowed(textNoSessions)
	case session == nil:
		ent.mu.Lock()
		defer ent.mu.Unlock()
		if ent.deleted {
			return nil, errNotFound("The messaging entity '%s' could not be found.", path)
		}
		q.receivers[r] = struct{}{}
		return &Receiver{impl: r}, nil
	case session.ID != nil:
		return r.acceptNamed(*session.ID, path)
	default:
		return r.acceptNext(ctx, path)
	}
}

// receivable refuses receivers on disabled entities.
func (e *entity) receivable() error {
	if s := e.props().Status; s == StatusDisabled || s == StatusReceiveDisabled {
		return errDisabled(e.path, s)
	}
	return nil
}

func (r *receiverImpl) acceptNamed(id, path string) (*Receiver, error) {
	var out outbox
	defer r.b.flush(&out)
	r.ent.mu.Lock()
	defer r.ent.mu.Unlock()
	if r.ent.deleted {
		return nil, errNotFound("The messaging entity '%s' could not be found.", path)
	}
	now := r.b.now()
	s := r.q.session(id, true)
	if r.q.sessionHeld(s, now, &out) {
		return nil, errSessionCannotLock(id)
	}
	r.q.lockSession(s, r, now)
	r.sess = s
	return &Receiver{impl: r}, nil
}

// acceptNext waits for an unlocked session with a deliverable message.
func (r *receiverImpl) acceptNext(ctx context.Context, path string) (*Receiver, error) {
	for {
		var out outbox
		r.ent.mu.Lock()
		if r.ent.deleted {
			r.ent.mu.Unlock()
			return nil, errNotFound("The messaging entity '%s' could not be found.", path)
		}
		now := r.b.now()
		if s := r.q.nextAvailableSession(now, &out); s != nil {
			r.q.lockSession(s, r, now)
			r.sess = s
			r.ent.mu.Unlock()
			r.b.flush(&out)
			return &Receiver{impl: r}, nil
		}
		wake := make(chan struct{})
		r.q.acceptWaiters = append(r.q.acceptWaiters, wake)
		r.ent.mu.Unlock()
		r.b.flush(&out)
		select {
		case <-wake:
		case <-ctx.Done():
			r.ent.mu.Lock()
			r.q.acceptWaiters = slices.DeleteFunc(r.q.acceptWaiters, func(c chan struct{}) bool { return c == wake })
			r.ent.mu.Unlock()
			return nil, errTimeout("no session became available")
		}
	}
}

// Next takes the next deliverable message (FIFO by sequence number), locking
// it for the entity's LockDuration (PeekLock) or removing it
// (ReceiveAndDelete). ok is false when nothing is deliverable now.
func (r *Receiver) Next() (d *Delivery, ok bool) { return r.next(false, nil) }

// NextHeld is Next for a caller that hands messages on and can fail to: in
// ReceiveAndDelete mode the message is locked instead of removed, and the
// caller finishes the receive with Complete(d.LockToken) once the message
// was handed on, or Release(d.LockToken) (no delivery count change) if it
// was not. In PeekLock mode it is Next.
func (r *Receiver) NextHeld() (d *Delivery, ok bool) { return r.next(true, nil) }

// NextHeldInto is NextHeld filling in d and the message d.Message points
// to, both the caller's, instead of allocating a new pair: a delivery loop
// reuses one. d.Message must not be nil.
func (r *Receiver) NextHeldInto(d *Delivery) bool {
	_, ok := r.next(true, d)
	return ok
}

func (r *Receiver) next(hold bool, into *Delivery) (d *Delivery, ok bool) {
	ri := r.impl
	ri.signal.consume()
	var out outbox
	defer ri.b.flush(&out)
	ent, q := ri.ent, ri.q
	ent.mu.Lock()
	defer ent.mu.Unlock()
	if ri.closed || ri.lost != nil || ent.deleted || ent.receivable() != nil {
		return nil, false
	}
	now := ri.b.now()
	src := &q.avail
	if s := ri.sess; s != nil {
		if s.holder != ri || !q.sessionHeld(s, now, &out) {
			return nil, false
		}
		src = &s.avail
	}
	var x *entry
	for x = src.Min(); x != nil; x = src.Min() {
		if q.kind != subMain || !isDue(x.msg.ExpiresAt, now) {
			break
		}
		q.expire(x, now, &out)
	}
	if x == nil {
		return nil, false
	}
	ent.accessedAt = now
	if ri.mode == ReceiveAndDelete && !hold {
		m := q.remove(x)
		return &Delivery{Message: m}, true
	}
	q.lockEntry(x, now)
	if into == nil {
		return &Delivery{Message: x.msg.snapshot(), LockToken: x.token, LockedUntil: x.msg.LockedUntil}, true
	}
	x.msg.snapshotInto(into.Message)
	into.LockToken, into.LockedUntil = x.token, x.msg.LockedUntil
	return into, true
}

// Ready returns a channel that is closed when something may have become
// deliverable since the last call to Next (new message, lock expired,
// abandon, scheduled message due). Call Next after it fires. It also fires
// when the receiver stops working (see Err).
func (r *Receiver) Ready() <-chan struct{} { return r.impl.signal.ready() }

// SessionID is the locked session, for session receivers.
func (r *Receiver) SessionID() (string, bool) {
	if s := r.impl.sess; s != nil {
		return s.id, true
	}
	return "", false
}

// SessionLockedUntil is the session lock's expiry, for session receivers
// (zero once the lock is gone).
func (r *Receiver) SessionLockedUntil() time.Time {
	ri := r.impl
	ri.ent.mu.Lock()
	defer ri.ent.mu.Unlock()
	if s := ri.sess; s != nil && s.holder == ri {
		return s.lockedUntil
	}
	return time.Time{}
}

// Err reports why the receiver can no longer deliver: its session lock was
// lost (CondSessionLockLost) or its entity deleted (CondNotFound). The AMQP
// layer detaches the link with that error. nil while the receiver works.
func (r *Receiver) Err() error {
	ri := r.impl
	var out outbox
	defer ri.b.flush(&out)
	ri.ent.mu.Lock()
	defer ri.ent.mu.Unlock()
	if s := ri.sess; s != nil && ri.lost == nil && !ri.closed && s.holder == ri {
		ri.q.sessionHeld(s, ri.b.now(), &out)
	}
	if ri.lost == nil {
		return nil
	}
	return ri.lost
}

// Close releases the receiver and its session lock (messages of the session
// that are locked but unsettled become available again without a delivery
// count increment). Messages locked by a sessionless receiver stay locked:
// they can still be settled by token.
func (r *Receiver) Close() {
	ri := r.impl
	var out outbox
	ri.ent.mu.Lock()
	if !ri.closed {
		ri.closed = true
		delete(ri.q.receivers, ri)
		if s := ri.sess; s != nil && s.holder == ri {
			ri.q.releaseSession(s, ri.b.now(), false, &out)
		}
	}
	ri.ent.mu.Unlock()
	ri.b.flush(&out)
	ri.signal.fire()
}
