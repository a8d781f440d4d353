package broker

import "sync"

// tokenTable maps lock tokens to the locked entries, so that any receiver or
// connection can settle by token. It is sharded to keep settlement from
// contending on one mutex; shard locks are always taken last.
type tokenTable struct {
	shards [16]tokenShard
}

type tokenShard struct {
	mu sync.Mutex
	m  map[[16]byte]*entry
}

func (t *tokenTable) init() {
	for i := range t.shards {
		t.shards[i].m = make(map[[16]byte]*entry)
	}
}

func (t *tokenTable) shard(tok [16]byte) *tokenShard { return &t.shards[tok[0]&15] }

func (t *tokenTable) put(tok [16]byte, e *entry) {
	s := t.shard(tok)
	s.mu.Lock()
	s.m[tok] = e
	s.mu.Unlock()
}

func (t *tokenTable) get(tok [16]byte) *entry {
	s := t.shard(tok)
	s.mu.Lock()
	e := s.m[tok]
	s.mu.Unlock()
	return e
}

func (t *tokenTable) remove(tok [16]byte) {
	s := t.shard(tok)
	s.mu.Lock()
	delete(s.m, tok)
	s.mu.Unlock()
}

// all lists every live token (fault injection).
func (t *tokenTable) all() [][16]byte {
	var out [][16]byte
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for tok := range s.m {
			out = append(out, tok)
		}
		s.mu.Unlock()
	}
	return out
}
