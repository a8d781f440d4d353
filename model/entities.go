package model

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// entitiesView shows a namespace's queues, and its topics with their
// subscriptions beneath them.
type entitiesView struct {
	sh      *shared
	vid     uint64
	nsName  string
	conn    Conn
	onLeave func()

	rows   []sbsvc.Entity // flattened tree: queues, then each topic and its subscriptions
	note   string
	err    error
	work   inflight
	at     time.Time
	table  *ui.Table
	width  int
	height int
	status string // a one-line note under the table (e.g. "topics hold no messages")
}

type entitiesLoadedMsg struct {
	view, req uint64
	rows      []sbsvc.Entity
	note      string
	err       error
}

func (m entitiesLoadedMsg) target() uint64 { return m.view }

func newEntitiesView(sh *shared, nsName string, conn Conn, onLeave func()) *entitiesView {
	v := &entitiesView{sh: sh, vid: sh.nextID(), nsName: nsName, conn: conn, onLeave: onLeave}
	right := func(title string, w int) ui.Column { return ui.Column{Title: title, Width: w, Align: ui.AlignRight} }
	v.table = ui.NewTable(sh.styles, []ui.Column{
		{Title: "NAME", MinWidth: 16, Flex: 3},
		{Title: "STATUS", Width: 9},
		right("ACTIVE", 8), right("DLQ", 8), right("SCHED", 6), right("XFER DLQ", 8),
		right("SIZE", 9), right("LOCK", 6), right("MAXDEL", 6),
		{Title: "SESSIONS", Width: 8},
	}, entityRows{v})
	v.table.EmptyText = "loading…"
	return v
}

type entityRows struct{ v *entitiesView }

func (r entityRows) Len() int { return len(r.v.rows) }

func (r entityRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.v.rows) {
		return nil
	}
	e := r.v.rows[i]
	var name string
	switch e.Kind {
	case sbsvc.QueueEntity:
		name = "▪ " + e.Name
	case sbsvc.TopicEntity:
		name = "▾ " + e.Name + " (topic)"
	default:
		name = "   └ " + e.Name
	}
	if e.Kind == sbsvc.TopicEntity {
		return []ui.Cell{{Text: name}, statusCell(e.Status), {Text: "", Hint: ui.HintDim}, {}, {Text: ui.FormatCount(e.Counts.Scheduled)}, {},
			{Text: bytesText(e.SizeBytes)}, {}, {}, {}}
	}
	if !e.CountsKnown {
		return []ui.Cell{{Text: name}, statusCell(e.Status), {Text: "?", Hint: ui.HintDim}, {Text: "?", Hint: ui.HintDim}}
	}
	sessions := ui.Cell{Text: "no", Hint: ui.HintDim}
	if e.RequiresSession {
		sessions = ui.Cell{Text: "yes"}
	}
	size := ui.Cell{Text: bytesText(e.SizeBytes)}
	if e.Kind == sbsvc.SubscriptionEntity {
		// The management API reports no size per subscription (the topic
		// holds it); "0 B" would be a wrong figure, so say it is unknown.
		size = ui.Cell{Text: "—", Hint: ui.HintDim}
	}
	return []ui.Cell{
		{Text: name}, statusCell(e.Status),
		{Text: ui.FormatCount(e.Counts.Active)},
		ui.DeadLetterCell(e.Counts.DeadLetter),
		{Text: ui.FormatCount(e.Counts.Scheduled)},
		ui.DeadLetterCell(e.Counts.TransferDeadLetter),
		size,
		{Text: shortDuration(e.LockDuration)},
		{Text: fmt.Sprint(e.MaxDeliveryCount)},
		sessions,
	}
}

func statusCell(s string) ui.Cell {
	if s == "" || s == "Active" {
		return ui.Cell{Text: "active", Hint: ui.HintOK}
	}
	return ui.Cell{Text: s, Hint: ui.HintWarn}
}

func shortDuration(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

func (v *entitiesView) id() uint64             { return v.vid }
func (v *entitiesView) crumb() string          { return v.nsName }
func (v *entitiesView) setSize(w, h int)       { v.width, v.height = w, h }
func (v *entitiesView) busy() bool             { return v.work.active }
func (v *entitiesView) refreshedAt() time.Time { return v.at }

func (v *entitiesView) cancel() {
	v.work.cancel()
	if v.onLeave != nil {
		v.onLeave()
	}
}

// load lists the entities (and every topic's subscriptions) in a command.
func (v *entitiesView) load() tea.Cmd {
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	conn, view := v.conn, v.vid
	return func() tea.Msg {
		rows, note, err := listTree(ctx, conn)
		return entitiesLoadedMsg{view: view, req: req, rows: rows, note: note, err: err}
	}
}

// listTree flattens the listing into the order the table shows.
func listTree(ctx context.Context, conn Conn) ([]sbsvc.Entity, string, error) {
	l, err := conn.ListEntities(ctx)
	if err != nil {
		return nil, "", err
	}
	if l.Limited {
		return l.Scoped, l.Note, nil
	}
	rows := append([]sbsvc.Entity(nil), l.Queues...)
	for _, t := range l.Topics {
		rows = append(rows, t)
		subs, err := conn.ListSubscriptions(ctx, t.Name)
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, subs...)
	}
	return rows, l.Note, nil
}

func (v *entitiesView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case entitiesLoadedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		v.at, v.err = v.sh.now(), msg.err
		if msg.err == nil {
			v.rows, v.note = msg.rows, msg.note
			v.table.EmptyText = "no queues or topics in this namespace"
			v.table.Invalidate()
			v.table.SetCursor(v.table.Cursor())
		}
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil, nil
}

func (v *entitiesView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	v.status = ""
	if moveTable(v.table, k, msg) {
		return nil, nil
	}
	switch {
	case key.Matches(msg, k.Refresh):
		return v.load(), nil
	case key.Matches(msg, k.Open):
		i := v.table.Cursor()
		if i < 0 || i >= len(v.rows) {
			return nil, nil
		}
		e := v.rows[i]
		if e.Kind == sbsvc.TopicEntity {
			v.status = "A topic holds no messages: open one of its subscriptions."
			return nil, nil
		}
		mv := newMessagesView(v.sh, v.conn, e)
		return nil, &navigation{push: mv, cmd: mv.load()}
	}
	return nil, nil
}

func (v *entitiesView) render() string {
	extra := ""
	if v.err != nil {
		extra = v.sh.styles.ErrorPanel(errorInfo("Could not list the entities of "+v.nsName, v.err), v.width)
	} else if v.status != "" {
		extra = v.sh.styles.Subtle.Render(v.status)
	} else if v.note != "" {
		extra = v.sh.styles.Subtle.Render(ui.Sanitize(v.note))
	}
	tableH := v.height
	if extra != "" {
		tableH = max(v.height-lineCount(extra)-1, 3)
	}
	out := v.table.Render(v.width, tableH)
	if extra != "" {
		out += "\n\n" + extra
	}
	return out
}
