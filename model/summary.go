package model

import (
	"fmt"
	"sort"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// The dead-letter summary groups the loaded dead letters by reason and
// description. Counts are kept up to date as pages arrive (one map update
// per message), so toggling the summary costs a sort of the groups only.

// reasonCounts counts messages per reason group, in first-seen order.
type reasonCounts struct {
	index map[groupKey]int
	rows  []reasonRow
}

type reasonRow struct {
	key   groupKey
	count int
}

func (rc *reasonCounts) add(msgs []sbsvc.Message) {
	if rc.index == nil {
		rc.index = map[groupKey]int{}
	}
	for i := range msgs {
		k := groupKey{msgs[i].DeadLetterReason, msgs[i].DeadLetterDescription}
		j, ok := rc.index[k]
		if !ok {
			j = len(rc.rows)
			rc.index[k] = j
			rc.rows = append(rc.rows, reasonRow{key: k})
		}
		rc.rows[j].count++
	}
}

// summaryState is the summary table on screen: the groups, biggest first.
type summaryState struct {
	rows  []reasonRow
	table *ui.Table
}

func newSummary(sh *shared, rc *reasonCounts) *summaryState {
	s := &summaryState{table: ui.NewTable(sh.styles, []ui.Column{
		{Title: "COUNT", Width: 7, Align: ui.AlignRight},
		{Title: "REASON", MinWidth: 16, Flex: 2},
		{Title: "DESCRIPTION", MinWidth: 16, Flex: 5},
	}, nil)}
	s.table.EmptyText = "no dead letters loaded"
	s.rebuild(rc)
	return s
}

// rebuild re-sorts the groups after new pages, keeping the cursor on the
// group it was on.
func (s *summaryState) rebuild(rc *reasonCounts) {
	var at *groupKey
	if c := s.table.Cursor(); c < len(s.rows) {
		k := s.rows[c].key
		at = &k
	}
	s.rows = append(s.rows[:0], rc.rows...)
	sort.SliceStable(s.rows, func(i, j int) bool { return s.rows[i].count > s.rows[j].count })
	s.table.SetSource(summaryRows(s.rows))
	if at != nil {
		for i, r := range s.rows {
			if r.key == *at {
				s.table.SetCursor(i)
				break
			}
		}
	}
}

type summaryRows []reasonRow

func (r summaryRows) Len() int { return len(r) }

func (r summaryRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r) {
		return nil
	}
	reason := r[i].key.reason
	if reason == "" {
		reason = "(no reason)"
	}
	return []ui.Cell{
		{Text: strconv.Itoa(r[i].count)},
		{Text: reason, Hint: ui.HintDeadLetter},
		{Text: r[i].key.description, Hint: ui.HintDim},
	}
}

// cursorGroup is the group under the summary's cursor.
func (s *summaryState) cursorGroup() (reasonRow, bool) {
	c := s.table.Cursor()
	if c < 0 || c >= len(s.rows) {
		return reasonRow{}, false
	}
	return s.rows[c], true
}

// toggleSummary opens or closes the summary (dead-letter tabs only).
func (v *messagesView) toggleSummary() tea.Cmd {
	t := v.tab()
	if t.sub == sbsvc.Active {
		return toast(ui.ToastInfo, "the reason summary is for the dead-letter tabs")
	}
	if t.summary != nil {
		t.summary = nil
		return nil
	}
	t.summary = newSummary(v.sh, &t.reasons)
	return nil
}

func (v *messagesView) summaryKey(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	k := v.sh.keys
	t := v.tab()
	s := t.summary
	switch {
	case key.Matches(msg, k.ReasonSummary):
		t.summary = nil
	case key.Matches(msg, k.LoadAll):
		// A summary over part of a queue misleads: this peeks the rest.
		return v.startLoadAll(), nil
	case key.Matches(msg, k.Open):
		return v.filterToGroup(), nil
	case key.Matches(msg, k.SelectAll):
		g, ok := s.cursorGroup()
		if !ok {
			return nil, nil
		}
		n := 0
		for i := range t.msgs {
			if m := &t.msgs[i]; m.DeadLetterReason == g.key.reason && m.DeadLetterDescription == g.key.description {
				t.selected[m.SequenceNumber] = struct{}{}
				n++
			}
		}
		v.table.Invalidate()
		return toast(ui.ToastInfo, "selected %d messages of the group", n), nil
	case moveTable(s.table, k, msg):
	default:
		if cmd, nav, ok := v.actionKey(msg); ok {
			return cmd, nav
		}
	}
	return nil, nil
}

// filterToGroup closes the summary and narrows the list to the group
// under its cursor.
func (v *messagesView) filterToGroup() tea.Cmd {
	t := v.tab()
	g, ok := t.summary.cursorGroup()
	if !ok {
		return nil
	}
	t.summary = nil
	gk := g.key
	return v.setFilter(msgFilter{query: t.filter.query, group: &gk})
}

// startLoadAll peeks page after page to the end; Esc stops it.
func (v *messagesView) startLoadAll() tea.Cmd {
	t := v.tab()
	if t.end {
		return nil
	}
	t.loadAll = true
	t.loadStart = v.sh.now()
	if t.work.active {
		return nil // the page in flight continues the chain
	}
	return v.load()
}

// renderSummary draws the summary table and, below it, the note about
// what it covers (or the load-all progress).
func (v *messagesView) renderSummary() (body, extra string) {
	t := v.tab()
	st := v.sh.styles
	total, known := v.total()
	switch {
	case t.loadAll:
		p := ui.Progress{Done: int64(len(t.msgs)), Total: total, Started: t.loadStart, Now: v.sh.now()}
		if !known {
			p.Total = 0
		}
		extra = "Loading every dead letter… (esc stops)\n" + st.ProgressBar(p, min(v.width, 80))
	case !t.end && !(known && int64(len(t.msgs)) >= total):
		loaded := fmt.Sprintf("%d", len(t.msgs))
		if known {
			loaded = fmt.Sprintf("%d of %d", len(t.msgs), total)
		}
		extra = wrapSubtle(st, v.width, fmt.Sprintf("Counts cover the %s messages loaded so far. Press %s to load all (esc stops).",
			loaded, keyName(v.sh.keys.LoadAll)))
	default:
		extra = wrapSubtle(st, v.width, fmt.Sprintf("All %d messages loaded. Enter filters the list to a group; %s selects its messages.",
			len(t.msgs), keyName(v.sh.keys.SelectAll)))
	}
	h := max(v.height-tableTop-lineCount(extra)-1, 3)
	return t.summary.table.Render(v.width, h), extra
}

// keyName is a binding's key as the help shows it.
func keyName(b key.Binding) string { return b.Help().Key }
