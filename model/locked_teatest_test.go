package model

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// programTimers are the App's timers for a running tea.Program on a test
// clock: a timer's command blocks (on the program's own goroutine) until
// the test moves the clock past it.
type programTimers struct {
	clock  *testClock
	mu     sync.Mutex
	due    map[chan struct{}]time.Time
	closed chan struct{}
}

func newProgramTimers(t *testing.T, clock *testClock) *programTimers {
	pt := &programTimers{clock: clock, due: map[chan struct{}]time.Time{}, closed: make(chan struct{})}
	t.Cleanup(func() { close(pt.closed) })
	return pt
}

func (pt *programTimers) after(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	ch := make(chan struct{})
	pt.mu.Lock()
	pt.due[ch] = pt.clock.now().Add(d)
	pt.mu.Unlock()
	return func() tea.Msg {
		select {
		case <-ch:
			return fn(pt.clock.now())
		case <-pt.closed:
			return nil
		}
	}
}

// advance moves the clock and fires every timer now due.
func (pt *programTimers) advance(d time.Duration) {
	pt.clock.add(d)
	now := pt.clock.now()
	pt.mu.Lock()
	defer pt.mu.Unlock()
	for ch, at := range pt.due {
		if !at.After(now) {
			close(ch)
			delete(pt.due, ch)
		}
	}
}

// The lock countdown flow of issue 5 in a real tea.Program (teatest), the
// emulator and the App on one test clock: lock three messages, watch the
// countdown tick, renew, complete one (the entity's count drops), and see
// the other two turn to "lock lost" and refuse to settle.
func TestLockCountdownFlowInAProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an emulator")
	}
	clock := &testClock{t: goldenStart}
	em, err := emulator.Start(context.Background(), emulator.Config{AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.DiscardHandler), Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	if _, err := em.Broker.CreateQueue("work", broker.Properties{LockDuration: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src := sbsvc.Source{Name: "emu", Auth: sbsvc.AuthConnectionString, ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr}
	check, err := sbsvc.Connect(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close(context.Background())
	var msgs []sbsvc.OutgoingMessage
	for i := range 3 {
		msgs = append(msgs, sbsvc.OutgoingMessage{Body: []byte("x"), MessageID: fmt.Sprintf("job-%d", i)})
	}
	if _, err := check.Send(ctx, sbsvc.EntityRef{Queue: "work"}, msgs); err != nil {
		t.Fatal(err)
	}

	timers := newProgramTimers(t, clock)
	app := New(Options{
		Targets: []Target{{Name: "emu", Endpoint: "loopback", Auth: "connection string",
			Connect: func(ctx context.Context) (Conn, error) { return sbsvc.Connect(ctx, src) }}},
		Styles: ui.NewStyles(true, true), Now: clock.now, After: timers.after, NoMouse: true,
	})
	tm := teatest.NewTestModel(t, probedApp{app}, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })

	settle(t, tm, "emu", "● connected")
	pressKey(tm, "enter")
	settle(t, tm, "work")
	pressKey(tm, ":")
	tm.Type("work")
	pressKey(tm, "enter")
	settle(t, tm, "[Active]", "job-2")
	pressKey(tm, "l")
	settle(t, tm, "lock how many?")
	pressKey(tm, "enter")
	s := settle(t, tm, "3 messages locked", "job-0", "job-2", "PEEK-LOCK")
	if n := strings.Count(s, "00:30"); n != 3 {
		t.Fatalf("%d rows at 00:30, want 3:\n%s", n, s)
	}

	timers.advance(time.Second)
	s = settle(t, tm, "00:29")
	timers.advance(20 * time.Second)
	s = settle(t, tm, "00:09")
	if strings.Contains(s, "00:30") || strings.Contains(s, "00:29") {
		t.Fatalf("a row did not tick:\n%s", s)
	}

	pressKey(tm, "W")
	s = settle(t, tm, "renewed 3 locks")
	if n := strings.Count(s, "00:30"); n != 3 {
		t.Fatalf("after renewing, %d rows at 00:30, want 3:\n%s", n, s)
	}

	pressKey(tm, "c")
	s = settle(t, tm, "completed 1 message")
	if strings.Contains(s, "job-0") {
		t.Fatalf("the completed row is still there:\n%s", s)
	}
	if c, err := em.Broker.Counts("work"); err != nil || c.Active != 2 {
		t.Fatalf("active count after complete: %+v %v, want 2", c, err)
	}

	timers.advance(31 * time.Second)
	s = settle(t, tm, "lock lost")
	if n := strings.Count(s, "lock lost"); n < 2 {
		t.Fatalf("%d rows read lock lost, want 2:\n%s", n, s)
	}
	pressKey(tm, "c")
	settle(t, tm, "cannot be settled")
	if c, err := em.Broker.Counts("work"); err != nil || c.Active != 2 {
		t.Fatalf("active count after a refused settle: %+v %v, want 2", c, err)
	}
}
