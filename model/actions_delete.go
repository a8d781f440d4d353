package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// startDelete confirms, then locks the selected messages by sequence number
// and completes them.
func startDelete(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	if len(req.seqs) == 0 {
		return toast(ui.ToastWarn, "select the messages to delete (P purges the whole %s)", subName(req.sub)), nil
	}
	if req.entity.RequiresSession && req.sub == sbsvc.Active {
		return toast(ui.ToastWarn, "session messages are deleted from the session view (L, then c)"), nil
	}
	seqs := append([]int64(nil), req.seqs...)
	f := newFormView(sh, fmt.Sprintf("Delete %s from %s", plural(len(seqs), "message", "messages"), where(req)), "delete")
	f.submitKey = "delete"
	f.intro = []string{"which: " + seqList(seqs),
		"Each is received by its sequence number and completed: it is gone for good."}
	f.warn = []string{"Reaching a message by number may lock others on the way; they are abandoned again, which counts a delivery on each."}
	f.toggle("sure", "delete them", false, "yes, delete", "not yet")
	f.submit = func(f *formView) (formStep, error) {
		if !f.isOn("sure") {
			return formStep{}, fmt.Errorf("tick “delete them” with space first")
		}
		bv, cmd := newBulkView(sh, deleteJob(wc, req, seqs))
		return formStep{next: bv, nextCmd: cmd}, nil
	}
	return nil, &navigation{push: f}
}

func deleteJob(wc writeConn, req actionRequest, seqs []int64) bulkJob {
	ref := sourceRef(req)
	return bulkJob{title: fmt.Sprintf("Deleting %s from %s", plural(len(seqs), "message", "messages"), where(req)),
		crumb: "delete", total: int64(len(seqs)), entity: entityPath(req.entity),
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			var s bulkSummary
			got, err := wc.LockBySequence(ctx, ref, seqs, 0)
			if err != nil {
				s.errors = append(s.errors, "locking: "+errorLine(err))
			}
			deleted := 0
			for _, l := range got.Locked {
				if ctx.Err() != nil {
					break
				}
				if err := wc.Complete(ctx, l); err != nil {
					c.failed.Add(1)
					s.errors = append(s.errors, fmt.Sprintf("#%d %s: %s", l.Message.SequenceNumber, l.Message.MessageID, errorLine(err)))
				} else {
					deleted++
				}
				c.done.Add(1)
			}
			s.lines = append(s.lines, fmt.Sprintf("deleted:   %d of %d", deleted, len(seqs)))
			if len(got.Missing) > 0 {
				s.lines = append(s.lines, "not found: "+seqList(got.Missing)+" (gone, scheduled, or locked by someone else)")
			}
			if len(got.Skipped) > 0 {
				s.lines = append(s.lines, fmt.Sprintf("passed on the way and abandoned (delivery count +1): %s", seqList(got.Skipped)))
			}
			if ctx.Err() != nil {
				s.lines = append(s.lines, "cancelled: the rest keep their locks until they lapse")
			}
			s.warn = deleted < len(seqs)
			s.toast = fmt.Sprintf("deleted %d of %d", deleted, len(seqs))
			return s
		}}
}

// startPurge asks for the entity's name and offers to export first.
func startPurge(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	if req.entity.RequiresSession && req.sub == sbsvc.Active {
		return toast(ui.ToastWarn, "purge does not reach session messages: settle them from the session view"), nil
	}
	name := req.entity.Name
	count := "every message"
	if req.entity.CountsKnown {
		count = fmt.Sprintf("every message (%s)", plural(int(subCount(req.entity, req.sub)), "message", "messages"))
	}
	f := newFormView(sh, "Purge "+where(req), "purge")
	f.submitKey = "purge"
	f.intro = []string{"deletes " + count + " of " + where(req) + ", deferred ones too; scheduled messages stay.",
		"It cannot be undone: export first keeps a copy (JSON Lines, importable)."}
	f.line("name", "type "+name+" to confirm", "", "")
	f.toggle("export", "export first", true, "write every message to the file before deleting it", "no export")
	f.line("path", "export file", defaultFileName(req, sh.now()), "")
	f.submit = func(f *formView) (formStep, error) {
		if f.value("name") != name {
			return formStep{}, fmt.Errorf("type the entity name %q exactly to confirm", name)
		}
		path := ""
		if f.isOn("export") {
			if path = f.value("path"); path == "" {
				return formStep{}, fmt.Errorf("name the export file, or switch export off")
			}
			path = absFilePath(path)
		}
		bv, cmd := newBulkView(sh, purgeJob(wc, req, path))
		return formStep{next: bv, nextCmd: cmd}, nil
	}
	return nil, &navigation{push: f}
}

func purgeJob(wc writeConn, req actionRequest, path string) bulkJob {
	ref := sourceRef(req)
	total := int64(0)
	if req.entity.CountsKnown {
		total = subCount(req.entity, req.sub)
	}
	return bulkJob{title: "Purging " + where(req), crumb: "purge", total: total, entity: entityPath(req.entity),
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			var s bulkSummary
			opts := sbsvc.PurgeOptions{Progress: func(p sbsvc.PurgeProgress) { c.done.Store(int64(p.Purged)) }}
			var file *os.File
			if path != "" {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					s.errors, s.warn, s.toast = []string{"export file: " + err.Error()}, true, "nothing purged: the export file could not be created"
					s.lines = []string{"nothing purged (export first was asked for)"}
					return s
				}
				file, opts.Export = f, f
			}
			res, err := wc.Purge(ctx, ref, opts)
			if file != nil {
				if cerr := file.Close(); cerr != nil && err == nil {
					err = cerr
				}
			}
			s.lines = append(s.lines, fmt.Sprintf("purged:    %d (deferred among them: %d)", res.Purged, res.Deferred))
			if path != "" {
				s.lines = append(s.lines, fmt.Sprintf("exported:  %d to %s", res.Exported, path))
			}
			if res.Scheduled > 0 {
				s.lines = append(s.lines, fmt.Sprintf("scheduled messages left: %d (cancel them with C)", res.Scheduled))
			}
			if res.Cancelled {
				s.lines = append(s.lines, "cancelled: the rest stays")
			}
			if err != nil && !res.Cancelled {
				s.errors = append(s.errors, errorLine(err))
			}
			s.warn = err != nil || res.Cancelled
			s.toast = fmt.Sprintf("purged %d from %s", res.Purged, where(req))
			return s
		}}
}

// startExport asks for a file and writes the selection, or everything.
func startExport(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	seqs := append([]int64(nil), req.seqs...)
	if req.all {
		seqs = nil
	}
	what := "every message of " + where(req)
	if len(seqs) > 0 {
		what = plural(len(seqs), "selected message", "selected messages") + " of " + where(req)
	}
	f := newFormView(sh, "Export "+what, "export")
	f.submitKey = "export"
	f.intro = []string{"JSON Lines: one message a line, every property, the body as base64 (and as text when it is text).",
		"Export only peeks: nothing is locked or changed."}
	f.line("path", "file", defaultFileName(req, sh.now()), "")
	f.submit = func(f *formView) (formStep, error) {
		path := f.value("path")
		if path == "" {
			return formStep{}, fmt.Errorf("name the file")
		}
		path = absFilePath(path)
		bv, cmd := newBulkView(sh, exportJob(wc, req, seqs, path, what))
		return formStep{next: bv, nextCmd: cmd}, nil
	}
	return nil, &navigation{push: f}
}

func exportJob(wc writeConn, req actionRequest, seqs []int64, path, what string) bulkJob {
	ref := sourceRef(req)
	if req.session != "" {
		ref.SessionID = req.session
	}
	total := int64(len(seqs))
	if total == 0 && req.entity.CountsKnown {
		total = subCount(req.entity, req.sub)
	}
	return bulkJob{title: "Exporting " + what, crumb: "export", total: total,
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			var s bulkSummary
			file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				s.errors, s.warn, s.toast = []string{err.Error()}, true, "export failed: the file could not be created"
				return s
			}
			var w io.Writer = file
			var pick *seqFilter
			if len(seqs) > 0 {
				pick = newSeqFilter(file, seqs)
				w = pick
			}
			n, err := wc.Export(ctx, ref, w, sbsvc.ExportOptions{Progress: func(written int) {
				if pick == nil {
					c.done.Store(int64(written))
				} else {
					c.done.Store(int64(pick.kept))
				}
			}})
			if pick != nil {
				n = pick.kept
				c.done.Store(int64(n))
			}
			if cerr := file.Close(); cerr != nil && err == nil {
				err = cerr
			}
			s.lines = append(s.lines, fmt.Sprintf("exported: %d to %s", n, path))
			if pick != nil && pick.kept < len(seqs) {
				s.lines = append(s.lines, fmt.Sprintf("not found: %d of the selected (gone since they were listed)", len(seqs)-pick.kept))
			}
			if err != nil {
				s.errors, s.warn = append(s.errors, errorLine(err)), true
			}
			s.toast = fmt.Sprintf("exported %d to %s", n, path)
			return s
		}}
}

// seqFilter passes on only the export lines whose sequence number was
// selected (Export writes whole lines, so lines are never split here
// beyond what buffering joins back).
type seqFilter struct {
	w    io.Writer
	want map[int64]bool
	buf  []byte
	kept int
}

func newSeqFilter(w io.Writer, seqs []int64) *seqFilter {
	want := make(map[int64]bool, len(seqs))
	for _, s := range seqs {
		want[s] = true
	}
	return &seqFilter{w: w, want: want}
}

func (f *seqFilter) Write(p []byte) (int, error) {
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.buf[:i+1]
		var rec struct {
			SequenceNumber int64 `json:"sequenceNumber"`
		}
		if json.Unmarshal(line, &rec) == nil && f.want[rec.SequenceNumber] {
			if _, err := f.w.Write(line); err != nil {
				return 0, err
			}
			f.kept++
		}
		f.buf = f.buf[i+1:]
	}
}

// startCancelScheduled confirms and cancels the selected scheduled messages.
func startCancelScheduled(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	var seqs []int64
	byseq := map[int64]sbsvc.Message{}
	for _, m := range req.messages {
		byseq[m.SequenceNumber] = m
	}
	for _, s := range req.seqs {
		if m, ok := byseq[s]; !ok || m.State == sbsvc.StateScheduled {
			seqs = append(seqs, s)
		}
	}
	if len(seqs) == 0 {
		return toast(ui.ToastWarn, "select scheduled messages to cancel"), nil
	}
	ref := sendRef(req.entity)
	f := newFormView(sh, fmt.Sprintf("Cancel %s", plural(len(seqs), "scheduled message", "scheduled messages")), "cancel scheduled")
	f.submitKey = "cancel them"
	f.intro = []string{"which: " + seqList(seqs), "of:    " + ref.Path(), "They are removed before they ever appear."}
	f.toggle("sure", "cancel them", false, "yes, cancel them", "not yet")
	f.submit = func(f *formView) (formStep, error) {
		if !f.isOn("sure") {
			return formStep{}, fmt.Errorf("tick “cancel them” with space first")
		}
		path := entityPath(req.entity)
		return formStep{async: func(ctx context.Context) (tea.Cmd, error) {
			if err := wc.CancelScheduled(ctx, ref, seqs); err != nil {
				return nil, err
			}
			return tea.Batch(toast(ui.ToastSuccess, "cancelled %s", plural(len(seqs), "scheduled message", "scheduled messages")), changed(path)), nil
		}}, nil
	}
	return nil, &navigation{push: f}
}
