package amqp

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkUnsettled compares the set with the model: same size, and every id
// the model has is found (taken and put back would change order, so only
// the ring's and map's contents are read).
func checkUnsettled(t *testing.T, u *unsettledSet, model map[uint32]*linkState) {
	t.Helper()
	if u.len() != len(model) {
		t.Fatalf("set holds %d deliveries, model %d", u.len(), len(model))
	}
	if u.span > maxUnsettledSpan {
		t.Fatalf("ring spans %d ids, more than %d", u.span, maxUnsettledSpan)
	}
	seen := map[uint32]*linkState{}
	for off := 0; off < u.span; off++ {
		if s := u.slot(off); s.link != nil {
			seen[u.base+uint32(off)] = s.link
		}
	}
	for id, d := range u.far {
		if _, dup := seen[id]; dup {
			t.Fatalf("id %d both in the ring and the map", id)
		}
		seen[id] = d.link
	}
	for id, l := range model {
		if seen[id] != l {
			t.Fatalf("id %d: set has link %p, model %p", id, seen[id], l)
		}
	}
	if u.span > 0 && u.slot(0).link == nil {
		t.Fatal("the ring starts with a hole")
	}
}

// The set behaves like a map from delivery id to delivery under the ways a
// session uses it: ids added in order with gaps (presettled deliveries),
// settled mostly in order with stragglers, ranges, a link's deliveries
// dropped, and ids wrapping past 2^32.
func TestUnsettledSetAgainstAMap(t *testing.T) {
	farSeen := 0
	for _, start := range []uint32{0, 1 << 20, math.MaxUint32 - 3000} {
		rng := rand.New(rand.NewPCG(uint64(start), 7))
		links := []*linkState{{}, {}, {}}
		var u unsettledSet
		model := map[uint32]*linkState{}
		next := start
		for step := range 20_000 {
			switch op := rng.IntN(1000); {
			case op < 500: // send, sometimes after presettled ones
				next += uint32(rng.IntN(3) / 2 * rng.IntN(20))
				l := links[rng.IntN(len(links))]
				u.add(next, outDelivery{link: l, tagLen: 1})
				model[next] = l
				next++
			case op < 850: // settle one, usually among the oldest few
				var id uint32
				if rng.IntN(10) == 0 {
					id = next - uint32(rng.IntN(10_000)) // a straggler, or unknown
				} else {
					id = next - uint32(rng.IntN(600))
				}
				d, ok := u.take(id)
				want, had := model[id]
				if ok != had || d.link != want {
					t.Fatalf("step %d: take(%d) = %p, %v; model %p, %v", step, id, d.link, ok, want, had)
				}
				delete(model, id)
			case op < 998: // settle a range
				first := next - uint32(rng.IntN(700))
				last := first + uint32(rng.IntN(40))
				if rng.IntN(20) == 0 {
					last = first + uint32(rng.IntN(20_000)) // longer than the ring
				}
				if last < first {
					last = math.MaxUint32 // keep the range from wrapping, as a disposition's
				}
				var got []uint32
				u.takeRange(first, last, func(id uint32, d outDelivery) {
					if model[id] != d.link {
						t.Fatalf("step %d: takeRange gave id %d with link %p, model %p", step, id, d.link, model[id])
					}
					got = append(got, id)
					delete(model, id)
				})
				for id := range model {
					if id >= first && id <= last {
						t.Fatalf("step %d: takeRange(%d, %d) left id %d", step, first, last, id)
					}
				}
				if last-first < 100 && !slices.IsSorted(got) {
					t.Fatalf("step %d: a short range came back out of order: %v", step, got)
				}
			default: // a link ends
				l := links[rng.IntN(len(links))]
				u.removeLink(l)
				for id, ml := range model {
					if ml == l {
						delete(model, id)
					}
				}
			}
			checkUnsettled(t, &u, model)
			farSeen = max(farSeen, len(u.far))
		}
	}
	if farSeen == 0 {
		t.Fatal("no delivery stayed unsettled long enough to leave the ring: the test misses the map")
	}
}

// A delivery the client never settles moves to the map once the ring has
// moved far past it, is still found there, and does not hold the ring open.
func TestUnsettledStragglerMovesOut(t *testing.T) {
	l := &linkState{}
	var u unsettledSet
	u.add(5, outDelivery{link: l, tagLen: 1})
	for id := uint32(6); id < 6+3*maxUnsettledSpan; id++ {
		u.add(id, outDelivery{link: l})
		if _, ok := u.take(id); !ok {
			t.Fatalf("take(%d) found nothing", id)
		}
	}
	if u.span > 1 || len(u.ring) > maxUnsettledSpan {
		t.Fatalf("ring spans %d ids in %d slots after the straggler moved out", u.span, len(u.ring))
	}
	if len(u.far) != 1 {
		t.Fatalf("map holds %d deliveries, want the straggler", len(u.far))
	}
	d, ok := u.take(5)
	if !ok || d.tagLen != 1 {
		t.Fatalf("the straggler: %v, %v", d, ok)
	}
	if u.len() != 0 {
		t.Fatalf("%d left", u.len())
	}
}
