package broker

import (
	"slices"
	"time"
)

// subqueue names one of an entity's message stores.
type subqueue uint8

const (
	subMain subqueue = iota
	subDLQ
	subTDLQ
)

// entry is one stored message and its bookkeeping. It stays small: the
// broker keeps no timer or goroutine per message, only heap positions.
type entry struct {
	msg      *Message // nil once removed
	seq      int64
	q        *msgQueue // fixed for the entry's life
	sess     *session  // the session of an active message in a session entity
	token    [16]byte  // lock token while locked
	size     int64
	timerAt  int64 // unix nanoseconds: scheduled time, or lock deadline of a timed lock
	availIdx int32 // position in the available heap (queue's or session's)
	timerIdx int32
	expIdx   int32
	locked   bool
	sessLock bool // the lock is governed by the session lock, not a timer
	removed  bool
}

// msgQueue is one ordered message store: an entity's main queue, its
// dead-letter queue or its transfer dead-letter queue. All methods need the
// owning entity's mu.
type msgQueue struct {
	ent  *entity
	kind subqueue

	entries []*entry // by sequence number; removed entries linger until compaction
	holes   int

	avail  entryHeap // deliverable sessionless entries, by sequence number
	timers entryHeap // scheduled entries and timed locks, by deadline
	expiry entryHeap // active entries with a TTL, by expiry

	count, scheduled, size int64

	receivers map[*receiverImpl]struct{}

	sessions      map[string]*session // only for the main queue of a session entity
	lockedSess    map[*session]struct{}
	acceptWaiters []chan struct{}
}

func newMsgQueue(e *entity, kind subqueue, sessions bool) *msgQueue {
	q := &msgQueue{ent: e, kind: kind, receivers: make(map[*receiverImpl]struct{})}
	q.avail = newEntryHeap(bySeqOrder)
	q.timers = newEntryHeap(byTimerOrder)
	q.expiry = newEntryHeap(byExpiryOrder)
	if sessions {
		q.sessions = make(map[string]*session)
		q.lockedSess = make(map[*session]struct{})
	}
	return q
}

func byExpiry(a, b *entry) bool {
	if !a.msg.ExpiresAt.Equal(b.msg.ExpiresAt) {
		return a.msg.ExpiresAt.Before(b.msg.ExpiresAt)
	}
	return a.seq < b.seq
}

func (q *msgQueue) sessionful() bool { return q.sessions != nil }

// insert stores m (its SequenceNumber already set) as scheduled or active.
func (q *msgQueue) insert(m *Message, now time.Time) *entry {
	return q.insertAs(new(entry), m, now)
}

// insertAs is insert with the entry's memory given, a zero entry: a batch
// allocates its entries together.
func (q *msgQueue) insertAs(e *entry, m *Message, now time.Time) *entry {
	return q.insertSized(e, m, m.Size(), now)
}

// insertSized is insertAs for a caller that knows m.Size() already.
func (q *msgQueue) insertSized(e *entry, m *Message, size int64, now time.Time) *entry {
	*e = entry{msg: m, seq: m.SequenceNumber, q: q, size: size, availIdx: -1, timerIdx: -1, expIdx: -1}
	n := len(q.entries)
	if n == 0 || q.entries[n-1].seq < e.seq {
		q.entries = append(q.entries, e)
	} else {
		i, _ := slices.BinarySearchFunc(q.entries, e.seq, func(x *entry, s int64) int { return cmpInt(x.seq, s) })
		q.entries = slices.Insert(q.entries, i, e)
	}
	q.count++
	q.addSize(e.size)
	if m.State == StateScheduled {
		q.scheduled++
		e.timerAt = m.ScheduledEnqueueTime.UnixNano()
		q.timers.Push(e)
		return e
	}
	q.activate(e, now)
	return e
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (q *msgQueue) addSize(d int64) {
	q.size += d
	q.ent.sizeBytes += d
}

// activate makes a stored entry part of the live queue: it joins its session,
// gets an expiry if it has one (dead-letter queues never expire) and becomes
// deliverable unless it is deferred.
func (q *msgQueue) activate(e *entry, now time.Time) {
	m := e.msg
	if q.sessionful() && m.SessionID != nil && e.sess == nil {
		e.sess = q.session(*m.SessionID, true)
		e.sess.msgs++
	}
	if q.kind == subMain && !m.ExpiresAt.IsZero() {
		q.expiry.Push(e)
	}
	if m.State != StateDeferred {
		q.makeAvailable(e)
	}
}

// makeAvailable puts an unlocked active entry where receivers find it and
// wakes them.
func (q *msgQueue) makeAvailable(e *entry) {
	if s := e.sess; s != nil {
		s.avail.Push(e)
		if s.holder != nil {
			s.holder.signal.fire()
		} else {
			q.wakeAcceptors()
		}
		return
	}
	q.avail.Push(e)
	if len(q.receivers) == 0 {
		return // the common case while a queue fills: no map walk
	}
	for r := range q.receivers {
		r.signal.fire()
	}
}

func (q *msgQueue) wakeAcceptors() {
	for _, ch := range q.acceptWaiters {
		close(ch)
	}
	q.acceptWaiters = q.acceptWaiters[:0]
}

// remove takes an entry out of the store and returns its message.
func (q *msgQueue) remove(e *entry) *Message {
	if e.removed {
		return nil
	}
	m := e.msg
	q.unlockEntry(e)
	q.avail.Remove(e)
	q.timers.Remove(e)
	q.expiry.Remove(e)
	if s := e.sess; s != nil {
		s.avail.Remove(e)
		s.msgs--
		e.sess = nil
		q.dropSessionIfIdle(s)
	}
	if m.State == StateScheduled {
		q.scheduled--
	}
	q.count--
	q.addSize(-e.size)
	e.removed = true
	e.msg = nil
	q.holes++
	if q.holes > 32 && q.holes > len(q.entries)/2 {
		q.compact()
	}
	return m
}

// unlockEntry forgets an entry's lock (its token stops working).
func (q *msgQueue) unlockEntry(e *entry) {
	if !e.locked {
		return
	}
	q.ent.tokens.remove(e.token)
	if e.sessLock && e.sess != nil {
		delete(e.sess.locked, e)
	}
	q.timers.Remove(e)
	e.locked, e.sessLock = false, false
	e.token = [16]byte{}
	e.msg.LockedUntil = time.Time{}
}

func (q *msgQueue) compact() {
	kept := q.entries[:0]
	for _, e := range q.entries {
		if !e.removed {
			kept = append(kept, e)
		}
	}
	clear(q.entries[len(kept):])
	q.entries = kept
	if cap(q.entries) > 1024 && len(q.entries) < cap(q.entries)/4 {
		q.entries = slices.Clip(slices.Clone(q.entries))
	}
	q.holes = 0
}

// find returns the live entry with a sequence number, or nil.
func (q *msgQueue) find(seq int64) *entry {
	i, ok := slices.BinarySearchFunc(q.entries, seq, func(x *entry, s int64) int { return cmpInt(x.seq, s) })
	if !ok || q.entries[i].removed {
		return nil
	}
	return q.entries[i]
}

// from returns the position of the first entry with sequence number >= seq.
func (q *msgQueue) from(seq int64) int {
	i, _ := slices.BinarySearchFunc(q.entries, seq, func(x *entry, s int64) int { return cmpInt(x.seq, s) })
	return i
}

// removeAll empties the store (entity deletion), dropping lock tokens.
func (q *msgQueue) removeAll() {
	for _, e := range q.entries {
		if !e.removed && e.locked {
			q.ent.tokens.remove(e.token)
		}
	}
	q.entries, q.holes = nil, 0
	q.avail.reset()
	q.timers.reset()
	q.expiry.reset()
	q.count, q.scheduled = 0, 0
	q.addSize(-q.size)
	if q.sessionful() {
		clear(q.sessions)
		clear(q.lockedSess)
	}
	q.wakeAcceptors()
}
