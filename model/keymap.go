package model

import "charm.land/bubbles/v2/key"

// KeyMap holds every key the TUI answers to, grouped by where it applies.
// main's keymap.go applies the user's overrides to DefaultKeyMap(); tests
// drive the App with the same defaults.
type KeyMap struct {
	// Navigation, in every list.
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open, Back                              key.Binding
	// Global.
	Refresh, Help, Quit key.Binding
	// Messages and detail.
	NextTab, PrevTab, Mode key.Binding
}

// DefaultKeyMap is the k9s/lazygit-style default.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:     key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back / cancel")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		NextTab:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		Mode:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "body mode")),
	}
}

// ShortHelp is the one-line hint.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Back, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the `?` screen, one group per column.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.Back, k.Refresh, k.Help, k.Quit},
		{k.NextTab, k.PrevTab, k.Mode},
	}
}

// helpGroupTitles names FullHelp's columns, in order.
var helpGroupTitles = []string{"Navigation", "General", "Messages"}
