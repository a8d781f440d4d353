package model

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

type settleOp int

const (
	opComplete settleOp = iota
	opAbandon
	opDeadLetter
	opDefer
)

func (o settleOp) past() string {
	return [...]string{"completed", "abandoned", "dead-lettered", "deferred"}[o]
}

// settledMsg is the outcome of settling some rows.
type settledMsg struct {
	view, req uint64
	op        settleOp
	done      []*sbsvc.Locked
	failed    map[*sbsvc.Locked]error
}

func (m settledMsg) target() uint64 { return m.view }

// lostKind is the kind of error a lapsed lock means here.
func (v *lockedView) lostKind() sbsvc.Kind {
	if v.session != nil {
		return sbsvc.KindSessionLockLost
	}
	return sbsvc.KindLockLost
}

// settle settles rows through the namespace. A row whose lock has lapsed
// is refused at once with the guide's remedy: the service would refuse it
// anyway, and the message is back in its entity.
func (v *lockedView) settle(op settleOp, rows []*lockedRow, dl sbsvc.DeadLetterOptions) tea.Cmd {
	if len(rows) == 0 || v.work.active {
		return nil
	}
	var live []*sbsvc.Locked
	lost := 0
	for _, r := range rows {
		if v.lost(r) {
			lost++
			r.note = "lock lost"
			continue
		}
		live = append(live, r.l)
	}
	v.table.Invalidate()
	var refuse tea.Cmd
	if lost > 0 {
		kind := v.lostKind()
		refuse = toast(ui.ToastError, "%s: %s cannot be settled. %s", kind, plural(lost, "message", "messages"), kind.Remedy())
	}
	if len(live) == 0 {
		return refuse
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	wc, vid := v.conn, v.vid
	return tea.Batch(refuse, func() tea.Msg {
		out := settledMsg{view: vid, req: req, op: op, failed: map[*sbsvc.Locked]error{}}
		for _, l := range live {
			var err error
			switch op {
			case opComplete:
				err = wc.Complete(ctx, l)
			case opAbandon:
				err = wc.Abandon(ctx, l, nil)
			case opDeadLetter:
				err = wc.DeadLetter(ctx, l, dl)
			case opDefer:
				err = wc.Defer(ctx, l, nil)
			}
			if err != nil {
				out.failed[l] = err
			} else {
				out.done = append(out.done, l)
			}
		}
		return out
	})
}

// settled removes the settled rows and marks the failures.
func (v *lockedView) settled(msg settledMsg) tea.Cmd {
	gone := map[*sbsvc.Locked]bool{}
	for _, l := range msg.done {
		gone[l] = true
		if v.auto != nil {
			v.auto.r.Unregister(l)
		}
	}
	kept := v.rows[:0]
	for _, r := range v.rows {
		if gone[r.l] {
			continue
		}
		if err, ok := msg.failed[r.l]; ok {
			r.note = errorClass(err)
		}
		kept = append(kept, r)
	}
	v.rows = kept
	v.table.ClearMarks()
	v.table.SetCursor(min(v.table.Cursor(), max(len(v.rows)-1, 0)))
	v.table.Invalidate()
	cmds := []tea.Cmd{changed(entityPath(v.req.entity))}
	if len(msg.failed) > 0 {
		var first error
		for _, err := range msg.failed {
			first = err
			break
		}
		cmds = append(cmds, toast(ui.ToastError, "%s %d, %d failed: %s", msg.op.past(), len(msg.done), len(msg.failed), errorLine(first)))
	} else {
		cmds = append(cmds, toast(ui.ToastSuccess, "%s %s", msg.op.past(), plural(len(msg.done), "message", "messages")))
	}
	return tea.Batch(cmds...)
}

// renewedMsg is the outcome of renewing locks.
type renewedMsg struct {
	view, req uint64
	renewed   int
	failed    map[*sbsvc.Locked]error
	err       error // the session lock's renewal
}

func (m renewedMsg) target() uint64 { return m.view }

// renew extends the rows' locks (in a session: the session lock, which is
// what holds its messages).
func (v *lockedView) renew(rows []*lockedRow) tea.Cmd {
	if v.work.active {
		return nil
	}
	if v.session != nil {
		return v.session.renew(v)
	}
	var live []*sbsvc.Locked
	for _, r := range rows {
		if !v.lost(r) {
			live = append(live, r.l)
		} else {
			r.note = "lock lost"
		}
	}
	if len(live) == 0 {
		kind := v.lostKind()
		return toast(ui.ToastError, "%s: %s", kind, kind.Remedy())
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	wc, vid := v.conn, v.vid
	return func() tea.Msg {
		out := renewedMsg{view: vid, req: req, failed: map[*sbsvc.Locked]error{}}
		for _, l := range live {
			if err := wc.Renew(ctx, l); err != nil {
				out.failed[l] = err
			} else {
				out.renewed++
			}
		}
		return out
	}
}

func (v *lockedView) renewed(msg renewedMsg) tea.Cmd {
	for _, r := range v.rows {
		if err, ok := msg.failed[r.l]; ok {
			r.note = errorClass(err)
		} else if r.note == "lock lost" && !v.lost(r) {
			r.note = ""
		}
	}
	v.table.Invalidate()
	if msg.err != nil {
		return toast(ui.ToastError, "%s", errorLine(msg.err))
	}
	if len(msg.failed) > 0 {
		for _, err := range msg.failed {
			return toast(ui.ToastError, "renewed %d, %d failed: %s", msg.renewed, len(msg.failed), errorLine(err))
		}
	}
	return tea.Batch(toast(ui.ToastSuccess, "renewed %s", plural(msg.renewed, "lock", "locks")), v.ensureTicking())
}

// autoRenew is a running sbsvc.AutoRenewer and the channel its failure
// callback reports on (the callback runs on the renewer's goroutines; the
// view learns of failures through a command waiting on the channel).
type autoRenew struct {
	r     *sbsvc.AutoRenewer
	max   time.Duration
	since time.Time
	fails chan autoRenewFailedMsg
	done  chan struct{}
}

type autoRenewFailedMsg struct {
	view uint64
	l    *sbsvc.Locked
	err  error
}

func (m autoRenewFailedMsg) target() uint64 { return m.view }

// autoRenewStartMsg starts auto-renew with the maximum the prompt chose.
type autoRenewStartMsg struct {
	view uint64
	max  time.Duration
}

func (m autoRenewStartMsg) target() uint64 { return m.view }

// toggleAutoRenew turns auto-renew off, or asks for how long at most and
// then turns it on (like AutoLockRenewer's max lock renewal duration).
// In the session view the one lock renewed is the session's.
func (v *lockedView) toggleAutoRenew() (tea.Cmd, *navigation) {
	if v.auto != nil {
		v.stopAutoRenew()
		return toast(ui.ToastInfo, "auto-renew off: locks lapse at their time"), nil
	}
	if v.session != nil && v.session.auto != nil {
		v.stopSessionAutoRenew()
		return toast(ui.ToastInfo, "auto-renew off: the session lock lapses at its time"), nil
	}
	if v.session != nil && v.session.h == nil {
		return toast(ui.ToastInfo, "no session is held yet"), nil
	}
	if v.session != nil && !v.sessionLive() {
		return toast(ui.ToastError, "%s: %s", sbsvc.KindSessionLockLost, sbsvc.KindSessionLockLost.Remedy()), nil
	}
	f := newFormView(v.sh, "Auto-renew locks", "auto-renew")
	f.submitKey = "start"
	f.intro = []string{"Each lock is renewed shortly before it expires, until it is settled or this much time has passed."}
	if v.session != nil {
		f.title = "Auto-renew the session lock"
		f.intro = []string{"The session's lock (which holds all its messages) is renewed shortly before it expires, until this much time has passed or you turn it off."}
	}
	f.line("max", "at most", sbsvc.DefaultAutoRenewMax.String(), "a duration: 90s, 10m, 1h")
	vid := v.vid
	f.submit = func(f *formView) (formStep, error) {
		d, err := time.ParseDuration(f.value("max"))
		if err != nil || d <= 0 {
			return formStep{}, fmt.Errorf("a positive duration like 5m")
		}
		return formStep{async: func(context.Context) (tea.Cmd, error) {
			return func() tea.Msg { return autoRenewStartMsg{view: vid, max: d} }, nil
		}}, nil
	}
	return nil, &navigation{push: f}
}

// startAutoRenew registers every held lock with a new renewer.
func (v *lockedView) startAutoRenew(maxFor time.Duration) tea.Cmd {
	if v.session != nil {
		return v.startSessionAutoRenew(maxFor)
	}
	if v.auto != nil {
		return nil
	}
	vid := v.vid
	a := &autoRenew{max: maxFor, since: v.sh.now(),
		fails: make(chan autoRenewFailedMsg, 64), done: make(chan struct{})}
	fails := a.fails
	a.r = v.conn.NewAutoRenewer(sbsvc.AutoRenewOptions{MaxDuration: a.max, OnFailure: func(l *sbsvc.Locked, err error) {
		select {
		case fails <- autoRenewFailedMsg{view: vid, l: l, err: err}:
		default: // the view is not listening fast enough; the row shows lost anyway
		}
	}})
	registered := 0
	for _, r := range v.rows {
		if !v.lost(r) && a.r.Register(r.l) == nil {
			registered++
		}
	}
	v.auto = a
	return tea.Batch(toast(ui.ToastSuccess, "auto-renew on for %s, at most %s each", plural(registered, "lock", "locks"), ui.FormatClock(a.max, false)), a.listen())
}

// listen waits for the next failure, or the renewer's end.
func (a *autoRenew) listen() tea.Cmd {
	fails, done := a.fails, a.done
	return func() tea.Msg {
		select {
		case f := <-fails:
			return f
		case <-done:
			return nil
		}
	}
}

func (v *lockedView) stopAutoRenew() {
	v.stopSessionAutoRenew()
	if v.auto == nil {
		return
	}
	a := v.auto
	v.auto = nil
	close(a.done)
	go a.r.Stop() // Stop waits for the renewal goroutines: never in Update
}

func (v *lockedView) autoFailed(msg autoRenewFailedMsg) tea.Cmd {
	for _, r := range v.rows {
		if r.l == msg.l {
			r.note = "auto-renew failed: " + errorClass(msg.err)
		}
	}
	v.table.Invalidate()
	var next tea.Cmd
	if v.auto != nil {
		next = v.auto.listen()
	}
	return tea.Batch(toast(ui.ToastError, "auto-renew of #%d failed: %s", msg.l.Message.SequenceNumber, errorLine(msg.err)), next)
}

func (v *lockedView) autoLine() string {
	st := v.sh.styles
	if v.session != nil {
		return v.sessionAutoLine()
	}
	if v.auto == nil {
		return st.Subtle.Render("auto-renew off (A turns it on)")
	}
	left := v.auto.max - v.sh.now().Sub(v.auto.since)
	return st.CellOK.Render(fmt.Sprintf("auto-renew on · %s · stops in %s", plural(int(v.auto.r.Renewals()), "renewal", "renewals"), ui.FormatClock(max(left, 0), false)))
}

// openDeadLetter shows the reason dialog inline.
func (v *lockedView) openDeadLetter() {
	f := newFormView(v.sh, fmt.Sprintf("Dead-letter %s", plural(len(v.targets()), "message", "messages")), "dead-letter")
	f.submitKey = "dead-letter"
	f.line("reason", "reason", "ManualDeadLetter", "lands in DeadLetterReason")
	f.line("description", "description", "", "lands in DeadLetterErrorDescription")
	f.setSize(v.width, v.height)
	v.reason = f
	v.mode = modeDeadLetter
}

func (v *lockedView) deadLetterKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	switch msg.String() {
	case "esc":
		v.mode = modeList
		return nil, nil
	case "enter", "ctrl+s":
		reason := v.reason.value("reason")
		if reason == "" {
			v.reason.errText = "give a reason: it is how the message is found later"
			return nil, nil
		}
		v.mode = modeList
		return v.settle(opDeadLetter, v.targets(), sbsvc.DeadLetterOptions{Reason: reason, Description: v.reason.value("description")}), nil
	}
	v.reason.key(msg)
	return nil, nil
}

// sanitizeState shows session state bytes as one safe line.
func sanitizeState(b []byte, width int) string {
	if b == nil {
		return "(none)"
	}
	s := strings.ReplaceAll(string(b), "\n", " ")
	return ui.Fit(ui.Sanitize(s), max(width, 10))
}
