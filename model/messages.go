package model

import (
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

// msgTab is one sub-queue's peeked messages, plus what the user did with
// them: a filter, a selection, the dead-letter summary. Per-row state is
// only the message and its preview; everything else is per tab (the
// selection is a set of sequence numbers, the filter an index list), so
// 100,000 rows cost no more than before.
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

	// filter is what the list is narrowed to; shown holds the indexes of
	// msgs that match (nil: no filter, every row shows).
	filter    msgFilter
	shown     []int32
	filtering inflight
	// selected holds sequence numbers, so a reload keeps the selection.
	selected map[int64]struct{}
	// reasons counts dead letters by reason + description as pages arrive.
	reasons reasonCounts
	summary *summaryState // non-nil while the summary table shows
	// loadAll peeks to the end page after page (summary "load all").
	loadAll   bool
	loadStart time.Time
}

// messagesView peeks an entity's active, dead-letter and transfer
// dead-letter messages page by page. A session-enabled entity's active tab
// lists its sessions first; the user picks one to peek.
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

	absolute bool      // the enqueued column shows absolute times
	editing  bool      // the filter line has the keyboard
	input    lineInput // the filter line
	mouse    mouseClicks
	sessions *sessionsList // session-enabled entities only
	session  string        // the session whose active messages show ("" = the list)
	gone     bool          // the entity was not found on the last load
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
		v.tabs[i] = &msgTab{sub: sub, next: 1, selected: map[int64]struct{}{}}
	}
	v.input.prompt = "/"
	v.table = ui.NewTable(sh.styles, nil, nil)
	if e.RequiresSession {
		v.sessions = newSessionsList(sh)
	}
	v.selectTab(0)
	return v
}

func (v *messagesView) tab() *msgTab { return v.tabs[v.cur] }

// selectTab switches the table to tab i, keeping each tab's cursor.
func (v *messagesView) selectTab(i int) {
	v.tab().cursor = v.table.Cursor()
	v.cur = i
	v.setColumns()
	t := v.tab()
	v.table.SetSource(msgRows{v, t})
	v.table.EmptyText = "no messages"
	if t.filter.active() {
		v.table.EmptyText = "no loaded message matches the filter"
	}
	v.table.SetCursor(t.cursor)
}

func (v *messagesView) id() uint64       { return v.vid }
func (v *messagesView) setSize(w, h int) { v.width, v.height = w, h }

func (v *messagesView) busy() bool {
	t := v.tab()
	return t.work.active || t.filtering.active || (v.sessions != nil && v.sessions.busy())
}

func (v *messagesView) refreshedAt() time.Time {
	if v.showingSessions() {
		return v.sessions.at
	}
	return v.tab().at
}

func (v *messagesView) crumb() string {
	c := v.entity.Ref.Path()
	if r := v.entity.Ref; r.Subscription != "" {
		c = r.Topic + " › " + r.Subscription // the tree's words, not the service's path
	}
	c += " › " + subLabel(v.tab().sub)
	if v.session != "" && v.tab().sub == sbsvc.Active {
		c += " › session " + v.session
	}
	return c
}

// subQueueNames are each sub-queue's tab name, and the shorter one used on
// a narrow terminal.
var subQueueNames = map[sbsvc.SubQueue]struct{ long, short string }{
	sbsvc.Active:             {"Active", "Active"},
	sbsvc.DeadLetter:         {"Dead-letter", "DLQ"},
	sbsvc.TransferDeadLetter: {"Transfer dead-letter", "Transfer DLQ"},
}

func subLabel(q sbsvc.SubQueue) string { return subQueueName(q).long }

// subQueueName is q's names; the active queue's for a value it does not know.
func subQueueName(q sbsvc.SubQueue) struct{ long, short string } {
	if n, ok := subQueueNames[q]; ok {
		return n
	}
	return subQueueNames[sbsvc.Active]
}

func (v *messagesView) cancel() {
	for _, t := range v.tabs {
		t.work.cancel()
		t.filtering.cancel()
		t.loadAll = false
	}
	if v.sessions != nil {
		v.sessions.cancel()
	}
}

// showingSessions: the active tab of a session-enabled entity lists its
// sessions until the user picks one.
func (v *messagesView) showingSessions() bool {
	return v.sessions != nil && v.tab().sub == sbsvc.Active && v.session == ""
}

// ref is where the current tab peeks: the entity's sub-queue, and on the
// active tab of a session entity the session picked.
func (v *messagesView) ref(t *msgTab) sbsvc.EntityRef {
	ref := v.entity.Ref
	ref.SubQueue = t.sub
	if t.sub == sbsvc.Active {
		ref.SessionID = v.session
	}
	return ref
}

// load peeks the current tab's next page, if one is due; on the sessions
// list it lists the sessions instead.
func (v *messagesView) load() tea.Cmd {
	if v.showingSessions() {
		return v.sessions.load(v.vid, v.conn, v.entity.Ref)
	}
	t := v.tab()
	if t.end || t.work.active {
		return nil
	}
	t.started = true
	req, ctx, stop := v.sh.call(v.sh.timeout)
	t.work.start(req, stop)
	size := v.sh.pageSize
	if t.loadAll {
		size = max(size, sbsvc.MaxPeekPage)
	}
	conn, view, tab, from, ref := v.conn, v.vid, v.cur, t.next, v.ref(t)
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

// reload forgets the current tab's rows and peeks from the start. The
// filter, the selection (by sequence number) and the summary mode stay.
func (v *messagesView) reload() tea.Cmd {
	if v.showingSessions() {
		return v.sessions.reload(v.vid, v.conn, v.entity.Ref)
	}
	return v.reloadTab(v.tab())
}

func (v *messagesView) reloadTab(t *msgTab) tea.Cmd {
	t.work.cancel()
	t.filtering.cancel()
	cursor := t.cursor
	if t == v.tab() {
		cursor = v.table.Cursor()
	}
	*t = msgTab{sub: t.sub, next: 1, selected: t.selected, filter: t.filter, summary: t.summary, cursor: cursor}
	if t.filter.active() {
		t.shown = []int32{}
	}
	if t == v.tab() {
		v.table.SetSource(msgRows{v, t})
		return v.load()
	}
	return nil
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
		return v.pageArrived(msg), nil
	case filterDoneMsg:
		v.filterArrived(msg)
		return nil, nil
	case sessionsMsg, sessionCountMsg:
		if v.sessions == nil {
			return nil, nil
		}
		return v.sessions.update(msg, v.vid, v.conn, v.entity.Ref), nil
	case entitiesListedMsg:
		for _, e := range msg.rows {
			if entityPath(e) == entityPath(v.entity) && e.Kind == v.entity.Kind {
				v.entity = e
			}
		}
		return nil, nil
	case entityChangedMsg:
		if msg.Path != entityPath(v.entity) {
			return nil, nil
		}
		var cmds []tea.Cmd
		if v.sessions != nil {
			v.sessions.stale = true
		}
		for _, t := range v.tabs {
			if t.started {
				cmds = append(cmds, v.reloadTab(t))
			}
		}
		if v.showingSessions() {
			cmds = append(cmds, v.sessions.reload(v.vid, v.conn, v.entity.Ref))
		}
		return tea.Batch(cmds...), nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return v.mouseMsg(msg)
	case tea.PasteMsg:
		if !v.editing {
			return nil, nil
		}
		v.input.insert(msg.Content)
		return v.setFilter(msgFilter{query: v.input.text(), group: v.tab().filter.group}), nil
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil, nil
}

// pageArrived appends a page: the rows, their previews, the reason counts
// and, with a filter on, the new rows that match it.
func (v *messagesView) pageArrived(msg pageMsg) tea.Cmd {
	if msg.tab < 0 || msg.tab >= len(v.tabs) {
		return nil
	}
	t := v.tabs[msg.tab]
	if !t.work.accept(msg.req) {
		return nil
	}
	t.at = v.sh.now()
	if msg.err != nil {
		t.err = msg.err
		t.loadAll = false
		v.gone = isNotFound(msg.err)
		return nil
	}
	t.err, v.gone = nil, false
	first := len(t.msgs)
	t.msgs = append(t.msgs, msg.page.Messages...)
	t.previews = append(t.previews, msg.previews...)
	t.next, t.end = msg.page.Next, msg.page.End
	if t.sub != sbsvc.Active {
		t.reasons.add(t.msgs[first:])
	}
	if t.shown != nil && !t.filtering.active {
		t.shown = appendMatches(t.shown, t.msgs, t.previews, t.filter.matcher(), first)
	}
	if t.end {
		t.pruneSelection()
		t.loadAll = false
	} else if len(t.selected) > 0 {
		t.pruneBelow(t.next)
	}
	if t.summary != nil {
		t.summary.rebuild(&t.reasons)
	}
	if msg.tab != v.cur {
		return nil
	}
	v.table.Invalidate()
	switch {
	case t.loadAll:
		return v.load()
	case t.filter.active() || t.summary != nil:
		// A narrow filter would otherwise page through the whole entity on
		// its own; the user asks for more by scrolling or with load all.
		return nil
	}
	return v.maybeLoadMore()
}

// mouseMsg: a click on the tab bar switches tabs; the wheel and clicks
// work the table on screen (messages, the sessions list or the reason
// summary), and a double click does what Enter does there.
func (v *messagesView) mouseMsg(msg tea.Msg) (tea.Cmd, *navigation) {
	if v.editing {
		return nil, nil
	}
	if c, ok := msg.(tea.MouseClickMsg); ok && c.Y == 0 && c.Button == tea.MouseLeft {
		if i := v.tabAt(c.X); i >= 0 && i != v.cur {
			return v.switchTab(i), nil
		}
		return nil, nil
	}
	now := v.sh.now()
	switch t := v.tab(); {
	case v.showingSessions():
		if _, open := v.mouse.mouseTable(v.sessions.table, msg, tableTop, now); open {
			if id, ok := v.sessions.cursorID(); ok {
				return v.enterSession(id), nil
			}
		}
		return nil, nil
	case t.summary != nil:
		if _, open := v.mouse.mouseTable(t.summary.table, msg, tableTop, now); open {
			return v.filterToGroup(), nil
		}
		return nil, nil
	}
	moved, open := v.mouse.mouseTable(v.table, msg, tableTop, now)
	if open {
		return v.openDetail()
	}
	if moved {
		return v.maybeLoadMore(), nil
	}
	return nil, nil
}

// tabAt is the tab whose label covers column x of the tab bar, or -1.
// The labels are drawn as "[label]" or " label ", one space apart.
func (v *messagesView) tabAt(x int) int {
	left := 0
	for i, label := range v.tabLabels(ui.Width(v.tabInfo())) {
		w := ui.Width(label) + 2
		if x >= left && x < left+w {
			return i
		}
		left += w + 1
	}
	return -1
}

// switchTab shows tab i, loading it (or the sessions list) the first time.
func (v *messagesView) switchTab(i int) tea.Cmd {
	v.selectTab(i)
	if v.showingSessions() && !v.sessions.started {
		return v.load()
	}
	if !v.showingSessions() && !v.tab().started {
		return v.load()
	}
	return nil
}

// tableTop is the line the table starts on: the tab bar, the filter line.
const tableTop = 2

func (v *messagesView) typing() bool { return v.editing }

func (v *messagesView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	if v.editing {
		return v.filterKey(msg), nil
	}
	k := v.sh.keys
	switch {
	case key.Matches(msg, k.NextTab), key.Matches(msg, k.PrevTab):
		step := 1
		if key.Matches(msg, k.PrevTab) {
			step = len(v.tabs) - 1
		}
		return v.switchTab((v.cur + step) % len(v.tabs)), nil
	case key.Matches(msg, k.Refresh):
		return v.reload(), nil
	}
	if v.showingSessions() {
		return v.sessionsKey(msg)
	}
	if v.tab().summary != nil {
		return v.summaryKey(msg)
	}
	if cmd, nav, ok := v.selectionKey(msg); ok {
		return cmd, nav
	}
	if cmd, nav, ok := v.actionKey(msg); ok {
		return cmd, nav
	}
	if moveTable(v.table, k, msg) {
		return v.maybeLoadMore(), nil
	}
	switch {
	case key.Matches(msg, k.Open):
		return v.openDetail()
	case key.Matches(msg, k.Filter):
		v.editing = true
		v.input.set(v.tab().filter.query)
	case key.Matches(msg, k.AbsoluteTime):
		v.absolute = !v.absolute
		v.setColumns()
	case key.Matches(msg, k.ReasonSummary):
		return v.toggleSummary(), nil
	}
	return nil, nil
}

// openDetail pushes the message under the cursor.
func (v *messagesView) openDetail() (tea.Cmd, *navigation) {
	m, ok := v.cursorMessage()
	if !ok {
		return nil, nil
	}
	dv := newDetailView(v.sh, *m)
	dv.source = entityPath(v.entity)
	return nil, &navigation{push: dv, cmd: dv.decode()}
}

// cursorMessage is the message under the cursor, through the filter.
func (v *messagesView) cursorMessage() (*sbsvc.Message, bool) {
	t := v.tab()
	i, ok := t.rowIndex(v.table.Cursor())
	if !ok {
		return nil, false
	}
	return &t.msgs[i], true
}

// beforeLeave: Esc undoes one thing at a time before it leaves the view —
// a load-all in flight, the selection, the summary, the filter, the
// session being browsed.
func (v *messagesView) beforeLeave() (tea.Cmd, bool) {
	t := v.tab()
	switch {
	case t.loadAll:
		t.loadAll = false
		t.work.cancel()
		return toast(ui.ToastInfo, "stopped loading at %d messages", len(t.msgs)), false
	case len(t.selected) > 0 && !v.showingSessions():
		clear(t.selected)
		v.table.Invalidate()
		return nil, false
	case t.summary != nil:
		t.summary = nil
		return nil, false
	case t.filter.active():
		v.setFilter(msgFilter{})
		return nil, false
	case v.session != "" && t.sub == sbsvc.Active:
		v.leaveSession()
		return nil, false
	}
	return nil, true
}

// total is the entity's count for the current tab, from the listing.
func (v *messagesView) total() (int64, bool) {
	if !v.entity.CountsKnown || (v.session != "" && v.tab().sub == sbsvc.Active) {
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

// isNotFound: the entity (or the namespace's view of it) is gone.
func isNotFound(err error) bool {
	return errorInfo("", err).Kind == sbsvc.KindNotFound.String()
}
