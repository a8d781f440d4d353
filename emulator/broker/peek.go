package broker

// Peek returns up to max messages with sequence number >= from, in order,
// including locked, deferred and scheduled ones (snapshots with State set).
// It changes nothing. sessionID non-nil restricts it to that session.
func (b *Broker) Peek(path string, from int64, max int, sessionID *string) ([]*Message, error) {
	ent, sq, err := b.impl.resolvePath(path)
	if err != nil {
		return nil, err
	}
	q := ent.queueFor(sq)
	ent.mu.Lock()
	defer ent.mu.Unlock()
	start := q.from(from)
	// The snapshots are made in one block: peeks come hundreds at a time.
	size := len(q.entries) - start
	if size > max {
		size = max
	}
	if size < 0 {
		size = 0
	}
	block := make([]Message, 0, size)
	for i := start; i < len(q.entries) && len(block) < max; i++ {
		x := q.entries[i]
		if x.removed {
			continue
		}
		if sessionID != nil && (x.msg.SessionID == nil || *x.msg.SessionID != *sessionID) {
			continue
		}
		block = append(block, Message{})
		x.msg.snapshotInto(&block[len(block)-1])
	}
	if len(block) == 0 {
		return nil, nil
	}
	out := make([]*Message, len(block))
	for i := range block {
		out[i] = &block[i]
	}
	return out, nil
}

// Counts of a path's entity (subqueue suffixes are ignored). A topic counts
// its scheduled messages and the bytes its subscriptions hold.
func (b *Broker) Counts(path string) (Counts, error) {
	name, sub, _ := splitPath(path)
	if sub == "" {
		if e, err := b.impl.resolveAddress(name); err == nil && e.kind == KindTopic {
			return b.impl.info(e).Counts, nil
		}
	}
	ent, _, err := b.impl.resolvePath(path)
	if err != nil {
		return Counts{}, err
	}
	ent.mu.Lock()
	defer ent.mu.Unlock()
	return ent.counts(), nil
}
