package model

import (
	"sort"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// The selection is a set of sequence numbers per tab: it costs nothing per
// unselected row, survives a reload (rows come back with the same
// numbers), and is what the write actions receive.

// selectionKey handles space, shift+arrows and select-all.
func (v *messagesView) selectionKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation, bool) {
	k := v.sh.keys
	t := v.tab()
	switch {
	case key.Matches(msg, k.Select):
		if m, ok := v.cursorMessage(); ok {
			t.toggle(m.SequenceNumber)
			v.table.Invalidate()
		}
	case key.Matches(msg, k.SelectDown), key.Matches(msg, k.SelectUp):
		step := 1
		if key.Matches(msg, k.SelectUp) {
			step = -1
		}
		// Extending a range: the row left and the row reached are both in.
		if m, ok := v.cursorMessage(); ok {
			t.selected[m.SequenceNumber] = struct{}{}
		}
		v.table.SetCursor(v.table.Cursor() + step)
		if m, ok := v.cursorMessage(); ok {
			t.selected[m.SequenceNumber] = struct{}{}
		}
		v.table.Invalidate()
		return v.maybeLoadMore(), nil, true
	case key.Matches(msg, k.SelectAll):
		v.selectAllShown()
	default:
		return nil, nil, false
	}
	return nil, nil, true
}

func (t *msgTab) toggle(seq int64) {
	if _, ok := t.selected[seq]; ok {
		delete(t.selected, seq)
	} else {
		t.selected[seq] = struct{}{}
	}
}

// selectAllShown selects every row the filter (or reason group) lets
// through; when all of them are selected already it clears them instead.
func (v *messagesView) selectAllShown() {
	t := v.tab()
	n := t.rowCount()
	all := true
	for i := 0; i < n && all; i++ {
		idx, _ := t.rowIndex(i)
		_, all = t.selected[t.msgs[idx].SequenceNumber]
	}
	for i := 0; i < n; i++ {
		idx, _ := t.rowIndex(i)
		if all {
			delete(t.selected, t.msgs[idx].SequenceNumber)
		} else {
			t.selected[t.msgs[idx].SequenceNumber] = struct{}{}
		}
	}
	v.table.Invalidate()
}

// pruneSelection drops selected numbers no longer in the tab, once the
// whole tab is loaded (before that, an unloaded row may still hold one).
func (t *msgTab) pruneSelection() {
	if len(t.selected) == 0 {
		return
	}
	present := make(map[int64]struct{}, len(t.selected))
	for i := range t.msgs {
		if _, ok := t.selected[t.msgs[i].SequenceNumber]; ok {
			present[t.msgs[i].SequenceNumber] = struct{}{}
		}
	}
	t.selected = present
}

// pruneBelow drops selected numbers below the peek frontier next that
// are not among the loaded rows: peeking goes up in sequence order, so a
// number it has passed without finding is gone (resubmitted, deleted).
func (t *msgTab) pruneBelow(next int64) {
	for seq := range t.selected {
		if seq >= next {
			continue
		}
		i := sort.Search(len(t.msgs), func(i int) bool { return t.msgs[i].SequenceNumber >= seq })
		if i == len(t.msgs) || t.msgs[i].SequenceNumber != seq {
			delete(t.selected, seq)
		}
	}
}

// selectedSeqs is the selection in ascending order.
func (t *msgTab) selectedSeqs() []int64 {
	out := make([]int64, 0, len(t.selected))
	for s := range t.selected {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// selectedMessages are the loaded messages of the selection, in list order.
func (t *msgTab) selectedMessages() []sbsvc.Message {
	var out []sbsvc.Message
	for i := range t.msgs {
		if _, ok := t.selected[t.msgs[i].SequenceNumber]; ok {
			out = append(out, t.msgs[i])
		}
	}
	return out
}

// Selection is what the user has picked on the current tab, for the
// actions: the sequence numbers (ascending) and the loaded messages.
func (v *messagesView) Selection() (seqs []int64, msgs []sbsvc.Message) {
	t := v.tab()
	return t.selectedSeqs(), t.selectedMessages()
}

// baseRequest is an actionRequest for where the user stands.
func (v *messagesView) baseRequest(kind actionKind) actionRequest {
	req := actionRequest{kind: kind, conn: v.conn, entity: v.entity, sub: v.tab().sub, origin: v.vid}
	if v.conn != nil {
		req.nsName = v.conn.Info().Name
	}
	if req.sub == sbsvc.Active {
		req.session = v.session
	}
	return req
}

// actionKey maps the write keys to action requests. They are refused here
// with a toast when the namespace is read-only (startAction refuses too).
func (v *messagesView) actionKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation, bool) {
	k := v.sh.keys
	kind, ok := actionFor(k, msg)
	if !ok {
		return nil, nil, false
	}
	if refusedReadOnly(v.sh, v.conn, kind) {
		return toast(ui.ToastWarn, "read-only: writes are off for this namespace"), nil, true
	}
	req, refuse := v.buildRequest(kind)
	if refuse != nil {
		return refuse, nil, true
	}
	cmd, nav := startAction(v.sh, req)
	return cmd, nav, true
}

// actionFor names the action a key asks for.
func actionFor(k KeyMap, msg tea.KeyPressMsg) (actionKind, bool) {
	for _, b := range []struct {
		binding key.Binding
		kind    actionKind
	}{
		{k.Lock, actLock}, {k.Resubmit, actResubmit}, {k.EditResubmit, actEditResubmit},
		{k.Delete, actDelete}, {k.Purge, actPurge}, {k.Export, actExport},
		{k.Send, actSend}, {k.SendFromTemplate, actSend}, {k.CancelScheduled, actCancelScheduled},
		{k.AcceptSession, actAcceptSession},
	} {
		if key.Matches(msg, b.binding) {
			if b.kind == actSend && key.Matches(msg, k.SendFromTemplate) {
				return actSendTemplate, true
			}
			return b.kind, true
		}
	}
	return 0, false
}

// actSendTemplate is the send-from-this-message key; it becomes actSend
// with a template.
const actSendTemplate actionKind = -1

// buildRequest fills a request from the selection, the summary group or
// the cursor, or returns a toast saying why there is nothing to act on.
func (v *messagesView) buildRequest(kind actionKind) (actionRequest, tea.Cmd) {
	t := v.tab()
	req := v.baseRequest(kind)
	seqs, msgs := t.selectedSeqs(), t.selectedMessages()
	cursor, hasCursor := v.cursorMessage()
	if t.summary != nil {
		hasCursor = false // the cursor is on a group, not a message
	}
	one := func() bool {
		if !hasCursor {
			return false
		}
		req.seqs, req.messages = []int64{cursor.SequenceNumber}, []sbsvc.Message{*cursor}
		return true
	}
	switch kind {
	case actLock:
		req.seqs, req.messages = seqs, msgs // none: count 0 asks how many
	case actResubmit:
		if t.sub == sbsvc.Active {
			return req, toast(ui.ToastWarn, "resubmit works from a dead-letter tab")
		}
		switch {
		case len(seqs) > 0:
			req.seqs, req.messages = seqs, msgs
		case t.summary != nil:
			g, ok := t.summary.cursorGroup()
			if !ok {
				return req, toast(ui.ToastWarn, "no reason group under the cursor")
			}
			req.group = t.groupOf(g)
		default:
			req.all = true
		}
	case actEditResubmit:
		if !one() {
			return req, toast(ui.ToastWarn, "put the cursor on the message to edit")
		}
	case actDelete:
		if len(seqs) > 0 {
			req.seqs, req.messages = seqs, msgs
		} else if !one() {
			return req, toast(ui.ToastWarn, "no message to delete")
		}
	case actPurge:
		req.all = true
	case actExport:
		if len(seqs) > 0 {
			req.seqs, req.messages = seqs, msgs
		} else {
			req.all = true
		}
	case actSend:
	case actSendTemplate:
		req.kind = actSend
		if !hasCursor {
			return req, toast(ui.ToastWarn, "put the cursor on the message to start from")
		}
		tmpl := *cursor
		req.template = &tmpl
	case actCancelScheduled:
		pool := msgs
		if len(pool) == 0 && hasCursor {
			pool = []sbsvc.Message{*cursor}
		}
		for _, m := range pool {
			if m.State == sbsvc.StateScheduled {
				req.seqs = append(req.seqs, m.SequenceNumber)
				req.messages = append(req.messages, m)
			}
		}
		if len(req.seqs) == 0 {
			return req, toast(ui.ToastWarn, "none of these messages is scheduled (⏲ marks scheduled ones)")
		}
	case actAcceptSession:
		if !v.entity.RequiresSession {
			return req, toast(ui.ToastInfo, "%s does not use sessions", v.entity.Ref.Path())
		}
		req.sub = sbsvc.Active
		req.session = v.session
	}
	return req, nil
}

// groupOf is a reason group with the loaded messages' numbers.
func (t *msgTab) groupOf(g reasonRow) *reasonGroup {
	rg := &reasonGroup{Reason: g.key.reason, Description: g.key.description, Count: g.count}
	for i := range t.msgs {
		if m := &t.msgs[i]; m.DeadLetterReason == g.key.reason && m.DeadLetterDescription == g.key.description {
			rg.Seqs = append(rg.Seqs, m.SequenceNumber)
		}
	}
	return rg
}
