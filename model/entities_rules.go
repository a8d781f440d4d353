package model

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// rulesView lists a subscription's rules (opened with the Rules key from
// the entities view): name, filter kind, filter, action, and the whole of
// the selected rule's filter and action beneath, since SQL filters are
// often wider than the column.
type rulesView struct {
	sh     *shared
	vid    uint64
	conn   Conn
	entity sbsvc.Entity
	rules  []sbsvc.Rule
	err    error
	work   inflight
	at     time.Time
	table  *ui.Table
	width  int
	height int
	clicks mouseClicks
}

type rulesLoadedMsg struct {
	view, req uint64
	rules     []sbsvc.Rule
	err       error
}

func (m rulesLoadedMsg) target() uint64 { return m.view }

func newRulesView(sh *shared, conn Conn, e sbsvc.Entity) *rulesView {
	v := &rulesView{sh: sh, vid: sh.nextID(), conn: conn, entity: e}
	v.table = ui.NewTable(sh.styles, []ui.Column{
		{Title: "RULE", MinWidth: 12, Flex: 1},
		{Title: "KIND", Width: 11},
		{Title: "FILTER", MinWidth: 20, Flex: 3},
		{Title: "ACTION", MinWidth: 10, Flex: 2},
	}, ruleRows{v})
	v.table.EmptyText = "loading…"
	return v
}

type ruleRows struct{ v *rulesView }

func (r ruleRows) Len() int { return len(r.v.rules) }

func (r ruleRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r.v.rules) {
		return nil
	}
	rule := r.v.rules[i]
	action := ui.Cell{Text: rule.Action}
	if rule.Action == "" {
		action = ui.Cell{Text: "none", Hint: ui.HintDim}
	}
	return []ui.Cell{{Text: rule.Name}, {Text: rule.FilterKind}, {Text: foldLines(rule.Filter)}, action}
}

// foldLines folds a multi-line filter onto one table line.
func foldLines(s string) string { return strings.Join(strings.Fields(s), " ") }

func (v *rulesView) id() uint64             { return v.vid }
func (v *rulesView) crumb() string          { return v.entity.Topic + "/" + v.entity.Name + " › rules" }
func (v *rulesView) setSize(w, h int)       { v.width, v.height = w, h }
func (v *rulesView) busy() bool             { return v.work.active }
func (v *rulesView) cancel()                { v.work.cancel() }
func (v *rulesView) refreshedAt() time.Time { return v.at }

func (v *rulesView) load() tea.Cmd {
	req, ctx, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	conn, view, topic, sub := v.conn, v.vid, v.entity.Topic, v.entity.Name
	return func() tea.Msg {
		rules, err := conn.ListRules(ctx, topic, sub)
		return rulesLoadedMsg{view: view, req: req, rules: rules, err: err}
	}
}

func (v *rulesView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case rulesLoadedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		v.at, v.err = v.sh.now(), msg.err
		if msg.err == nil {
			v.rules = msg.rules
			v.table.EmptyText = "no rules: this subscription receives nothing"
			v.table.Invalidate()
			v.table.SetCursor(v.table.Cursor())
		}
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		v.clicks.mouseTable(v.table, msg, 0, v.sh.now())
	case tea.KeyPressMsg:
		if moveTable(v.table, v.sh.keys, msg) {
			return nil, nil
		}
		if key.Matches(msg, v.sh.keys.Refresh) {
			return v.load(), nil
		}
	}
	return nil, nil
}

func (v *rulesView) hints() []key.Binding {
	k := v.sh.keys
	return []key.Binding{k.Up, k.Down, k.Refresh, k.Back, k.Help}
}

func (v *rulesView) render() string {
	st := v.sh.styles
	var detail string
	switch {
	case v.err != nil:
		detail = st.ErrorPanel(errorInfo("Could not list the rules of "+v.entity.Topic+"/"+v.entity.Name, v.err), v.width)
	case len(v.rules) > 0:
		r := v.rules[min(v.table.Cursor(), len(v.rules)-1)]
		var b strings.Builder
		b.WriteString(st.Title.Render(ui.Sanitize(r.Name)) + st.Subtle.Render(" ("+ui.Sanitize(r.FilterKind)+" filter)"))
		b.WriteString("\n" + wrapSubtle(st, v.width, "filter: "+foldLines(r.Filter)))
		if r.Action != "" {
			b.WriteString("\n" + wrapSubtle(st, v.width, "action: "+foldLines(r.Action)))
		}
		detail = b.String()
	}
	tableH := v.height
	if detail != "" {
		// The table keeps at least half the screen; a huge filter is cut.
		detail = fitLines(detail, v.width, min(lineCount(detail), v.height/2))
		tableH = max(v.height-lineCount(detail)-1, 3)
	}
	out := v.table.Render(v.width, tableH)
	if detail != "" {
		out += "\n\n" + detail
	}
	return out
}
