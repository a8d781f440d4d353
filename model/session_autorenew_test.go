package model

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// openSessionView accepts session s1 of a new 30 s-lock queue on the fake
// clock the emulator shares.
func openSessionView(t *testing.T) (*actionEnv, *lockedView) {
	t.Helper()
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresSession: true, LockDuration: 30 * time.Second}, 2)
	e.act(actionRequest{kind: actAcceptSession, entity: q, sub: sbsvc.Active, session: "s1"})
	v, ok := e.h.app.top().(*lockedView)
	if !ok || v.session == nil || v.session.h == nil {
		t.Fatalf("top is %T", e.h.app.top())
	}
	return e, v
}

// turnOnAutoRenew presses the toggle and answers its prompt with maxFor.
func turnOnAutoRenew(t *testing.T, e *actionEnv, maxFor string) {
	t.Helper()
	e.h.press("A")
	f, ok := e.h.app.top().(*formView)
	if !ok {
		t.Fatalf("A opened %T", e.h.app.top())
	}
	if !strings.Contains(f.title, "session lock") {
		t.Fatalf("the prompt is %q", f.title)
	}
	f.field("max").value = maxFor
	e.h.press("enter")
}

// With auto-renew on, the session lock is renewed a third of its duration
// before it expires, again and again, and not once the maximum duration
// has passed: then it lapses and the rows read lock lost.
func TestSessionAutoRenewRenewsUntilItsMaximum(t *testing.T) {
	e, v := openSessionView(t)
	start := e.h.now()
	e.h.mustSee("auto-renew off (A turns it on", "A auto-renews")
	if hints := v.hints(); !containsBinding(hints, e.h.app.sh.keys.AutoRenew) {
		t.Fatalf("the status hints lack the toggle")
	}
	turnOnAutoRenew(t, e, "50s")
	e.h.mustSee("auto-renew on for session s1, at most 0:50", "auto-renew on · session lock · 0 renewals")

	// 30 s lock: renewed at 20 s (10 s before expiry), so at 25 s it has
	// 25 s left instead of 5.
	e.h.advance(25 * time.Second)
	if got := v.session.h.LockedUntil(); !got.Equal(start.Add(50 * time.Second)) {
		t.Fatalf("after 25s the lock runs to +%v, want +50s", got.Sub(start))
	}
	e.h.mustSee("session lock 00:25", "1 renewal ·")
	// Renewed again at 40 s (to 70 s); at 60 s the 50 s maximum has
	// passed: no renewal, auto-renew ends.
	e.h.advance(40 * time.Second)
	if v.session.auto != nil {
		t.Fatal("auto-renew still on after its maximum")
	}
	if got := v.session.h.LockedUntil(); !got.Equal(start.Add(70 * time.Second)) {
		t.Fatalf("the lock runs to +%v, want +70s (two renewals, none after the maximum)", got.Sub(start))
	}
	e.h.mustSee("auto-renew off")
	e.h.advance(10 * time.Second) // 75 s: the lock has lapsed
	if v.sessionLive() {
		t.Fatal("the session lock was renewed after the maximum")
	}
	if n := strings.Count(e.h.screen(), "lock lost"); n < 2 {
		t.Fatalf("%d lock-lost marks:\n%s", n, e.h.screen())
	}
}

// Toggling off stops the renewals: a pending timer does nothing.
func TestSessionAutoRenewToggleOff(t *testing.T) {
	e, v := openSessionView(t)
	start := e.h.now()
	turnOnAutoRenew(t, e, "10m")
	e.h.press("A")
	e.h.mustSee("auto-renew off: the session lock lapses at its time")
	e.h.advance(25 * time.Second)
	if got := v.session.h.LockedUntil(); !got.Equal(start.Add(30 * time.Second)) {
		t.Fatalf("the lock was renewed after auto-renew went off (+%v)", got.Sub(start))
	}
	// Leaving the view with auto-renew on stops it too.
	turnOnAutoRenew(t, e, "10m")
	v.cancel()
	if v.session.auto != nil {
		t.Fatal("cancel left auto-renew on")
	}
}

func containsBinding(list []key.Binding, b key.Binding) bool {
	for _, x := range list {
		if x.Help().Key == b.Help().Key && x.Help().Desc == b.Help().Desc {
			return true
		}
	}
	return false
}
