package model

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// With faults injected during a bulk resubmit (connections dropped, the
// server busy), the summary matches what the broker holds and no message
// is lost: active + DLQ accounts for every one.
func TestBulkResubmitUnderFaultsLosesNothing(t *testing.T) {
	const n = 40
	var dropped int
	for _, tc := range []struct {
		name string
		arm  func(e *actionEnv)
	}{
		{"connections dropped", func(e *actionEnv) {
			var once sync.Once
			e.h.app.sh.timeout = 10 * time.Second
			resubmitHook = func(p sbsvc.ResubmitProgress) {
				if p.Moved >= 10 {
					once.Do(func() { dropped = e.em.Faults.DropConnections() })
				}
			}
		}},
		{"server busy", func(e *actionEnv) {
			e.em.Faults.FailNext(emulator.OpSend, 9, emulator.FaultServerBusy)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { resubmitHook = nil })
			e := newActionEnv(t, Options{})
			q := e.queue(broker.Properties{}, n)
			e.deadLetter(q.Name, n, func(int) string { return "bad" })
			q = e.entity(q.Name)
			tc.arm(e)
			e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.DeadLetter, all: true})
			e.h.press("enter")
			bv, ok := e.h.app.top().(*bulkView)
			if !ok || bv.summary == nil {
				t.Fatalf("no summary: %T", e.h.app.top())
			}
			t.Logf("summary: %v %v", bv.summary.lines, bv.summary.errors)
			moved, failed, dups := summaryCount(t, bv, "moved:"), summaryCount(t, bv, "failed:"), summaryCount(t, bv, "possible duplicates:")
			var c sbsvc.Counts
			deadline := time.Now().Add(10 * time.Second)
			for {
				// Locks stranded by a dropped connection come back when the
				// broker's clock passes them; the fake clock moves them on.
				c = e.counts(q.Name)
				if c.Active+c.DeadLetter >= n || time.Now().After(deadline) {
					break
				}
				e.h.advance(2 * time.Minute)
				e.em.Broker.Tick()
			}
			if c.Active != int64(moved+dups) && c.Active < int64(moved) {
				t.Errorf("summary moved %d (+%d duplicates), the queue holds %d", moved, dups, c.Active)
			}
			if c.Active+c.DeadLetter < n {
				t.Fatalf("lost messages: active %d + DLQ %d < %d (summary moved %d failed %d dups %d)", c.Active, c.DeadLetter, n, moved, failed, dups)
			}
			if int64(moved) != c.Active-int64(dups) && tc.name == "server busy" {
				t.Errorf("server busy: moved %d, active %d", moved, c.Active)
			}
			if tc.name == "server busy" && (failed == 0 || c.DeadLetter != int64(failed)) {
				t.Errorf("server busy: failed %d, DLQ holds %d", failed, c.DeadLetter)
			}
			if tc.name == "connections dropped" && dropped == 0 {
				t.Error("no connection was dropped during the run")
			}
			if failed > 0 && !strings.Contains(e.h.screen(), "failures:") {
				t.Errorf("failures not listed:\n%s", e.h.screen())
			}
		})
	}
}

// summaryCount reads "label   N" from the summary.
func summaryCount(t *testing.T, v *bulkView, label string) int {
	t.Helper()
	for _, l := range v.summary.lines {
		if strings.HasPrefix(l, label) {
			var n int
			rest := strings.TrimSpace(strings.TrimPrefix(l, label))
			for _, r := range rest {
				if r < '0' || r > '9' {
					break
				}
				n = n*10 + int(r-'0')
			}
			return n
		}
	}
	t.Fatalf("summary has no %q: %v", label, v.summary.lines)
	return 0
}

// Esc while a job runs cancels it and stays for the summary; the next Esc
// leaves.
func TestBulkEscCancelsThenLeaves(t *testing.T) {
	h := newHarness(t)
	started := make(chan struct{})
	bv, cmd := newBulkView(h.app.sh, bulkJob{title: "slow", crumb: "slow", total: 10,
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			c.done.Add(3)
			close(started)
			<-ctx.Done()
			return bulkSummary{lines: []string{"moved: 3", "cancelled"}, warn: true, toast: "cancelled after 3"}
		}})
	h.app.navigate(h.app.top(), &navigation{push: bv})
	done := make(chan struct{})
	go func() { defer close(done); h.run(cmd) }()
	<-started
	// The key arrives while the job runs (the harness's run loop is busy
	// with the job, so drive the view as the App would).
	if _, leave := bv.beforeLeave(); leave {
		t.Fatal("esc left a running job")
	}
	<-done
	if bv.running || bv.summary == nil || !bv.cancelling {
		t.Fatalf("running %v summary %v", bv.running, bv.summary)
	}
	h.mustSee("moved: 3", "cancelled")
	if !strings.Contains(h.screen(), "3/10") {
		t.Fatalf("progress not shown:\n%s", h.screen())
	}
	depth := h.depth()
	h.press("esc")
	if h.depth() != depth-1 {
		t.Fatal("esc after the end did not leave")
	}
}

// Redraw ticks run at most ten a second and stop with the job.
func TestBulkTicksAreThrottled(t *testing.T) {
	h := newHarness(t)
	release := make(chan struct{})
	bv, cmd := newBulkView(h.app.sh, bulkJob{title: "t", crumb: "t", total: 100,
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			<-release
			c.done.Store(100)
			return bulkSummary{toast: "done"}
		}})
	h.app.navigate(h.app.top(), &navigation{push: bv})
	ticks := 0
	h.app.sh.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if d < bulkTickEvery {
			t.Errorf("a redraw tick every %v", d)
		}
		ticks++
		return nil
	}
	_ = cmd
	for range 5 {
		bv.update(bulkTickMsg{view: bv.vid, gen: bv.tickGen})
	}
	if ticks != 5 {
		t.Fatalf("%d ticks re-armed, want 5 (one per tick)", ticks)
	}
	close(release)
	bv.update(bulkDoneMsg{view: bv.vid, summary: bulkSummary{toast: "done"}})
	if c, _ := bv.update(bulkTickMsg{view: bv.vid, gen: bv.tickGen}); c != nil || ticks != 5 {
		t.Fatal("ticks go on after the job ended")
	}
}
