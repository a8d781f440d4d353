package model

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// maxInputRunes bounds a prompt's text: a connection string is a few
// hundred characters; a paste of a whole file is a mistake.
const maxInputRunes = 4096

// lineInput is a one-line text field (the entities filter, the jump
// prompt, the add-namespace prompt). It is deliberately small: insert,
// delete, move, paste. Its owner handles Enter and Esc.
type lineInput struct {
	prompt string
	value  []rune
	pos    int
	// mask, when set, rewrites the text for display (hides a key).
	mask func(string) string
}

func (in *lineInput) text() string { return string(in.value) }

// set replaces the text and puts the cursor at its end.
func (in *lineInput) set(s string) {
	in.value = []rune(s)
	in.pos = len(in.value)
}

// insert adds s at the cursor; control characters (a pasted newline) are
// dropped so the field stays one line of printable text.
func (in *lineInput) insert(s string) {
	var add []rune
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			continue
		}
		add = append(add, r)
	}
	if room := maxInputRunes - len(in.value); len(add) > room {
		add = add[:max(room, 0)]
	}
	if len(add) == 0 {
		return
	}
	in.value = append(in.value[:in.pos], append(add, in.value[in.pos:]...)...)
	in.pos += len(add)
}

// handle applies an editing key and reports whether the text changed.
func (in *lineInput) handle(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.pos == 0 {
			return false
		}
		in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
		in.pos--
		return true
	case "delete", "ctrl+d":
		if in.pos >= len(in.value) {
			return false
		}
		in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		return true
	case "left", "ctrl+b":
		in.pos = max(in.pos-1, 0)
	case "right", "ctrl+f":
		in.pos = min(in.pos+1, len(in.value))
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "ctrl+u":
		changed := len(in.value) > 0
		in.value, in.pos = nil, 0
		return changed
	case "ctrl+w":
		start := in.pos
		for start > 0 && in.value[start-1] == ' ' {
			start--
		}
		for start > 0 && in.value[start-1] != ' ' {
			start--
		}
		if start == in.pos {
			return false
		}
		in.value = append(in.value[:start], in.value[in.pos:]...)
		in.pos = start
		return true
	default:
		if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
			return false
		}
		before := len(in.value)
		in.insert(msg.Text)
		return len(in.value) != before
	}
	return false
}

// render draws the prompt and the text with a cursor, in width cells;
// when the text is too long the end near the cursor stays visible.
func (in *lineInput) render(st *ui.Styles, width int) string {
	left, right := string(in.value[:in.pos]), string(in.value[in.pos:])
	if in.mask != nil {
		// Masking may change lengths: show the masked whole with the
		// cursor at the end, which is where a paste leaves it anyway.
		left, right = in.mask(left+right), ""
	}
	cursor := "█"
	if right != "" {
		cursor = "▏"
	}
	prompt := st.Title.Render(ui.Sanitize(in.prompt))
	room := max(width-ui.Width(prompt), 1)
	left = ui.Sanitize(left)
	right = ui.Sanitize(right)
	if ui.Width(left)+1 > room {
		left = ui.TruncateLeft(left, room-1)
	}
	line := left + cursor + right
	return ui.Fit(prompt+strings.TrimRight(ui.Fit(line, room), " "), width)
}
