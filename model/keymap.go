package model

import "charm.land/bubbles/v2/key"

// KeyMap holds every key the TUI answers to, grouped by where it applies.
// A key may mean different things in different views (c copies in the
// detail view and completes in the locked view); within one view each key
// has one meaning. main's keymap.go applies the user's overrides to
// DefaultKeyMap(); tests drive the App with the same defaults.
type KeyMap struct {
	// Navigation, in every list.
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open, Back                              key.Binding
	// Global.
	Refresh, Help, Quit, Jump key.Binding

	// Lists: filter and sort.
	Filter, SortNext, SortReverse key.Binding
	// Namespaces view.
	AddNamespace key.Binding
	// Entities view.
	OnlyDeadLetters, AutoRefresh, Rules key.Binding

	// Messages view.
	NextTab, PrevTab, AbsoluteTime, ReasonSummary key.Binding
	// LoadAll peeks every remaining page (in the reason summary, whose
	// counts would otherwise cover only what was scrolled through). Its
	// own key, not G: G stays go-to-bottom there as in every list, and not
	// L, which accepts a session elsewhere in the messages view.
	LoadAll                                 key.Binding
	Select, SelectUp, SelectDown, SelectAll key.Binding
	// Writes offered from the messages view (hidden when read-only).
	Lock, Resubmit, EditResubmit, Delete, Purge, Export key.Binding
	Send, SendFromTemplate, CancelScheduled             key.Binding
	AcceptSession                                       key.Binding

	// Locked view (peek-lock): settle and renew.
	Complete, Abandon, DeadLetter, Defer key.Binding
	Renew, RenewAll, AutoRenew           key.Binding
	SessionState                         key.Binding

	// Detail view.
	Mode, Wrap, Search, NextMatch, PrevMatch key.Binding
	CopyBody, CopyProperty, SaveBody         key.Binding
	Pager, Editor                            key.Binding
}

// DefaultKeyMap is the k9s/lazygit-style default.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := func(k, desc string) key.Binding { return b([]string{k}, k, desc) }
	return KeyMap{
		Up:       b([]string{"k", "up"}, "k/↑", "up"),
		Down:     b([]string{"j", "down"}, "j/↓", "down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Open:     b([]string{"enter"}, "enter", "open"),
		Back:     b([]string{"esc", "backspace"}, "esc", "back / cancel"),

		Refresh: k("r", "refresh"),
		Help:    k("?", "help"),
		Quit:    b([]string{"q", "ctrl+c"}, "q", "quit"),
		Jump:    k(":", "jump to entity"),

		Filter:      k("/", "filter"),
		SortNext:    k("s", "sort by next column"),
		SortReverse: k("S", "reverse sort"),

		AddNamespace: k("a", "add namespace"),

		OnlyDeadLetters: k("x", "only with dead letters"),
		AutoRefresh:     k("A", "auto-refresh on/off"),
		Rules:           k("i", "rules of subscription"),

		NextTab:       k("tab", "next tab"),
		PrevTab:       k("shift+tab", "previous tab"),
		AbsoluteTime:  k("t", "absolute/relative time"),
		ReasonSummary: k("v", "group by DLQ reason"),
		LoadAll:       k("a", "load all (reason summary)"),
		Select:        b([]string{"space"}, "space", "select"),
		SelectUp:      k("shift+up", "extend selection up"),
		SelectDown:    k("shift+down", "extend selection down"),
		SelectAll:     k("ctrl+a", "select all matching"),

		Lock:             k("l", "peek-lock"),
		Resubmit:         k("R", "resubmit"),
		EditResubmit:     k("E", "edit, then resubmit"),
		Delete:           k("D", "delete"),
		Purge:            k("P", "purge"),
		Export:           k("X", "export"),
		Send:             k("n", "send new"),
		SendFromTemplate: k("N", "send from this one"),
		CancelScheduled:  k("C", "cancel scheduled"),
		AcceptSession:    k("L", "accept session"),

		Complete:     k("c", "complete"),
		Abandon:      k("b", "abandon"),
		DeadLetter:   k("d", "dead-letter"),
		Defer:        k("f", "defer"),
		Renew:        k("w", "renew lock"),
		RenewAll:     k("W", "renew all locks"),
		AutoRenew:    k("A", "auto-renew on/off"),
		SessionState: k("e", "session state"),

		Mode:         k("m", "body mode"),
		Wrap:         k("w", "wrap on/off"),
		Search:       k("/", "search body"),
		NextMatch:    k("n", "next match"),
		PrevMatch:    k("N", "previous match"),
		CopyBody:     k("y", "copy body"),
		CopyProperty: k("Y", "copy property"),
		SaveBody:     k("o", "save body to file"),
		Pager:        k("p", "open in $PAGER"),
		Editor:       k("e", "open in $EDITOR"),
	}
}

// ShortHelp is the one-line hint.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Back, k.Filter, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the `?` screen, one group per column (titles in
// helpGroupTitles).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Open, k.Back},
		{k.Refresh, k.Jump, k.Filter, k.Help, k.Quit},
		// Only the entities list sorts: its keys sit with it, not under
		// General where they would promise sorting everywhere.
		{k.AddNamespace, k.SortNext, k.SortReverse, k.OnlyDeadLetters, k.AutoRefresh, k.Rules},
		{k.NextTab, k.PrevTab, k.AbsoluteTime, k.ReasonSummary, k.LoadAll, k.Select, k.SelectUp, k.SelectDown, k.SelectAll},
		{k.Lock, k.Resubmit, k.EditResubmit, k.Delete, k.Purge, k.Export, k.Send, k.SendFromTemplate, k.CancelScheduled, k.AcceptSession},
		{k.Complete, k.Abandon, k.DeadLetter, k.Defer, k.Renew, k.RenewAll, k.AutoRenew, k.SessionState},
		{k.Mode, k.Wrap, k.Search, k.NextMatch, k.PrevMatch, k.CopyBody, k.CopyProperty, k.SaveBody, k.Pager, k.Editor},
	}
}

// writeBindings are the keys that change something in Service Bus: a
// read-only namespace does not offer them (export only peeks, so it stays).
func (k KeyMap) writeBindings() []key.Binding {
	return []key.Binding{k.Lock, k.Resubmit, k.EditResubmit, k.Delete, k.Purge, k.Send, k.SendFromTemplate,
		k.CancelScheduled, k.AcceptSession, k.Complete, k.Abandon, k.DeadLetter, k.Defer, k.Renew, k.RenewAll,
		k.AutoRenew, k.SessionState}
}

// helpGroupTitles names FullHelp's columns, in order.
var helpGroupTitles = []string{"Navigation", "General", "Namespaces & entities", "Messages", "Actions", "Locked messages", "Message detail"}
