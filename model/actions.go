package model

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// writeConn is what the write actions need of a namespace beyond browsing.
// *sbsvc.Namespace satisfies it; the browsing fakes do not, and the
// actions then say so instead of acting.
type writeConn interface {
	Conn
	ReceiveLocked(ctx context.Context, ref sbsvc.EntityRef, n int) ([]*sbsvc.Locked, error)
	LockBySequence(ctx context.Context, ref sbsvc.EntityRef, seqs []int64, maxScan int) (sbsvc.SequenceLock, error)
	Renew(ctx context.Context, l *sbsvc.Locked) error
	NewAutoRenewer(opts sbsvc.AutoRenewOptions) *sbsvc.AutoRenewer
	Complete(ctx context.Context, l *sbsvc.Locked) error
	Abandon(ctx context.Context, l *sbsvc.Locked, props map[string]any) error
	DeadLetter(ctx context.Context, l *sbsvc.Locked, o sbsvc.DeadLetterOptions) error
	Defer(ctx context.Context, l *sbsvc.Locked, props map[string]any) error
	Resubmit(ctx context.Context, ref sbsvc.EntityRef, opts sbsvc.ResubmitOptions) (sbsvc.ResubmitResult, error)
	Purge(ctx context.Context, ref sbsvc.EntityRef, opts sbsvc.PurgeOptions) (sbsvc.PurgeResult, error)
	Export(ctx context.Context, ref sbsvc.EntityRef, w io.Writer, opts sbsvc.ExportOptions) (int, error)
	Send(ctx context.Context, ref sbsvc.EntityRef, msgs []sbsvc.OutgoingMessage) (int, error)
	Schedule(ctx context.Context, ref sbsvc.EntityRef, msgs []sbsvc.OutgoingMessage, at time.Time) ([]int64, error)
	CancelScheduled(ctx context.Context, ref sbsvc.EntityRef, seqs []int64) error
	AcceptSession(ctx context.Context, ref sbsvc.EntityRef, id string) (*sbsvc.SessionHandle, error)
	AcceptNextSession(ctx context.Context, ref sbsvc.EntityRef) (*sbsvc.SessionHandle, error)
}

var _ writeConn = (*sbsvc.Namespace)(nil)

// startAction turns a request into the first step of its action: a prompt
// or confirmation, the locked-messages view, the compose form. Nothing is
// written before the user confirms, and nothing at all in read-only mode.
func startAction(sh *shared, req actionRequest) (tea.Cmd, *navigation) {
	if refusedReadOnly(sh, req.conn, req.kind) {
		return toast(ui.ToastWarn, "read-only: writes are off for this namespace"), nil
	}
	wc, ok := req.conn.(writeConn)
	if !ok {
		return toast(ui.ToastWarn, "this connection cannot write (it offers browsing only)"), nil
	}
	switch req.kind {
	case actLock:
		return startLock(sh, wc, req)
	case actAcceptSession:
		return startSession(sh, wc, req)
	case actResubmit:
		return startResubmit(sh, wc, req)
	case actEditResubmit:
		return startEditResubmit(sh, wc, req)
	case actDelete:
		return startDelete(sh, wc, req)
	case actPurge:
		return startPurge(sh, wc, req)
	case actExport:
		return startExport(sh, wc, req)
	case actSend:
		return startCompose(sh, wc, req)
	case actCancelScheduled:
		return startCancelScheduled(sh, wc, req)
	}
	return toast(ui.ToastWarn, "unknown action"), nil
}

// sourceRef is the entity and sub-queue the user stands on.
func sourceRef(req actionRequest) sbsvc.EntityRef {
	ref := req.entity.Ref
	ref.SubQueue = req.sub
	ref.SessionID = ""
	return ref
}

// entityPath is the entity without sub-queue or session: what
// entityChangedMsg names.
func entityPath(e sbsvc.Entity) string {
	if p := e.Path(); p != "" {
		return p
	}
	ref := e.Ref
	ref.SubQueue, ref.SessionID = sbsvc.Active, ""
	return ref.Path()
}

// sendRef is where a send to the user's entity goes: the queue, or a
// subscription's topic.
func sendRef(e sbsvc.Entity) sbsvc.EntityRef {
	switch {
	case e.Kind == sbsvc.SubscriptionEntity || e.Ref.Subscription != "":
		topic := e.Topic
		if topic == "" {
			topic = e.Ref.Topic
		}
		return sbsvc.EntityRef{Topic: topic}
	case e.Kind == sbsvc.TopicEntity:
		return sbsvc.EntityRef{Topic: e.Name}
	}
	return sbsvc.EntityRef{Queue: e.Ref.Queue}
}

// changed broadcasts that path was written, so lists reload and counts
// refresh everywhere.
func changed(path string) tea.Cmd {
	return func() tea.Msg { return entityChangedMsg{Path: path} }
}

// subName is how a sub-queue reads in a sentence.
func subName(q sbsvc.SubQueue) string {
	switch q {
	case sbsvc.DeadLetter:
		return "dead-letter"
	case sbsvc.TransferDeadLetter:
		return "transfer dead-letter"
	}
	return "active"
}

// where is "orders › dead-letter" for prompts.
func where(req actionRequest) string {
	return entityPath(req.entity) + " › " + subName(req.sub)
}

// subCount is how many messages the entity's listing says the sub-queue
// holds (0 when unknown).
func subCount(e sbsvc.Entity, q sbsvc.SubQueue) int64 {
	switch q {
	case sbsvc.DeadLetter:
		return e.Counts.DeadLetter
	case sbsvc.TransferDeadLetter:
		return e.Counts.TransferDeadLetter
	}
	return e.Counts.Active
}

// defaultFileName is "<entity>-<sub>-<time>.jsonl" with path separators
// replaced, in the current directory.
func defaultFileName(req actionRequest, now time.Time) string {
	name := strings.NewReplacer("/", "-", "$", "", " ", "-").Replace(entityPath(req.entity))
	return fmt.Sprintf("%s-%s-%s.jsonl", name, strings.ReplaceAll(subName(req.sub), " ", "-"), now.UTC().Format("20060102T150405"))
}

// absFilePath expands a leading "~/" and makes p absolute, so a summary
// says exactly where a file went whatever directory sbx was started in.
// Should the working directory be unknown, p is kept as typed.
func absFilePath(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// seqList is "#4, #5, #9 …" cut after a few.
func seqList(seqs []int64) string {
	var parts []string
	for i, s := range seqs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("… %d more", len(seqs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("#%d", s))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func ansiWrap(s string, w int) string { return ansi.Wrap(s, max(w, 1), " ") }
