package model

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// selectedMarker fills the narrow first column of a selected row; the
// table's own marked-row style needs colour, the marker does not.
const selectedMarker = "●"

// absoluteLayout is how the enqueued column reads when absolute.
const absoluteLayout = "2006-01-02 15:04:05"

// setColumns lays out the current tab's columns: the dead-letter reason
// only on the DLQ tabs, the enqueued column as wide as its format.
func (v *messagesView) setColumns() {
	enq := ui.Column{Title: "ENQUEUED", Width: 9}
	if v.absolute {
		enq = ui.Column{Title: "ENQUEUED (UTC)", Width: len(absoluteLayout)}
	}
	cols := []ui.Column{
		{Title: " ", Width: 1},
		{Title: "SEQ", Width: 6, Align: ui.AlignRight},
		enq,
		{Title: "MESSAGE ID", MinWidth: 10, Flex: 2},
		{Title: "SUBJECT", MinWidth: 8, Flex: 2},
		{Title: "DLV", Width: 3, Align: ui.AlignRight},
		{Title: "SIZE", Width: 8, Align: ui.AlignRight},
		{Title: "TYPE", MinWidth: 8, Flex: 1},
	}
	if v.tab().sub != sbsvc.Active {
		cols = append(cols, ui.Column{Title: "DLQ REASON", MinWidth: 12, Flex: 2})
	}
	cols = append(cols, ui.Column{Title: "PREVIEW", MinWidth: 12, Flex: 4})
	v.table.SetColumns(cols)
}

// msgRows feeds the table through the filter: row i of the table is
// t.msgs[t.shown[i]] when a filter is on.
type msgRows struct {
	v *messagesView
	t *msgTab
}

func (r msgRows) Len() int { return r.t.rowCount() }

func (r msgRows) Row(i int) []ui.Cell {
	idx, ok := r.t.rowIndex(i)
	if !ok {
		return nil
	}
	m := &r.t.msgs[idx]
	seq := strconv.FormatInt(m.SequenceNumber, 10)
	switch m.State {
	case sbsvc.StateScheduled:
		seq = "⏲" + seq
	case sbsvc.StateDeferred:
		seq = "⏸" + seq
	}
	var mark ui.Cell
	if _, ok := r.t.selected[m.SequenceNumber]; ok {
		mark = ui.Cell{Text: selectedMarker, Hint: ui.HintWarn}
	}
	enq := relative(r.v.sh.now(), m.EnqueuedAt)
	if r.v.absolute && !m.EnqueuedAt.IsZero() {
		enq = m.EnqueuedAt.UTC().Format(absoluteLayout)
	}
	cells := []ui.Cell{
		mark,
		{Text: seq},
		{Text: enq},
		{Text: m.MessageID},
		{Text: m.Subject},
		{Text: strconv.FormatUint(uint64(m.DeliveryCount), 10)},
		{Text: bytesText(int64(len(m.Body)))},
		{Text: m.ContentType},
	}
	if r.t.sub != sbsvc.Active {
		cells = append(cells, ui.Cell{Text: m.DeadLetterReason, Hint: ui.HintDeadLetter})
	}
	return append(cells, ui.Cell{Text: r.t.previews[idx], Hint: ui.HintDim})
}

// rowCount is how many rows the table shows (the filtered count).
func (t *msgTab) rowCount() int {
	if t.shown != nil {
		return len(t.shown)
	}
	return len(t.msgs)
}

// rowIndex maps table row i to its index in msgs.
func (t *msgTab) rowIndex(i int) (int, bool) {
	if t.shown != nil {
		if i < 0 || i >= len(t.shown) {
			return 0, false
		}
		return int(t.shown[i]), true
	}
	if i < 0 || i >= len(t.msgs) {
		return 0, false
	}
	return i, true
}

func (v *messagesView) tabBar() string {
	st := v.sh.styles
	infoText := v.tabInfo()
	labels := v.tabLabels(ui.Width(infoText))
	var parts []string
	for i, label := range labels {
		if i == v.cur {
			parts = append(parts, st.Crumb.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Subtle.Render(" "+label+" "))
		}
	}
	return ui.Fit(strings.Join(parts, " ")+"   "+st.Subtle.Render(infoText), v.width)
}

// tabInfo is the counts right of the tabs.
func (v *messagesView) tabInfo() string {
	if v.showingSessions() {
		return v.sessions.countText()
	}
	return strings.Join(v.countParts(), " · ")
}

// tabLabels are the tab names, short ones ("DLQ") when the long ones and
// the counts (infoWidth cells) do not fit on one line.
func (v *messagesView) tabLabels(infoWidth int) []string {
	long := make([]string, len(v.tabs))
	used := 3 + infoWidth
	for i, t := range v.tabs {
		long[i] = subLabel(t.sub)
		used += ui.Width(long[i]) + 3
	}
	if used <= v.width || v.width <= 0 {
		return long
	}
	short := make([]string, len(v.tabs))
	for i, t := range v.tabs {
		short[i] = shortSubLabel(t.sub)
	}
	return short
}

// shortSubLabel is a sub-queue's tab name on a narrow terminal.
func shortSubLabel(q sbsvc.SubQueue) string { return subQueueName(q).short }

// countParts: loaded vs total, the filter's match count, the selection.
func (v *messagesView) countParts() []string {
	t := v.tab()
	count := fmt.Sprintf("%d loaded", len(t.msgs))
	n, known := v.total()
	if known {
		count = fmt.Sprintf("%d of %d loaded", len(t.msgs), n)
	}
	switch {
	case t.loadAll:
		count += " (loading all…)"
	case !t.end && t.started && !(known && int64(len(t.msgs)) >= n):
		count += " (more on scroll)"
	}
	out := []string{count}
	if t.filter.active() {
		m := fmt.Sprintf("%d of %d match", len(t.shown), len(t.msgs))
		if t.filtering.active {
			m += " (filtering…)"
		}
		out = append(out, m)
	}
	if n := len(t.selected); n > 0 {
		out = append(out, fmt.Sprintf("%d selected", n))
	}
	return out
}

// filterLine is the second line: the filter being typed, or the kept
// filter and reason group, or nothing.
func (v *messagesView) filterLine() string {
	st := v.sh.styles
	if v.editing {
		return v.input.render(st, v.width)
	}
	t := v.tab()
	if v.showingSessions() || !t.filter.active() {
		return ""
	}
	var parts []string
	if t.filter.query != "" {
		parts = append(parts, "filter: "+ui.Sanitize(t.filter.query))
	}
	if g := t.filter.group; g != nil {
		reason := g.reason
		if reason == "" {
			reason = "(no reason)"
		}
		parts = append(parts, "reason: "+ui.Sanitize(reason))
		if g.description != "" {
			parts = append(parts, ui.Sanitize(g.description))
		}
	}
	return ui.Fit(st.Subtle.Render(strings.Join(parts, " · ")+"  (esc clears)"), v.width)
}

func (v *messagesView) render() string {
	head := v.tabBar() + "\n" + v.filterLine()
	t := v.tab()
	var body, extra string
	switch {
	case v.showingSessions():
		body, extra = v.sessions.render(v.width, v.height-tableTop)
	case t.summary != nil:
		body, extra = v.renderSummary()
	}
	if t.err != nil && !v.showingSessions() {
		title := "Could not peek " + v.crumb()
		if v.gone {
			title = "The entity " + v.entity.Ref.Path() + " is gone (deleted while viewed?)"
		}
		extra = v.sh.styles.ErrorPanel(errorInfo(title, t.err), v.width)
	}
	tableH := v.height - tableTop
	if extra != "" {
		tableH = max(tableH-lineCount(extra)-1, 3)
	}
	if body == "" {
		body = v.table.Render(v.width, tableH)
	} else {
		body = fitLines(body, v.width, tableH)
	}
	out := head + "\n" + body
	if extra != "" {
		out += "\n\n" + extra
	}
	return out
}

// hints are the status bar's keys for where the user stands; the write
// keys are left to the `?` screen.
func (v *messagesView) hints() []key.Binding {
	k := v.sh.keys
	switch {
	case v.editing:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	case v.showingSessions():
		return []key.Binding{k.Open, k.Back, k.Refresh, k.NextTab, k.Help}
	case v.tab().summary != nil:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "filter to group")),
			k.LoadAll, k.ReasonSummary, k.Back, k.Help,
		}
	}
	out := []key.Binding{k.Open, k.Back, k.Filter, k.NextTab, k.Select}
	if v.tab().sub != sbsvc.Active {
		out = append(out, k.ReasonSummary)
	}
	return append(out, k.AbsoluteTime, k.Help)
}
