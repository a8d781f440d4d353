package model

import "github.com/sbx-tui/sbx/sbsvc"

// This file is the contract between the browsing views (entities, messages)
// and the write actions (lock, settle, resubmit, delete, purge, export,
// send, scheduled cancel, sessions). The browsing views build an
// actionRequest from what the user selected and call startAction; the
// actions answer with views pushed on the stack (confirmations, progress,
// the locked-messages view, the compose form) and, when they changed an
// entity, an entityChangedMsg broadcast so every list reloads.

// actionKind names a write the user asked for.
type actionKind int

const (
	actLock            actionKind = iota // peek-lock seqs, or count messages from the head
	actResubmit                          // resubmit seqs / a reason group / all, from a DLQ
	actEditResubmit                      // edit one message in $EDITOR, then resubmit it
	actDelete                            // receive seqs by sequence number and complete them
	actPurge                             // purge the whole sub-queue (type the name to confirm)
	actExport                            // export seqs, or all, to a JSON Lines file
	actSend                              // the compose form (template optional)
	actCancelScheduled                   // cancel the selected scheduled messages
	actAcceptSession                     // accept a session (session id set, or next available)
)

// actionRequest is everything an action needs to know about where the user
// stands and what is selected.
type actionRequest struct {
	kind     actionKind
	conn     Conn
	nsName   string
	entity   sbsvc.Entity    // the queue, topic or subscription
	sub      sbsvc.SubQueue  // the tab the user is on
	session  string          // the session browsed, for session entities ("" = none)
	seqs     []int64         // the selection, in list order; empty means "see all"
	all      bool            // the whole sub-queue (purge, export all, resubmit all)
	group    *reasonGroup    // set when the selection is one dead-letter reason group
	messages []sbsvc.Message // the selected messages as peeked (may be a subset of seqs when not all are loaded)
	template *sbsvc.Message  // actSend: start from this message
	count    int             // actLock with no seqs: how many to receive (0 = ask)
	origin   uint64          // the id of the view that asked
}

// reasonGroup is one row of the dead-letter summary: messages sharing a
// reason and a description.
type reasonGroup struct {
	Reason, Description string
	Count               int
	Seqs                []int64
}

// readOnlyFor reports whether writes are off for conn: --read-only, or the
// namespace configured read-only. Browsing views hide write keys then.
func readOnlyFor(sh *shared, conn Conn) bool {
	return sh.readOnly || (conn != nil && conn.Info().ReadOnly)
}

// refusedReadOnly: the action writes and writes are off. Export only
// peeks, so read-only mode still offers it.
func refusedReadOnly(sh *shared, conn Conn, kind actionKind) bool {
	return kind != actExport && readOnlyFor(sh, conn)
}

// startAction (actions.go) is called by the browsing views from Update
// with a request. It must not block: work runs in the returned tea.Cmd or
// in the views it pushes.
