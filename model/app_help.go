package model

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// The help screen lists every key; on a small terminal it is taller than
// the body, so it scrolls (the navigation keys and the wheel) and its last
// line says there is more.

// helpLines is the whole help laid out for the body's width.
func (a *App) helpLines() []string {
	return strings.Split(a.sh.styles.Help(a.helpGroups(), a.bodyWidth()), "\n")
}

// helpRoom is how many help lines show: all of the body, less the line
// that says more is hidden when the help does not fit.
func (a *App) helpRoom(total int) int {
	if total <= a.bodyHeight() {
		return total
	}
	return max(a.bodyHeight()-1, 1)
}

func (a *App) scrollHelp(n int) {
	total := len(a.helpLines())
	a.helpTop = max(min(a.helpTop+n, total-a.helpRoom(total)), 0)
}

func (a *App) helpKey(msg tea.KeyPressMsg) {
	if d, ok := scrollDelta(a.sh.keys, msg, max(a.bodyHeight()-2, 1)); ok {
		a.scrollHelp(d)
	}
}

// helpPage is the visible part of the help, with a last line saying what
// is above or below when it does not all fit.
func (a *App) helpPage() string {
	lines := a.helpLines()
	room := a.helpRoom(len(lines))
	if room == len(lines) {
		return strings.Join(lines, "\n")
	}
	top := max(min(a.helpTop, len(lines)-room), 0)
	var more []string
	if top > 0 {
		more = append(more, "↑ more above")
	}
	if top+room < len(lines) {
		more = append(more, "↓ more below")
	}
	k := a.sh.keys
	note := strings.Join(more, " · ") + " · " + firstKey(k.Down) + "/" + firstKey(k.Up) + " or the wheel scrolls · " + keyName(k.Back) + " closes"
	out := append(lines[top:top+room:top+room], a.sh.styles.Subtle.Render(ui.Fit(note, a.bodyWidth())))
	return strings.Join(out, "\n")
}

// helpHints are the status bar's keys while the help shows: it takes
// only these.
func (a *App) helpHints() []key.Binding {
	k := a.sh.keys
	b := func(keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
	}
	var out []key.Binding
	if len(a.helpLines()) > a.bodyHeight() {
		out = append(out, b(firstKey(k.Down)+"/"+firstKey(k.Up), "scroll"))
	}
	return append(out, b(keyName(k.Back)+"/"+keyName(k.Help), "close help"), b(keyName(k.Jump), "jump"), k.Quit)
}

// firstKey is a binding's first key ("j" of j/↓), or its help text when
// it has none (turned off in the keys file).
func firstKey(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return b.Help().Key
}
