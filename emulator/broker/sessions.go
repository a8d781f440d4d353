package broker

import (
	"maps"
	"slices"
	"time"
)

// session is one message session of a session entity's main queue. It exists
// while it has messages, state or a lock holder.
type session struct {
	id          string
	avail       entryHeap // its deliverable messages, by sequence number
	msgs        int64     // its active (incl. locked and deferred) messages
	state       []byte
	stateAt     time.Time
	holder      *receiverImpl
	lockedUntil time.Time
	locked      map[*entry]struct{} // messages locked under the session lock
}

// session finds (or makes) a session by id.
func (q *msgQueue) session(id string, create bool) *session {
	s := q.sessions[id]
	if s == nil && create {
		s = &session{id: id, locked: make(map[*entry]struct{})}
		s.avail = newEntryHeap(bySeqOrder)
		q.sessions[id] = s
	}
	return s
}

func (q *msgQueue) dropSessionIfIdle(s *session) {
	if s.msgs == 0 && s.state == nil && s.holder == nil && q.sessions[s.id] == s {
		delete(q.sessions, s.id)
	}
}

// lockSession gives s to r for the entity's lock duration.
func (q *msgQueue) lockSession(s *session, r *receiverImpl, now time.Time) {
	s.holder = r
	s.lockedUntil = now.Add(q.ent.props().LockDuration)
	q.lockedSess[s] = struct{}{}
}

// releaseSession ends s's lock. Its locked messages become available again;
// their delivery count goes up only when the lock expired (a receiver that
// closes gives them back untouched, as the service does).
func (q *msgQueue) releaseSession(s *session, now time.Time, expired bool, out *outbox) {
	if h := s.holder; h != nil {
		if expired {
			h.lost = errSessionLockLost(s.id)
		}
		h.signal.fire()
	}
	s.holder = nil
	s.lockedUntil = time.Time{}
	delete(q.lockedSess, s)
	for _, e := range slices.Collect(maps.Keys(s.locked)) {
		q.returnEntry(e, now, expired, out)
	}
	if s.avail.Len() > 0 {
		q.wakeAcceptors()
	}
	q.dropSessionIfIdle(s)
}

// sessionHeld reports whether s is locked by someone at now, releasing it
// first if its lock has run out.
func (q *msgQueue) sessionHeld(s *session, now time.Time, out *outbox) bool {
	if s.holder == nil {
		return false
	}
	if !now.Before(s.lockedUntil) {
		q.releaseSession(s, now, true, out)
		return false
	}
	return true
}

// nextAvailableSession picks the unlocked session whose oldest deliverable
// message is oldest, so sessions are handed out in turn.
func (q *msgQueue) nextAvailableSession(now time.Time, out *outbox) *session {
	var best *session
	for _, s := range q.sessions {
		if s.avail.Len() == 0 || q.sessionHeld(s, now, out) {
			continue
		}
		if best == nil || s.avail.Min().seq < best.avail.Min().seq {
			best = s
		}
	}
	return best
}

// sessionEntity resolves the path of a session management operation.
func (b *brokerImpl) sessionEntity(path string) (*entity, error) {
	ent, sq, err := b.resolvePath(path)
	if err != nil {
		return nil, err
	}
	if sq != subMain || !ent.main.sessionful() {
		return nil, errNotAllowed("'%s' does not require sessions", path)
	}
	return ent, nil
}

// RenewSessionLock extends a held session lock by the entity's LockDuration.
func (b *Broker) RenewSessionLock(path, sessionID string) (time.Time, error) {
	var until time.Time
	err := b.impl.withHeldSession(path, sessionID, func(q *msgQueue, s *session, now time.Time) {
		s.lockedUntil = now.Add(q.ent.props().LockDuration)
		until = s.lockedUntil
	})
	return until, err
}

// GetSessionState returns the session's state; nil means none.
func (b *Broker) GetSessionState(path, sessionID string) ([]byte, error) {
	var state []byte
	err := b.impl.withHeldSession(path, sessionID, func(q *msgQueue, s *session, now time.Time) {
		if s.state != nil {
			state = slices.Clone(s.state)
		}
	})
	return state, err
}

// SetSessionState stores the session's state; empty clears it.
func (b *Broker) SetSessionState(path, sessionID string, state []byte) error {
	return b.impl.withHeldSession(path, sessionID, func(q *msgQueue, s *session, now time.Time) {
		if len(state) == 0 {
			s.state = nil
		} else {
			s.state = slices.Clone(state)
		}
		s.stateAt = now
	})
}

// withHeldSession runs fn on a session some receiver holds.
func (b *brokerImpl) withHeldSession(path, id string, fn func(q *msgQueue, s *session, now time.Time)) error {
	ent, err := b.sessionEntity(path)
	if err != nil {
		return err
	}
	var out outbox
	ent.mu.Lock()
	now := b.now()
	q := ent.main
	s := q.session(id, false)
	held := !ent.deleted && s != nil && q.sessionHeld(s, now, &out)
	if held {
		fn(q, s, now)
	}
	ent.mu.Unlock()
	b.flush(&out)
	if !held {
		return errSessionLockLost(id)
	}
	return nil
}

// ListSessions lists sessions with messages or state (updatedSince zero, or
// the service's "year 10000" sentinel), or only those whose state changed
// after updatedSince; sorted by id and paged by skip/top.
func (b *Broker) ListSessions(path string, updatedSince time.Time, skip, top int) ([]string, error) {
	ent, err := b.impl.sessionEntity(path)
	if err != nil {
		return nil, err
	}
	all := updatedSince.IsZero() || updatedSince.Year() >= 9999
	var ids []string
	ent.mu.Lock()
	for id, s := range ent.main.sessions {
		if all && (s.msgs > 0 || s.state != nil) || !all && s.stateAt.After(updatedSince) {
			ids = append(ids, id)
		}
	}
	ent.mu.Unlock()
	slices.Sort(ids)
	skip = max(skip, 0)
	if skip >= len(ids) {
		return []string{}, nil
	}
	ids = ids[skip:]
	if top > 0 && top < len(ids) {
		ids = ids[:top]
	}
	return ids, nil
}
