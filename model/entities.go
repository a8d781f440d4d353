package model

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// defaultAutoRefresh is how often the entities view reloads by itself.
const defaultAutoRefresh = 10 * time.Second

// entitiesView shows a namespace's queues, and its topics with their
// subscriptions beneath them. It sorts and filters within that tree,
// reloads every few seconds, and keeps each entity's dead-letter history
// for the TREND column.
type entitiesView struct {
	sh      *shared
	vid     uint64
	nsName  string
	conn    Conn
	onLeave func()

	all  []sbsvc.Entity // as listed: queues, then each topic and its subscriptions
	rows []sbsvc.Entity // what the table shows: all, filtered and sorted as a tree

	order []entityNode // all as a tree, in sort order
	lower []string     // all's names in lower case, for ties

	note   string
	err    error
	work   inflight
	quiet  bool // the load in flight is an automatic one: no spinner
	at     time.Time
	table  *ui.Table
	width  int
	height int
	status string // a one-line note under the table (e.g. "topics hold no messages")

	sortCol  int // -1: the order the namespace listed them in
	sortDesc bool
	onlyDLQ  bool
	filter   string
	editing  bool // the filter line has the keyboard
	input    lineInput

	autoRefresh bool
	every       time.Duration
	tickGen     uint64 // tags the one live auto-refresh timer

	trend  *dlqTrend
	clicks mouseClicks
}

type entitiesLoadedMsg struct {
	view, req uint64
	rows      []sbsvc.Entity
	note      string
	err       error
}

func (m entitiesLoadedMsg) target() uint64 { return m.view }

// autoRefreshMsg is the auto-refresh timer firing; only the newest timer
// (gen) reloads, so a manual refresh never leaves two chains running.
type autoRefreshMsg struct{ view, gen uint64 }

func (m autoRefreshMsg) target() uint64 { return m.view }

// The entities table's columns, in order; sorting names them by index.
const (
	colName = iota
	colStatus
	colActive
	colDLQ
	colScheduled
	colTransferDLQ
	colSize
	colLock
	colMaxDeliveries
	colSessions
	colTrend
	entityColumns
)

func newEntitiesView(sh *shared, nsName string, conn Conn, onLeave func()) *entitiesView {
	v := &entitiesView{sh: sh, vid: sh.nextID(), nsName: nsName, conn: conn, onLeave: onLeave,
		sortCol: -1, autoRefresh: true, every: defaultAutoRefresh, trend: newDLQTrend()}
	right := func(title string, w int) ui.Column { return ui.Column{Title: title, Width: w, Align: ui.AlignRight} }
	v.table = ui.NewTable(sh.styles, []ui.Column{
		{Title: "NAME", MinWidth: 16, Flex: 3},
		{Title: "STATUS", Width: 9},
		right("ACTIVE", 8), right("DLQ", 8), right("SCHED", 6), right("XFER DLQ", 8),
		right("SIZE / MAX", 15), right("LOCK", 6), right("MAXDEL", 6),
		{Title: "SESSIONS", Width: 8},
		{Title: "TREND", Width: 13},
	}, entityRows{v})
	v.table.EmptyText = "loading…"
	v.input.prompt = "/"
	return v
}

type entityRows struct{ v *entitiesView }

func (r entityRows) Len() int { return len(r.v.rows) }

func (r entityRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.v.rows) {
		return nil
	}
	e := r.v.rows[i]
	var prefix string
	switch e.Kind {
	case sbsvc.QueueEntity:
		prefix = "▪ "
	case sbsvc.TopicEntity:
		prefix = "▾ "
	default:
		prefix = "   └ "
	}
	name := ui.Cell{Text: prefix + e.Name}
	if e.Kind == sbsvc.TopicEntity {
		name.Text += " (topic)"
	}
	if r.v.filter != "" {
		// The letters the filter matched stand out (with colour).
		n := len([]rune(prefix))
		for _, p := range fuzzyPositions(strings.ToLower(r.v.filter), e.Name) {
			if n+p < 64 {
				name.Marks |= 1 << (n + p)
			}
		}
	}
	if e.Kind == sbsvc.TopicEntity {
		return []ui.Cell{name, statusCell(e.Status), {Text: "", Hint: ui.HintDim}, {}, {Text: ui.FormatCount(e.Counts.Scheduled)}, {},
			sizeOfMaxCell(e), {}, {}, {}, {}}
	}
	if !e.CountsKnown {
		return []ui.Cell{name, statusCell(e.Status), {Text: "?", Hint: ui.HintDim}, {Text: "?", Hint: ui.HintDim}}
	}
	sessions := ui.Cell{Text: "no", Hint: ui.HintDim}
	if e.RequiresSession {
		sessions = ui.Cell{Text: "yes"}
	}
	size := sizeOfMaxCell(e)
	if e.Kind == sbsvc.SubscriptionEntity {
		// The management API reports no size per subscription (the topic
		// holds it); "0 B" would be a wrong figure, so say it is unknown.
		size = ui.Cell{Text: "—", Hint: ui.HintDim}
	}
	return []ui.Cell{
		name, statusCell(e.Status),
		{Text: ui.FormatCount(e.Counts.Active)},
		ui.DeadLetterCell(e.Counts.DeadLetter),
		{Text: ui.FormatCount(e.Counts.Scheduled)},
		ui.DeadLetterCell(e.Counts.TransferDeadLetter),
		size,
		{Text: shortDuration(e.LockDuration)},
		{Text: fmt.Sprint(e.MaxDeliveryCount)},
		sessions,
		r.v.trend.cell(e.Path()),
	}
}

// sizeOfMaxCell is "1.8 KB / 1 GB": how full the entity is. Past 80% of
// its maximum it stands out, since a full entity refuses every send
// (QuotaExceeded).
func sizeOfMaxCell(e sbsvc.Entity) ui.Cell {
	if e.MaxSizeMB <= 0 {
		return ui.Cell{Text: bytesText(e.SizeBytes)}
	}
	max := fmt.Sprintf("%d MB", e.MaxSizeMB)
	if e.MaxSizeMB%1024 == 0 {
		max = fmt.Sprintf("%d GB", e.MaxSizeMB/1024)
	}
	c := ui.Cell{Text: bytesText(e.SizeBytes) + " / " + max}
	if e.SizeBytes*10 >= e.MaxSizeMB<<20*8 {
		c.Hint = ui.HintWarn
	}
	return c
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
func (v *entitiesView) busy() bool             { return v.work.active && !v.quiet }
func (v *entitiesView) refreshedAt() time.Time { return v.at }
func (v *entitiesView) typing() bool           { return v.editing }

func (v *entitiesView) cancel() {
	v.work.cancel()
	v.tickGen++ // stops the auto-refresh chain
	if v.onLeave != nil {
		v.onLeave()
	}
}

// beforeLeave: Esc first clears a kept filter, then leaves.
func (v *entitiesView) beforeLeave() (tea.Cmd, bool) {
	if v.filter != "" {
		v.setFilter("")
		return nil, false
	}
	return nil, true
}

// load lists the entities (and every topic's subscriptions) in a command.
func (v *entitiesView) load() tea.Cmd {
	v.quiet = false
	return v.startLoad()
}

func (v *entitiesView) startLoad() tea.Cmd {
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

// scheduleRefresh arms the next automatic reload (one timer at a time).
func (v *entitiesView) scheduleRefresh() tea.Cmd {
	v.tickGen++
	if !v.autoRefresh {
		return nil
	}
	gen, view := v.tickGen, v.vid
	return v.sh.after(v.every, func(time.Time) tea.Msg { return autoRefreshMsg{view: view, gen: gen} })
}

func (v *entitiesView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case entitiesLoadedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		v.quiet = false
		v.at, v.err = v.sh.now(), msg.err
		if msg.err == nil {
			v.all, v.note = msg.rows, msg.note
			v.trend.record(msg.rows)
			v.table.EmptyText = "no queues or topics in this namespace"
			v.resort()
			rows := msg.rows
			return tea.Batch(v.scheduleRefresh(), func() tea.Msg { return entitiesListedMsg{rows: rows} }), nil
		}
		return v.scheduleRefresh(), nil
	case autoRefreshMsg:
		if msg.gen != v.tickGen || !v.autoRefresh || v.work.active {
			return nil, nil
		}
		v.quiet = true
		return v.startLoad(), nil
	case entityChangedMsg:
		return v.load(), nil
	case tea.PasteMsg:
		if v.editing {
			v.input.insert(msg.Content)
			v.setFilter(v.input.text())
		}
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if _, open := v.clicks.mouseTable(v.table, msg, 1, v.sh.now()); open {
			return v.open()
		}
	case tea.KeyPressMsg:
		if v.editing {
			return v.filterKey(msg), nil
		}
		return v.key(msg)
	}
	return nil, nil
}

// filterKey edits the filter line: every change re-filters at once; Enter
// keeps the filter, Esc drops it.
func (v *entitiesView) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		v.editing = false
	case "esc":
		v.editing = false
		v.setFilter("")
	case "up", "down":
		moveTable(v.table, v.sh.keys, msg)
	default:
		if v.input.handle(msg) {
			v.setFilter(v.input.text())
		}
	}
	return nil
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
		return v.open()
	case key.Matches(msg, k.Filter):
		v.editing = true
		v.input.set(v.filter)
	case key.Matches(msg, k.SortNext):
		v.sortCol++
		if v.sortCol >= entityColumns {
			v.sortCol = -1
		}
		// Names and words read best A→Z; counts and sizes biggest first.
		v.sortDesc = v.sortCol > colStatus && v.sortCol != colSessions
		v.resort()
	case key.Matches(msg, k.SortReverse):
		if v.sortCol < 0 {
			v.sortCol = colName
		} else {
			v.sortDesc = !v.sortDesc
		}
		v.resort()
	case key.Matches(msg, k.OnlyDeadLetters):
		v.onlyDLQ = !v.onlyDLQ
		v.rebuild()
	case key.Matches(msg, k.AutoRefresh):
		v.autoRefresh = !v.autoRefresh
		if v.autoRefresh {
			return v.scheduleRefresh(), nil
		}
		v.tickGen++
	case key.Matches(msg, k.Rules):
		return v.openRules()
	case key.Matches(msg, k.Send):
		return v.send()
	}
	return nil, nil
}

// selected is the entity under the cursor.
func (v *entitiesView) selected() (sbsvc.Entity, bool) {
	i := v.table.Cursor()
	if i < 0 || i >= len(v.rows) {
		return sbsvc.Entity{}, false
	}
	return v.rows[i], true
}

func (v *entitiesView) open() (tea.Cmd, *navigation) {
	e, ok := v.selected()
	if !ok {
		return nil, nil
	}
	if e.Kind == sbsvc.TopicEntity {
		v.status = "A topic holds no messages: open one of its subscriptions."
		return nil, nil
	}
	mv := newMessagesView(v.sh, v.conn, e)
	return nil, &navigation{push: mv, cmd: mv.load()}
}

func (v *entitiesView) openRules() (tea.Cmd, *navigation) {
	e, ok := v.selected()
	if !ok {
		return nil, nil
	}
	if e.Kind != sbsvc.SubscriptionEntity {
		v.status = "Rules belong to subscriptions: select one beneath its topic."
		return nil, nil
	}
	rv := newRulesView(v.sh, v.conn, e)
	return nil, &navigation{push: rv, cmd: rv.load()}
}

func (v *entitiesView) send() (tea.Cmd, *navigation) {
	e, ok := v.selected()
	if !ok {
		return nil, nil
	}
	if readOnlyFor(v.sh, v.conn) {
		v.status = "Read-only: sending is off for this namespace."
		return nil, nil
	}
	if e.Kind == sbsvc.SubscriptionEntity {
		v.status = "Messages are sent to a queue or a topic: select the topic " + e.Topic + "."
		return nil, nil
	}
	return startAction(v.sh, actionRequest{kind: actSend, conn: v.conn, nsName: v.nsName, entity: e, origin: v.vid})
}

func (v *entitiesView) hints() []key.Binding {
	k := v.sh.keys
	if v.editing {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	}
	// The status bar shows as many as fit, in this order.
	hs := []key.Binding{k.Open, k.Filter}
	if e, ok := v.selected(); ok && e.Kind == sbsvc.SubscriptionEntity {
		hs = append(hs, k.Rules)
	}
	if !readOnlyFor(v.sh, v.conn) {
		hs = append(hs, k.Send)
	}
	return append(hs, k.OnlyDeadLetters, k.SortNext, k.AutoRefresh, k.Jump, k.Help)
}

// summary is the line above the table: counts, sort, filter, data age.
func (v *entitiesView) summary() string {
	parts := []string{fmt.Sprintf("%d of %d entities", v.entityCount(v.rows), v.entityCount(v.all))}
	if v.sortCol >= 0 {
		dir := "▲"
		if v.sortDesc {
			dir = "▼"
		}
		parts = append(parts, "sort: "+entityColumnNames[v.sortCol]+" "+dir)
	}
	if v.filter != "" && !v.editing {
		parts = append(parts, "filter: "+v.filter+" (esc clears)")
	}
	if v.onlyDLQ {
		parts = append(parts, "only with dead letters")
	}
	if !v.at.IsZero() {
		parts = append(parts, "updated "+relative(v.sh.now(), v.at))
	}
	if v.autoRefresh {
		parts = append(parts, "auto-refresh "+shortDuration(v.every))
	} else {
		parts = append(parts, "auto-refresh off")
	}
	return ui.Sanitize(strings.Join(parts, " · "))
}

// entityCount counts queues and subscriptions (topics are containers).
func (v *entitiesView) entityCount(rows []sbsvc.Entity) int {
	n := 0
	for _, e := range rows {
		if e.Kind != sbsvc.TopicEntity {
			n++
		}
	}
	return n
}

var entityColumnNames = [entityColumns]string{"NAME", "STATUS", "ACTIVE", "DLQ", "SCHED", "XFER DLQ", "SIZE", "LOCK", "MAXDEL", "SESSIONS", "TREND"}

// extraText is what shows under the list: the error, a status, a note.
func (v *entitiesView) extraText() string {
	st := v.sh.styles
	switch {
	case v.err != nil:
		return st.ErrorPanel(errorInfo("Could not list the entities of "+v.nsName, v.err), v.width)
	case v.status != "":
		return st.Subtle.Render(v.status)
	case v.note != "":
		return st.Subtle.Render(ui.Sanitize(v.note))
	}
	return ""
}

// promptLines: the filter line being typed and what is drawn under it.
func (v *entitiesView) promptLines() int {
	if !v.editing {
		return 0
	}
	if extra := v.extraText(); extra != "" {
		return 2 + lineCount(extra)
	}
	return 1
}

func (v *entitiesView) render() string {
	st := v.sh.styles
	extra := v.extraText()
	tableH := v.height - 1 // the summary line
	if v.editing {
		tableH--
	}
	if extra != "" {
		tableH = max(tableH-lineCount(extra)-1, 3)
	}
	var b strings.Builder
	b.WriteString(st.Subtle.Render(ui.Fit(v.summary(), v.width)))
	b.WriteByte('\n')
	b.WriteString(v.table.Render(v.width, tableH))
	if v.editing {
		b.WriteByte('\n')
		b.WriteString(v.input.render(st, v.width))
	}
	if extra != "" {
		b.WriteString("\n\n")
		b.WriteString(extra)
	}
	return b.String()
}
