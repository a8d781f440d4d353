package broker

import (
	"fmt"
	"time"
)

// Dead-letter reasons the service uses.
const (
	reasonMaxDelivery  = "MaxDeliveryCountExceeded"
	reasonTTLExpired   = "TTLExpiredException"
	reasonMaxHops      = "MaxTransferHopCountExceeded"
	reasonForwardError = "ForwardingFailed"
	reasonFilterError  = "FilterEvaluationException"

	propDeadLetterReason      = "DeadLetterReason"
	propDeadLetterDescription = "DeadLetterErrorDescription"
)

// outbox collects messages that must travel to other entities once the
// current entity's lock is released (dead-letter forwarding, due scheduled
// messages of forwarding entities and topics).
type outbox struct {
	items []forward
}

type forward struct {
	from    *entity // whose transfer dead-letter queue takes failures; nil drops them
	to      *entity // where the message goes (routed from there)
	address string  // or by name, when to is nil
	msg     *Message
	hops    int
}

func (o *outbox) add(f forward) { o.items = append(o.items, f) }

// lockEntry locks an available or deferred entry for a receiver. Messages of
// a held session are locked under the session lock; others get a timed lock.
func (q *msgQueue) lockEntry(e *entry, now time.Time) {
	q.avail.Remove(e)
	if e.sess != nil {
		e.sess.avail.Remove(e)
	}
	e.token = q.ent.tokens.issue(e)
	e.locked = true
	if s := e.sess; s != nil && s.holder != nil {
		e.sessLock = true
		s.locked[e] = struct{}{}
		e.msg.LockedUntil = s.lockedUntil
	} else {
		e.msg.LockedUntil = now.Add(q.ent.props().LockDuration)
		e.timerAt = e.msg.LockedUntil.UnixNano()
		q.timers.Push(e)
	}
}

// lockValid reports whether e's lock is still in force at now.
func (e *entry) lockValid(now time.Time) bool {
	if !e.locked || e.removed {
		return false
	}
	if e.sessLock {
		s := e.sess
		return s != nil && s.holder != nil && now.Before(s.lockedUntil)
	}
	return now.Before(e.msg.LockedUntil)
}

// returnEntry ends e's lock and puts the message back: deferred messages
// stay deferred, others become deliverable. countIt adds a failed delivery
// (never in a dead-letter queue); reaching MaxDeliveryCount dead-letters the
// message, and a message whose TTL passed while it was locked expires now.
func (q *msgQueue) returnEntry(e *entry, now time.Time, countIt bool, out *outbox) {
	q.unlockEntry(e)
	m := e.msg
	if q.kind != subMain {
		if m.State != StateDeferred {
			q.makeAvailable(e)
		}
		return
	}
	if countIt {
		// The attempt that just failed was the last one allowed. The
		// dead-lettered message keeps the count of that last delivery (as
		// an explicit dead-letter does), so clients show DeliveryCount =
		// MaxDeliveryCount, as they do against the service.
		if limit := q.ent.props().MaxDeliveryCount; limit > 0 && m.DeliveryCount+1 >= uint32(limit) {
			q.deadLetter(e, reasonMaxDelivery,
				fmt.Sprintf("Message could not be consumed after %d delivery attempts.", limit), nil, now, out)
			return
		}
		m.DeliveryCount++
	}
	if isDue(m.ExpiresAt, now) {
		q.expire(e, now, out)
		return
	}
	if m.State != StateDeferred {
		q.makeAvailable(e)
	}
}

// setProps replaces e's message properties by a merged copy, keeping the
// size accounting exact.
func (q *msgQueue) setProps(e *entry, props map[string]any) {
	if len(props) == 0 {
		return
	}
	e.msg.mergeProps(props)
	q.resize(e)
}

func (q *msgQueue) resize(e *entry) {
	n := e.msg.Size()
	q.addSize(n - e.size)
	e.size = n
}

// deadLetter moves e to the dead-letter queue (or to the entity's
// ForwardDeadLetteredMessagesTo) with the reason properties. A message
// already in a dead-letter queue stays where it is, with the new properties.
func (q *msgQueue) deadLetter(e *entry, reason, description string, props map[string]any, now time.Time, out *outbox) {
	reasons := map[string]any{propDeadLetterReason: reason, propDeadLetterDescription: description}
	if q.kind != subMain {
		q.unlockEntry(e)
		q.setProps(e, withProps(props, reasons))
		q.makeAvailable(e)
		return
	}
	m := q.remove(e)
	m.mergeProps(withProps(props, reasons))
	m.State = StateActive
	m.LockedUntil = time.Time{}
	ent := q.ent
	if target := ent.props().ForwardDeadLetteredMessagesTo; target != "" {
		m.DeadLetterSource = ent.path
		m.EnqueuedSequenceNumber = m.SequenceNumber
		out.add(forward{from: ent, address: target, msg: m, hops: 1})
		return
	}
	ent.dlq.insert(m, now)
}

// expire handles a message whose time to live has passed: dead-lettered
// when the entity asks for it, dropped otherwise.
func (q *msgQueue) expire(e *entry, now time.Time, out *outbox) {
	if q.ent.props().DeadLetteringOnMessageExpiration {
		q.deadLetter(e, reasonTTLExpired, "The message expired and was dead lettered.", nil, now, out)
		return
	}
	q.remove(e)
}

// toTransferDLQ stores a message that could not be forwarded (mu held).
func (e *entity) toTransferDLQ(m *Message, reason, description string, now time.Time) {
	m.mergeProps(map[string]any{propDeadLetterReason: reason, propDeadLetterDescription: description})
	m.State = StateActive
	m.LockedUntil = time.Time{}
	m.SequenceNumber = e.nextSequence()
	if m.EnqueuedTime.IsZero() {
		m.EnqueuedTime = now
	}
	e.tdlq.insert(m, now)
}
