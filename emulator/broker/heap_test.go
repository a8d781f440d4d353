package broker

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Each heap order pops its entries in order through random pushes, key
// changes (Fix) and removals, checked against a plain sort.
func TestEntryHeapOrders(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, order := range []heapOrder{bySeqOrder, byTimerOrder, byExpiryOrder} {
		rng := rand.New(rand.NewPCG(uint64(order), 7))
		h := newEntryHeap(order)
		live := map[*entry]bool{}
		for i := range 500 {
			e := &entry{seq: int64(i), availIdx: -1, timerIdx: -1, expIdx: -1,
				timerAt: rng.Int64N(50), msg: &Message{ExpiresAt: base.Add(time.Duration(rng.IntN(50)) * time.Nanosecond)}}
			h.Push(e)
			live[e] = true
			switch rng.IntN(4) {
			case 0: // change some live entry's key
				for x := range live {
					x.timerAt = rng.Int64N(50)
					x.msg.ExpiresAt = base.Add(time.Duration(rng.IntN(50)) * time.Nanosecond)
					h.Fix(x)
					break
				}
			case 1:
				for x := range live {
					h.Remove(x)
					delete(live, x)
					if h.Contains(x) {
						t.Fatal("a removed entry is still contained")
					}
					break
				}
			}
		}
		want := make([]*entry, 0, len(live))
		for x := range live {
			want = append(want, x)
		}
		slices.SortFunc(want, func(a, b *entry) int {
			if cmp := compareByOrder(order, a, b); cmp != 0 {
				return cmp
			}
			return cmpInt(a.seq, b.seq)
		})
		if h.Len() != len(want) {
			t.Fatalf("order %d: %d entries, want %d", order, h.Len(), len(want))
		}
		for i, w := range want {
			if got := h.Pop(); got != w {
				t.Fatalf("order %d: pop %d gave seq %d, want %d", order, i, got.seq, w.seq)
			}
		}
		if h.Pop() != nil || h.Min() != nil {
			t.Fatal("an emptied heap still gives entries")
		}
	}
}

func compareByOrder(order heapOrder, a, b *entry) int {
	switch order {
	case byTimerOrder:
		return cmpInt(a.timerAt, b.timerAt)
	case byExpiryOrder:
		return a.msg.ExpiresAt.Compare(b.msg.ExpiresAt)
	}
	return 0
}
