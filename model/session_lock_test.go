package model

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// Accept a session: its lock counts down, its messages settle like locked
// ones, its state is edited in $EDITOR and set.
func TestSessionViewOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresSession: true, LockDuration: 30 * time.Second}, 3)
	e.act(actionRequest{kind: actAcceptSession, entity: q, sub: sbsvc.Active, session: "s1"})
	v, ok := e.h.app.top().(*lockedView)
	if !ok || v.session == nil {
		t.Fatalf("top is %T", e.h.app.top())
	}
	e.h.mustSee("session s1", "session lock 00:30", "state: (none)", "m-0", "m-2", "SESSION LOCK")
	if len(v.rows) != 3 {
		t.Fatalf("%d rows, want 3", len(v.rows))
	}
	e.h.advance(10 * time.Second)
	e.h.mustSee("session lock 00:20")
	e.h.press("w")
	e.h.mustSee("renewed 1 lock", "session lock 00:30")

	e.h.press("c")
	e.h.mustSee("completed 1 message")
	if c := e.counts(q.Name); c.Active != 2 {
		t.Fatalf("active after completing in the session: %d, want 2", c.Active)
	}

	old := runEditor
	t.Cleanup(func() { runEditor = old })
	runEditor = func(path string, done func(error) tea.Msg) tea.Cmd {
		return func() tea.Msg {
			os.WriteFile(path, []byte(`{"step":2}`), 0o600)
			return done(nil)
		}
	}
	e.h.press("e")
	e.h.mustSee("session state set (10 bytes)", `state: {"step":2}`)
	state, err := e.em.Broker.GetSessionState(q.Name, "s1")
	if err != nil || string(state) != `{"step":2}` {
		t.Fatalf("broker state %q (%v)", state, err)
	}

	// The session lock lapses: rows read "lock lost" and refuse to settle.
	e.h.advance(31 * time.Second)
	if n := strings.Count(e.h.screen(), "lock lost"); n < 2 {
		t.Fatalf("%d lock-lost marks:\n%s", n, e.h.screen())
	}
	e.h.press("c")
	e.h.mustSee("session lock lost")
	e.h.press("esc") // nothing live: leaves and lets go of the session
	if _, still := e.h.app.top().(*lockedView); still {
		t.Fatal("esc did not leave")
	}
}

// A session entity's lock action opens the session view; another client's
// session cannot be taken.
func TestSessionHeldElsewhereIsExplained(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresSession: true}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := e.ns.AcceptSession(ctx, sbsvc.EntityRef{Queue: q.Name}, "s1")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	e.h.app.sh.timeout = 3 * time.Second
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, session: "s1"})
	v := e.h.app.top().(*lockedView)
	if v.session == nil || v.err == nil {
		t.Fatalf("session %v err %v", v.session, v.err)
	}
	e.h.mustSee("Could not lock")
}

// Leaving a session with messages held and choosing "abandon" abandons
// them through the session before letting go of it: they are available
// again at once, each with one more delivery.
func TestSessionLeaveAbandons(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresSession: true}, 2)
	e.act(actionRequest{kind: actAcceptSession, entity: q, sub: sbsvc.Active, session: "s1"})
	e.h.mustSee("session s1", "m-1")
	e.h.press("esc")
	e.h.mustSee("2 messages are still locked")
	e.h.press("a")
	e.h.mustSee("abandoned 2 messages")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := e.ns.AcceptSession(ctx, sbsvc.EntityRef{Queue: q.Name}, "s1")
	if err != nil {
		t.Fatalf("the session was not let go of: %v", err)
	}
	defer h.Close(context.Background())
	ls, err := h.Receive(ctx, 2)
	if err != nil || len(ls) != 2 || ls[0].Message.DeliveryCount != 2 {
		t.Fatalf("received %d (%v), delivery count %d", len(ls), err, ls[0].Message.DeliveryCount)
	}
}
