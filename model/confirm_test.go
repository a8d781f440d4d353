package model

import (
	"errors"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// The form's keys: typing, backspace, paste, tab between fields, space on
// a toggle, enter a newline in a multi-line field, ctrl+s / enter submit,
// an error keeps it open, esc leaves.
func TestFormKeys(t *testing.T) {
	h := newHarness(t)
	f := newFormView(h.app.sh, "Title", "form")
	f.line("name", "name", "", "")
	f.toggle("on", "switch", true, "on words", "off words")
	f.text("body", "body", "", "")
	var submitted int
	f.submit = func(f *formView) (formStep, error) {
		if f.value("name") != "ok" {
			return formStep{}, errors.New("name must be ok")
		}
		submitted++
		return formStep{}, nil
	}
	h.app.navigate(h.app.top(), &navigation{push: f})
	depth := h.depth()

	h.typeText("oq?")
	h.press("backspace", "backspace") // q and ? edit the field: no quit, no help
	if h.quit || f.value("name") != "o" {
		t.Fatalf("name %q quit %v", f.value("name"), h.quit)
	}
	h.send(pasteMsg("k\nx"))
	if f.value("name") != "ok x" {
		t.Fatalf("after a paste, name %q", f.value("name"))
	}
	h.send(ctrlKey('u'))
	h.typeText("no")
	h.press("enter")
	h.mustSee("✗ name must be ok")
	if submitted != 0 || h.depth() != depth {
		t.Fatal("a refused submit left the form")
	}

	h.press("tab", "space")
	if f.isOn("on") {
		t.Fatal("space did not flip the toggle")
	}
	h.mustSee("[ ] on words — off words")
	h.mustSee("space toggles")
	h.press("tab")
	h.typeText("a")
	h.press("enter")
	h.typeText("b")
	if f.field("body").value != "a\nb" {
		t.Fatalf("body %q", f.field("body").value)
	}
	if k := f.hints()[0].Help().Key; k != "ctrl+s" {
		t.Fatalf("in a text field the status bar offers %q to submit; enter breaks the line there", k)
	}
	old := runEditor
	t.Cleanup(func() { runEditor = old })
	runEditor = func(path string, done func(error) tea.Msg) tea.Cmd {
		return func() tea.Msg {
			data, _ := os.ReadFile(path)
			os.WriteFile(path, append(data, []byte("\nfrom the editor\n")...), 0o600)
			return done(nil)
		}
	}
	h.send(ctrlKey('e'))
	if f.field("body").value != "a\nb\nfrom the editor" {
		t.Fatalf("after $EDITOR, body %q", f.field("body").value)
	}
	h.press("tab") // back to name
	h.send(ctrlKey('u'))
	h.typeText("ok")
	h.send(ctrlKey('s'))
	if submitted != 1 || h.depth() != depth-1 {
		t.Fatalf("submitted %d, depth %d", submitted, h.depth())
	}

	g := newFormView(h.app.sh, "Other", "g")
	g.line("x", "x", "", "")
	h.app.navigate(h.app.top(), &navigation{push: g})
	h.press("esc")
	if h.depth() != depth-1 {
		t.Fatal("esc did not leave the form")
	}
}

// Untrusted text in a form (a template's body, an entity name) is shown
// sanitised: no escape sequence reaches the terminal.
func TestFormSanitises(t *testing.T) {
	h := newHarness(t)
	f := newFormView(h.app.sh, "T\x1b[31m", "f")
	f.intro = []string{"evil \x1b]0;title\x07"}
	f.text("body", "body", "a\x1b[2Jb", "")
	h.app.navigate(h.app.top(), &navigation{push: f})
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if s := f.render(); strings.Contains(s, "\x1b]0") || strings.Contains(s, "\x1b[2J") || strings.Contains(s, "\x1b[31mT") {
		t.Fatalf("escape sequences reached the screen: %q", s)
	}
}

// The mouse on a form: a click focuses a field, a click on a toggle flips
// it, the wheel moves between fields, and no click submits.
func TestFormMouse(t *testing.T) {
	h := newHarness(t)
	f := newFormView(h.app.sh, "Title", "form")
	f.intro = []string{"an intro line that pushes the fields down"}
	f.line("name", "name", "", "")
	f.toggle("sure", "delete them", false, "yes, delete", "not yet")
	f.line("path", "file", "x.jsonl", "")
	submitted := 0
	f.submit = func(*formView) (formStep, error) { submitted++; return formStep{}, nil }
	h.app.navigate(h.app.top(), &navigation{push: f})

	h.click(5, h.lineIndex("file: x.jsonl"))
	if f.focus != 2 {
		t.Fatalf("a click on the file field focused field %d", f.focus)
	}
	h.click(5, h.lineIndex("delete them:"))
	if f.focus != 1 || !f.isOn("sure") {
		t.Fatalf("a click on the toggle: focus %d, on %v", f.focus, f.isOn("sure"))
	}
	h.mustSee("[x] yes, delete")
	h.click(5, h.lineIndex("delete them:"))
	if f.isOn("sure") {
		t.Fatal("a second click did not flip the toggle back")
	}
	h.click(5, h.lineIndex("Title")) // the title is no field
	if f.focus != 1 {
		t.Fatalf("a click on the title moved the focus to %d", f.focus)
	}
	h.wheel(true, 5)
	if f.focus != 2 {
		t.Fatalf("the wheel moved the focus to %d, want 2", f.focus)
	}
	if submitted != 0 {
		t.Fatal("a click submitted the form")
	}
}
