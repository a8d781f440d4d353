package model

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// A session's messages live under the session's lock, so auto-renew in
// the session view renews that one lock, like AutoLockRenewer does for a
// session receiver: shortly before it expires, until the maximum duration
// chosen when it was turned on has passed. It runs on the view's clock
// (Options.After), one tagged timer at a time, so a stale timer from an
// earlier run can never renew.

// sessionAutoRenew is the session view's auto-renew while it is on.
type sessionAutoRenew struct {
	max      time.Duration
	since    time.Time
	gen      uint64 // tags the one pending timer
	renewals int
	work     inflight // the renewal in flight
}

// sessionRenewDueMsg: the session lock is due for renewal.
type sessionRenewDueMsg struct{ view, gen uint64 }

func (m sessionRenewDueMsg) target() uint64 { return m.view }

// sessionAutoRenewedMsg is the answer to an automatic renewal.
type sessionAutoRenewedMsg struct {
	view, req uint64
	err       error
}

func (m sessionAutoRenewedMsg) target() uint64 { return m.view }

// renewAhead is how long before the session lock expires it is renewed:
// a third of the lock's duration, between 100 ms and 10 s (sbsvc's
// AutoRenewer uses the same margin for message locks).
func renewAhead(lockFor time.Duration) time.Duration {
	return min(max(lockFor/3, 100*time.Millisecond), 10*time.Second)
}

// startSessionAutoRenew turns auto-renew on for the session lock.
func (v *lockedView) startSessionAutoRenew(maxFor time.Duration) tea.Cmd {
	s := v.session
	if s.h == nil || !v.sessionLive() {
		return toast(ui.ToastError, "%s: %s", sbsvc.KindSessionLockLost, sbsvc.KindSessionLockLost.Remedy())
	}
	if s.auto != nil {
		return nil
	}
	s.auto = &sessionAutoRenew{max: maxFor, since: v.sh.now()}
	return tea.Batch(
		toast(ui.ToastSuccess, "auto-renew on for session %s, at most %s", ui.Sanitize(s.h.ID()), ui.FormatClock(maxFor, false)),
		v.scheduleSessionRenew())
}

// stopSessionAutoRenew turns it off; a pending timer or renewal is
// dropped when it arrives (its tag no longer matches).
func (v *lockedView) stopSessionAutoRenew() {
	if v.session == nil || v.session.auto == nil {
		return
	}
	v.session.auto.work.cancel()
	v.session.auto = nil
}

// scheduleSessionRenew sets the one timer for the next renewal.
func (v *lockedView) scheduleSessionRenew() tea.Cmd {
	a, h := v.session.auto, v.session.h
	if a == nil || h == nil {
		return nil
	}
	lockFor := v.req.entity.LockDuration
	if lockFor <= 0 {
		lockFor = h.LockedUntil().Sub(v.sh.now())
	}
	wait := max(h.LockedUntil().Add(-renewAhead(lockFor)).Sub(v.sh.now()), 0)
	a.gen = v.sh.nextID() // unique across runs: an old run's timer never matches
	gen, vid := a.gen, v.vid
	return v.sh.after(wait, func(time.Time) tea.Msg { return sessionRenewDueMsg{view: vid, gen: gen} })
}

// sessionRenewDue renews the session lock, unless the maximum duration
// has passed (auto-renew ends and the lock lapses at its time) or the
// lock is already lost.
func (v *lockedView) sessionRenewDue(msg sessionRenewDueMsg) tea.Cmd {
	s := v.session
	if s == nil || s.auto == nil || s.auto.gen != msg.gen || s.h == nil {
		return nil
	}
	a := s.auto
	if v.sh.now().Sub(a.since) >= a.max {
		v.stopSessionAutoRenew()
		return toast(ui.ToastInfo, "auto-renew stopped after %s: the session lock lapses at %s",
			ui.FormatClock(a.max, false), s.h.LockedUntil().Local().Format("15:04:05"))
	}
	if !v.sessionLive() {
		v.stopSessionAutoRenew()
		return toast(ui.ToastError, "auto-renew: %s", sbsvc.KindSessionLockLost)
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	a.work.start(req, stop)
	h, vid := s.h, v.vid
	return func() tea.Msg {
		return sessionAutoRenewedMsg{view: vid, req: req, err: h.RenewLock(ctx)}
	}
}

// sessionAutoRenewed counts a renewal and sets the next timer; a failure
// turns auto-renew off and says why.
func (v *lockedView) sessionAutoRenewed(msg sessionAutoRenewedMsg) tea.Cmd {
	s := v.session
	if s == nil || s.auto == nil || !s.auto.work.accept(msg.req) {
		return nil
	}
	if msg.err != nil {
		v.stopSessionAutoRenew()
		return toast(ui.ToastError, "auto-renew of the session lock failed: %s", errorLine(msg.err))
	}
	s.auto.renewals++
	v.table.Invalidate()
	return tea.Batch(v.scheduleSessionRenew(), v.ensureTicking())
}

// sessionAutoLine is the auto-renew line of the session view.
func (v *lockedView) sessionAutoLine() string {
	st := v.sh.styles
	a := v.session.auto
	if a == nil {
		return st.Subtle.Render(fmt.Sprintf("auto-renew off (%s turns it on for the session lock)", keyName(v.sh.keys.AutoRenew)))
	}
	left := a.max - v.sh.now().Sub(a.since)
	return st.CellOK.Render(fmt.Sprintf("auto-renew on · session lock · %s · stops in %s", plural(a.renewals, "renewal", "renewals"), ui.FormatClock(max(left, 0), false)))
}
