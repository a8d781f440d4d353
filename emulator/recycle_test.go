package emulator

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// payloadOf returns n bytes that differ from a payload made with another seed.
func payloadOf(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i%251)
	}
	return b
}

// collectUntil runs up to rounds collections (finalizers run on their own
// goroutine, after one) until done reports true.
func collectUntil(rounds int, done func() bool) bool {
	for range rounds {
		runtime.GC()
		time.Sleep(2 * time.Millisecond)
		if done() {
			return true
		}
	}
	return false
}

// spareHeld reports whether the pool holds the allocation starting at base.
func spareHeld(base uintptr) bool {
	spares.Lock()
	defer spares.Unlock()
	for c := range spares.slots {
		for s := range spares.slots[c] {
			for _, b := range spares.slots[c][s] {
				if uintptr(unsafe.Pointer(unsafe.SliceData(b))) == base {
					return true
				}
			}
		}
	}
	return false
}

// A large copy nobody refers to any more comes back as the memory of a later
// copy of about its size, holding the new bytes.
func TestOwnedCopyRecyclesUnreachableMemory(t *testing.T) {
	const n = 100_003 // a size no other test in the package copies
	first := ownedCopy(payloadOf(n, 1))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(first)))
	first = nil
	_ = first
	if !collectUntil(1000, func() bool { return spareHeld(base) }) {
		t.Fatal("an unreachable copy never reached the pool")
	}
	want := payloadOf(n-100, 2)
	second := ownedCopy(want)
	if got := uintptr(unsafe.Pointer(unsafe.SliceData(second))); got != base {
		t.Fatalf("the next copy of about the same size got fresh memory (%#x), not the spare (%#x)", got, base)
	}
	if !bytes.Equal(second, want) {
		t.Fatal("a recycled copy does not hold the bytes it was asked to copy")
	}
}

// As long as any part of a copy is referenced (a message body cut from a
// batch, say) it is neither pooled nor handed out again, and its bytes stay
// as they were.
func TestOwnedCopyIsNotRecycledWhileReferenced(t *testing.T) {
	const n = 150_001
	orig := payloadOf(n, 3)
	first := ownedCopy(orig)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(first)))
	body := first[1000:2000] // what a stored message keeps
	first = nil
	_ = first
	if collectUntil(10, func() bool { return spareHeld(base) }) {
		t.Fatal("a copy was pooled while a slice of it was still referenced")
	}
	for range 3 {
		other := ownedCopy(payloadOf(n, 4))
		if uintptr(unsafe.Pointer(unsafe.SliceData(other))) == base {
			t.Fatal("a copy still referenced was handed out again")
		}
	}
	if !bytes.Equal(body, orig[1000:2000]) {
		t.Fatal("the referenced bytes changed")
	}
	runtime.KeepAlive(body)
}

// Any spare in the slot a copy of n bytes looks in holds n bytes, and wastes
// at most two slots' width (an eighth of its power-of-two class).
func TestSpareSlotsFit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		n := minRecycled + r.IntN(maxRecycled-minRecycled)
		class, slot := slotFor(n)
		// The smallest and largest capacity filed into that slot.
		lo := slotStart(class, slot)
		hi := lo + 1<<(class-4) - 1
		if c, s := slotOf(lo); c != class || s != slot {
			t.Fatalf("n=%d: slot (%d,%d) starts at %d, which files into (%d,%d)", n, class, slot, lo, c, s)
		}
		if lo < n {
			t.Fatalf("n=%d: a spare of %d bytes in its slot is too small", n, lo)
		}
		if waste, limit := hi-n, 1<<class/8; waste > limit {
			t.Fatalf("n=%d: a spare of %d bytes wastes %d, more than %d", n, hi, waste, limit)
		}
	}
}

// The pool never holds more than maxSpareBytes: what does not fit is left to
// the collector.
func TestSparePoolIsBounded(t *testing.T) {
	spares.Lock()
	before := spares.bytes
	spares.Unlock()
	for range 2 * maxSpareBytes / (1 << 20) {
		putSpare(make([]byte, 1<<20))
	}
	spares.Lock()
	held := spares.bytes
	spares.Unlock()
	if held > maxSpareBytes {
		t.Fatalf("the pool holds %d bytes, over its bound of %d", held, maxSpareBytes)
	}
	if held <= before {
		t.Fatalf("the pool took nothing (%d bytes before, %d after)", before, held)
	}
	// Leave the pool as other tests expect it: drain what this test put.
	class, slot := slotOf(1 << 20)
	for takeSpare(class, slot) != nil {
	}
}
