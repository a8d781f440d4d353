package broker

import (
	"time"
)

// Tick applies everything due at Now(): scheduled messages become active,
// expired locks release their messages (delivery count +1, dead-lettering at
// MaxDeliveryCount), expired session locks are released, expired messages are
// removed or dead-lettered.
func (b *Broker) Tick() { b.impl.tick() }

func (b *brokerImpl) tick() {
	now := b.now()
	for _, e := range b.allEntities() {
		b.tickEntity(e, now)
	}
}

func (b *brokerImpl) tickEntity(e *entity, now time.Time) {
	var out outbox
	e.mu.Lock()
	if !e.deleted {
		e.processDue(now, &out)
	}
	e.mu.Unlock()
	b.flush(&out)
}

// processDue handles every deadline of the entity that has passed (mu held).
func (e *entity) processDue(now time.Time, out *outbox) {
	nowNano := now.UnixNano()
	for _, q := range [...]*msgQueue{e.main, e.dlq, e.tdlq} {
		for x := q.timers.Min(); x != nil && x.timerAt <= nowNano; x = q.timers.Min() {
			q.timers.Pop()
			if x.locked {
				q.returnEntry(x, now, true, out)
			} else if x.msg.State == StateScheduled {
				q.activateScheduled(x, now, out)
			}
		}
	}
	q := e.main
	for x := q.expiry.Min(); x != nil && isDue(x.msg.ExpiresAt, now); x = q.expiry.Min() {
		q.expiry.Pop()
		if !x.locked { // a locked message expires when its lock ends
			q.expire(x, now, out)
		}
	}
	for s := range q.lockedSess {
		if !now.Before(s.lockedUntil) {
			q.releaseSession(s, now, true, out)
		}
	}
}

// activateScheduled turns a due scheduled message into an active one. On a
// topic, or an entity that forwards, it travels on from here instead.
func (q *msgQueue) activateScheduled(x *entry, now time.Time, out *outbox) {
	ent := q.ent
	if ent.kind == KindTopic || ent.props().ForwardTo != "" {
		m := q.remove(x)
		m.State = StateActive
		out.add(forward{to: ent, address: ent.name, msg: m})
		return
	}
	m := x.msg
	q.scheduled--
	m.State = StateActive
	if m.ScheduledEnqueueTime.After(m.EnqueuedTime) {
		m.EnqueuedTime = m.ScheduledEnqueueTime
	}
	m.ExpiresAt = expiresAt(m.EnqueuedTime, m.TTL, ent.props().DefaultMessageTimeToLive)
	q.activate(x, now)
}
