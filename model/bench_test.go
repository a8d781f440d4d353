package model

// Benchmarks for the "Budgets" section of the TUI issue. Run with
//
//	go test ./model/ -run '^$' -bench . -benchmem -count 5
//
// Budgets: View() of the message list ≤ 2 ms at 100,000 rows and ≤ 1.5× its
// cost at 1,000 rows (metric x-1k); a cursor move re-renders in ≤ 2 ms; the
// first frame ≤ 200 ms (connection excluded); ≤ 1 KB per loaded message row
// beyond the body (metric B/row).

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// sharedBody is one JSON body every generated message points at, so the
// memory benchmark counts it once and the per-row figure is "beyond the
// body"; it is long enough to fill the preview column.
var sharedBody = []byte(`{"orderId":"3f2a9c1e-8b7d-4e2f-a1c3-5d6e7f8a9b0c","customer":{"id":48213,"name":"Ada Lovelace","tier":"gold"},"lines":[{"sku":"SKU-1001","qty":2,"price":19.99},{"sku":"SKU-2002","qty":1,"price":5.25}],"total":45.23,"currency":"EUR"}`)

// seqConn serves n active messages numbered 1..n. Every Peek builds fresh
// messages (new strings and property maps) the way a real connection
// decodes them from the wire, so the view alone holds what it keeps.
type seqConn struct {
	n int64
}

func (c *seqConn) Info() sbsvc.NamespaceInfo { return sbsvc.NamespaceInfo{Name: "bench"} }

func (c *seqConn) ListEntities(context.Context) (sbsvc.Listing, error) {
	q := sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: "orders", Ref: sbsvc.EntityRef{Queue: "orders"},
		CountsKnown: true, Counts: sbsvc.Counts{Active: c.n}, Status: "Active"}
	return sbsvc.Listing{Queues: []sbsvc.Entity{q}}, nil
}

func (c *seqConn) ListSubscriptions(context.Context, string) ([]sbsvc.Entity, error) {
	return nil, nil
}

func (c *seqConn) Peek(_ context.Context, ref sbsvc.EntityRef, from int64, max int) (sbsvc.Page, error) {
	p := sbsvc.Page{Ref: ref, Next: from}
	if ref.SubQueue != sbsvc.Active || from > c.n {
		p.End = true
		return p, nil
	}
	last := min(from+int64(max)-1, c.n)
	enq := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	for seq := from; seq <= last; seq++ {
		p.Messages = append(p.Messages, sbsvc.Message{
			SequenceNumber: seq,
			MessageID:      fmt.Sprintf("order-%08d", seq),
			CorrelationID:  fmt.Sprintf("corr-%08d", seq),
			Subject:        "order.created",
			ContentType:    "application/json",
			EnqueuedAt:     enq.Add(time.Duration(seq) * time.Second),
			BodyKind:       sbsvc.BodyData,
			Body:           sharedBody,
			Properties:     map[string]any{"tenant": "contoso", "attempt": seq % 3},
		})
	}
	p.Next = last + 1
	return p, nil
}

func (c *seqConn) Close(context.Context) error { return nil }

func (c *seqConn) ListRules(context.Context, string, string) ([]sbsvc.Rule, error) { return nil, nil }

func (c *seqConn) ListSessions(context.Context, sbsvc.EntityRef) ([]string, error) { return nil, nil }

func benchOptions(conn Conn) Options {
	return Options{
		Targets: []Target{fakeTarget("bench", conn)},
		Styles:  ui.NewStyles(true, true),
		Now:     func() time.Time { return time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC) },
	}
}

// loadedMessages opens the queue of a namespace holding n messages and
// pages through all of them with "G" (each press peeks the next page
// through the normal Update path), leaving the cursor on the last row.
// The caller closes the App (no Cleanup, which would keep it alive).
func loadedMessages(tb testing.TB, n int) (*harness, *messagesView) {
	tb.Helper()
	app := New(benchOptions(&seqConn{n: int64(n)}))
	h := &harness{app: app}
	h.send(tea.WindowSizeMsg{Width: 160, Height: 50})
	h.run(app.Init())
	h.press("enter", "enter")
	mv, ok := app.top().(*messagesView)
	if !ok {
		tb.Fatalf("top view is %T, want *messagesView", app.top())
	}
	for !mv.tab().end {
		before := len(mv.tab().msgs)
		h.press("G")
		if len(mv.tab().msgs) == before && !mv.tab().end {
			tb.Fatalf("G at %d rows loaded nothing", before)
		}
	}
	if got := len(mv.tab().msgs); got != n {
		tb.Fatalf("loaded %d rows, want %d", got, n)
	}
	return h, mv
}

// timeViews is the mean cost of one View() over iters calls; cold drops
// the row cache first, as a page load or a resize does.
func timeViews(h *harness, mv *messagesView, iters int, cold bool) time.Duration {
	start := time.Now()
	for range iters {
		if cold {
			mv.table.Invalidate()
		}
		_ = h.app.View()
	}
	return time.Since(start) / time.Duration(max(iters, 1))
}

// BenchmarkMessageListView: ns/op is View() at 100,000 rows; x-1k is that
// cost over the cost at 1,000 rows, measured in the same run.
func BenchmarkMessageListView(b *testing.B) {
	big, bigView := loadedMessages(b, 100_000)
	defer big.app.Close(context.Background())
	small, smallView := loadedMessages(b, 1_000)
	defer small.app.Close(context.Background())
	for _, mode := range []struct {
		name string
		cold bool
	}{{"warm", false}, {"cold", true}} {
		b.Run(mode.name, func(b *testing.B) {
			// Same cursor position in both: the middle of the list.
			bigView.table.SetCursor(50_000)
			smallView.table.SetCursor(500)
			_ = big.app.View()
			_ = small.app.View()
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			iters := 0
			for b.Loop() {
				if mode.cold {
					bigView.table.Invalidate()
				}
				_ = big.app.View()
				iters++
			}
			bigCost := time.Since(start) / time.Duration(max(iters, 1))
			b.StopTimer()
			smallCost := timeViews(small, smallView, max(iters, 200), mode.cold)
			b.ReportMetric(float64(smallCost.Nanoseconds()), "ns-1k")
			b.ReportMetric(float64(bigCost)/float64(max(smallCost, 1)), "x-1k")
		})
	}
}

// BenchmarkCursorMove is one key press plus the re-render that follows, at
// 100,000 rows, every page already loaded (so no peek is due).
//   - line: j/k mid-list, inside the window (rows come from the cache);
//   - page: pgdown again and again (a whole fresh window each press), with
//     a "g" back to the top near the end;
//   - jump: g/G alternately (a whole fresh window each press).
func BenchmarkCursorMove(b *testing.B) {
	const n = 100_000
	h, mv := loadedMessages(b, n)
	defer h.app.Close(context.Background())
	for _, c := range []struct {
		name string
		next func(i int) string
	}{
		{"line", func(i int) string { return []string{"j", "k"}[i%2] }},
		{"page", func(int) string {
			if mv.table.Cursor() > n-1_000 {
				return "g"
			}
			return "pgdown"
		}},
		{"jump", func(i int) string { return []string{"g", "G"}[i%2] }},
	} {
		b.Run(c.name, func(b *testing.B) {
			mv.table.SetCursor(n / 2)
			_ = h.app.View()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				h.send(keyMsg(c.next(i)))
				_ = h.app.View()
				i++
			}
			b.StopTimer()
			if len(mv.tab().msgs) != n {
				b.Fatalf("a cursor move loaded more rows: %d", len(mv.tab().msgs))
			}
		})
	}
}

// BenchmarkFirstFrame is New, Init, the first WindowSizeMsg and the first
// View; Init's connect command is returned but not run (connection excluded).
func BenchmarkFirstFrame(b *testing.B) {
	conn := &seqConn{n: 10}
	b.ReportAllocs()
	for b.Loop() {
		app := New(benchOptions(conn))
		_ = app.Init()
		app.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
		if v := app.View(); !strings.Contains(v.Content, "bench") {
			b.Fatalf("first frame lacks the namespace:\n%s", v.Content)
		}
	}
}

// BenchmarkMessageRowMemory reports the heap the messages view holds per
// loaded row (B/row), bodies excluded: every message shares one body.
func BenchmarkMessageRowMemory(b *testing.B) {
	const n = 100_000
	var perRow float64
	for b.Loop() {
		b.StopTimer()
		base := heapInUse()
		b.StartTimer()
		h, mv := loadedMessages(b, n)
		b.StopTimer()
		held := heapInUse() - base
		runtime.KeepAlive(h)
		if len(mv.tab().msgs) != n {
			b.Fatalf("rows released before measuring")
		}
		perRow = float64(held) / n
		h.app.Close(context.Background())
		b.StartTimer()
	}
	b.ReportMetric(perRow, "B/row")
}

// heapInUse is the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
