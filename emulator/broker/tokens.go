package broker

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// tokenTable hands out lock tokens and finds the locked entry for one, so
// that any receiver or connection can settle by token. A token names its
// own slot: its first four bytes hold the shard and slot index, the other
// twelve are random, and a lookup compares all sixteen with the slot's, so
// a token whose slot was reused finds nothing. Finding the entry is an
// index, not a hash of sixteen bytes in a map that holds every lock (that
// lookup was about a twentieth of the emulator's CPU when receiving).
// Sharded to keep settlement from contending on one mutex; shard locks are
// always taken last.
type tokenTable struct {
	shards [tokenShards]tokenShard
}

const tokenShards = 16

type tokenShard struct {
	mu    sync.Mutex
	slots []tokenSlot
	free  []uint32 // indexes of empty slots
}

type tokenSlot struct {
	token [16]byte // zero when empty
	e     *entry
}

// issue makes a new token for e. Tokens only need to be unique among the
// live ones and hard to guess by accident, so the runtime's fast generator
// is enough for the random part.
func (t *tokenTable) issue(e *entry) [16]byte {
	x, y := rand.Uint64(), rand.Uint64()
	shard := uint32(x % tokenShards)
	s := &t.shards[shard]
	s.mu.Lock()
	var idx uint32
	if n := len(s.free); n > 0 {
		idx = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		idx = uint32(len(s.slots))
		s.slots = append(s.slots, tokenSlot{})
	}
	var tok [16]byte
	// idx+1, so that no token is all zeros.
	binary.LittleEndian.PutUint32(tok[0:4], (idx+1)*tokenShards+shard)
	binary.LittleEndian.PutUint32(tok[4:8], uint32(x>>32))
	binary.LittleEndian.PutUint64(tok[8:16], y)
	s.slots[idx] = tokenSlot{token: tok, e: e}
	s.mu.Unlock()
	return tok
}

// locate is the shard and slot a token names; ok is false for a token this
// table cannot have issued.
func (t *tokenTable) locate(tok [16]byte) (s *tokenShard, idx uint32, ok bool) {
	h := binary.LittleEndian.Uint32(tok[0:4])
	if h < tokenShards {
		return nil, 0, false
	}
	return &t.shards[h%tokenShards], h/tokenShards - 1, true
}

// get is the entry tok locks, or nil.
func (t *tokenTable) get(tok [16]byte) *entry {
	s, idx, ok := t.locate(tok)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if int(idx) < len(s.slots) && s.slots[idx].token == tok {
		return s.slots[idx].e
	}
	return nil
}

// remove makes tok find nothing and frees its slot.
func (t *tokenTable) remove(tok [16]byte) {
	s, idx, ok := t.locate(tok)
	if !ok {
		return
	}
	s.mu.Lock()
	if int(idx) < len(s.slots) && s.slots[idx].token == tok {
		s.slots[idx] = tokenSlot{}
		s.free = append(s.free, idx)
	}
	s.mu.Unlock()
}

// all lists every live token (fault injection).
func (t *tokenTable) all() [][16]byte {
	var out [][16]byte
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for _, slot := range s.slots {
			if slot.e != nil {
				out = append(out, slot.token)
			}
		}
		s.mu.Unlock()
	}
	return out
}
