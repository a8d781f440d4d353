package broker

// entryHeap is a binary min-heap of entries that records each entry's
// position in the entry itself, so an entry can be removed or re-ordered in
// O(log n) without a per-message timer or goroutine.
//
// Every lock, settlement and receive moves entries through these heaps, so
// they are kept cheap: the ordering is a fixed kind rather than a function
// value (no indirect calls), and each item carries its sort key, so sifting
// compares adjacent memory instead of chasing every entry pointer.
//
// Most pushes come in order: a queue fills in sequence order, and locks
// taken one after another with the same duration expire in that order too.
// Such pushes go to a sorted run beside the heap instead, where taking the
// smallest or removing any entry costs O(1) instead of a sift through
// entries far apart in memory; only out-of-order pushes (an abandoned
// message, a renewed lock) enter the heap proper.
type entryHeap struct {
	items []heapItem
	order heapOrder

	// run is sorted by key and sequence number; removed items stay as
	// holes (e nil) until the head passes them or the run is compacted.
	// An entry in the run records its position as runPos(index).
	run     []heapItem
	runHead int // first index that may hold a live item
	runLive int // live items in the run
}

// runPos encodes an index into the run as an entry's position field: heap
// positions are >= 0 and -1 means "in neither".
func runPos(j int) int32 { return int32(-2 - j) }

func runIndex(pos int32) int { return int(-2 - pos) }

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

func (h *entryHeap) Len() int { return len(h.items) + h.runLive }

// Min is the smallest entry, or nil.
func (h *entryHeap) Min() *entry {
	if j := h.runMin(); j >= 0 {
		return h.run[j].e
	}
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0].e
}

// runMin is the run's head when it is smaller than the heap's root, else
// -1 (heap root or empty).
func (h *entryHeap) runMin() int {
	if h.runLive == 0 {
		return -1
	}
	for h.run[h.runHead].e == nil {
		h.runHead++
	}
	if len(h.items) > 0 && h.less(&h.items[0], &h.run[h.runHead]) {
		return -1
	}
	return h.runHead
}

// Contains reports whether e is in this heap.
func (h *entryHeap) Contains(e *entry) bool {
	i := *h.slot(e)
	if i <= -2 {
		j := runIndex(i)
		return j < len(h.run) && h.run[j].e == e
	}
	return i >= 0 && int(i) < len(h.items) && h.items[i].e == e
}

func (h *entryHeap) Push(e *entry) {
	if h.Contains(e) {
		h.Fix(e)
		return
	}
	it := h.item(e)
	if h.order != byExpiryOrder {
		if h.runLive == 0 {
			h.resetRun()
		}
		// In order after the run's last item (removed or not): the run
		// stays sorted.
		if n := len(h.run); n == 0 || h.less(&h.run[n-1], &it) {
			h.run = append(h.run, it)
			h.runLive++
			*h.slot(e) = runPos(n)
			return
		}
	}
	h.items = append(h.items, it)
	i := len(h.items) - 1
	*h.slot(e) = int32(i)
	h.up(i)
}

// Pop removes and returns the smallest entry, or nil.
func (h *entryHeap) Pop() *entry {
	if j := h.runMin(); j >= 0 {
		e := h.run[j].e
		h.removeFromRun(j)
		return e
	}
	if len(h.items) == 0 {
		return nil
	}
	e := h.items[0].e
	h.removeAt(0)
	return e
}

// Remove takes e out of the heap if it is there.
func (h *entryHeap) Remove(e *entry) {
	if !h.Contains(e) {
		return
	}
	if i := *h.slot(e); i <= -2 {
		h.removeFromRun(runIndex(i))
		return
	}
	h.removeAt(int(*h.slot(e)))
}

// Fix restores order after e's key changed.
func (h *entryHeap) Fix(e *entry) {
	if !h.Contains(e) {
		return
	}
	if i := *h.slot(e); i <= -2 {
		// Its place in the run may be wrong now: push it afresh.
		h.removeFromRun(runIndex(i))
		h.Push(e)
		return
	}
	i := int(*h.slot(e))
	h.items[i] = h.item(e)
	if !h.down(i) {
		h.up(i)
	}
}

// removeFromRun leaves a hole at run index j.
func (h *entryHeap) removeFromRun(j int) {
	*h.slot(h.run[j].e) = -1
	h.run[j].e = nil
	h.runLive--
	switch {
	case h.runLive == 0:
		h.resetRun()
	case j == h.runHead:
		for h.run[h.runHead].e == nil {
			h.runHead++
		}
		if h.runHead > 64 && h.runHead*2 > len(h.run) {
			h.compactRun()
		}
	case len(h.run)-h.runHead > 64 && h.runLive*4 < len(h.run)-h.runHead:
		// Mostly holes behind a head that stays (a lock held long
		// while later ones are settled): squeeze them out.
		h.compactRun()
	}
}

// compactRun moves the run's live items to its front, in order, and
// renumbers them; each item moved was preceded by at least as many holes
// or heads passed, so the work stays O(1) per operation on average.
func (h *entryHeap) compactRun() {
	n := 0
	for j := h.runHead; j < len(h.run); j++ {
		if it := h.run[j]; it.e != nil {
			h.run[n] = it
			*h.slot(it.e) = runPos(n)
			n++
		}
	}
	tail := h.run[n:]
	for j := range tail {
		tail[j] = heapItem{}
	}
	// Removed items at the end keep their keys out of the order check:
	// the run ends at its last live item now.
	h.run = h.run[:n]
	h.runHead = 0
	if cap(h.run) > 1024 && n < cap(h.run)/4 {
		h.run = append([]heapItem(nil), h.run...)
	}
}

// resetRun empties the run (no live items left), keeping modest memory.
func (h *entryHeap) resetRun() {
	clear(h.run)
	h.run = h.run[:0]
	if cap(h.run) > 1024 {
		h.run = nil
	}
	h.runHead = 0
}

// reset empties the heap without touching its entries' position fields.
func (h *entryHeap) reset() {
	h.items, h.run, h.runHead, h.runLive = nil, nil, 0, 0
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
