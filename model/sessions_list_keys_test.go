package model

import (
	"context"
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

// sessionFake peeks the active messages of one session at a time, as the
// service does, and refuses to peek a session entity without one.
type sessionFake struct {
	*fakeConn
}

func (f *sessionFake) Peek(ctx context.Context, ref sbsvc.EntityRef, from int64, n int) (sbsvc.Page, error) {
	if ref.SubQueue != sbsvc.Active {
		return f.fakeConn.Peek(ctx, ref, from, n)
	}
	if ref.SessionID == "" {
		return sbsvc.Page{}, &sbsvc.Error{Kind: sbsvc.KindUnknown, Op: "peek", Remedy: "name a session"}
	}
	page, err := f.fakeConn.Peek(ctx, ref, from, n)
	var mine []sbsvc.Message
	for _, m := range page.Messages {
		if m.SessionID == ref.SessionID {
			mine = append(mine, m)
		}
	}
	page.Messages = mine
	page.End = page.End || len(mine) == 0
	return page, err
}

func newSessionFake() *sessionFake {
	f := newFake()
	q := &f.listing.Queues[0]
	q.RequiresSession = true
	f.sessions = []string{"s-one", "s-two"}
	f.msgs[sbsvc.Active] = []sbsvc.Message{
		{SequenceNumber: 1, MessageID: "one-a", SessionID: "s-one", HasSessionID: true},
		{SequenceNumber: 2, MessageID: "two-a", SessionID: "s-two", HasSessionID: true},
		{SequenceNumber: 3, MessageID: "two-b", SessionID: "s-two", HasSessionID: true},
	}
	return &sessionFake{f}
}

func TestSessionsListKeys(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newSessionFake()))
	mv := messagesOf(t, h)
	h.mustSee("SESSION ID", "MESSAGES", "s-one", "s-two", "2 sessions", "needs the lock")
	if c := mv.sessions.counts; len(c) != 2 || c[0] != 1 || c[1] != 2 {
		t.Fatalf("session counts %v, want [1 2]", c)
	}
	h.press("j", "enter")
	h.mustSee("session s-two", "two-a", "two-b")
	h.mustNotSee("one-a")
	if mv.crumb() != "orders › Active › session s-two" {
		t.Fatalf("crumb %q", mv.crumb())
	}
	req, _ := mv.buildRequest(actAcceptSession)
	if req.session != "s-two" || req.sub != sbsvc.Active {
		t.Fatalf("accept from inside the session: %+v", req)
	}
	req, _ = mv.buildRequest(actLock)
	if req.session != "s-two" {
		t.Fatalf("lock inside a session does not name it: %+v", req)
	}
	h.press("esc") // back to the list, not out of the view
	h.mustSee("SESSION ID", "s-one")
	if h.depth() != 3 || mv.session != "" {
		t.Fatalf("esc: depth %d session %q", h.depth(), mv.session)
	}
	h.press("L") // accept the session under the cursor: reaches the actions
	if !strings.Contains(h.toastText(), "cannot write") {
		t.Fatalf("L: toast %q", h.toastText())
	}
	h.press("tab") // the DLQ is peeked directly
	h.mustSee("D-1")
	h.press("shift+tab", "r")
	h.mustSee("2 sessions")
	h.press("esc")
	if h.depth() != 2 {
		t.Fatalf("esc on the sessions list did not leave")
	}
}

func TestSessionsListReadOnlyRefusesAccept(t *testing.T) {
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", newSessionFake())}, ReadOnly: true})
	messagesOf(t, h)
	h.press("L")
	if !strings.Contains(h.toastText(), "read-only") {
		t.Fatalf("L in read-only: toast %q", h.toastText())
	}
}

// A session another receiver holds cannot be peeked: its count says so,
// and the next session is still counted.
func TestSessionsListCountHeldElsewhere(t *testing.T) {
	f := newSessionFake()
	held := &heldSession{sessionFake: f, id: "s-one"}
	h := newHarness(t, fakeTarget("alpha", held))
	mv := messagesOf(t, h)
	if c := mv.sessions.counts; c[0] != -3 || c[1] != 2 {
		t.Fatalf("counts %v, want [-3 2]", c)
	}
	h.mustSee("in use")
}

type heldSession struct {
	*sessionFake
	id string
}

func (f *heldSession) Peek(ctx context.Context, ref sbsvc.EntityRef, from int64, n int) (sbsvc.Page, error) {
	if ref.SessionID == f.id {
		return sbsvc.Page{}, &sbsvc.Error{Kind: sbsvc.KindSessionCannotBeLocked, Op: "peek"}
	}
	return f.sessionFake.Peek(ctx, ref, from, n)
}
