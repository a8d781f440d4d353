package broker

import (
	"time"
)

// placement is where one message (or one topic copy) lands.
type placement struct {
	ent       *entity
	sq        subqueue
	msg       *Message
	scheduled bool
	reason    string // for dead-letter placements
	desc      string
}

// Send enqueues msgs (one batch: all or nothing) to a queue or a topic (fanned
// out to every subscription whose rules match, each rule's action applied to
// that subscription's copy). It assigns sequence numbers, enqueued time and
// missing message ids; honours duplicate detection, scheduled enqueue time,
// ForwardTo, entity status (CondEntityDisabled), size limit (CondMessageSize),
// entity quota (CondResourceLimit) and RequiresSession (a session entity
// refuses messages without a session id with CondNotAllowed). Send takes
// ownership of the messages' maps and bodies; the structs are copied.
func (b *Broker) Send(address string, msgs []*Message) error {
	_, err := b.impl.send(address, msgs, false, false)
	return err
}

// SendOwned is Send for a caller that hands the message structs over too:
// they are stored as they are instead of being copied, so the caller must
// not touch them afterwards (not even when Send fails).
func (b *Broker) SendOwned(address string, msgs []*Message) error {
	_, err := b.impl.send(address, msgs, false, true)
	return err
}

// Schedule stores msgs as scheduled for their ScheduledEnqueueTime and returns
// their sequence numbers in order (0 for a message dropped as a duplicate).
// Messages due already become active at once.
func (b *Broker) Schedule(address string, msgs []*Message) ([]int64, error) {
	return b.impl.send(address, msgs, true, false)
}

// CancelScheduled removes scheduled messages; unknown numbers are ignored.
func (b *Broker) CancelScheduled(address string, seqs []int64) error {
	ent, err := b.impl.resolveAddress(address)
	if err != nil {
		return err
	}
	ent.mu.Lock()
	defer ent.mu.Unlock()
	for _, seq := range seqs {
		if e := ent.main.find(seq); e != nil && e.msg.State == StateScheduled {
			ent.main.remove(e)
		}
	}
	return nil
}

func (b *brokerImpl) send(address string, msgs []*Message, schedule, owned bool) ([]int64, error) {
	ent, err := b.resolveAddress(address)
	if err != nil {
		return nil, err
	}
	props := ent.props()
	if props.Status == StatusDisabled || props.Status == StatusSendDisabled {
		return nil, errDisabled(ent.path, props.Status)
	}
	now := b.now()
	copies := msgs // an owned batch is the broker's already, slice included
	if !owned {
		copies = make([]*Message, len(msgs))
	}
	direct := !schedule && ent.kind == KindQueue && props.ForwardTo == ""
	var sizes []int64 // for the direct path: each message's size, worked out once
	if direct {
		sizes = make([]int64, len(msgs))
	}
	for i, m := range msgs {
		if m == nil {
			return nil, errBadArgument("message %d of the batch is missing", i)
		}
		size := m.Size()
		if err := ent.checkIncomingSized(m, size); err != nil {
			return nil, err
		}
		c := m
		if !owned {
			c = new(Message)
			*c = *m
		}
		if c.MessageID == nil {
			c.MessageID = newMessageID()
			c.EncodedProperties = nil
			size = c.Size() // the id counts too once stored
		}
		c.SequenceNumber, c.EnqueuedSequenceNumber, c.DeliveryCount = 0, 0, 0
		c.State, c.DeadLetterSource = StateActive, ""
		c.LockedUntil, c.ExpiresAt, c.EnqueuedTime = time.Time{}, time.Time{}, time.Time{}
		copies[i] = c
		direct = direct && !c.ScheduledEnqueueTime.After(now)
		if direct {
			sizes[i] = size
		}
	}
	var dupKeys []string
	if props.RequiresDuplicateDetection {
		ent.dupMu.Lock()
		defer ent.dupMu.Unlock()
		copies, dupKeys = ent.dropDuplicates(copies, now, props.DuplicateDetectionHistoryTimeWindow)
	}
	if direct {
		// The common case, a batch for a plain queue, stored without a
		// plan: each message goes to the queue itself.
		if err := ent.storeActive(copies, sizes, now); err != nil {
			return nil, err
		}
		for _, k := range dupKeys {
			ent.dups.record(k, now)
		}
		return nil, nil
	}
	plan := make([]placement, 0, len(copies)) // one each, unless fanned out
	index := make([]int, 0, len(copies))      // plan position of each scheduled copy
	for _, c := range copies {
		if c == nil {
			index = append(index, -1)
			continue
		}
		if schedule || c.ScheduledEnqueueTime.After(now) {
			index = append(index, len(plan))
			plan = append(plan, placement{ent: ent, msg: c, scheduled: true})
			continue
		}
		index = append(index, -1)
		if plan, err = b.routeInto(plan, ent, c, 0); err != nil {
			return nil, err
		}
	}
	seqs, err := b.apply(plan, true, now)
	if err != nil {
		return nil, err
	}
	for _, k := range dupKeys {
		ent.dups.record(k, now)
	}
	if ent.kind == KindTopic {
		ent.mu.Lock()
		ent.accessedAt = now
		ent.mu.Unlock()
	}
	var out []int64
	if schedule {
		out = make([]int64, len(index))
		for i, at := range index {
			if at >= 0 {
				out[i] = seqs[at]
			}
		}
		b.tickEntity(ent, b.now())
	}
	return out, nil
}

// checkIncoming applies the entity's per-message checks to a message sent to
// it directly.
func (e *entity) checkIncoming(m *Message) error {
	return e.checkIncomingSized(m, m.Size())
}

// checkIncomingSized is checkIncoming for a caller that knows m.Size().
func (e *entity) checkIncomingSized(m *Message, size int64) error {
	p := e.propsRef()
	if limit := p.MaxMessageSizeInKilobytes * 1024; limit > 0 && size > limit {
		return errMessageSize(size, limit)
	}
	if e.kind == KindQueue && p.RequiresSession && m.SessionID == nil {
		return errNotAllowed(textMissingSession)
	}
	return nil
}

// dropDuplicates blanks messages whose id was seen within the window (or
// earlier in the batch) and returns the ids to remember once the send
// succeeds (dupMu held).
func (e *entity) dropDuplicates(msgs []*Message, now time.Time, window time.Duration) ([]*Message, []string) {
	e.dups.prune(now, window)
	var keys []string
	inBatch := make(map[string]bool, len(msgs))
	for i, m := range msgs {
		k, ok := dupKey(m.MessageID)
		if !ok {
			continue
		}
		if inBatch[k] || e.dups.seenRecently(k) {
			msgs[i] = nil
			continue
		}
		inBatch[k] = true
		keys = append(keys, k)
	}
	return msgs, keys
}

// routeInto works out where m ends up when it enters x and appends that to
// plan: a topic fans it out, an entity with ForwardTo passes it on (to its
// transfer dead-letter queue if that fails or the hop limit is reached).
// Refusals by x itself are errors for the caller, who then drops the plan.
func (b *brokerImpl) routeInto(plan []placement, x *entity, m *Message, hops int) ([]placement, error) {
	if x.kind == KindTopic {
		return b.fanOut(plan, x, m, hops)
	}
	p := x.propsRef()
	if p.RequiresSession && m.SessionID == nil {
		return plan, errNotAllowed(textMissingSession)
	}
	if p.ForwardTo == "" {
		return append(plan, placement{ent: x, msg: m}), nil
	}
	if hops >= maxForwardHops {
		return append(plan, placement{ent: x, sq: subTDLQ, msg: m, reason: reasonMaxHops,
			desc: "The message exceeded the maximum number of auto-forwarding hops."}), nil
	}
	target, err := b.resolveAddress(p.ForwardTo)
	if err == nil {
		err = target.acceptsForward(m)
	}
	if err == nil {
		var routed []placement
		if routed, err = b.routeInto(plan, target, m, hops+1); err == nil {
			return routed, nil
		}
		// What the failed route appended lies past len(plan): dropped.
	}
	return append(plan, placement{ent: x, sq: subTDLQ, msg: m, reason: reasonForwardError,
		desc: "Forwarding to '" + p.ForwardTo + "' failed: " + err.Error()}), nil
}

// acceptsForward checks a forwarding target's status and size limit.
func (e *entity) acceptsForward(m *Message) error {
	p := e.propsRef()
	if p.Status == StatusDisabled || p.Status == StatusSendDisabled {
		return errDisabled(e.path, p.Status)
	}
	return e.checkIncoming(m)
}

// fanOut gives each subscription whose rules match its own copy of m, with
// the matching rule's action applied.
func (b *brokerImpl) fanOut(plan []placement, t *entity, m *Message, hops int) ([]placement, error) {
	b.mu.RLock()
	subs := sortedSubs(t)
	b.mu.RUnlock()
	for _, s := range subs {
		cfg := s.cfg.Load()
		if cfg.props.Status == StatusDisabled {
			continue
		}
		c := *m
		matched, ferr := false, error(nil)
		for _, r := range cfg.rules {
			ok, err := r.matches(m)
			if err != nil {
				ferr = err
				break
			}
			if ok {
				matched = true
				ferr = r.apply(&c)
				break
			}
		}
		if ferr != nil {
			if cfg.props.DeadLetteringOnFilterEvaluationExceptions {
				plan = append(plan, placement{ent: s, sq: subDLQ, msg: &c, reason: reasonFilterError, desc: ferr.Error()})
			}
			continue
		}
		if !matched {
			continue
		}
		var err error
		if plan, err = b.routeInto(plan, s, &c, hops); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// apply stores a plan atomically: every entity involved is locked (in id
// order), checked (deleted, quota) and only then written. It returns each
// placement's sequence number.
func (b *brokerImpl) apply(plan []placement, quota bool, now time.Time) ([]int64, error) {
	if len(plan) == 0 {
		return nil, nil
	}
	ents := make([]*entity, 0, 2)
	for _, p := range plan {
		// A batch to one entity locks it once (lockAll drops repeats
		// anyway, but sorting hundreds of them costs).
		if len(ents) == 0 || ents[len(ents)-1] != p.ent {
			ents = append(ents, p.ent)
		}
	}
	unlock := lockAll(ents)
	defer unlock()
	for _, p := range plan {
		if p.ent.deleted {
			return nil, errNotFound("The messaging entity '%s' could not be found.", p.ent.path)
		}
	}
	// Each size is worked out once, for the quota and for the store.
	sizes := make([]int64, len(plan))
	for i, p := range plan {
		sizes[i] = p.msg.Size()
	}
	if quota {
		if err := checkQuota(plan, sizes); err != nil {
			return nil, err
		}
	}
	seqs := make([]int64, len(plan))
	// A batch's entries come in one allocation (freed when the last of
	// them is, which a batch's messages usually are together).
	entries := make([]entry, len(plan))
	for i, p := range plan {
		m, e := p.msg, p.ent
		switch p.sq {
		case subTDLQ:
			e.toTransferDLQ(m, p.reason, p.desc, now)
		case subDLQ:
			m.mergeProps(map[string]any{propDeadLetterReason: p.reason, propDeadLetterDescription: p.desc})
			m.SequenceNumber, m.EnqueuedTime, m.State = e.nextSequence(), now, StateActive
			e.dlq.insertAs(&entries[i], m, now)
		default:
			m.SequenceNumber = e.nextSequence()
			m.EnqueuedTime, m.DeliveryCount, m.LockedUntil = now, 0, time.Time{}
			m.State = StateActive
			if p.scheduled {
				m.State = StateScheduled
			} else {
				m.ExpiresAt = expiresAt(now, m.TTL, e.propsRef().DefaultMessageTimeToLive)
			}
			e.main.insertSized(&entries[i], m, sizes[i], now)
		}
		seqs[i] = m.SequenceNumber
		e.accessedAt = now
	}
	return seqs, nil
}

// storeActive is apply for a plan that puts every message (nil ones are
// dropped duplicates) active into e's main queue, without building the plan.
// sizes[i] is msgs[i].Size().
func (e *entity) storeActive(msgs []*Message, sizes []int64, now time.Time) error {
	var total int64
	n := 0
	for i, m := range msgs {
		if m != nil {
			total += sizes[i]
			n++
		}
	}
	if n == 0 {
		return nil // all duplicates
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.deleted {
		return errNotFound("The messaging entity '%s' could not be found.", e.path)
	}
	if limit := e.sizeLimit(); e.sizeBytes+total > limit {
		return errQuota(e.path, e.sizeBytes, limit)
	}
	ttl := e.propsRef().DefaultMessageTimeToLive
	entries := make([]entry, n) // one allocation for the batch, as in apply
	for i, m := range msgs {
		if m == nil {
			continue
		}
		m.SequenceNumber = e.nextSequence()
		m.EnqueuedTime, m.DeliveryCount, m.LockedUntil = now, 0, time.Time{}
		m.State = StateActive
		m.ExpiresAt = expiresAt(now, m.TTL, ttl)
		e.main.insertSized(&entries[0], m, sizes[i], now)
		entries = entries[1:]
	}
	e.accessedAt = now
	return nil
}

// checkQuota refuses a plan that would take an entity past its size (mu of
// every entity held).
func checkQuota(plan []placement, sizes []int64) error {
	// The common case, every placement in one entity, needs no map.
	one, n := plan[0].ent, int64(0)
	for i, p := range plan {
		if p.ent != one {
			one = nil
			break
		}
		n += sizes[i]
	}
	if one != nil {
		if limit := one.sizeLimit(); one.sizeBytes+n > limit {
			return errQuota(one.path, one.sizeBytes, limit)
		}
		return nil
	}
	add := make(map[*entity]int64, 2)
	for i, p := range plan {
		add[p.ent] += sizes[i]
	}
	for e, n := range add {
		if limit := e.sizeLimit(); e.sizeBytes+n > limit {
			return errQuota(e.path, e.sizeBytes, limit)
		}
	}
	return nil
}

// flush delivers what an operation left in its outbox, after the entity
// locks are released. A message that cannot be delivered goes to the
// transfer dead-letter queue of the entity that sent it on (or is dropped
// when there is none, as the service drops a topic message no subscription
// takes).
func (b *brokerImpl) flush(out *outbox) {
	for len(out.items) > 0 {
		f := out.items[0]
		out.items = out.items[1:]
		now := b.now()
		target, err := f.to, error(nil)
		if target == nil {
			target, err = b.resolveAddress(f.address)
		}
		if err == nil && f.hops > 0 {
			err = target.acceptsForward(f.msg)
		}
		var plan []placement
		if err == nil {
			plan, err = b.routeInto(nil, target, f.msg, f.hops)
		}
		if err == nil {
			_, err = b.apply(plan, f.hops > 0, now)
		}
		if err != nil && f.from != nil {
			fallback := placement{ent: f.from, sq: subTDLQ, msg: f.msg, reason: reasonForwardError,
				desc: "Forwarding to '" + f.address + "' failed: " + err.Error()}
			_, _ = b.apply([]placement{fallback}, false, now)
		}
	}
}
