package model

import (
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// bodyBottom is the last body line (the status bar is below it).
func (h *harness) bodyBottom() string {
	lines := splitLines(h.screen())
	return lines[len(lines)-2]
}

// A toast arriving while a prompt is open is drawn above the prompt line:
// the search, the save-as and the jump prompts stay readable.
func TestToastDoesNotHideAPrompt(t *testing.T) {
	h, _ := openDetail(t)
	h.press("/")
	h.typeText("amount")
	h.send(toastMsg{kind: ui.ToastInfo, text: "something happened"})
	if !strings.Contains(h.bodyBottom(), "search: amount") {
		t.Fatalf("the search line is hidden:\n%s", h.screen())
	}
	h.mustSee("something happened")
	if toastAt, promptAt := h.lineIndex("something happened"), h.lineIndex("search: amount"); toastAt >= promptAt {
		t.Fatalf("the toast (line %d) is not above the prompt (line %d)", toastAt, promptAt)
	}
	h.press("enter")
	h.press("o")
	h.send(toastMsg{kind: ui.ToastError, text: "another thing"})
	if !strings.Contains(h.bodyBottom(), "save body as: ") {
		t.Fatalf("the save prompt is hidden:\n%s", h.screen())
	}
	h.mustSee("another thing")
	h.press("esc")
	// With no prompt the toast sits at the bottom as before.
	h.send(toastMsg{kind: ui.ToastInfo, text: "third"})
	if !strings.Contains(splitLines(h.screen())[h.lineIndex("third")+1], "╰") ||
		!strings.Contains(h.bodyBottom(), "╰") {
		t.Fatalf("without a prompt the toast is not at the bottom:\n%s", h.screen())
	}

	// The jump box keeps its input line too.
	h.press(":")
	h.typeText("ord")
	h.send(toastMsg{kind: ui.ToastInfo, text: "while jumping"})
	h.mustSee("while jumping")
	if !strings.Contains(h.bodyBottom(), "ord") {
		t.Fatalf("the jump input is hidden:\n%s", h.screen())
	}
}

// The entities filter line is not covered either.
func TestToastDoesNotHideTheEntitiesFilter(t *testing.T) {
	h, _ := openEntities(t, treeFake(), Options{})
	h.press("/")
	h.typeText("zeta")
	h.send(toastMsg{kind: ui.ToastInfo, text: "a notice"})
	h.mustSee("a notice")
	if !strings.Contains(h.bodyBottom(), "zeta") {
		t.Fatalf("the filter line is hidden:\n%s", h.screen())
	}
}

// A locked message's detail knows its entity: save proposes
// "<entity>-<seq>.<ext>" like the messages view's detail does.
func TestLockedDetailSaveProposesEntityFileName(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 1)
	e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, seqs: []int64{1}})
	e.h.press("enter")
	d, ok := e.h.app.top().(*lockedDetail)
	if !ok {
		t.Fatalf("enter opened %T", e.h.app.top())
	}
	if d.source != q.Name {
		t.Fatalf("source %q, want %q", d.source, q.Name)
	}
	e.h.press("o")
	want := q.Name + "-1.json"
	if got := d.prompt.input.text(); got != want {
		t.Fatalf("save proposes %q, want %q", got, want)
	}
	if !strings.Contains(e.h.bodyBottom(), want) {
		t.Fatalf("the prompt line lacks %q:\n%s", want, e.h.screen())
	}
	e.h.press("esc")
}
