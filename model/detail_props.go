package model

import (
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// propertyPicker lists every property with a value, so one can be copied:
// system properties, dead-letter fields, application properties and
// annotations.
type propertyPicker struct {
	items []propertyItem
	table *ui.Table
}

type propertyItem struct {
	group, name, value string
}

type propertyRows []propertyItem

func (r propertyRows) Len() int { return len(r) }

func (r propertyRows) Row(i int) []ui.Cell {
	if i < 0 || i >= len(r) {
		return nil
	}
	return []ui.Cell{{Text: r[i].group, Hint: ui.HintDim}, {Text: r[i].name}, {Text: r[i].value}}
}

// messageProperties lists m's non-empty properties, in the header's order.
func messageProperties(m *sbsvc.Message) []propertyItem {
	var out []propertyItem
	add := func(group, name, value string) {
		if value != "" {
			out = append(out, propertyItem{group, name, value})
		}
	}
	add("dead-letter", "reason", m.DeadLetterReason)
	add("dead-letter", "description", m.DeadLetterDescription)
	add("dead-letter", "source", m.DeadLetterSource)
	add("system", "message id", m.MessageID)
	add("system", "sequence number", strconv.FormatInt(m.SequenceNumber, 10))
	add("system", "subject", m.Subject)
	add("system", "content type", m.ContentType)
	add("system", "correlation id", m.CorrelationID)
	if m.HasSessionID {
		add("system", "session id", m.SessionID)
	}
	add("system", "partition key", m.PartitionKey)
	add("system", "to", m.To)
	add("system", "reply to", m.ReplyTo)
	add("system", "reply to session id", m.ReplyToSessionID)
	for _, k := range sortedKeys(m.Properties) {
		add("application", k, fmt.Sprintf("%v", m.Properties[k]))
	}
	for _, k := range sortedKeys(m.Annotations) {
		add("annotation", k, fmt.Sprintf("%v", m.Annotations[k]))
	}
	return out
}

func (v *detailView) openPicker() {
	items := messageProperties(&v.msg)
	t := ui.NewTable(v.sh.styles, []ui.Column{
		{Title: "GROUP", Width: 11},
		{Title: "PROPERTY", MinWidth: 14, Flex: 2},
		{Title: "VALUE", MinWidth: 20, Flex: 5},
	}, propertyRows(items))
	t.EmptyText = "no properties"
	v.picker = &propertyPicker{items: items, table: t}
}

func (v *detailView) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p := v.picker
	switch msg.String() {
	case "esc", "q":
		v.picker = nil
		return nil
	case "enter", v.sh.keys.CopyProperty.Help().Key:
		return v.copyPicked()
	}
	moveTable(p.table, v.sh.keys, msg)
	return nil
}

// copyPicked copies the value under the picker's cursor and closes it.
func (v *detailView) copyPicked() tea.Cmd {
	p := v.picker
	c := p.table.Cursor()
	if c < 0 || c >= len(p.items) {
		return nil
	}
	it := p.items[c]
	v.picker = nil
	// The real value goes to the clipboard (OSC 52 carries it
	// base64-encoded, so it cannot act on the terminal).
	return tea.Batch(tea.SetClipboard(it.value),
		toast(ui.ToastSuccess, "copied %s (%s)", ui.Sanitize(it.name), bytesText(int64(len(it.value)))))
}

// mouse: in the picker the wheel and clicks work its list (a double
// click copies); elsewhere the wheel scrolls the page like j/k.
func (v *detailView) mouse(msg tea.Msg) tea.Cmd {
	if v.picker != nil {
		if _, open := v.clicks.mouseTable(v.picker.table, msg, pickerTableTop, v.sh.now()); open {
			return v.copyPicked()
		}
		return nil
	}
	if w, ok := msg.(tea.MouseWheelMsg); ok {
		switch w.Button {
		case tea.MouseWheelDown:
			v.scroll(wheelRows)
		case tea.MouseWheelUp:
			v.scroll(-wheelRows)
		}
	}
	return nil
}

// pickerTableTop is the picker's table line: below its title.
const pickerTableTop = 1

func (p *propertyPicker) render(st *ui.Styles, width, height int) string {
	title := st.Title.Render("Copy a property") + st.Subtle.Render("  enter copies the value · esc closes")
	return ui.Fit(title, width) + "\n" + p.table.Render(width, max(height-1, 2))
}
