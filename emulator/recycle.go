package emulator

import (
	"math/bits"
	"runtime"
	"sync"
	"unsafe"
)

// Recycling the memory received messages are stored in.
//
// Every transfer a client sends is copied out of the connection's buffers
// into memory of its own (decodeTransfer), which the stored messages then
// alias. Once those messages are gone (completed, purged, their queue
// deleted) the copy is garbage, the runtime soon hands its pages back to
// the OS, and the next batches fault fresh pages in: in the SendBatch
// benchmark about half of the emulator's CPU went to those faults. So large
// copies are recycled instead. Each carries a finalizer, which the garbage
// collector runs only once nothing at all refers to any byte of it (no
// stored message, no snapshot being delivered or peeked, no property value
// taken from it), and which puts it into a pool for a later transfer. The
// collector deciding is what makes reuse safe: no reference counting to get
// wrong. The pool is bounded (maxSpareBytes); a sync.Pool would not do, as
// it drops what it holds at every other collection, and a burst of
// transfers runs through several.

const (
	// minRecycled is the smallest copy worth a finalizer: a single 1 KB
	// message is cheap to allocate, a batch of them is not.
	minRecycled = 16 << 10
	// maxRecycled bounds what is kept back from the collector per copy.
	maxRecycled = 16 << 20
	// maxSpareBytes bounds the memory the pool holds: a spare beyond it is
	// left to the collector.
	maxSpareBytes = 32 << 20
)

// Spare copies are pooled by capacity in slots: each power-of-two size
// class is cut into slotsPerClass equal slots, and a spare sits in the slot
// its capacity falls in. A copy of n bytes takes a spare from the first slot
// that starts at or above n, so any spare it finds fits, and wastes at most
// two slots' width (an eighth of the class); a new copy is given exactly
// that slot's starting size, so it comes back to the same slot.
const slotsPerClass = 16

var spares struct {
	sync.Mutex
	slots [bits.UintSize][slotsPerClass][][]byte // stacks: the last put is the warmest
	bytes int
}

// takeSpare pops a spare from a slot, emptied; nil when there is none.
func takeSpare(class, slot int) []byte {
	spares.Lock()
	defer spares.Unlock()
	stack := spares.slots[class][slot]
	if len(stack) == 0 {
		return nil
	}
	buf := stack[len(stack)-1]
	stack[len(stack)-1] = nil
	spares.slots[class][slot] = stack[:len(stack)-1]
	spares.bytes -= cap(buf)
	return buf[:0]
}

// putSpare pools buf unless the pool is full.
func putSpare(buf []byte) {
	class, slot := slotOf(cap(buf))
	spares.Lock()
	defer spares.Unlock()
	if spares.bytes+cap(buf) > maxSpareBytes {
		return
	}
	spares.slots[class][slot] = append(spares.slots[class][slot], buf)
	spares.bytes += cap(buf)
}

// slotOf is the slot a capacity of c bytes falls in; c >= minRecycled.
func slotOf(c int) (class, slot int) {
	class = bits.Len(uint(c)) - 1
	return class, (c - 1<<class) >> (class - 4)
}

// slotStart is the smallest capacity filed into a slot.
func slotStart(class, slot int) int {
	return 1<<class + slot<<(class-4)
}

// slotFor is the first slot whose spares all hold n bytes.
func slotFor(n int) (class, slot int) {
	class, slot = slotOf(n)
	if n > slotStart(class, slot) {
		if slot++; slot == slotsPerClass {
			class, slot = class+1, 0
		}
	}
	return class, slot
}

// ownedCopy returns a copy of payload in memory nobody else refers to,
// recycled when it is large enough.
func ownedCopy(payload []byte) []byte {
	n := len(payload)
	if n < minRecycled || n > maxRecycled {
		return append([]byte(nil), payload...) // no zeroing: append copies into fresh memory
	}
	class, slot := slotFor(n)
	buf := takeSpare(class, slot)
	if buf == nil {
		// Exactly the slot's size, so it is filed back into this slot.
		buf = make([]byte, 0, slotStart(class, slot))
	}
	buf = append(buf, payload...)
	recycleWhenUnreachable(unsafe.SliceData(buf), cap(buf))
	return buf
}

// recycleWhenUnreachable has the collector hand the allocation starting at
// base, of size bytes, back to the pool once it is unreachable. It takes
// the pointer and the size rather than the slice so the finalizer cannot
// keep the buffer alive by capturing it.
func recycleWhenUnreachable(base *byte, size int) {
	runtime.SetFinalizer(base, func(p *byte) { putSpare(unsafe.Slice(p, size)) })
}
