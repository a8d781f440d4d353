package sbsvc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// These benchmarks time sbsvc's Resubmit and Purge alone, without the
// one-at-a-time baselines or the filling of the queues, so that a profile
// and the CPU figure show only the operation being tuned. The budgets are
// checked by BenchmarkResubmit10k and BenchmarkPurge10k; these are for
// finding where the time goes.
//
// With SBX_PERF_PROFILE=dir each timed window is written to
// dir/<name>-<i>.prof (merge them with `go tool pprof -top a.prof b.prof`).

// perfWindow measures one timed section: wall time, and the CPU the whole
// process (client, emulator and garbage collector together) spent in it.
type perfWindow struct {
	wall, cpu time.Duration
	profiles  int
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f as one window, profiled when SBX_PERF_PROFILE is set.
func (w *perfWindow) measure(b *testing.B, name string, f func()) {
	dir := os.Getenv("SBX_PERF_PROFILE")
	if dir != "" {
		out, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.prof", name, w.profiles)))
		if err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
		w.profiles++
	}
	c0, t0 := processCPU(), time.Now()
	f()
	w.wall += time.Since(t0)
	w.cpu += processCPU() - c0
}

func (w *perfWindow) report(b *testing.B, perOp int) {
	msgs := float64(b.N * perOp)
	b.ReportMetric(msgs/w.wall.Seconds(), "msg/s")
	b.ReportMetric(float64(w.cpu.Microseconds())/msgs, "cpu-µs/msg")
}

// BenchmarkResubmitAlone resubmits 10,000 dead-lettered messages per run.
func BenchmarkResubmitAlone(b *testing.B) {
	const n = 10_000
	em := startEmulator(b, emulator.Config{})
	ns := connectEmulator(b, em, nil)
	audit := auditPath(b)
	var w perfWindow
	for b.Loop() {
		b.StopTimer()
		q := fillDLQDirect(b, em, n)
		target := newQueue(b, em, broker.Properties{})
		b.StartTimer()
		w.measure(b, "resubmit", func() {
			res, err := ns.Resubmit(context.Background(), EntityRef{Queue: q, SubQueue: DeadLetter},
				ResubmitOptions{Target: target, AuditPath: audit})
			if err != nil || len(res.Moved) != n {
				b.Fatalf("Resubmit: %v %+v", err, res.Progress())
			}
		})
		// Nothing lost: the source is empty and the target holds every copy.
		if info, err := em.Broker.GetQueue(q); err != nil || info.Counts.DeadLetter != 0 || info.Counts.Active != 0 {
			b.Fatalf("source left: %+v %v", info.Counts, err)
		}
		if info, err := em.Broker.GetQueue(target); err != nil || info.Counts.Active != n {
			b.Fatalf("target: %+v %v", info.Counts, err)
		}
		if err := em.Broker.DeleteQueue(q); err != nil {
			b.Fatal(err)
		}
		if err := em.Broker.DeleteQueue(target); err != nil {
			b.Fatal(err)
		}
	}
	w.report(b, n)
}

// BenchmarkPurgeAlone purges 10,000 messages per run.
func BenchmarkPurgeAlone(b *testing.B) {
	const n = 10_000
	em := startEmulator(b, emulator.Config{})
	ns := connectEmulator(b, em, nil)
	var w perfWindow
	for b.Loop() {
		b.StopTimer()
		q := newQueue(b, em, broker.Properties{})
		loadBroker(b, em, q, n, 512, 0)
		b.StartTimer()
		w.measure(b, "purge", func() {
			res, err := ns.Purge(context.Background(), EntityRef{Queue: q}, PurgeOptions{})
			if err != nil || res.Purged != n {
				b.Fatalf("Purge: %v %+v", err, res)
			}
		})
		if err := em.Broker.DeleteQueue(q); err != nil {
			b.Fatal(err)
		}
	}
	w.report(b, n)
}
