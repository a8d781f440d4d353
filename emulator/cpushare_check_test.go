package emulator_test

import (
	"strings"
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
	spin := spinFor
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

// spinFor keeps a CPU busy for d.
//
//go:noinline
func spinFor(d time.Duration) {
	x := 0
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := range 1000 {
			x += i
		}
	}
	_ = x
}

// The busiest goroutine is told apart by the function it started in, and
// its share is its CPU against the run's wall time: an emulator goroutine
// that spins the whole run is near 100% (on a quiet machine), and a second
// one beside it, started in another function, is counted apart.
func TestProfileBusiestGoroutine(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles half a second of spinning")
	}
	shares, ok := profileRun(func() {
		var wg sync.WaitGroup
		underEmulatorLabel(func() {
			wg.Go(func() { spinFor(400 * time.Millisecond) })
			wg.Go(func() { spinFor(400 * time.Millisecond) })
		})
		wg.Wait()
	})
	if !ok {
		t.Skip("CPU profiling is unavailable (another profile is running)")
	}
	// Samples taken in the runtime (and, under -race, in the race
	// runtime) may form small groups of their own.
	var spinners []int64
	var spun int64
	for fn, ns := range shares.byGoroutine {
		if strings.Contains(fn, "TestProfileBusiestGoroutine") {
			spinners = append(spinners, ns)
			spun += ns
		}
	}
	if len(spinners) != 2 || float64(spun) < 0.8*float64(shares.emulator) {
		t.Fatalf("emulator CPU by goroutine: %v, want most of it in the two spinners", shares.byGoroutine)
	}
	for _, ns := range spinners {
		if r := float64(ns) / float64(spun); r < 0.25 || r > 0.75 {
			t.Fatalf("emulator CPU by goroutine: %v, want the spinners about even", shares.byGoroutine)
		}
	}
	// The spinners are on a CPU for the whole run unless other processes
	// crowd the machine (go test runs packages side by side), so only a
	// loose lower bound holds everywhere.
	if _, share := shares.busiestGoroutine(); share < 0.1 || share > 1.2 {
		t.Fatalf("busiest goroutine on a CPU %.0f%% of the run, want near 100%%", 100*share)
	}
}
