package broker

// entryHeap is a binary min-heap of entries that records each entry's
// position in the entry itself (through slot), so an entry can be removed or
// re-ordered in O(log n) without a per-message timer or goroutine.
type entryHeap struct {
	items []*entry
	less  func(a, b *entry) bool
	slot  func(e *entry) *int32
}

func (h *entryHeap) Len() int { return len(h.items) }

// Min is the smallest entry, or nil.
func (h *entryHeap) Min() *entry {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0]
}

// Contains reports whether e is in this heap.
func (h *entryHeap) Contains(e *entry) bool {
	i := *h.slot(e)
	return i >= 0 && int(i) < len(h.items) && h.items[i] == e
}

func (h *entryHeap) Push(e *entry) {
	if h.Contains(e) {
		h.Fix(e)
		return
	}
	h.items = append(h.items, e)
	i := len(h.items) - 1
	*h.slot(e) = int32(i)
	h.up(i)
}

// Pop removes and returns the smallest entry, or nil.
func (h *entryHeap) Pop() *entry {
	if len(h.items) == 0 {
		return nil
	}
	e := h.items[0]
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
	if !h.down(i) {
		h.up(i)
	}
}

func (h *entryHeap) removeAt(i int) {
	last := len(h.items) - 1
	removed := h.items[i]
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	*h.slot(removed) = -1
	if i < last && !h.down(i) {
		h.up(i)
	}
	if cap(h.items) > 1024 && len(h.items) < cap(h.items)/4 {
		h.items = append([]*entry(nil), h.items...)
	}
}

func (h *entryHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.slot(h.items[i]) = int32(i)
	*h.slot(h.items[j]) = int32(j)
}

func (h *entryHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(h.items[i], h.items[parent]) {
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
		if right := left + 1; right < n && h.less(h.items[right], h.items[left]) {
			child = right
		}
		if !h.less(h.items[child], h.items[i]) {
			break
		}
		h.swap(i, child)
		i = child
	}
	return i > start
}
