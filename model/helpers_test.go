package model

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// fakeConn is a small in-memory namespace for navigation tests.
type fakeConn struct {
	mu      sync.Mutex
	listing sbsvc.Listing
	subs    map[string][]sbsvc.Entity
	msgs    map[sbsvc.SubQueue][]sbsvc.Message
	peeks   int
	listErr error
	closed  bool
	// rules by "topic/subscription"; sessions for any session entity.
	rules    map[string][]sbsvc.Rule
	sessions []string
}

func (f *fakeConn) Info() sbsvc.NamespaceInfo { return sbsvc.NamespaceInfo{Name: "fake"} }

func (f *fakeConn) ListEntities(context.Context) (sbsvc.Listing, error) {
	return f.listing, f.listErr
}

func (f *fakeConn) ListSubscriptions(_ context.Context, topic string) ([]sbsvc.Entity, error) {
	return f.subs[topic], nil
}

func (f *fakeConn) Peek(_ context.Context, ref sbsvc.EntityRef, from int64, max int) (sbsvc.Page, error) {
	f.mu.Lock()
	f.peeks++
	f.mu.Unlock()
	var out []sbsvc.Message
	for _, m := range f.msgs[ref.SubQueue] {
		if m.SequenceNumber >= from && len(out) < max {
			out = append(out, m)
		}
	}
	p := sbsvc.Page{Ref: ref, Messages: out, End: len(out) == 0, Next: from}
	if len(out) > 0 {
		p.Next = out[len(out)-1].SequenceNumber + 1
	}
	return p, nil
}

func (f *fakeConn) ListRules(_ context.Context, topic, sub string) ([]sbsvc.Rule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rules[topic+"/"+sub], nil
}

func (f *fakeConn) ListSessions(context.Context, sbsvc.EntityRef) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions, nil
}

func (f *fakeConn) Close(context.Context) error { f.closed = true; return nil }

func fakeTarget(name string, conn Conn) Target {
	return Target{Name: name, Endpoint: name + ".example.invalid", Auth: "connection string",
		Connect: func(context.Context) (Conn, error) { return conn, nil }}
}

func failingTarget(name string, err error) Target {
	return Target{Name: name, Endpoint: name + ".example.invalid", Auth: "azure-cli",
		Connect: func(context.Context) (Conn, error) { return nil, err }}
}

// newFake is a namespace with a queue (two dead letters), and a topic with
// one subscription.
func newFake() *fakeConn {
	orders := sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: "orders", Ref: sbsvc.EntityRef{Queue: "orders"},
		CountsKnown: true, Counts: sbsvc.Counts{Active: 3, DeadLetter: 2}, Status: "Active",
		LockDuration: time.Minute, MaxDeliveryCount: 5}
	topic := sbsvc.Entity{Kind: sbsvc.TopicEntity, Name: "events", Status: "Active", CountsKnown: true}
	sub := sbsvc.Entity{Kind: sbsvc.SubscriptionEntity, Name: "all", Topic: "events",
		Ref: sbsvc.EntityRef{Topic: "events", Subscription: "all"}, CountsKnown: true}
	f := &fakeConn{
		listing: sbsvc.Listing{Queues: []sbsvc.Entity{orders}, Topics: []sbsvc.Entity{topic}},
		subs:    map[string][]sbsvc.Entity{"events": {sub}},
		msgs:    map[sbsvc.SubQueue][]sbsvc.Message{},
	}
	for i := int64(1); i <= 3; i++ {
		f.msgs[sbsvc.Active] = append(f.msgs[sbsvc.Active], sbsvc.Message{SequenceNumber: i, MessageID: "A-" + string(rune('0'+i)),
			BodyKind: sbsvc.BodyData, Body: []byte(`{"n":1}`), ContentType: "application/json"})
	}
	f.msgs[sbsvc.DeadLetter] = []sbsvc.Message{
		{SequenceNumber: 4, MessageID: "D-1", BodyKind: sbsvc.BodyData, Body: []byte("plain"), DeadLetterReason: "Poison", State: sbsvc.StateActive},
		{SequenceNumber: 5, MessageID: "D-2", BodyKind: sbsvc.BodyData, Body: []byte("plain 2"), DeadLetterReason: "Poison"},
	}
	return f
}

// harness drives an App the way the runtime would, but synchronously:
// every command returned by Update runs at once and its message is fed
// back. Spinner ticks are dropped (they only animate).
type harness struct {
	t    *testing.T
	app  *App
	quit bool

	mu     sync.Mutex // the clock is read from tea.Cmds
	clock  time.Time
	timers []pendingTimer
}

type pendingTimer struct {
	at time.Time
	fn func(time.Time) tea.Msg
}

func newHarness(t *testing.T, targets ...Target) *harness {
	t.Helper()
	return newHarnessWith(t, Options{Targets: targets})
}

// newHarnessWith builds the App from opts with the harness's fake clock
// (2026-01-02 03:04:05 UTC, moved only by advance) and timers that fire
// only when advance passes them. Styles default to dark without colour.
func newHarnessWith(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if opts.Styles == nil {
		opts.Styles = ui.NewStyles(true, true)
	}
	opts.Now = h.now
	opts.After = h.after
	app := New(opts)
	h.app = app
	t.Cleanup(func() { app.Close(context.Background()) })
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(app.Init())
	return h
}

func (h *harness) now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.clock
}

// after records a timer instead of sleeping.
func (h *harness) after(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	h.mu.Lock()
	h.timers = append(h.timers, pendingTimer{at: h.clock.Add(d), fn: fn})
	h.mu.Unlock()
	return nil
}

// advance moves the fake clock by d and fires, in time order, every timer
// that falls due (timers they schedule fire too when due).
func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	end := h.clock.Add(d)
	h.mu.Unlock()
	for {
		h.mu.Lock()
		best := -1
		for i, tm := range h.timers {
			if !tm.at.After(end) && (best < 0 || tm.at.Before(h.timers[best].at)) {
				best = i
			}
		}
		if best < 0 {
			h.clock = end
			h.mu.Unlock()
			return
		}
		tm := h.timers[best]
		h.timers = append(h.timers[:best], h.timers[best+1:]...)
		if tm.at.After(h.clock) {
			h.clock = tm.at
		}
		h.mu.Unlock()
		h.send(tm.fn(tm.at))
	}
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			h.quit = true
		default:
			_, next := h.app.Update(msg)
			queue = append(queue, next)
		}
	}
}

// send delivers one message and runs whatever it starts.
func (h *harness) send(msg tea.Msg) {
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

// press sends keys by name: "j", "enter", "esc", "tab", "G" …
func (h *harness) press(keys ...string) {
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func (h *harness) screen() string { return h.app.View().Content }

func (h *harness) depth() int { return len(h.app.stack) }

func (h *harness) mustSee(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

var errRefused = &sbsvc.Error{Kind: sbsvc.KindAuthorisation, Op: "connect", Cause: errors.New("401 unauthorized"), Remedy: sbsvc.KindAuthorisation.Remedy()}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func splitLines(s string) []string { return strings.Split(s, "\n") }

// stubView is a minimal view for App plumbing tests.
type stubView struct {
	vid       uint64
	cancelled bool
}

func (s *stubView) id() uint64                            { return s.vid }
func (s *stubView) crumb() string                         { return "stub" }
func (s *stubView) setSize(int, int)                      {}
func (s *stubView) update(tea.Msg) (tea.Cmd, *navigation) { return nil, nil }
func (s *stubView) render() string                        { return "stub view" }
func (s *stubView) busy() bool                            { return false }
func (s *stubView) cancel()                               { s.cancelled = true }
func (s *stubView) refreshedAt() time.Time                { return time.Time{} }

type guardedView struct {
	stubView
	allow bool
	asked int
}

func (g *guardedView) beforeLeave() (tea.Cmd, bool) { g.asked++; return nil, g.allow }

// typeText sends each rune of s as its own key press (spaces included).
func (h *harness) typeText(s string) {
	for _, r := range s {
		if r == ' ' {
			h.send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
			continue
		}
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// click sends a left click at screen cell (x, y); y counts from the
// breadcrumbs line (0).
func (h *harness) click(x, y int) {
	h.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
}

// wheel sends one wheel notch down (down=true) or up at screen line y.
func (h *harness) wheel(down bool, y int) {
	b := tea.MouseWheelUp
	if down {
		b = tea.MouseWheelDown
	}
	h.send(tea.MouseWheelMsg{X: 10, Y: y, Button: b})
}

// screenLine returns the first screen line containing s, or "".
func (h *harness) screenLine(s string) string {
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// lineIndex is the screen line number of the first line containing s, -1
// when absent.
func (h *harness) lineIndex(s string) int {
	for i, l := range strings.Split(h.screen(), "\n") {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// pasteMsg is a bracketed paste of s.
func pasteMsg(s string) tea.PasteMsg { return tea.PasteMsg{Content: s} }

// ctrlKey is ctrl plus a letter (keyMsg knows only ctrl+c).
func ctrlKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }
