package emulator_test

import (
	"sync"
	"testing"
	"time"
)

// The attribution the benchmarks report charges a labelled goroutine's CPU
// to the emulator and an unlabelled one's to the client: two goroutines
// spinning for the same time come out at about the same share.
func TestProfileAttributionSplitsBySide(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles half a second of spinning")
	}
	spin := func(d time.Duration) {
		x := 0
		for end := time.Now().Add(d); time.Now().Before(end); {
			for i := range 1000 {
				x += i
			}
		}
		_ = x
	}
	shares, ok := profileRun(func() {
		var wg sync.WaitGroup
		underEmulatorLabel(func() { wg.Go(func() { spin(400 * time.Millisecond) }) })
		wg.Go(func() { spin(400 * time.Millisecond) })
		wg.Wait()
	})
	if !ok {
		t.Skip("CPU profiling is unavailable (another profile is running)")
	}
	if shares.emulator == 0 || shares.client == 0 {
		t.Fatalf("emulator %v, client %v: a side got no samples", time.Duration(shares.emulator), time.Duration(shares.client))
	}
	if r := float64(shares.emulator) / float64(shares.client); r < 1.0/3 || r > 3 {
		t.Fatalf("emulator %v against client %v for equal spinning", time.Duration(shares.emulator), time.Duration(shares.client))
	}
}
