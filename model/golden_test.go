package model

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/internal/demoseed"
	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// The golden views: each view of the demo namespace at 120×40, without
// colour, compared with model/testdata/TestGoldenViews/*.golden. Rewrite
// them after a deliberate change with
//
//	go test ./model/ -run TestGoldenViews -update
//
// and review the diff. The emulator and the App share one clock that
// stands still except where the test moves it, so enqueue times, ages and
// expiries come out the same on every run.

// goldenStart is the fixed instant the demo is seeded at.
var goldenStart = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// testClock is a clock that only moves when told to.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// goldenDemoTarget is the demo namespace, on the test clock when one is
// given (nil: the wall clock). The demo expires one order with a 20 ms
// time to live: once seeded, the test clock is moved a minute on, and
// either way Connect waits until the emulator has dead-lettered it, so
// listings and peeks always agree on the dead-letter queue.
func goldenDemoTarget(t *testing.T, clock *testClock) Target {
	return Target{Name: "sbx-demo", Endpoint: "embedded emulator (loopback)", Auth: "emulator", Demo: true,
		Connect: func(ctx context.Context) (Conn, error) {
			cfg := emulator.Config{AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
				Entities: emulator.DemoConfig(), Logger: slog.New(slog.DiscardHandler)}
			if clock != nil {
				cfg.Now = clock.now
			}
			em, err := emulator.Start(context.Background(), cfg)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { _ = em.Close() })
			if err := demoseed.Seed(ctx, em.ConnectionString, emulator.DemoMessages()); err != nil {
				return nil, err
			}
			ns, err := sbsvc.Connect(ctx, sbsvc.Source{Name: "sbx-demo", Auth: sbsvc.AuthConnectionString,
				ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr})
			if err != nil {
				return nil, err
			}
			if clock != nil {
				clock.add(time.Minute)
			}
			if err := waitDeadLettered(ctx, ns, "orders", "ORD-1011"); err != nil {
				return nil, err
			}
			return ns, nil
		}}
}

// waitDeadLettered polls a queue's dead-letter sub-queue for a message.
func waitDeadLettered(ctx context.Context, ns *sbsvc.Namespace, queue, id string) error {
	for {
		page, err := ns.Peek(ctx, sbsvc.EntityRef{Queue: queue, SubQueue: sbsvc.DeadLetter}, 1, 50)
		if err != nil {
			return err
		}
		for _, m := range page.Messages {
			if m.MessageID == id {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// probeMsg asks the running program, on its own goroutine, for the screen
// and whether work is in flight: the test never touches the model while
// the program owns it.
type probeMsg struct{ reply chan probeResult }

type probeResult struct {
	screen string
	busy   bool
}

// probedApp is the App with the probe answered.
type probedApp struct{ *App }

func (p probedApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(probeMsg); ok {
		m.reply <- probeResult{screen: p.App.View().Content, busy: p.App.anyBusy()}
		return p, nil
	}
	_, cmd := p.App.Update(msg)
	return p, cmd
}

// settle waits until the screen holds every part and nothing is loading,
// and returns that screen.
func settle(t *testing.T, tm *teatest.TestModel, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		reply := make(chan probeResult, 1)
		tm.Send(probeMsg{reply: reply})
		select {
		case r := <-reply:
			last = r.screen
			ok := !r.busy
			for _, p := range parts {
				ok = ok && strings.Contains(r.screen, p)
			}
			if ok {
				return r.screen
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the program did not answer a probe")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the screen never showed %q:\n%s", parts, last)
	return ""
}

func pressKey(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// scheduledIn is the one thing the demo does not let a clock fix: its
// scheduled order is scheduled from the wall clock.
var scheduledIn = regexp.MustCompile(`in \d+[smhd]`)

// normalise makes a screen comparable: trailing blanks go, and the wall
// clock's one mark (the scheduled order's "in 254d") is masked.
func normalise(screen string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(scheduledIn.ReplaceAllString(l, "in <t>"), " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestGoldenViews(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo emulator")
	}
	clock := &testClock{t: goldenStart}
	app := New(Options{
		Targets: []Target{goldenDemoTarget(t, clock)},
		Styles:  ui.NewStyles(true, true),
		Now:     clock.now,
		// Timers (auto-refresh, toasts, the age clock) never fire: the
		// screens depend on the test's steps alone.
		After:   func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		NoMouse: true,
	})
	tm := teatest.NewTestModel(t, probedApp{app}, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })

	screens := map[string]string{}
	screens["namespaces"] = settle(t, tm, "sbx-demo", "● connected")

	pressKey(tm, "enter")
	screens["entities"] = settle(t, tm, "orders", "high-value", "updated")

	pressKey(tm, ":")
	tm.Type("orders")
	pressKey(tm, "enter")
	screens["messages-active"] = settle(t, tm, "[Active]", "ORD-1001")

	pressKey(tm, "tab")
	screens["messages-deadletter"] = settle(t, tm, "[Dead-letter]", "ORD-1007", "ORD-1011")

	pressKey(tm, "enter")
	screens["detail-ORD-1007"] = settle(t, tm, "SchemaValidationFailed", `"ORD-1007"`)

	pressKey(tm, "esc", "v")
	screens["dlq-reasons"] = settle(t, tm, "COUNT", "MaxDeliveryCountExceeded", "TTLExpiredException")

	pressKey(tm, "esc", ":")
	tm.Type("payments")
	pressKey(tm, "enter")
	screens["sessions"] = settle(t, tm, "SESSION ID", "MESSAGES")

	pressKey(tm, ":")
	tm.Type("legacy-import")
	pressKey(tm, "enter")
	settle(t, tm, "IMP-8")
	pressKey(tm, "enter")
	screens["detail-legacy-string"] = settle(t, tm, ".NET binary XML → string → JSON")

	pressKey(tm, "?")
	screens["help"] = settle(t, tm, "Navigation", "Message detail")

	for _, name := range []string{"namespaces", "entities", "messages-active", "messages-deadletter", "detail-ORD-1007",
		"dlq-reasons", "sessions", "detail-legacy-string", "help"} {
		t.Run(name, func(t *testing.T) {
			s := screens[name]
			if n := strings.Count(s, "\n") + 1; n != 40 {
				t.Errorf("%d lines, want 40", n)
			}
			if strings.Contains(s, "\x1b") {
				t.Errorf("NO_COLOR screen carries escape sequences")
			}
			golden.RequireEqual(t, normalise(s))
		})
	}
}
