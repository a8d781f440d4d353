package broker

// entryHeap is a binary min-heap of entries that records each entry's
// position in the entry itself, so an entry can be removed or re-ordered in
// O(log n) without a per-message timer or goroutine.
//
// Every lock, settlement and receive moves entries through these heaps, so
// they are kept cheap: the ordering is a fixed kind rather than a function
// value (no indirect calls), and each item carries its sort key, so sifting
// compares adjacent memory instead of chasing every entry pointer.
type entryHeap struct {
	items []heapItem
	order heapOrder
}

// heapOrder is what a heap sorts by; it also picks the entry's position
// field.
type heapOrder uint8

const (
	bySeqOrder    heapOrder = iota // sequence number (availIdx)
	byTimerOrder                   // timerAt, then sequence number (timerIdx)
	byExpiryOrder                  // message expiry, then sequence number (expIdx)
)

// heapItem is an entry with its sort key as of its last Push or Fix. The
// expiry order compares the entries' times instead (a time.Time does not
// fit an int64 over its whole range).
type heapItem struct {
	key, seq int64
	e        *entry
}

func newEntryHeap(order heapOrder) entryHeap { return entryHeap{order: order} }

func (h *entryHeap) item(e *entry) heapItem {
	it := heapItem{key: e.seq, seq: e.seq, e: e}
	if h.order == byTimerOrder {
		it.key = e.timerAt
	}
	return it
}

func (h *entryHeap) less(a, b *heapItem) bool {
	if h.order == byExpiryOrder {
		return byExpiry(a.e, b.e)
	}
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

func (h *entryHeap) slot(e *entry) *int32 {
	switch h.order {
	case byTimerOrder:
		return &e.timerIdx
	case byExpiryOrder:
		return &e.expIdx
	}
	return &e.availIdx
}

func (h *entryHeap) Len() int { return len(h.items) }

// Min is the smallest entry, or nil.
func (h *entryHeap) Min() *entry {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0].e
}

// Contains reports whether e is in this heap.
func (h *entryHeap) Contains(e *entry) bool {
	i := *h.slot(e)
	return i >= 0 && int(i) < len(h.items) && h.items[i].e == e
}

func (h *entryHeap) Push(e *entry) {
	if h.Contains(e) {
		h.Fix(e)
		return
	}
	h.items = append(h.items, h.item(e))
	i := len(h.items) - 1
	*h.slot(e) = int32(i)
	h.up(i)
}

// Pop removes and returns the smallest entry, or nil.
func (h *entryHeap) Pop() *entry {
	if len(h.items) == 0 {
		return nil
	}
	e := h.items[0].e
	h.removeAt(0)
	return e
}

// Remove takes e out of the heap if it is there.
func (h *entryHeap) Remove(e *entry) {
	if h.Contains(e) {
		h.removeAt(int(*h.slot(e)))
	}
}

// Fix restores order after e's key changed.
func (h *entryHeap) Fix(e *entry) {
	if !h.Contains(e) {
		return
	}
	i := int(*h.slot(e))
	h.items[i] = h.item(e)
	if !h.down(i) {
		h.up(i)
	}
}

func (h *entryHeap) removeAt(i int) {
	last := len(h.items) - 1
	removed := h.items[i].e
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = heapItem{}
	h.items = h.items[:last]
	*h.slot(removed) = -1
	if i < last && !h.down(i) {
		h.up(i)
	}
	if cap(h.items) > 1024 && len(h.items) < cap(h.items)/4 {
		h.items = append([]heapItem(nil), h.items...)
	}
}

func (h *entryHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.slot(h.items[i].e) = int32(i)
	*h.slot(h.items[j].e) = int32(j)
}

func (h *entryHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(&h.items[i], &h.items[parent]) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

// down sifts i down and reports whether it moved.
func (h *entryHeap) down(i int) bool {
	start := i
	n := len(h.items)
	for {
		left := 2*i + 1
		if left >= n {
			break
		}
		child := left
		if right := left + 1; right < n && h.less(&h.items[right], &h.items[left]) {
			child = right
		}
		if !h.less(&h.items[child], &h.items[i]) {
			break
		}
		h.swap(i, child)
		i = child
	}
	return i > start
}
