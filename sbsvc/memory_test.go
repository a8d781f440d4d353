package sbsvc

import (
	"runtime"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// TestPeekMemoryBudget holds 100,000 peeked 1 KB messages and checks the
// heap they keep alive is under twice their body bytes (the budget).
// The emulator runs in the same process, so its copy is in the baseline.
func TestPeekMemoryBudget(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 100,000 messages; measured without -short and -race")
	}
	const n, size = 100_000, 1024
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{MaxSizeInMegabytes: 5 * 1024})
	loadBroker(t, em, q, n, size, 0)
	ns := connectEmulator(t, em, nil)

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	var pages []Page
	from, got := int64(0), 0
	start := time.Now()
	for {
		page, err := ns.Peek(ctxT(t, 30*time.Second), EntityRef{Queue: q}, from, MaxPeekPage)
		if err != nil {
			t.Fatal(err)
		}
		if page.End {
			break
		}
		got += len(page.Messages)
		from = page.Next
		pages = append(pages, page)
	}
	elapsed := time.Since(start)

	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(pages)

	if got != n {
		t.Fatalf("peeked %d of %d", got, n)
	}
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	budget := int64(2 * n * size)
	t.Logf("peeked %d messages in %v; heap held %.1f MB for %.1f MB of bodies (%.2fx)",
		n, elapsed, float64(held)/1e6, float64(n*size)/1e6, float64(held)/float64(n*size))
	if held > budget {
		t.Errorf("heap held %d bytes, budget %d (2x body bytes)", held, budget)
	}
}
