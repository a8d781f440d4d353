package broker

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// entityConfig is an entity's settings. It is replaced whole on update and
// read without locks on the hot path.
type entityConfig struct {
	props Properties
	rules []*compiledRule // subscriptions, in creation order
}

// entity is a queue, a topic or a subscription.
type entity struct {
	id    uint64 // lock order when a send touches several entities
	kind  Kind
	name  string  // as created
	topic *entity // the parent of a subscription
	path  string  // "q" or "t/Subscriptions/s"

	cfg    atomic.Pointer[entityConfig]
	tokens *tokenTable // the broker's, for dropping tokens of removed messages

	// subs of a topic, by lower-case name; guarded by brokerImpl.mu.
	subs map[string]*entity

	mu                   sync.Mutex
	deleted              bool
	nextSeq              int64
	createdAt, updatedAt time.Time
	accessedAt           time.Time
	main, dlq, tdlq      *msgQueue // a topic's main holds its scheduled messages only
	sizeBytes            int64     // all of the entity's queues

	// dupMu serialises sends to an entity with duplicate detection, so the
	// history check and the enqueue are one step.
	dupMu sync.Mutex
	dups  dupHistory
}

func (e *entity) props() Properties { return e.cfg.Load().props }

// propsRef reads the properties in place, for the per-message paths: a
// stored config is never changed (a new one replaces it), so it may be read
// without copying it.
func (e *entity) propsRef() *Properties { return &e.cfg.Load().props }

// nextSequence hands out the entity's next sequence number (mu held).
func (e *entity) nextSequence() int64 {
	e.nextSeq++
	return e.nextSeq
}

// queueFor returns the store behind a subqueue.
func (e *entity) queueFor(s subqueue) *msgQueue {
	switch s {
	case subDLQ:
		return e.dlq
	case subTDLQ:
		return e.tdlq
	default:
		return e.main
	}
}

// sizeLimit is the quota in bytes: a subscription shares its topic's.
func (e *entity) sizeLimit() int64 {
	mb := e.propsRef().MaxSizeInMegabytes
	if e.kind == KindSubscription && e.topic != nil {
		mb = e.topic.propsRef().MaxSizeInMegabytes
	}
	if mb <= 0 {
		mb = defaultMaxSizeMB
	}
	return int64(mb) << 20
}

// counts reads the runtime counts (mu held).
func (e *entity) counts() Counts {
	c := Counts{
		Active:             e.main.count - e.main.scheduled,
		Scheduled:          e.main.scheduled,
		DeadLetter:         e.dlq.count,
		TransferDeadLetter: e.tdlq.count,
		SizeInBytes:        e.sizeBytes,
	}
	if e.kind == KindTopic {
		c.Active = 0
	}
	return c
}

// brokerImpl is the state behind Broker.
type brokerImpl struct {
	now            func() time.Time
	maxMessageSize int64

	mu       sync.RWMutex
	entities map[string]*entity // queues and topics by lower-case name
	nextID   atomic.Uint64

	tokens tokenTable

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// New makes an empty broker; Close stops its timer.
func New(opts Options) *Broker {
	b := &brokerImpl{
		now:            opts.Now,
		maxMessageSize: opts.MaxMessageSize,
		entities:       make(map[string]*entity),
		stop:           make(chan struct{}),
		done:           make(chan struct{}),
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.maxMessageSize <= 0 {
		b.maxMessageSize = defaultMaxMessageLen
	}
	interval := opts.TickInterval
	if interval == 0 && opts.Now == nil {
		interval = defaultTickInterval
	}
	if interval > 0 {
		go b.run(interval)
	} else {
		close(b.done)
	}
	return &Broker{impl: b}
}

// Close stops the background timer.
func (b *Broker) Close() {
	b.impl.closeOnce.Do(func() { close(b.impl.stop) })
	<-b.impl.done
}

func (b *brokerImpl) run(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.tick()
		}
	}
}

func (b *brokerImpl) newEntity(kind Kind, name string, topic *entity, cfg *entityConfig) *entity {
	now := b.now()
	e := &entity{id: b.nextID.Add(1), kind: kind, name: name, topic: topic, path: name,
		createdAt: now, updatedAt: now, tokens: &b.tokens}
	if topic != nil {
		e.path = topic.name + "/Subscriptions/" + name
	}
	if kind == KindTopic {
		e.subs = make(map[string]*entity)
	}
	e.cfg.Store(cfg)
	sessions := kind != KindTopic && cfg.props.RequiresSession
	e.main = newMsgQueue(e, subMain, sessions)
	e.dlq = newMsgQueue(e, subDLQ, false)
	e.tdlq = newMsgQueue(e, subTDLQ, false)
	return e
}

// lookup finds a queue or topic by name (b.mu held for reading or writing).
func (b *brokerImpl) lookup(name string) *entity {
	return b.entities[strings.ToLower(name)]
}

// allEntities lists every queue, topic and subscription.
func (b *brokerImpl) allEntities() []*entity {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*entity, 0, len(b.entities))
	for _, e := range b.entities {
		out = append(out, e)
		for _, s := range e.subs {
			out = append(out, s)
		}
	}
	return out
}

// sortedSubs lists a topic's subscriptions by name (b.mu held).
func sortedSubs(t *entity) []*entity {
	out := make([]*entity, 0, len(t.subs))
	for _, s := range t.subs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *entity) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
	return out
}

// lockAll locks entities in id order (the one order every multi-entity
// operation uses) and returns the unlock function.
func lockAll(ents []*entity) func() {
	slices.SortFunc(ents, func(a, b *entity) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	ents = slices.CompactFunc(ents, func(a, b *entity) bool { return a == b })
	for _, e := range ents {
		e.mu.Lock()
	}
	return func() {
		for i := len(ents) - 1; i >= 0; i-- {
			ents[i].mu.Unlock()
		}
	}
}
