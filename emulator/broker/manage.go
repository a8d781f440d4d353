package broker

import (
	"slices"
	"strings"
)

// Entity management. Names of queues and topics share one namespace and are
// matched case-insensitively, as the service does. Errors are *Error with
// Status 404 (missing), 409 (exists) or 400 (bad property).

func (b *Broker) CreateQueue(name string, p Properties) (*EntityInfo, error) {
	return b.impl.createTop(KindQueue, name, p)
}

func (b *Broker) CreateTopic(name string, p Properties) (*EntityInfo, error) {
	return b.impl.createTop(KindTopic, name, p)
}

func (b *Broker) UpdateQueue(name string, p Properties) (*EntityInfo, error) {
	return b.impl.updateTop(KindQueue, name, p)
}

func (b *Broker) UpdateTopic(name string, p Properties) (*EntityInfo, error) {
	return b.impl.updateTop(KindTopic, name, p)
}

func (b *Broker) GetQueue(name string) (*EntityInfo, error) {
	e, err := b.impl.getTop(KindQueue, name)
	if err != nil {
		return nil, err
	}
	return b.impl.info(e), nil
}

func (b *Broker) GetTopic(name string) (*EntityInfo, error) {
	e, err := b.impl.getTop(KindTopic, name)
	if err != nil {
		return nil, err
	}
	return b.impl.info(e), nil
}

func (b *Broker) DeleteQueue(name string) error { return b.impl.deleteTop(KindQueue, name) }
func (b *Broker) DeleteTopic(name string) error { return b.impl.deleteTop(KindTopic, name) }

func (b *Broker) ListQueues() []*EntityInfo { return b.impl.listTop(KindQueue) }
func (b *Broker) ListTopics() []*EntityInfo { return b.impl.listTop(KindTopic) }

func kindName(k Kind) string {
	switch k {
	case KindQueue:
		return "queue"
	case KindTopic:
		return "topic"
	}
	return "subscription"
}

func (b *brokerImpl) createTop(k Kind, name string, p Properties) (*EntityInfo, error) {
	if err := checkName(kindName(k), name); err != nil {
		return nil, err
	}
	p, err := normalize(k, name, p, b.maxMessageSize)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if old := b.lookup(name); old != nil {
		b.mu.Unlock()
		return nil, errConflict("The messaging entity '%s' already exists (as a %s).", name, kindName(old.kind))
	}
	e := b.newEntity(k, name, nil, &entityConfig{props: p})
	b.entities[strings.ToLower(name)] = e
	b.mu.Unlock()
	return b.info(e), nil
}

func (b *brokerImpl) getTop(k Kind, name string) (*entity, error) {
	b.mu.RLock()
	e := b.lookup(name)
	b.mu.RUnlock()
	if e == nil || e.kind != k {
		return nil, errNotFound("The %s '%s' could not be found.", kindName(k), name)
	}
	return e, nil
}

func (b *brokerImpl) updateTop(k Kind, name string, p Properties) (*EntityInfo, error) {
	e, err := b.getTop(k, name)
	if err != nil {
		return nil, err
	}
	if err := b.update(e, p); err != nil {
		return nil, err
	}
	return b.info(e), nil
}

// update replaces an entity's properties; status changes take effect at once.
func (b *brokerImpl) update(e *entity, p Properties) error {
	p, err := normalize(e.kind, e.name, p, b.maxMessageSize)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	old := e.cfg.Load()
	if p.RequiresSession != old.props.RequiresSession {
		return errBadArgument("The value for the RequiresSession property of an existing %s cannot be changed.", kindName(e.kind))
	}
	if p.EnablePartitioning != old.props.EnablePartitioning {
		return errBadArgument("The value for the EnablePartitioning property of an existing %s cannot be changed.", kindName(e.kind))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.deleted {
		return errNotFound("The %s '%s' could not be found.", kindName(e.kind), e.name)
	}
	e.cfg.Store(&entityConfig{props: p, rules: old.rules})
	e.updatedAt = b.now()
	// Receivers re-check the status (and may now find messages).
	e.wakeAll()
	return nil
}

// wakeAll wakes every receiver and session acceptor of the entity (mu held).
func (e *entity) wakeAll() {
	for _, q := range [...]*msgQueue{e.main, e.dlq, e.tdlq} {
		for r := range q.receivers {
			r.signal.fire()
		}
		for s := range q.lockedSess {
			if s.holder != nil {
				s.holder.signal.fire()
			}
		}
		q.wakeAcceptors()
	}
}

func (b *brokerImpl) deleteTop(k Kind, name string) error {
	b.mu.Lock()
	e := b.lookup(name)
	if e == nil || e.kind != k {
		b.mu.Unlock()
		return errNotFound("The %s '%s' could not be found.", kindName(k), name)
	}
	delete(b.entities, strings.ToLower(name))
	subs := sortedSubs(e)
	if e.kind == KindTopic {
		clear(e.subs)
	}
	b.mu.Unlock()
	b.discard(e)
	for _, s := range subs {
		b.discard(s)
	}
	return nil
}

// discard marks a removed entity deleted and drops its messages, locks and
// sessions; its receivers wake up to find it gone.
func (b *brokerImpl) discard(e *entity) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.deleted = true
	gone := errNotFound("The messaging entity '%s' was deleted.", e.path)
	for _, q := range [...]*msgQueue{e.main, e.dlq, e.tdlq} {
		for r := range q.receivers {
			r.lost = gone
		}
		for s := range q.lockedSess {
			if s.holder != nil {
				s.holder.lost = gone
			}
		}
	}
	e.wakeAll()
	for _, q := range [...]*msgQueue{e.main, e.dlq, e.tdlq} {
		q.removeAll()
	}
}

func (b *brokerImpl) listTop(k Kind) []*EntityInfo {
	b.mu.RLock()
	var ents []*entity
	for _, e := range b.entities {
		if e.kind == k {
			ents = append(ents, e)
		}
	}
	b.mu.RUnlock()
	slices.SortFunc(ents, func(x, y *entity) int { return strings.Compare(strings.ToLower(x.name), strings.ToLower(y.name)) })
	out := make([]*EntityInfo, 0, len(ents))
	for _, e := range ents {
		out = append(out, b.info(e))
	}
	return out
}

// info snapshots an entity. A topic reports its own scheduled messages and
// the bytes held by its subscriptions.
func (b *brokerImpl) info(e *entity) *EntityInfo {
	e.mu.Lock()
	in := &EntityInfo{Kind: e.kind, Name: e.name, Properties: e.props(), CreatedAt: e.createdAt,
		UpdatedAt: e.updatedAt, AccessedAt: e.accessedAt, Counts: e.counts()}
	e.mu.Unlock()
	if e.topic != nil {
		in.Topic = e.topic.name
	}
	if e.kind == KindTopic {
		b.mu.RLock()
		subs := sortedSubs(e)
		b.mu.RUnlock()
		in.SubscriptionCount = len(subs)
		for _, s := range subs {
			s.mu.Lock()
			in.Counts.SizeInBytes += s.sizeBytes
			s.mu.Unlock()
		}
	}
	return in
}
