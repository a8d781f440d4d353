package model

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// lockedView holds peek-locked messages: each row counts down to the lock's
// LockedUntil as the service set it, and the user settles, renews or
// auto-renews them. The session view is the same view holding a session
// (session_lock.go): its rows live under the session's lock.
type lockedView struct {
	sh     *shared
	vid    uint64
	conn   writeConn
	req    actionRequest
	ref    sbsvc.EntityRef
	rows   []*lockedRow
	table  *ui.Table
	work   inflight // receive / settle / renew in flight
	status string   // the last load's note ("2 not found …")
	loaded bool
	err    error
	at     time.Time

	tickGen uint64
	ticking bool

	auto *autoRenew

	session *sessionPart // nil outside a session
	clicks  mouseClicks

	mode   lockedMode
	reason *formView // the dead-letter dialog's fields (rendered inline)

	width, height int
}

type lockedMode int

const (
	modeList lockedMode = iota
	modeDeadLetter
	modeAskLeave
)

type lockedRow struct {
	l    *sbsvc.Locked
	note string // the last failure on this row (auto-renew, settle)
}

// lockedRows adapts the rows to the table; Row is called only for the
// visible ones, and the countdown cell is recomputed on every tick.
type lockedRows struct{ v *lockedView }

func (r lockedRows) Len() int { return len(r.v.rows) }

func (r lockedRows) Row(i int) []ui.Cell {
	row := r.v.rows[i]
	m := &row.l.Message
	subject := m.Subject
	if subject == "" {
		subject = m.ContentType
	}
	return []ui.Cell{
		{Text: strconv.FormatInt(m.SequenceNumber, 10)},
		{Text: m.MessageID},
		{Text: subject},
		{Text: strconv.FormatUint(uint64(m.DeliveryCount), 10)},
		ui.LockCell(r.v.sh.now(), r.v.lockedUntil(row)),
		{Text: row.note, Hint: ui.HintError},
	}
}

var lockedColumns = []ui.Column{
	{Title: "SEQ", Width: 8, Align: ui.AlignRight},
	{Title: "MESSAGE ID", MinWidth: 12, Flex: 2},
	{Title: "SUBJECT", MinWidth: 8, Flex: 1},
	{Title: "DLV", Width: 4, Align: ui.AlignRight},
	{Title: "LOCK", Width: 11},
	{Title: "NOTE", MinWidth: 6, Flex: 2},
}

func newLockedView(sh *shared, wc writeConn, req actionRequest) *lockedView {
	v := &lockedView{sh: sh, vid: sh.nextID(), conn: wc, req: req, ref: sourceRef(req)}
	v.table = ui.NewTable(sh.styles, lockedColumns, lockedRows{v})
	v.table.EmptyText = "no locked messages"
	return v
}

// startLock asks how many when nothing is selected, then opens the view.
func startLock(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	if req.entity.RequiresSession && req.sub == sbsvc.Active {
		return startSession(sh, wc, req)
	}
	if len(req.seqs) > 0 || req.count > 0 {
		v := newLockedView(sh, wc, req)
		return v.receive(req.seqs, req.count), &navigation{push: v}
	}
	f := newFormView(sh, "Peek-lock messages of "+where(req), "lock")
	f.submitKey = "lock"
	f.intro = []string{"Locking receives the messages: each counts a delivery, and is hidden from other receivers until its lock lapses or it is settled."}
	f.line("n", "lock how many?", "10", "1–1000, from the head of the queue")
	f.submit = func(f *formView) (formStep, error) {
		n, err := strconv.Atoi(f.value("n"))
		if err != nil || n < 1 || n > sbsvc.MaxReceive {
			return formStep{}, fmt.Errorf("a number from 1 to %d", sbsvc.MaxReceive)
		}
		r := req
		r.count = n
		v := newLockedView(sh, wc, r)
		return formStep{next: v, nextCmd: v.receive(nil, n)}, nil
	}
	return nil, &navigation{push: f}
}

// lockedLoadedMsg brings received messages.
type lockedLoadedMsg struct {
	view, req uint64
	locked    []*sbsvc.Locked
	note      string
	err       error
}

func (m lockedLoadedMsg) target() uint64 { return m.view }

// receive locks seqs by number, or n from the head.
func (v *lockedView) receive(seqs []int64, n int) tea.Cmd {
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	wc, ref, vid := v.conn, v.ref, v.vid
	seqs = append([]int64(nil), seqs...)
	return func() tea.Msg {
		out := lockedLoadedMsg{view: vid, req: req}
		if len(seqs) > 0 {
			got, err := wc.LockBySequence(ctx, ref, seqs, 0)
			out.locked, out.err = got.Locked, err
			var notes []string
			if len(got.Missing) > 0 {
				notes = append(notes, "not locked: "+seqList(got.Missing)+" (gone, scheduled or locked elsewhere)")
			}
			if len(got.Skipped) > 0 {
				notes = append(notes, fmt.Sprintf("%s passed on the way were abandoned (delivery count +1)", plural(len(got.Skipped), "message", "messages")))
			}
			out.note = strings.Join(notes, "; ")
			return out
		}
		out.locked, out.err = wc.ReceiveLocked(ctx, ref, n)
		return out
	}
}

func (v *lockedView) id() uint64 { return v.vid }
func (v *lockedView) crumb() string {
	if v.session != nil {
		return "session " + v.session.label()
	}
	return "locked"
}
func (v *lockedView) setSize(w, h int) {
	v.width, v.height = w, h
	if v.reason != nil { // the dead-letter dialog drawn inside
		v.reason.setSize(w, h)
	}
}
func (v *lockedView) busy() bool             { return v.work.active }
func (v *lockedView) refreshedAt() time.Time { return v.at }

// accessBadge replaces PEEK in the status bar: this view holds locks.
func (v *lockedView) accessBadge() string {
	if v.session != nil {
		return "SESSION LOCK"
	}
	return "PEEK-LOCK"
}

// cancel runs when the view leaves: stop renewing (the locks are kept
// until they lapse, unless the user chose to abandon them) and let go of
// the session.
func (v *lockedView) cancel() {
	v.work.cancel()
	v.stopAutoRenew()
	if v.session != nil {
		v.session.release()
	}
}

// typing is true while the dead-letter dialog has a text field focused.
func (v *lockedView) typing() bool { return v.mode == modeDeadLetter && v.reason.typing() }

func (v *lockedView) hints() []key.Binding {
	k := v.sh.keys
	switch v.mode {
	case modeAskLeave:
		return []key.Binding{
			key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "abandon all")),
			key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "keep until expiry")),
			key.NewBinding(key.WithKeys("s"), key.WithHelp("s/esc", "stay")),
		}
	case modeDeadLetter:
		return v.reason.hints()
	}
	return []key.Binding{k.Complete, k.Abandon, k.DeadLetter, k.Defer, k.Renew, k.AutoRenew, k.Open, k.Back}
}

// lockedUntil is the row's current lock: the session's for session
// messages, the message's own otherwise.
func (v *lockedView) lockedUntil(row *lockedRow) time.Time {
	if row.l.Session != nil {
		return row.l.Session.LockedUntil()
	}
	return row.l.LockedUntil()
}

func (v *lockedView) lost(row *lockedRow) bool {
	return !v.sh.now().Before(v.lockedUntil(row))
}

// liveLocks counts rows whose lock is still held.
func (v *lockedView) liveLocks() int {
	n := 0
	for _, r := range v.rows {
		if !v.lost(r) {
			n++
		}
	}
	return n
}

// lockTickMsg is the once-a-second countdown tick, tagged so that only one
// chain runs.
type lockTickMsg struct{ view, gen uint64 }

func (m lockTickMsg) target() uint64 { return m.view }

// ensureTicking starts the countdown chain when a lock is held and none
// runs.
func (v *lockedView) ensureTicking() tea.Cmd {
	if v.ticking || (v.liveLocks() == 0 && !v.sessionLive()) {
		return nil
	}
	v.ticking = true
	return v.tick()
}

func (v *lockedView) tick() tea.Cmd {
	v.tickGen++
	gen, vid := v.tickGen, v.vid
	return v.sh.after(time.Second, func(time.Time) tea.Msg { return lockTickMsg{view: vid, gen: gen} })
}

func (v *lockedView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case lockTickMsg:
		if msg.gen != v.tickGen {
			return nil, nil
		}
		v.table.Invalidate()
		if v.liveLocks() == 0 && !v.sessionLive() {
			v.ticking = false // every lock lapsed: the chain ends here
			return nil, nil
		}
		return v.tick(), nil
	case lockedLoadedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		return v.loaded1(msg), nil
	case settledMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		return v.settled(msg), nil
	case renewedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		return v.renewed(msg), nil
	case autoRenewFailedMsg:
		return v.autoFailed(msg), nil
	case autoRenewStartMsg:
		return v.startAutoRenew(msg.max), nil
	case sessionRenewDueMsg:
		return v.sessionRenewDue(msg), nil
	case sessionAutoRenewedMsg:
		return v.sessionAutoRenewed(msg), nil
	case entityChangedMsg:
		return nil, nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return v.mouse(msg)
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	if v.session != nil {
		return v.sessionUpdate(msg)
	}
	return nil, nil
}

func (v *lockedView) loaded1(msg lockedLoadedMsg) tea.Cmd {
	v.loaded, v.at, v.err = true, v.sh.now(), msg.err
	for _, l := range msg.locked {
		v.rows = append(v.rows, &lockedRow{l: l})
		if v.auto != nil {
			_ = v.auto.r.Register(l)
		}
	}
	v.status = msg.note
	v.table.Invalidate()
	var cmds []tea.Cmd
	switch {
	case msg.err != nil:
		cmds = append(cmds, toast(ui.ToastError, "%s", errorLine(msg.err)))
	case len(msg.locked) == 0:
		cmds = append(cmds, toast(ui.ToastInfo, "nothing to lock: no message is available (empty, or all locked elsewhere)"))
	default:
		cmds = append(cmds, toast(ui.ToastSuccess, "locked %s", plural(len(msg.locked), "message", "messages")), changed(entityPath(v.req.entity)))
	}
	cmds = append(cmds, v.ensureTicking())
	return tea.Batch(cmds...)
}

func (v *lockedView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	switch v.mode {
	case modeAskLeave:
		return v.askLeaveKey(msg)
	case modeDeadLetter:
		return v.deadLetterKey(msg)
	}
	k := v.sh.keys
	switch {
	case moveTable(v.table, k, msg):
	case key.Matches(msg, k.Select):
		if len(v.rows) > 0 {
			v.table.ToggleMark(v.table.Cursor())
			v.table.Down()
		}
	case key.Matches(msg, k.Open):
		return v.openDetail()
	case key.Matches(msg, k.Complete):
		return v.settle(opComplete, v.targets(), sbsvc.DeadLetterOptions{}), nil
	case key.Matches(msg, k.Abandon):
		return v.settle(opAbandon, v.targets(), sbsvc.DeadLetterOptions{}), nil
	case key.Matches(msg, k.Defer):
		return v.settle(opDefer, v.targets(), sbsvc.DeadLetterOptions{}), nil
	case key.Matches(msg, k.DeadLetter):
		if len(v.targets()) > 0 {
			v.openDeadLetter()
		}
	case key.Matches(msg, k.Renew):
		return v.renew(v.targets()), nil
	case key.Matches(msg, k.RenewAll):
		return v.renew(v.rows), nil
	case key.Matches(msg, k.AutoRenew):
		return v.toggleAutoRenew()
	case v.session != nil:
		return v.sessionKey(msg)
	}
	return nil, nil
}

func (v *lockedView) cursorRow() *lockedRow {
	i := v.table.Cursor()
	if i < 0 || i >= len(v.rows) {
		return nil
	}
	return v.rows[i]
}

// targets are the marked rows, or the cursor's.
func (v *lockedView) targets() []*lockedRow {
	if marked := v.table.Marked(); len(marked) > 0 {
		out := make([]*lockedRow, 0, len(marked))
		for _, i := range marked {
			if i >= 0 && i < len(v.rows) {
				out = append(out, v.rows[i])
			}
		}
		return out
	}
	if r := v.cursorRow(); r != nil {
		return []*lockedRow{r}
	}
	return nil
}

// beforeLeave asks before locks are left behind; Esc in a dialog closes it.
func (v *lockedView) beforeLeave() (tea.Cmd, bool) {
	switch v.mode {
	case modeDeadLetter, modeAskLeave:
		v.mode = modeList
		return nil, false
	}
	if v.liveLocks() > 0 {
		v.mode = modeAskLeave
		return nil, false
	}
	return nil, true
}

func (v *lockedView) askLeaveKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	switch msg.String() {
	case "a":
		var live []*sbsvc.Locked
		for _, r := range v.rows {
			if !v.lost(r) {
				live = append(live, r.l)
			}
		}
		wc, path, timeout := v.conn, entityPath(v.req.entity), v.sh.timeout
		v.mode = modeList
		// A session's messages are abandoned through the session: it is
		// let go of after them, not when the view leaves.
		var session *sbsvc.SessionHandle
		if v.session != nil {
			session, v.session.h = v.session.h, nil
		}
		// The abandons outlive the view: they run on their own deadline.
		return func() tea.Msg {
			ctx, stop := context.WithTimeout(context.Background(), timeout)
			defer stop()
			failed := 0
			for _, l := range live {
				if wc.Abandon(ctx, l, nil) != nil {
					failed++
				}
			}
			if session != nil {
				_ = session.Close(ctx)
			}
			if failed > 0 {
				return tea.BatchMsg{toast(ui.ToastWarn, "abandoned %d, %d could not be (they lapse on their own)", len(live)-failed, failed), changed(path)}
			}
			return tea.BatchMsg{toast(ui.ToastSuccess, "abandoned %s (delivery count +1)", plural(len(live), "message", "messages")), changed(path)}
		}, &navigation{pop: true}
	case "k":
		v.mode = modeList
		latest := time.Time{}
		for _, r := range v.rows {
			if t := v.lockedUntil(r); t.After(latest) {
				latest = t
			}
		}
		return toast(ui.ToastInfo, "kept %s locked; they lapse by %s", plural(v.liveLocks(), "message", "messages"), latest.Local().Format("15:04:05")), &navigation{pop: true}
	case "s", "esc":
		v.mode = modeList
	}
	return nil, nil
}

// headLines are the lines above the table: what is locked, auto-renew,
// the session's lock and state, the last note and the last error.
func (v *lockedView) headLines() []string {
	st := v.sh.styles
	w := max(v.width, 20)
	head := fmt.Sprintf("%s locked from %s", plural(len(v.rows), "message", "messages"), where(v.req))
	if v.req.entity.LockDuration > 0 {
		head += " · lock duration " + ui.FormatClock(v.req.entity.LockDuration, false)
	}
	lines := []string{st.Title.Render(ui.Fit(ui.Sanitize(head), w)), ui.Fit(v.autoLine(), w)}
	if v.session != nil {
		for _, l := range v.session.header(v) {
			lines = append(lines, ui.Fit(l, w))
		}
	}
	if v.status != "" {
		lines = append(lines, st.CellWarn.Render(ui.Fit(ui.Sanitize(v.status), w)))
	}
	if v.err != nil {
		lines = append(lines, strings.Split(st.ErrorPanel(errorInfo("Could not lock messages of "+where(v.req), v.err), w), "\n")...)
	}
	return lines
}

func (v *lockedView) render() string {
	st := v.sh.styles
	w := max(v.width, 20)
	head := v.headLines()
	var b strings.Builder
	b.WriteString(strings.Join(head, "\n") + "\n")
	switch v.mode {
	case modeAskLeave:
		b.WriteString("\n" + st.CellWarn.Render(ui.Fit(fmt.Sprintf("%s still locked. Leave how?", plural(v.liveLocks(), "message is", "messages are")), w)) + "\n")
		b.WriteString(ui.Fit("  a  abandon them all: they are available again now (delivery count +1)", w) + "\n")
		b.WriteString(ui.Fit("  k  keep them locked until they expire (no one else receives them meanwhile)", w) + "\n")
		b.WriteString(ui.Fit("  s  stay here", w) + "\n")
		return b.String()
	case modeDeadLetter:
		b.WriteString("\n" + v.reason.render())
		return b.String()
	}
	if !v.loaded && v.work.active {
		b.WriteString(st.Subtle.Render("receiving…"))
		return b.String()
	}
	b.WriteString(v.table.Render(w, max(v.height-len(head), 3)))
	return b.String()
}

// mouse: the wheel and clicks work the list; a double click opens the
// message like Enter. The dialogs drawn in place of the list take none.
func (v *lockedView) mouse(msg tea.Msg) (tea.Cmd, *navigation) {
	if v.mode != modeList {
		return nil, nil
	}
	if _, open := v.clicks.mouseTable(v.table, msg, len(v.headLines()), v.sh.now()); open {
		return v.openDetail()
	}
	return nil, nil
}

// openDetail pushes the detail of the row under the cursor, with the
// lock's countdown above it and the entity as the source a save names
// its file after.
func (v *lockedView) openDetail() (tea.Cmd, *navigation) {
	row := v.cursorRow()
	if row == nil {
		return nil, nil
	}
	dv := &lockedDetail{detailView: newDetailView(v.sh, row.l.Message), locked: v, row: row}
	dv.source = entityPath(v.req.entity)
	return nil, &navigation{push: dv, cmd: dv.decode()}
}

// lockedDetail is the message detail of a locked row with the lock's
// countdown above it. The locked view below keeps ticking (its ticks are
// addressed to it), and every tick redraws the screen.
type lockedDetail struct {
	*detailView
	locked *lockedView
	row    *lockedRow
}

func (d *lockedDetail) setSize(w, h int) { d.detailView.setSize(w, max(h-1, 0)) }

// update shifts clicks past the countdown line drawn above the detail.
func (d *lockedDetail) update(msg tea.Msg) (tea.Cmd, *navigation) {
	if c, ok := msg.(tea.MouseClickMsg); ok {
		c.Y--
		msg = c
	}
	return d.detailView.update(msg)
}

func (d *lockedDetail) render() string {
	st := d.sh.styles
	badge := st.LockBadge(d.sh.now(), d.locked.lockedUntil(d.row))
	line := "locked · " + badge + " · settle from the list (esc)"
	if d.row.l.Settled() != "" {
		line = "settled: " + d.row.l.Settled()
	}
	return line + "\n" + d.detailView.render()
}
