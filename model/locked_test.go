package model

import (
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// Lock three messages on a fake clock shared with the emulator: the
// countdown ticks, turns to "lock lost", renew resets it, complete removes
// the row and the entity's count drops (read through the admin API).
func TestLockedCountdownRenewCompleteOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{LockDuration: 30 * time.Second}, 3)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 3})
	v, ok := e.h.app.top().(*lockedView)
	if !ok {
		t.Fatalf("top is %T, want the locked view", e.h.app.top())
	}
	if len(v.rows) != 3 {
		t.Fatalf("locked %d rows, want 3", len(v.rows))
	}
	e.h.mustSee("3 messages locked", "m-0", "m-1", "m-2", "00:30", "PEEK-LOCK")

	e.h.advance(time.Second)
	e.h.mustSee("00:29")
	e.h.advance(21 * time.Second)
	e.h.mustSee("00:08 !")
	if strings.Contains(e.h.screen(), "00:30") {
		t.Fatal("a row did not tick")
	}

	e.h.press("W") // renew all: back to the full lock duration
	e.h.mustSee("renewed 3 locks")
	if n := strings.Count(e.h.screen(), "00:30"); n != 3 {
		t.Fatalf("after renewing, %d rows read 00:30, want 3:\n%s", n, e.h.screen())
	}

	e.h.press("c") // complete the cursor row
	e.h.mustSee("completed 1 message")
	if len(v.rows) != 2 || strings.Contains(e.h.screen(), "m-0") {
		t.Fatalf("the completed row is still there:\n%s", e.h.screen())
	}
	if c := e.counts(q.Name); c.Active != 2 {
		t.Fatalf("active count after complete = %d, want 2", c.Active)
	}

	e.h.advance(31 * time.Second)
	if n := strings.Count(e.h.screen(), "lock lost"); n != 2 {
		t.Fatalf("%d rows read lock lost, want 2:\n%s", n, e.h.screen())
	}
	if v.ticking {
		t.Fatal("the countdown still ticks with every lock lost")
	}
	e.h.press("c") // refused: the lock lapsed, the guide's remedy says what to do
	e.h.mustSee("lock lost", "cannot be settled", "again")
	if len(v.rows) != 2 {
		t.Fatalf("a lost row was settled: %d rows", len(v.rows))
	}
	if c := e.counts(q.Name); c.Active != 2 {
		t.Fatalf("active count = %d, want 2 (nothing settled)", c.Active)
	}
	// No lock held: Esc leaves without asking.
	depth := e.h.depth()
	e.h.press("esc")
	if e.h.depth() != depth-1 {
		t.Fatal("esc did not leave a view without locks")
	}
}

// Leaving with locks held asks; "abandon" releases them at once (the
// delivery count goes up), "stay" keeps the view.
func TestLockedLeaveAsksAndAbandons(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{LockDuration: time.Minute}, 2)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 2})
	depth := e.h.depth()
	e.h.press("esc")
	e.h.mustSee("2 messages are still locked", "abandon them all", "keep them locked")
	e.h.press("s")
	if e.h.depth() != depth {
		t.Fatal("stay left the view")
	}
	e.h.press("esc", "a")
	if e.h.depth() != depth-1 {
		t.Fatal("abandon did not leave the view")
	}
	e.h.mustSee("abandoned 2 messages")
	for _, m := range e.peekAll(sbsvc.EntityRef{Queue: q.Name}) {
		if m.DeliveryCount != 1 {
			t.Fatalf("message %s delivery count %d after one abandoned lock, want 1", m.MessageID, m.DeliveryCount)
		}
	}
	// Available again: a new receive gets both at once.
	ls, err := e.ns.ReceiveLocked(e.ctx(), sbsvc.EntityRef{Queue: q.Name}, 2)
	if err != nil || len(ls) != 2 {
		t.Fatalf("after abandon, receive got %d (%v), want 2", len(ls), err)
	}
}

// Dead-letter through the dialog, defer, abandon, by selection; the lock
// prompt asks how many when nothing is selected.
func TestLockedSettleKindsAndPrompt(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{LockDuration: time.Minute}, 4)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active})
	e.h.mustSee("lock how many?", "10")
	e.h.press("backspace", "backspace")
	e.h.typeText("x")
	e.h.press("enter")
	e.h.mustSee("a number from 1 to 1000")
	e.h.press("backspace")
	e.h.typeText("4")
	e.h.press("enter")
	v := e.h.app.top().(*lockedView)
	if len(v.rows) != 4 {
		t.Fatalf("locked %d, want 4", len(v.rows))
	}
	// Select the first two, dead-letter them with a reason.
	e.h.press("space", "space", "d")
	e.h.mustSee("Dead-letter 2 messages", "reason")
	e.h.press("tab")
	e.h.typeText("checked by hand")
	e.h.press("enter")
	e.h.mustSee("dead-lettered 2 messages")
	dl := e.peekAll(sbsvc.EntityRef{Queue: q.Name, SubQueue: sbsvc.DeadLetter})
	if len(dl) != 2 || dl[0].DeadLetterReason != "ManualDeadLetter" || dl[0].DeadLetterDescription != "checked by hand" {
		t.Fatalf("dead letters %+v", dl)
	}
	e.h.press("f") // defer the cursor row
	e.h.mustSee("deferred 1 message")
	e.h.press("b") // abandon the last
	e.h.mustSee("abandoned 1 message")
	if len(v.rows) != 0 {
		t.Fatalf("%d rows left", len(v.rows))
	}
	states := map[sbsvc.MessageState]int{}
	for _, m := range e.peekAll(sbsvc.EntityRef{Queue: q.Name}) {
		states[m.State]++
	}
	if states[sbsvc.StateDeferred] != 1 || states[sbsvc.StateActive] != 1 {
		t.Fatalf("states after defer and abandon: %v", states)
	}
}

// Enter opens the locked message's detail.
func TestLockedEnterOpensDetail(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 1)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, seqs: []int64{1}})
	e.h.press("enter")
	if _, ok := e.h.app.top().(*lockedDetail); !ok {
		t.Fatalf("enter opened %T", e.h.app.top())
	}
	e.h.mustSee(`"n"`, "locked · 01:00")
	e.h.advance(2 * time.Second) // the list below ticks; the detail shows it
	e.h.mustSee("locked · 00:58")
}
