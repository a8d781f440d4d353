package model

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// bulkJob is one long write (resubmit, delete, purge, export) run behind a
// progress bar.
type bulkJob struct {
	title  string // "Resubmitting 3 messages: orders › dead-letter → orders"
	crumb  string
	total  int64  // 0 = unknown
	entity string // the entity path to broadcast as changed ("" = none)
	// run does the work, counting into p as it goes, and returns the
	// summary. It runs in a tea.Cmd; ctx is cancelled by Esc.
	run func(ctx context.Context, p *bulkCounter) bulkSummary
}

// bulkCounter is written by the job's goroutines and read by the view at
// most ten times a second: progress never turns into one message per item.
type bulkCounter struct {
	done, failed atomic.Int64
}

// bulkSummary is what the progress view shows once the job ended.
type bulkSummary struct {
	lines  []string // the counts and where things went
	errors []string // failures, one a line
	warn   bool     // something failed or was cancelled
	toast  string
}

// maxSummaryErrors is how many failure lines the summary shows.
const maxSummaryErrors = 12

// bulkTickEvery is how often the progress view redraws while a job runs
// (about ten frames a second, whatever the job's own rate).
const bulkTickEvery = 100 * time.Millisecond

type bulkTickMsg struct{ view, gen uint64 }

func (m bulkTickMsg) target() uint64 { return m.view }

type bulkDoneMsg struct {
	view    uint64
	summary bulkSummary
}

func (m bulkDoneMsg) target() uint64 { return m.view }

// bulkView shows a running job: bar, counts, rate, ETA; then its summary.
type bulkView struct {
	sh         *shared
	vid        uint64
	job        bulkJob
	counter    *bulkCounter
	stop       context.CancelFunc
	started    time.Time
	ended      time.Time
	running    bool
	cancelling bool
	summary    *bulkSummary
	tickGen    uint64
	width      int
	height     int
	// scroll is how many lines of a summary taller than the screen the
	// wheel or the navigation keys have moved past.
	scroll int
}

// newBulkView makes the view and the command that starts the job and the
// redraw ticks. Bulk jobs get no short deadline: they end when the work is
// done or the user cancels.
func newBulkView(sh *shared, job bulkJob) (*bulkView, tea.Cmd) {
	ctx, stop := context.WithCancel(context.Background())
	v := &bulkView{sh: sh, vid: sh.nextID(), job: job, counter: &bulkCounter{}, stop: stop,
		started: sh.now(), running: true}
	counter, vid := v.counter, v.vid
	run := func() tea.Msg {
		s := job.run(ctx, counter)
		return bulkDoneMsg{view: vid, summary: s}
	}
	return v, tea.Batch(run, v.tick())
}

func (v *bulkView) tick() tea.Cmd {
	v.tickGen++
	gen, vid := v.tickGen, v.vid
	return v.sh.after(bulkTickEvery, func(time.Time) tea.Msg { return bulkTickMsg{view: vid, gen: gen} })
}

func (v *bulkView) id() uint64             { return v.vid }
func (v *bulkView) crumb() string          { return v.job.crumb }
func (v *bulkView) setSize(w, h int)       { v.width, v.height = w, h }
func (v *bulkView) busy() bool             { return v.running }
func (v *bulkView) refreshedAt() time.Time { return v.ended }

// cancel stops the job (leaving the view, or quitting).
func (v *bulkView) cancel() {
	if v.stop != nil {
		v.stop()
	}
}

// beforeLeave: Esc while the job runs cancels it and stays, so the user
// sees the summary of what was done before the cancel; after the end Esc
// leaves.
func (v *bulkView) beforeLeave() (tea.Cmd, bool) {
	if !v.running {
		return nil, true
	}
	if !v.cancelling {
		v.cancelling = true
		v.cancel()
	}
	return nil, false
}

func (v *bulkView) hints() []key.Binding {
	if v.running {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "close"))}
}

func (v *bulkView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case bulkTickMsg:
		if msg.gen != v.tickGen || !v.running {
			return nil, nil
		}
		return v.tick(), nil
	case bulkDoneMsg:
		v.running = false
		v.ended = v.sh.now()
		v.summary = &msg.summary
		kind := ui.ToastSuccess
		if msg.summary.warn {
			kind = ui.ToastWarn
		}
		cmds := []tea.Cmd{toast(kind, "%s", msg.summary.toast)}
		if v.job.entity != "" {
			cmds = append(cmds, changed(v.job.entity))
		}
		return tea.Batch(cmds...), nil
	case tea.KeyPressMsg:
		if !v.running && (msg.String() == "enter" || msg.String() == "q") {
			return nil, &navigation{pop: true}
		}
		if d, ok := scrollDelta(v.sh.keys, msg, max(v.height-1, 1)); ok {
			v.scrollBy(d)
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelDown:
			v.scrollBy(wheelRows)
		case tea.MouseWheelUp:
			v.scrollBy(-wheelRows)
		}
	case tea.MouseClickMsg:
		// A click on the closing line closes, like enter.
		lines := v.lines()
		if i := v.scroll + msg.Y; !v.running && msg.Button == tea.MouseLeft && i == len(lines)-1 && i >= 0 {
			return nil, &navigation{pop: true}
		}
	}
	return nil, nil
}

func (v *bulkView) scrollBy(n int) { v.scroll = max(min(v.scroll+n, v.maxScroll()), 0) }

// maxScroll is how far the wheel can move a summary taller than the view.
func (v *bulkView) maxScroll() int { return max(len(v.lines())-v.height, 0) }

func (v *bulkView) progress() ui.Progress {
	now := v.sh.now()
	if !v.running {
		now = v.ended
	}
	return ui.Progress{Done: v.counter.done.Load(), Total: v.job.total, Started: v.started, Now: now}
}

func (v *bulkView) render() string {
	lines := v.lines()
	top := max(min(v.scroll, len(lines)-v.height), 0)
	return strings.Join(lines[top:], "\n")
}

// lines is the whole page: title, bar, counts, then the summary.
func (v *bulkView) lines() []string {
	return strings.Split(strings.TrimSuffix(v.page(), "\n"), "\n")
}

func (v *bulkView) page() string {
	st := v.sh.styles
	w := max(v.width, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(ui.Fit(ui.Sanitize(v.job.title), w)) + "\n\n")
	p := v.progress()
	if p.Total > 0 && p.Done > p.Total {
		p.Total = p.Done // more matched than the listing counted
	}
	b.WriteString(st.ProgressBar(p, w) + "\n")
	if f := v.counter.failed.Load(); f > 0 {
		b.WriteString(st.CellError.Render(ui.FormatCount(f)+" failed so far") + "\n")
	}
	switch {
	case v.running && v.cancelling:
		b.WriteString(st.CellWarn.Render("cancelling… finishing the messages already in hand") + "\n")
	case v.running:
		b.WriteString(st.Subtle.Render("esc cancels (what is done stays done)") + "\n")
	case v.summary != nil:
		b.WriteString("\n")
		for _, l := range v.summary.lines {
			b.WriteString(ui.Fit(ui.Sanitize(flatLines(l)), w) + "\n")
		}
		if len(v.summary.errors) > 0 {
			b.WriteString("\n" + st.CellError.Render("failures:") + "\n")
			errs := v.summary.errors
			if len(errs) > maxSummaryErrors {
				errs = append(errs[:maxSummaryErrors:maxSummaryErrors], fmt.Sprintf("… and %d more", len(v.summary.errors)-maxSummaryErrors))
			}
			for _, l := range errs {
				b.WriteString(st.CellError.Render(ui.Fit("  "+ui.Sanitize(l), w)) + "\n")
			}
		}
		b.WriteString("\n" + st.Subtle.Render("enter or esc to close"))
	}
	return b.String()
}

// flatLines joins a multi-line text (an SDK error quoting an HTTP response)
// into one line, keeping the spacing within each line.
func flatLines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var parts []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}
