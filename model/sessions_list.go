package model

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// A session-enabled entity's active messages can only be peeked one
// session at a time, so its active tab lists the sessions first (the
// service's listing locks nothing). Each session's message count comes
// from peeking it to the end, one session after another in the
// background; peeking a session holds its lock only for that call.
// The session state cannot be read without accepting the session (which
// keeps every consumer away from it), so it is not read while browsing.

// sessionCountCap bounds how far one session is peeked for its count.
const sessionCountCap = 10_000

type sessionsList struct {
	sh      *shared
	ids     []string
	counts  []int // -1: not counted yet; -2: the count failed; -3: held by another receiver
	more    []bool
	err     error
	work    inflight // the listing
	count   inflight // the count in flight
	started bool
	stale   bool // a write changed the entity: recount on the next show
	at      time.Time
	table   *ui.Table
}

func newSessionsList(sh *shared) *sessionsList {
	s := &sessionsList{sh: sh, table: ui.NewTable(sh.styles, []ui.Column{
		{Title: "SESSION ID", MinWidth: 16, Flex: 3},
		{Title: "MESSAGES", Width: 10, Align: ui.AlignRight},
		{Title: "STATE", Width: 24},
	}, nil)}
	s.table.EmptyText = "no sessions with active messages or state"
	s.table.SetSource(sessionRows{s})
	return s
}

type sessionsMsg struct {
	view, req uint64
	ids       []string
	err       error
}

func (m sessionsMsg) target() uint64 { return m.view }

type sessionCountMsg struct {
	view, req uint64
	i         int
	n         int
	more      bool
	err       error
}

func (m sessionCountMsg) target() uint64 { return m.view }

func (s *sessionsList) busy() bool { return s.work.active || s.count.active }

func (s *sessionsList) cancel() {
	s.work.cancel()
	s.count.cancel()
}

func (s *sessionsList) load(view uint64, conn Conn, ref sbsvc.EntityRef) tea.Cmd {
	if s.started && !s.stale {
		return nil
	}
	return s.reload(view, conn, ref)
}

// reload lists the sessions again and recounts them.
func (s *sessionsList) reload(view uint64, conn Conn, ref sbsvc.EntityRef) tea.Cmd {
	s.started, s.stale = true, false
	s.count.cancel()
	req, ctx, stop := s.sh.call(s.sh.timeout)
	s.work.start(req, stop)
	ref.SubQueue, ref.SessionID = sbsvc.Active, ""
	return func() tea.Msg {
		ids, err := conn.ListSessions(ctx, ref)
		return sessionsMsg{view: view, req: req, ids: ids, err: err}
	}
}

func (s *sessionsList) update(msg tea.Msg, view uint64, conn Conn, ref sbsvc.EntityRef) tea.Cmd {
	switch msg := msg.(type) {
	case sessionsMsg:
		if !s.work.accept(msg.req) {
			return nil
		}
		s.at, s.err = s.sh.now(), msg.err
		if msg.err != nil {
			return nil
		}
		s.ids = msg.ids
		s.counts = make([]int, len(msg.ids))
		s.more = make([]bool, len(msg.ids))
		for i := range s.counts {
			s.counts[i] = -1
		}
		s.table.SetSource(sessionRows{s})
		return s.countNext(0, view, conn, ref)
	case sessionCountMsg:
		if !s.count.accept(msg.req) || msg.i >= len(s.counts) {
			return nil
		}
		s.counts[msg.i], s.more[msg.i] = msg.n, msg.more
		if msg.err != nil {
			s.counts[msg.i] = -2
			if errorInfo("", msg.err).Kind == sbsvc.KindSessionCannotBeLocked.String() {
				s.counts[msg.i] = -3
			}
		}
		s.table.Invalidate()
		return s.countNext(msg.i+1, view, conn, ref)
	}
	return nil
}

// countNext peeks session i to the end (up to the cap) for its count.
func (s *sessionsList) countNext(i int, view uint64, conn Conn, ref sbsvc.EntityRef) tea.Cmd {
	if i >= len(s.ids) {
		return nil
	}
	req, ctx, stop := s.sh.call(s.sh.timeout)
	s.count.start(req, stop)
	ref.SubQueue, ref.SessionID = sbsvc.Active, s.ids[i]
	return func() tea.Msg {
		n, more, err := countSession(ctx, conn, ref)
		return sessionCountMsg{view: view, req: req, i: i, n: n, more: more, err: err}
	}
}

func countSession(ctx context.Context, conn Conn, ref sbsvc.EntityRef) (n int, more bool, err error) {
	from := int64(1)
	for n < sessionCountCap {
		page, err := conn.Peek(ctx, ref, from, sbsvc.MaxPeekPage)
		if err != nil {
			return n, false, err
		}
		if page.End || len(page.Messages) == 0 {
			return n, false, nil
		}
		n += len(page.Messages)
		from = page.Next
	}
	return n, true, nil
}

type sessionRows struct{ s *sessionsList }

func (r sessionRows) Len() int { return len(r.s.ids) }

func (r sessionRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.s.ids) {
		return nil
	}
	count := ui.Cell{Text: "counting…", Hint: ui.HintDim}
	switch c := r.s.counts[i]; {
	case c == -2:
		count = ui.Cell{Text: "error", Hint: ui.HintError}
	case c == -3:
		count = ui.Cell{Text: "in use", Hint: ui.HintWarn}
	case c >= 0:
		count = ui.Cell{Text: strconv.Itoa(c)}
		if r.s.more[i] {
			count.Text += "+"
		}
	}
	return []ui.Cell{
		{Text: r.s.ids[i]},
		count,
		{Text: "— (needs the lock: L)", Hint: ui.HintDim},
	}
}

// cursorID is the session under the cursor.
func (s *sessionsList) cursorID() (string, bool) {
	c := s.table.Cursor()
	if c < 0 || c >= len(s.ids) {
		return "", false
	}
	return s.ids[c], true
}

func (s *sessionsList) countText() string {
	if !s.started || s.work.active {
		return "listing sessions…"
	}
	return fmt.Sprintf("%d sessions", len(s.ids))
}

func (s *sessionsList) render(width, height int) (body, extra string) {
	st := s.sh.styles
	if s.err != nil {
		extra = st.ErrorPanel(errorInfo("Could not list the sessions", s.err), width)
	} else {
		extra = wrapSubtle(st, width, "Peeked one session at a time: enter browses a session's messages. "+
			"Its state is read only when you accept the session (L), which locks it; dead-lettered messages are on the dead-letter tab.")
	}
	h := max(height-lineCount(extra)-1, 3)
	return s.table.Render(width, h), extra
}

// sessionsKey: move, enter a session, accept it.
func (v *messagesView) sessionsKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	s := v.sessions
	switch {
	case moveTable(s.table, k, msg):
	case key.Matches(msg, k.Open):
		id, ok := s.cursorID()
		if !ok {
			return nil, nil
		}
		return v.enterSession(id), nil
	case key.Matches(msg, k.AcceptSession):
		if readOnlyFor(v.sh, v.conn) {
			return toast(ui.ToastWarn, "read-only: accepting a session locks it, and writes are off"), nil
		}
		id, ok := s.cursorID()
		if !ok {
			return toast(ui.ToastWarn, "no session under the cursor"), nil
		}
		req := v.baseRequest(actAcceptSession)
		req.session = id
		return startAction(v.sh, req)
	default:
		// The other writes act on the whole entity from here (purge,
		// export, send; lock accepts the next available session).
		if cmd, nav, ok := v.actionKey(msg); ok {
			return cmd, nav
		}
	}
	return nil, nil
}

// enterSession shows session id's active messages on the active tab.
func (v *messagesView) enterSession(id string) tea.Cmd {
	v.session = id
	t := v.tab()
	t.work.cancel()
	t.filtering.cancel()
	*t = msgTab{sub: t.sub, next: 1, selected: map[int64]struct{}{}}
	v.table.SetSource(msgRows{v, t})
	v.table.SetCursor(0)
	return v.load()
}

// leaveSession goes back to the sessions list.
func (v *messagesView) leaveSession() {
	v.session = ""
	t := v.tab()
	t.work.cancel()
	t.filtering.cancel()
	*t = msgTab{sub: t.sub, next: 1, selected: map[int64]struct{}{}}
	v.table.SetSource(msgRows{v, t})
}
