package model

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// sessionPart is what the locked view holds in session mode: the session
// handle (its lock keeps every other receiver away), and its state.
type sessionPart struct {
	want     string // the session asked for; "" = next available
	h        *sbsvc.SessionHandle
	state    []byte
	stateErr error
	timeout  time.Duration
	auto     *sessionAutoRenew // nil: auto-renew off
}

func (s *sessionPart) label() string {
	switch {
	case s.h != nil:
		return s.h.ID()
	case s.want != "":
		return s.want
	}
	return "(next)"
}

// release lets go of the session without blocking Update.
func (s *sessionPart) release() {
	if s.h == nil {
		return
	}
	h, timeout := s.h, s.timeout
	s.h = nil
	go func() {
		ctx, stop := context.WithTimeout(context.Background(), timeout)
		defer stop()
		_ = h.Close(ctx)
	}()
}

// sessionLive reports whether the session lock is still held.
func (v *lockedView) sessionLive() bool {
	return v.session != nil && v.session.h != nil && v.sh.now().Before(v.session.h.LockedUntil())
}

// startSession accepts the named session (or the next free one), then
// receives its messages under the session's lock.
func startSession(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	if !req.entity.RequiresSession {
		return toast(ui.ToastWarn, "%s does not use sessions", entityPath(req.entity)), nil
	}
	if req.sub != sbsvc.Active {
		return toast(ui.ToastWarn, "sessions hold active messages: dead letters are locked with l"), nil
	}
	v := newLockedView(sh, wc, req)
	v.session = &sessionPart{want: req.session, timeout: sh.timeout}
	n := req.count
	if n <= 0 {
		n = 10
	}
	return v.acceptSession(n), &navigation{push: v}
}

// sessionAcceptedMsg brings the session, its first messages and its state.
type sessionAcceptedMsg struct {
	view, req uint64
	h         *sbsvc.SessionHandle
	locked    []*sbsvc.Locked
	state     []byte
	stateErr  error
	err       error
}

func (m sessionAcceptedMsg) target() uint64 { return m.view }

func (v *lockedView) acceptSession(n int) tea.Cmd {
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	wc, ref, want, vid := v.conn, v.ref, v.session.want, v.vid
	return func() tea.Msg {
		out := sessionAcceptedMsg{view: vid, req: req}
		if want != "" {
			out.h, out.err = wc.AcceptSession(ctx, ref, want)
		} else {
			out.h, out.err = wc.AcceptNextSession(ctx, ref)
		}
		if out.err != nil {
			return out
		}
		out.locked, out.err = out.h.Receive(ctx, n)
		out.state, out.stateErr = out.h.State(ctx)
		return out
	}
}

// sessionStateMsg is the answer to reading or setting the state.
type sessionStateMsg struct {
	view, req uint64
	state     []byte
	set       bool
	err       error
}

func (m sessionStateMsg) target() uint64 { return m.view }

// sessionEditedMsg is the editor's return with the new state.
type sessionEditedMsg struct {
	view uint64
	data []byte
	err  error
}

func (m sessionEditedMsg) target() uint64 { return m.view }

func (v *lockedView) sessionUpdate(msg tea.Msg) (tea.Cmd, *navigation) {
	s := v.session
	switch msg := msg.(type) {
	case sessionAcceptedMsg:
		if !v.work.accept(msg.req) {
			if msg.h != nil { // the view was left meanwhile: let go
				(&sessionPart{h: msg.h, timeout: v.sh.timeout}).release()
			}
			return nil, nil
		}
		v.loaded, v.at = true, v.sh.now()
		if msg.h == nil {
			v.err = msg.err
			return toast(ui.ToastError, "%s", errorLine(msg.err)), nil
		}
		s.h, s.state, s.stateErr = msg.h, msg.state, msg.stateErr
		return v.loaded1(lockedLoadedMsg{view: v.vid, locked: msg.locked, err: msg.err}), nil
	case sessionStateMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		if msg.err != nil {
			return toast(ui.ToastError, "session state: %s", errorLine(msg.err)), nil
		}
		s.state, s.stateErr = msg.state, nil
		if msg.set {
			return toast(ui.ToastSuccess, "session state set (%d bytes)", len(msg.state)), nil
		}
	case sessionEditedMsg:
		if msg.err != nil {
			return toast(ui.ToastError, "editor: %v", msg.err), nil
		}
		if bytes.Equal(msg.data, s.state) {
			return toast(ui.ToastInfo, "session state unchanged"), nil
		}
		return v.setState(msg.data), nil
	}
	return nil, nil
}

func (v *lockedView) sessionKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	switch {
	case key.Matches(msg, k.SessionState):
		return v.editState(), nil
	case key.Matches(msg, k.Lock):
		if v.session.h == nil || v.work.active {
			return nil, nil
		}
		req, ctx, stop := v.sh.call(v.sh.timeout)
		v.work.start(req, stop)
		h, vid := v.session.h, v.vid
		return func() tea.Msg {
			l, err := h.Receive(ctx, 10)
			return lockedLoadedMsg{view: vid, req: req, locked: l, err: err}
		}, nil
	}
	return nil, nil
}

// editState opens the state in $EDITOR; saving sets it.
func (v *lockedView) editState() tea.Cmd {
	if v.session.h == nil {
		return nil
	}
	file, err := os.CreateTemp("", "sbx-session-state-*")
	if err != nil {
		return toast(ui.ToastError, "cannot create a temporary file: %v", err)
	}
	path := file.Name()
	_, werr := file.Write(v.session.state)
	if cerr := file.Close(); werr != nil || cerr != nil {
		os.Remove(path)
		return toast(ui.ToastError, "cannot write the temporary file")
	}
	vid := v.vid
	return runEditor(path, func(err error) tea.Msg {
		data, rerr := os.ReadFile(path)
		os.Remove(path)
		if err == nil {
			err = rerr
		}
		return sessionEditedMsg{view: vid, data: data, err: err}
	})
}

func (v *lockedView) setState(state []byte) tea.Cmd {
	if v.session.h == nil || v.work.active {
		return nil
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	h, vid := v.session.h, v.vid
	return func() tea.Msg {
		err := h.SetState(ctx, state)
		return sessionStateMsg{view: vid, req: req, state: state, set: true, err: err}
	}
}

// renew renews the session lock (which is what holds its messages).
func (s *sessionPart) renew(v *lockedView) tea.Cmd {
	if s.h == nil {
		return nil
	}
	if !v.sessionLive() {
		return toast(ui.ToastError, "%s: %s", sbsvc.KindSessionLockLost, sbsvc.KindSessionLockLost.Remedy())
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	h, vid := s.h, v.vid
	return func() tea.Msg {
		out := renewedMsg{view: vid, req: req, failed: map[*sbsvc.Locked]error{}}
		if out.err = h.RenewLock(ctx); out.err == nil {
			out.renewed = 1
		}
		return out
	}
}

// header is the session's lines above the table: its lock and state.
func (s *sessionPart) header(v *lockedView) []string {
	st, k := v.sh.styles, v.sh.keys
	if s.h == nil {
		if v.work.active {
			return []string{st.Subtle.Render("accepting session " + ui.Sanitize(s.label()) + "…")}
		}
		return nil
	}
	lock := st.LockBadge(v.sh.now(), s.h.LockedUntil())
	state := "state: " + sanitizeState(s.state, max(v.width-20, 10))
	if s.stateErr != nil {
		state = "state: " + errorClass(s.stateErr)
	}
	return []string{
		fmt.Sprintf("session %s · session lock %s", ui.Sanitize(s.h.ID()), lock),
		st.Subtle.Render(fmt.Sprintf("%s renews · %s auto-renews · %s receives more · %s edits state",
			keyName(k.Renew), keyName(k.AutoRenew), keyName(k.Lock), keyName(k.SessionState))),
		st.Subtle.Render(fmt.Sprintf("%s (%d bytes)", state, len(s.state))),
	}
}
