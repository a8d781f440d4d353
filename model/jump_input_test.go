package model

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

func TestLineInputEditing(t *testing.T) {
	var in lineInput
	for _, k := range []tea.KeyPressMsg{{Code: 'a', Text: "a"}, {Code: 'c', Text: "c"}, {Code: tea.KeyLeft}, {Code: 'b', Text: "b"}} {
		in.handle(k)
	}
	if in.text() != "abc" || in.pos != 2 {
		t.Fatalf("insert at the cursor: %q pos %d", in.text(), in.pos)
	}
	in.handle(tea.KeyPressMsg{Code: tea.KeyBackspace})
	in.handle(tea.KeyPressMsg{Code: tea.KeyHome})
	in.handle(tea.KeyPressMsg{Code: tea.KeyDelete})
	if in.text() != "c" || in.pos != 0 {
		t.Fatalf("backspace then delete at home: %q pos %d", in.text(), in.pos)
	}
	in.set("orders dead letters")
	in.handle(ctrlKey('w'))
	if in.text() != "orders dead " {
		t.Fatalf("ctrl+w: %q", in.text())
	}
	// A paste keeps one line of printable text: newlines, escapes and C1
	// controls are dropped.
	in.set("")
	in.insert("a\nb\x1b[2Jc\u009bd\te")
	if in.text() != "ab[2Jcde" {
		t.Fatalf("pasted control characters kept: %q", in.text())
	}
	if changed := in.handle(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl, Text: "x"}); changed {
		t.Fatalf("a ctrl chord typed text")
	}
	in.insert(strings.Repeat("x", 2*maxInputRunes))
	if len(in.value) != maxInputRunes {
		t.Fatalf("input grew to %d runes", len(in.value))
	}
}

func TestLineInputRenderFitsAndMasks(t *testing.T) {
	st := ui.NewStyles(true, true)
	in := lineInput{prompt: "key: ", mask: maskSecrets}
	in.set("Endpoint=sb://x/;SharedAccessKey=hunter2")
	out := in.render(st, 40)
	if strings.Contains(out, "hunter2") || ui.Width(out) != 40 {
		t.Fatalf("render %q (width %d)", out, ui.Width(out))
	}
	long := lineInput{prompt: "/"}
	long.set(strings.Repeat("abcdefghij", 20) + "END")
	if out := long.render(st, 30); !strings.Contains(out, "END█") || ui.Width(out) != 30 {
		t.Fatalf("a long text should keep its end near the cursor visible: %q", out)
	}
}

// Random keys never panic and keep the cursor within the text.
func TestLineInputRandomKeys(t *testing.T) {
	keys := []tea.KeyPressMsg{
		{Code: tea.KeyBackspace}, {Code: tea.KeyDelete}, {Code: tea.KeyLeft}, {Code: tea.KeyRight},
		{Code: tea.KeyHome}, {Code: tea.KeyEnd}, ctrlKey('u'), ctrlKey('w'), ctrlKey('a'), ctrlKey('e'),
		{Code: 'x', Text: "x"}, {Code: ' ', Text: " "}, {Code: 'é', Text: "é"}, {Code: '世', Text: "世"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	var in lineInput
	for range 20000 {
		in.handle(keys[r.IntN(len(keys))])
		if in.pos < 0 || in.pos > len(in.value) {
			t.Fatalf("cursor %d outside %d runes", in.pos, len(in.value))
		}
	}
	_ = in.render(ui.NewStyles(true, true), 20)
}
