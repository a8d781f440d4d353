package model

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

type connState int

const (
	stateIdle connState = iota
	stateConnecting
	stateConnected
	stateFailed
)

// nsRow is one namespace and its connection.
type nsRow struct {
	target Target
	state  connState
	conn   Conn
	err    error
	work   inflight
	at     time.Time
	// trend is the namespace's dead-letter history, kept across visits.
	trend *dlqTrend
}

// namespacesView lists the namespaces and connects them.
type namespacesView struct {
	sh     *shared
	vid    uint64
	rows   []*nsRow
	table  *ui.Table
	width  int
	height int
	// openOnConnect is the row Enter was pressed on while it connected:
	// its entities open as soon as it is up.
	openOnConnect *nsRow
	// entered is the namespace whose entities are on screen (status bar).
	entered *nsRow
	// adding is the add-a-namespace prompt, when open.
	adding *addPrompt
	clicks mouseClicks
}

type connectedMsg struct {
	view, req uint64
	row       *nsRow
	conn      Conn
	err       error
}

func (m connectedMsg) target() uint64 { return m.view }

func newNamespacesView(sh *shared, targets []Target, selected int) *namespacesView {
	v := &namespacesView{sh: sh, vid: sh.nextID()}
	for _, t := range targets {
		v.rows = append(v.rows, &nsRow{target: t})
	}
	v.table = ui.NewTable(sh.styles, []ui.Column{
		{Title: "NAME", MinWidth: 12, Flex: 2},
		{Title: "ENDPOINT", MinWidth: 16, Flex: 3},
		{Title: "AUTH", MinWidth: 10, Flex: 1},
		{Title: "MODE", Width: 10},
		{Title: "STATE", MinWidth: 12, Flex: 2},
	}, nsRows{v})
	v.table.EmptyText = "no namespaces configured"
	v.table.SetCursor(selected)
	return v
}

// nsRows adapts the rows to the table lazily.
type nsRows struct{ v *namespacesView }

func (r nsRows) Len() int { return len(r.v.rows) }

func (r nsRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.v.rows) {
		return nil
	}
	row := r.v.rows[i]
	mode := ui.Cell{Text: "read-write"}
	if row.target.ReadOnly || r.v.sh.readOnly {
		mode = ui.Cell{Text: "read-only", Hint: ui.HintWarn}
	}
	name := row.target.Name
	if row.target.Demo {
		name += " (demo)"
	}
	var state ui.Cell
	switch row.state {
	case stateIdle:
		state = ui.Cell{Text: "○ not connected", Hint: ui.HintDim}
	case stateConnecting:
		state = ui.Cell{Text: "… connecting", Hint: ui.HintWarn}
	case stateConnected:
		state = ui.Cell{Text: "● connected", Hint: ui.HintOK}
	case stateFailed:
		state = ui.Cell{Text: "✗ failed: " + errorClass(row.err), Hint: ui.HintError}
	}
	return []ui.Cell{{Text: name}, {Text: row.target.Endpoint}, {Text: row.target.Auth}, mode, state}
}

func (v *namespacesView) id() uint64    { return v.vid }
func (v *namespacesView) crumb() string { return "namespaces" }

func (v *namespacesView) setSize(w, h int) { v.width, v.height = w, h }

func (v *namespacesView) typing() bool { return v.adding != nil }

func (v *namespacesView) hints() []key.Binding {
	if v.adding != nil {
		return addHints()
	}
	k := v.sh.keys
	return []key.Binding{k.Open, k.Refresh, k.AddNamespace, k.Jump, k.Help, k.Quit}
}

func (v *namespacesView) busy() bool {
	if v.adding != nil && v.adding.saving {
		return true
	}
	for _, r := range v.rows {
		if r.work.active {
			return true
		}
	}
	return false
}

func (v *namespacesView) cancel() {
	for _, r := range v.rows {
		if r.work.active {
			r.work.cancel()
			r.state, r.err = stateFailed, &sbsvc.Error{Kind: sbsvc.KindCancelled, Op: "connect", Cause: context.Canceled, Remedy: "Press r or Enter to connect again."}
		}
	}
	v.table.Invalidate()
	v.openOnConnect = nil
}

func (v *namespacesView) refreshedAt() time.Time {
	if r := v.selected(); r != nil {
		return r.at
	}
	return time.Time{}
}

func (v *namespacesView) selected() *nsRow {
	i := v.table.Cursor()
	if i < 0 || i >= len(v.rows) {
		return nil
	}
	return v.rows[i]
}

// current is the namespace shown in the status bar: the one browsed, or
// the selected row on the namespaces view itself.
func (v *namespacesView) current() (name string, readOnly bool) {
	r := v.entered
	if r == nil {
		r = v.selected()
	}
	if r == nil {
		return "", false
	}
	ro := r.target.ReadOnly
	if r.conn != nil {
		ro = ro || r.conn.Info().ReadOnly
	}
	return r.target.Name, ro
}

func (v *namespacesView) connectAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range v.rows {
		if r.state == stateIdle {
			cmds = append(cmds, v.connect(r))
		}
	}
	return tea.Batch(cmds...)
}

// connect starts connecting one row in a command.
func (v *namespacesView) connect(r *nsRow) tea.Cmd {
	if r.target.Connect == nil {
		r.state, r.err = stateFailed, &sbsvc.Error{Kind: sbsvc.KindConnectionString, Op: "connect", Remedy: sbsvc.KindConnectionString.Remedy()}
		return nil
	}
	req, ctx, stop := v.sh.call(v.sh.connectTimeout)
	r.work.start(req, stop)
	r.state, r.err = stateConnecting, nil
	v.table.Invalidate()
	connect, view := r.target.Connect, v.vid
	return func() tea.Msg {
		conn, err := connect(ctx)
		return connectedMsg{view: view, req: req, row: r, conn: conn, err: err}
	}
}

func (v *namespacesView) closeAll(ctx context.Context) {
	for _, r := range v.rows {
		if r.conn != nil {
			_ = r.conn.Close(ctx)
			r.conn = nil
		}
	}
}

func (v *namespacesView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case connectedMsg:
		return v.connected(msg)
	case namespaceAddedMsg:
		return v.added(msg), nil
	case tea.PasteMsg:
		if v.adding != nil {
			v.pasteAdd(msg.Content)
		}
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if v.adding != nil {
			return nil, nil
		}
		if _, open := v.clicks.mouseTable(v.table, msg, 0, v.sh.now()); open {
			if r := v.selected(); r != nil {
				return v.enter(r)
			}
		}
	case tea.KeyPressMsg:
		if v.adding != nil {
			return v.addKey(msg), nil
		}
		return v.key(msg)
	}
	return nil, nil
}

func (v *namespacesView) connected(msg connectedMsg) (tea.Cmd, *navigation) {
	r := msg.row
	// The table caches rendered rows; a row's state changes in place.
	defer v.table.Invalidate()
	if !r.work.accept(msg.req) {
		if msg.conn != nil { // a late connection nobody wants any more
			conn := msg.conn
			return func() tea.Msg { _ = conn.Close(context.Background()); return nil }, nil
		}
		return nil, nil
	}
	r.at = v.sh.now()
	if msg.err != nil {
		r.state, r.err = stateFailed, msg.err
		if v.openOnConnect == r {
			v.openOnConnect = nil
		}
		return nil, nil
	}
	r.state, r.conn = stateConnected, msg.conn
	if v.openOnConnect == r {
		v.openOnConnect = nil
		return nil, v.open(r)
	}
	return nil, nil
}

func (v *namespacesView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	if moveTable(v.table, k, msg) {
		return nil, nil
	}
	if key.Matches(msg, k.AddNamespace) {
		v.openAdd()
		return nil, nil
	}
	r := v.selected()
	if r == nil {
		return nil, nil
	}
	switch {
	case key.Matches(msg, k.Open):
		return v.enter(r)
	case key.Matches(msg, k.Refresh):
		if r.state != stateConnecting && r.state != stateConnected {
			return v.connect(r), nil
		}
	}
	return nil, nil
}

// enter opens a connected namespace, or connects it and opens it once up.
func (v *namespacesView) enter(r *nsRow) (tea.Cmd, *navigation) {
	switch r.state {
	case stateConnected:
		return nil, v.open(r)
	case stateConnecting:
		v.openOnConnect = r
	default:
		v.openOnConnect = r
		return v.connect(r), nil
	}
	return nil, nil
}

func (v *namespacesView) open(r *nsRow) *navigation {
	v.entered = r
	ev := newEntitiesView(v.sh, r.target.Name, r.conn, func() { v.entered = nil })
	if r.trend == nil {
		r.trend = newDLQTrend()
	}
	ev.trend = r.trend
	return &navigation{push: ev, cmd: ev.load()}
}

func (v *namespacesView) render() string {
	tableH := v.height
	var panel string
	if r := v.selected(); r != nil && r.state == stateFailed && r.err != nil {
		panel = v.sh.styles.ErrorPanel(errorInfo("Could not connect to "+r.target.Name, r.err), v.width)
		tableH = max(v.height-lineCount(panel)-1, 3)
	}
	var add string
	if v.adding != nil {
		add = v.renderAdd()
		tableH = max(tableH-lineCount(add)-1, 3)
	}
	out := v.table.Render(v.width, tableH)
	if add != "" {
		out += "\n\n" + add
	}
	if panel != "" {
		out += "\n\n" + panel
	}
	return out
}

// moveTable applies the shared cursor keys to a table.
func moveTable(t *ui.Table, k KeyMap, msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, k.Up):
		t.Up()
	case key.Matches(msg, k.Down):
		t.Down()
	case key.Matches(msg, k.Top):
		t.Top()
	case key.Matches(msg, k.Bottom):
		t.Bottom()
	case key.Matches(msg, k.PageUp):
		t.PageUp()
	case key.Matches(msg, k.PageDown):
		t.PageDown()
	default:
		return false
	}
	return true
}

func lineCount(s string) int {
	if s == "" {
		return 0
	}
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
