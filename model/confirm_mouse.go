package model

import tea "charm.land/bubbletea/v2"

// mouse gives a form the mouse: the wheel moves between fields, a click
// focuses the field under it, and a click on a toggle flips it. Submitting
// still takes a key, so a stray click never confirms anything.
func (f *formView) mouse(msg tea.Msg) {
	if f.work.active {
		return
	}
	switch m := msg.(type) {
	case tea.MouseWheelMsg:
		switch m.Button {
		case tea.MouseWheelDown:
			f.move(1)
		case tea.MouseWheelUp:
			f.move(-1)
		}
	case tea.MouseClickMsg:
		if m.Button != tea.MouseLeft || m.Y < 0 || m.Y >= len(f.rowField) {
			return
		}
		i := f.rowField[m.Y]
		if i < 0 || i >= len(f.fields) {
			return
		}
		f.focus = i
		if fd := f.fields[i]; fd.kind == fieldToggle {
			fd.on = !fd.on
		}
	}
}
