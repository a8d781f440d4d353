package broker

import (
	"time"
)

// Settlement by lock token, from any receiver or connection. An unknown or
// expired token gives *Error{CondMessageLockLost, Status 410}. props are merged
// into the message's application properties.

func (b *Broker) Complete(token [16]byte) error {
	return b.impl.settle(token, func(q *msgQueue, x *entry, now time.Time, out *outbox) {
		q.remove(x)
	})
}

func (b *Broker) Abandon(token [16]byte, props map[string]any) error {
	return b.impl.settle(token, func(q *msgQueue, x *entry, now time.Time, out *outbox) {
		q.setProps(x, props)
		q.returnEntry(x, now, true, out)
	})
}

// Release gives a message back without changing its delivery count.
func (b *Broker) Release(token [16]byte) error {
	return b.impl.settle(token, func(q *msgQueue, x *entry, now time.Time, out *outbox) {
		q.returnEntry(x, now, false, out)
	})
}

// Defer sets a message aside: only ReceiveBySequence fetches it again.
func (b *Broker) Defer(token [16]byte, props map[string]any) error {
	return b.impl.settle(token, func(q *msgQueue, x *entry, now time.Time, out *outbox) {
		q.setProps(x, props)
		q.unlockEntry(x)
		x.msg.State = StateDeferred
	})
}

func (b *Broker) DeadLetter(token [16]byte, reason, description string, props map[string]any) error {
	return b.impl.settle(token, func(q *msgQueue, x *entry, now time.Time, out *outbox) {
		q.deadLetter(x, reason, description, props, now, out)
	})
}

// settle runs fn on the entry a token locks, if the lock still holds. A lock
// found expired is released on the spot (as the timer would have).
func (b *brokerImpl) settle(token [16]byte, fn func(q *msgQueue, x *entry, now time.Time, out *outbox)) error {
	x := b.tokens.get(token)
	if x == nil {
		return errLockLost()
	}
	ent := x.q.ent
	var out outbox
	ent.mu.Lock()
	now := b.now()
	err := x.q.checkLock(x, token, now, &out)
	if err == nil {
		fn(x.q, x, now, &out)
	}
	ent.mu.Unlock()
	b.flush(&out)
	return err
}

// checkLock verifies that token still locks x at now (mu held).
func (q *msgQueue) checkLock(x *entry, token [16]byte, now time.Time, out *outbox) error {
	if x.removed || !x.locked || x.token != token || q.ent.deleted {
		q.ent.tokens.remove(token)
		return errLockLost()
	}
	if x.lockValid(now) {
		return nil
	}
	if x.sessLock && x.sess != nil && x.sess.holder != nil {
		q.sessionHeld(x.sess, now, out) // releases the expired session lock
	} else {
		q.returnEntry(x, now, true, out)
	}
	return errLockLost()
}

// RenewLock extends message locks by their entity's LockDuration from now.
// For a message locked under a session lock, the session lock is renewed.
func (b *Broker) RenewLock(tokens [][16]byte) ([]time.Time, error) {
	out := make([]time.Time, 0, len(tokens))
	for _, tok := range tokens {
		var until time.Time
		err := b.impl.settle(tok, func(q *msgQueue, x *entry, now time.Time, _ *outbox) {
			next := now.Add(q.ent.props().LockDuration)
			if x.sessLock {
				x.sess.lockedUntil = next
			} else {
				x.timerAt = next.UnixNano()
				q.timers.Fix(x)
			}
			x.msg.LockedUntil = next
			until = next
		})
		if err != nil {
			return nil, err
		}
		out = append(out, until)
	}
	return out, nil
}

// ReceiveBySequence locks (PeekLock) or removes deferred messages (the
// service allows any message by sequence number; so does the broker, except
// scheduled and already locked ones). All numbers must be found, or nothing
// is received (*Error 404). sessionID non-nil restricts it to that session.
func (b *Broker) ReceiveBySequence(path string, seqs []int64, mode ReceiveMode, sessionID *string) ([]*Delivery, error) {
	bi := b.impl
	ent, sq, err := bi.resolvePath(path)
	if err != nil {
		return nil, err
	}
	if err := ent.receivable(); err != nil {
		return nil, err
	}
	q := ent.queueFor(sq)
	var out outbox
	defer bi.flush(&out)
	ent.mu.Lock()
	defer ent.mu.Unlock()
	now := bi.now()
	picked := make([]*entry, 0, len(seqs))
	seen := make(map[int64]bool, len(seqs))
	for _, seq := range seqs {
		if seen[seq] {
			continue
		}
		seen[seq] = true
		x := q.find(seq)
		if x != nil && x.locked && !x.lockValid(now) {
			_ = q.checkLock(x, x.token, now, &out)
		}
		if x == nil || x.removed || x.locked || x.msg.State == StateScheduled ||
			sessionID != nil && (x.msg.SessionID == nil || *x.msg.SessionID != *sessionID) {
			return nil, errNotFound("Failed to lock one or more specified messages. "+
				"Either the message is already locked or it does not exist (sequence number %d).", seq)
		}
		picked = append(picked, x)
	}
	ent.accessedAt = now
	deliveries := make([]*Delivery, 0, len(picked))
	for _, x := range picked {
		if mode == ReceiveAndDelete {
			deliveries = append(deliveries, &Delivery{Message: q.remove(x)})
			continue
		}
		q.lockEntry(x, now)
		deliveries = append(deliveries, &Delivery{Message: x.msg.snapshot(), LockToken: x.token, LockedUntil: x.msg.LockedUntil})
	}
	return deliveries, nil
}

// ExpireLock makes one message lock expire now (fault injection): the
// message comes back with its delivery count raised.
func (b *Broker) ExpireLock(token [16]byte) error {
	x := b.impl.tokens.get(token)
	if x == nil {
		return errLockLost()
	}
	var out outbox
	ent := x.q.ent
	ent.mu.Lock()
	var err error
	if x.removed || !x.locked || x.token != token {
		err = errLockLost()
	} else {
		x.q.returnEntry(x, b.impl.now(), true, &out)
	}
	ent.mu.Unlock()
	b.impl.flush(&out)
	return err
}

// ExpireAllLocks makes every message lock and session lock expire now.
func (b *Broker) ExpireAllLocks() {
	bi := b.impl
	for _, tok := range bi.tokens.all() {
		_ = b.ExpireLock(tok)
	}
	for _, e := range bi.allEntities() {
		var out outbox
		e.mu.Lock()
		for s := range e.main.lockedSess {
			e.main.releaseSession(s, bi.now(), true, &out)
		}
		e.mu.Unlock()
		bi.flush(&out)
	}
}
