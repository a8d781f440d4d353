package model

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/sbsvc/decode"
	"github.com/sbx-tui/sbx/ui"
)

// previewRunes is the width of the body preview computed per message.
const previewRunes = 120

// loadAhead: a further page is peeked when the cursor comes this close to
// the last loaded row.
const loadAhead = 20

// msgTab is one sub-queue's peeked messages.
type msgTab struct {
	sub      sbsvc.SubQueue
	msgs     []sbsvc.Message
	previews []string
	next     int64
	end      bool
	started  bool
	err      error
	work     inflight
	cursor   int
	at       time.Time
}

// messagesView peeks an entity's active, dead-letter and transfer
// dead-letter messages page by page.
type messagesView struct {
	sh     *shared
	vid    uint64
	conn   Conn
	entity sbsvc.Entity
	tabs   [3]*msgTab
	cur    int
	table  *ui.Table
	width  int
	height int
}

type pageMsg struct {
	view, req uint64
	tab       int
	page      sbsvc.Page
	previews  []string
	err       error
}

func (m pageMsg) target() uint64 { return m.view }

func newMessagesView(sh *shared, conn Conn, e sbsvc.Entity) *messagesView {
	v := &messagesView{sh: sh, vid: sh.nextID(), conn: conn, entity: e}
	for i, sub := range []sbsvc.SubQueue{sbsvc.Active, sbsvc.DeadLetter, sbsvc.TransferDeadLetter} {
		v.tabs[i] = &msgTab{sub: sub, next: 1}
	}
	v.table = ui.NewTable(sh.styles, nil, nil)
	v.selectTab(0)
	return v
}

func (v *messagesView) tab() *msgTab { return v.tabs[v.cur] }

// selectTab switches the table to tab i, keeping each tab's cursor.
func (v *messagesView) selectTab(i int) {
	v.tab().cursor = v.table.Cursor()
	v.cur = i
	t := v.tab()
	cols := []ui.Column{
		{Title: "SEQ", Width: 6, Align: ui.AlignRight},
		{Title: "ENQUEUED", Width: 9},
		{Title: "MESSAGE ID", MinWidth: 10, Flex: 2},
		{Title: "SUBJECT", MinWidth: 8, Flex: 2},
		{Title: "DLV", Width: 3, Align: ui.AlignRight},
		{Title: "SIZE", Width: 8, Align: ui.AlignRight},
		{Title: "TYPE", MinWidth: 8, Flex: 1},
	}
	if t.sub != sbsvc.Active {
		cols = append(cols, ui.Column{Title: "DLQ REASON", MinWidth: 12, Flex: 2})
	}
	cols = append(cols, ui.Column{Title: "PREVIEW", MinWidth: 12, Flex: 4})
	v.table.SetColumns(cols)
	v.table.SetSource(msgRows{v, t})
	v.table.EmptyText = "no messages"
	v.table.SetCursor(t.cursor)
}

type msgRows struct {
	v *messagesView
	t *msgTab
}

func (r msgRows) Len() int { return len(r.t.msgs) }

func (r msgRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.t.msgs) {
		return nil
	}
	m := &r.t.msgs[i]
	seq := fmt.Sprint(m.SequenceNumber)
	switch m.State {
	case sbsvc.StateScheduled:
		seq = "⏲" + seq
	case sbsvc.StateDeferred:
		seq = "⏸" + seq
	}
	cells := []ui.Cell{
		{Text: seq},
		{Text: relative(r.v.sh.now(), m.EnqueuedAt)},
		{Text: m.MessageID},
		{Text: m.Subject},
		{Text: fmt.Sprint(m.DeliveryCount)},
		{Text: bytesText(int64(len(m.Body)))},
		{Text: m.ContentType},
	}
	if r.t.sub != sbsvc.Active {
		cells = append(cells, ui.Cell{Text: m.DeadLetterReason, Hint: ui.HintDeadLetter})
	}
	return append(cells, ui.Cell{Text: r.t.previews[i], Hint: ui.HintDim})
}

func (v *messagesView) id() uint64             { return v.vid }
func (v *messagesView) setSize(w, h int)       { v.width, v.height = w, h }
func (v *messagesView) busy() bool             { return v.tab().work.active }
func (v *messagesView) refreshedAt() time.Time { return v.tab().at }

func (v *messagesView) crumb() string {
	return v.entity.Ref.Path() + " › " + subLabel(v.tab().sub)
}

func subLabel(q sbsvc.SubQueue) string {
	switch q {
	case sbsvc.DeadLetter:
		return "Dead-letter"
	case sbsvc.TransferDeadLetter:
		return "Transfer dead-letter"
	}
	return "Active"
}

func (v *messagesView) cancel() {
	for _, t := range v.tabs {
		t.work.cancel()
	}
}

// sessionBlocked: the active messages of a session-enabled entity are
// peeked per session, which this build does not list yet.
func (v *messagesView) sessionBlocked() bool {
	return v.entity.RequiresSession && v.tab().sub == sbsvc.Active
}

// load peeks the current tab's next page, if one is due.
func (v *messagesView) load() tea.Cmd {
	t := v.tab()
	if t.end || t.work.active || v.sessionBlocked() {
		return nil
	}
	t.started = true
	req, ctx, stop := v.sh.call(v.sh.timeout)
	t.work.start(req, stop)
	ref := v.entity.Ref
	ref.SubQueue = t.sub
	conn, view, tab, from, size := v.conn, v.vid, v.cur, t.next, v.sh.pageSize
	return func() tea.Msg {
		page, err := conn.Peek(ctx, ref, from, size)
		var previews []string
		if err == nil {
			previews = make([]string, len(page.Messages))
			for i := range page.Messages {
				previews[i] = decode.Preview(decodeInput(&page.Messages[i]), previewRunes)
			}
		}
		return pageMsg{view: view, req: req, tab: tab, page: page, previews: previews, err: err}
	}
}

// reload forgets the current tab's rows and peeks from the start.
func (v *messagesView) reload() tea.Cmd {
	t := v.tab()
	t.work.cancel()
	*t = msgTab{sub: t.sub, next: 1}
	v.table.SetSource(msgRows{v, t})
	return v.load()
}

// maybeLoadMore peeks further when the cursor nears the loaded end.
func (v *messagesView) maybeLoadMore() tea.Cmd {
	if v.table.Cursor() >= v.table.Len()-loadAhead {
		return v.load()
	}
	return nil
}

func (v *messagesView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case pageMsg:
		if msg.tab < 0 || msg.tab >= len(v.tabs) {
			return nil, nil
		}
		t := v.tabs[msg.tab]
		if !t.work.accept(msg.req) {
			return nil, nil
		}
		t.at = v.sh.now()
		if msg.err != nil {
			t.err = msg.err
			return nil, nil
		}
		t.err = nil
		t.msgs = append(t.msgs, msg.page.Messages...)
		t.previews = append(t.previews, msg.previews...)
		t.next, t.end = msg.page.Next, msg.page.End
		if msg.tab != v.cur {
			return nil, nil
		}
		v.table.Invalidate()
		return v.maybeLoadMore(), nil
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil, nil
}

func (v *messagesView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	if moveTable(v.table, k, msg) {
		return v.maybeLoadMore(), nil
	}
	switch {
	case key.Matches(msg, k.NextTab), key.Matches(msg, k.PrevTab):
		step := 1
		if key.Matches(msg, k.PrevTab) {
			step = len(v.tabs) - 1
		}
		v.selectTab((v.cur + step) % len(v.tabs))
		if !v.tab().started {
			return v.load(), nil
		}
	case key.Matches(msg, k.Refresh):
		return v.reload(), nil
	case key.Matches(msg, k.Open):
		t, i := v.tab(), v.table.Cursor()
		if i < 0 || i >= len(t.msgs) {
			return nil, nil
		}
		dv := newDetailView(v.sh, t.msgs[i])
		return nil, &navigation{push: dv, cmd: dv.decode()}
	}
	return nil, nil
}

// total is the entity's count for the current tab, from the listing.
func (v *messagesView) total() (int64, bool) {
	if !v.entity.CountsKnown {
		return 0, false
	}
	c := v.entity.Counts
	switch v.tab().sub {
	case sbsvc.DeadLetter:
		return c.DeadLetter, true
	case sbsvc.TransferDeadLetter:
		return c.TransferDeadLetter, true
	}
	return c.Active + c.Scheduled, true
}

func (v *messagesView) tabBar() string {
	st := v.sh.styles
	var parts []string
	for i, t := range v.tabs {
		label := subLabel(t.sub)
		if i == v.cur {
			parts = append(parts, st.Crumb.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Subtle.Render(" "+label+" "))
		}
	}
	t := v.tab()
	count := fmt.Sprintf("%d loaded", len(t.msgs))
	if n, ok := v.total(); ok {
		count = fmt.Sprintf("%d of %d loaded", len(t.msgs), n)
	}
	if !t.end && t.started {
		count += " (more on scroll)"
	}
	return strings.Join(parts, " ") + "   " + st.Subtle.Render(count)
}

func (v *messagesView) render() string {
	head := v.tabBar()
	var extra string
	t := v.tab()
	switch {
	case t.err != nil:
		extra = v.sh.styles.ErrorPanel(errorInfo("Could not peek "+v.crumb(), t.err), v.width)
	case v.sessionBlocked():
		extra = wrapSubtle(v.sh.styles, v.width, "This entity requires sessions: its active messages are peeked one session at a time, and the sessions list is not in this build yet. Tab to the dead-letter queues, which are peeked directly.")
	}
	tableH := v.height - 2
	if extra != "" {
		tableH = max(tableH-lineCount(extra)-1, 3)
	}
	out := head + "\n\n" + v.table.Render(v.width, tableH)
	if extra != "" {
		out += "\n\n" + extra
	}
	return out
}
