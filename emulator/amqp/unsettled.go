package amqp

// unsettledSet holds the deliveries a session sent unsettled that the
// client has not settled yet, by delivery id. The session hands ids out in
// order and clients settle them in about that order, so they live in a ring
// indexed by id, which costs no hashing per delivery. One left unsettled
// while the ring moves more than maxUnsettledSpan ids past it goes to a
// map: a delivery a client never settles costs one map entry, not a window
// that grows with every delivery after it. Not safe for concurrent use.
type unsettledSet struct {
	base uint32        // the id of the ring's first slot
	ring []outDelivery // len is zero or a power of two
	head int           // index of the first slot
	span int           // slots in use, from head; settled ids are holes
	live int           // deliveries in the ring
	far  map[uint32]outDelivery
}

// maxUnsettledSpan bounds the ring, in ids.
const maxUnsettledSpan = 1 << 12

func (u *unsettledSet) slot(off int) *outDelivery {
	return &u.ring[(u.head+off)&(len(u.ring)-1)]
}

func (u *unsettledSet) len() int { return u.live + len(u.far) }

// add records d under id, which comes after every id added before it
// (delivery ids are handed out in order; presettled ones leave gaps).
func (u *unsettledSet) add(id uint32, d outDelivery) {
	// Out of the ring's reach: make room by moving its oldest slots on. An
	// id behind base (impossible for ids in order) empties the ring.
	for u.span > 0 && uint64(id-u.base) >= maxUnsettledSpan {
		u.popHead()
		u.trim()
	}
	if u.span == 0 {
		u.base = id
	}
	off := int(id - u.base)
	if off >= len(u.ring) {
		u.grow(off + 1)
	}
	if off >= u.span {
		u.span = off + 1 // slots past span are kept empty, so the gap is holes
	}
	*u.slot(off) = d
	u.live++
}

// take removes and returns the delivery with id.
func (u *unsettledSet) take(id uint32) (outDelivery, bool) {
	if off := id - u.base; uint64(off) < uint64(u.span) {
		s := u.slot(int(off))
		if s.link == nil {
			return outDelivery{}, false // settled already; the map only has ids before base
		}
		d := *s
		*s = outDelivery{}
		u.live--
		u.trim()
		return d, true
	}
	if d, ok := u.far[id]; ok {
		delete(u.far, id)
		return d, true
	}
	return outDelivery{}, false
}

// takeRange removes every delivery with an id in [first, last] and passes
// it to visit: in id order when the range is short next to the ring,
// otherwise in no particular order.
func (u *unsettledSet) takeRange(first, last uint32, visit func(uint32, outDelivery)) {
	if uint64(last-first) < uint64(u.span)+64 {
		for id := first; ; id++ {
			if d, ok := u.take(id); ok {
				visit(id, d)
			}
			if id == last {
				return
			}
		}
	}
	for id, d := range u.far {
		if id >= first && id <= last {
			delete(u.far, id)
			visit(id, d)
		}
	}
	for off := 0; off < u.span; off++ {
		s := u.slot(off)
		if id := u.base + uint32(off); s.link != nil && id >= first && id <= last {
			d := *s
			*s = outDelivery{}
			u.live--
			visit(id, d)
		}
	}
	u.trim()
}

// removeLink forgets every delivery sent on l.
func (u *unsettledSet) removeLink(l *linkState) {
	for id, d := range u.far {
		if d.link == l {
			delete(u.far, id)
		}
	}
	for off := 0; off < u.span; off++ {
		if s := u.slot(off); s.link == l {
			*s = outDelivery{}
			u.live--
		}
	}
	u.trim()
}

// popHead moves the first slot out of the ring, to the map if it holds a
// delivery.
func (u *unsettledSet) popHead() {
	s := u.slot(0)
	if s.link != nil {
		if u.far == nil {
			u.far = map[uint32]outDelivery{}
		}
		u.far[u.base] = *s
		*s = outDelivery{}
		u.live--
	}
	u.head = (u.head + 1) & (len(u.ring) - 1)
	u.base++
	u.span--
}

// trim drops the holes at the front, so base is the oldest delivery's id.
func (u *unsettledSet) trim() {
	for u.span > 0 && u.slot(0).link == nil {
		u.head = (u.head + 1) & (len(u.ring) - 1)
		u.base++
		u.span--
	}
	if u.span == 0 {
		u.head = 0
	}
}

// grow makes room for n slots, keeping the ones in use in order.
func (u *unsettledSet) grow(n int) {
	size := max(len(u.ring), 16)
	for size < n {
		size *= 2
	}
	ring := make([]outDelivery, size)
	for off := 0; off < u.span; off++ {
		ring[off] = *u.slot(off)
	}
	u.ring, u.head = ring, 0
}
