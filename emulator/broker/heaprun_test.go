package broker

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The sorted run beside the heap (in-order pushes) must not change what
// the heap gives: random mixes of in-order and out-of-order pushes, pops,
// removals and key changes, long enough to pass holes and compact the run,
// are checked after every step against a sorted model.
func TestEntryHeapRunMatchesModel(t *testing.T) {
	for _, order := range []heapOrder{bySeqOrder, byTimerOrder} {
		for seed := range uint64(20) {
			checkHeapAgainstModel(t, order, rand.New(rand.NewPCG(seed, uint64(order))))
		}
	}
}

func checkHeapAgainstModel(t *testing.T, order heapOrder, rng *rand.Rand) {
	t.Helper()
	h := newEntryHeap(order)
	var model []*entry // sorted by (key, seq)
	key := func(e *entry) int64 {
		if order == byTimerOrder {
			return e.timerAt
		}
		return e.seq
	}
	cmp := func(a, b *entry) int {
		if c := cmpInt(key(a), key(b)); c != 0 {
			return c
		}
		return cmpInt(a.seq, b.seq)
	}
	var seq, clock int64
	var removed []*entry
	for step := range 3000 {
		switch r := rng.IntN(10); {
		case r < 5: // push: mostly in order, sometimes behind
			seq++
			clock += rng.Int64N(3)
			e := &entry{seq: seq, timerAt: clock, availIdx: -1, timerIdx: -1, expIdx: -1}
			if rng.IntN(5) == 0 {
				// An earlier message coming back (sequence numbers stay unique).
				e.seq = seq - 1_000_000 - rng.Int64N(1000)*1_000_000
				e.timerAt = clock - rng.Int64N(100)
			}
			h.Push(e)
			i, _ := slices.BinarySearchFunc(model, e, cmp)
			model = slices.Insert(model, i, e)
		case r < 7 && len(model) > 0: // remove any
			i := rng.IntN(len(model))
			h.Remove(model[i])
			removed = append(removed, model[i])
			model = slices.Delete(model, i, i+1)
		case r < 8 && len(model) > 0: // pop
			if got := h.Pop(); got != model[0] {
				t.Fatalf("order %d step %d: pop gave %v, want seq %d", order, step, got, model[0].seq)
			}
			removed = append(removed, model[0])
			model = model[1:]
		case r < 9 && len(model) > 0 && order == byTimerOrder: // renew a lock
			i := rng.IntN(len(model))
			e := model[i]
			model = slices.Delete(model, i, i+1)
			e.timerAt = clock + rng.Int64N(50) - 25
			h.Fix(e)
			j, _ := slices.BinarySearchFunc(model, e, cmp)
			model = slices.Insert(model, j, e)
		}
		if h.Len() != len(model) {
			t.Fatalf("order %d step %d: Len %d, want %d", order, step, h.Len(), len(model))
		}
		var want *entry
		if len(model) > 0 {
			want = model[0]
		}
		if got := h.Min(); got != want {
			t.Fatalf("order %d step %d: Min is wrong", order, step)
		}
		if len(model) > 0 && !h.Contains(model[rng.IntN(len(model))]) {
			t.Fatalf("order %d step %d: a live entry is not contained", order, step)
		}
		if len(removed) > 0 && h.Contains(removed[rng.IntN(len(removed))]) {
			t.Fatalf("order %d step %d: a removed entry is still contained", order, step)
		}
	}
	for len(model) > 0 {
		if got := h.Pop(); got != model[0] {
			t.Fatalf("order %d: draining gave the wrong entry", order)
		}
		model = model[1:]
	}
	if h.Pop() != nil || h.Len() != 0 {
		t.Fatalf("order %d: an emptied heap still gives entries", order)
	}
}
