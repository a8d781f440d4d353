package model

import (
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

// The surfaces this file's views added — the filter line, the match
// count, the reason summary, the sessions list, the property picker and
// the detail prompts — show hostile text inert too.
func TestHostileTextInertInFilterSummarySessionsAndPrompts(t *testing.T) {
	hostile := "\x1b[2J\x1b]52;c;aGk=\x07\x1b]8;;http://evil.invalid\x07click\x1b]8;;\x07\rBEL\a"
	f := newSessionFake()
	f.sessions = []string{"sess" + hostile}
	f.msgs[sbsvc.Active] = []sbsvc.Message{{SequenceNumber: 1, SessionID: "sess" + hostile, HasSessionID: true, MessageID: "act"}}
	f.msgs[sbsvc.DeadLetter] = []sbsvc.Message{{
		SequenceNumber: 9, MessageID: "evil" + hostile, Subject: hostile, ContentType: "text/plain",
		BodyKind: sbsvc.BodyData, Body: []byte("body " + hostile), DeadLetterReason: "R" + hostile,
		DeadLetterDescription: "D" + hostile, Properties: map[string]any{"k" + hostile: hostile},
		Annotations: map[string]any{"a" + hostile: hostile},
	}}
	h := newHarness(t, fakeTarget("alpha", f))
	check := func(where string) {
		t.Helper()
		s := h.screen()
		for _, bad := range []string{"\x1b[2J", "\x1b]", "\a", "\r"} {
			if strings.Contains(s, bad) {
				t.Fatalf("%s: the screen carries %q:\n%q", where, bad, s)
			}
		}
	}
	messagesOf(t, h)
	h.mustSee("sess")
	check("sessions list")
	h.press("enter")
	check("a hostile session's messages")
	h.press("esc", "tab", "v")
	h.mustSee("COUNT")
	check("reason summary")
	h.press("enter")
	h.mustSee("reason: R")
	check("group filter line")
	h.press("esc", "/")
	h.send(pasteOf("evil" + hostile))
	h.typeText("click")
	check("filter line while typing")
	h.press("enter")
	check("kept filter line")
	h.press("esc", "enter")
	h.mustSee("Annotations")
	check("detail")
	h.press("Y")
	h.mustSee("Copy a property")
	check("property picker")
	h.press("esc", "/")
	h.typeText("click")
	check("search line")
	h.press("enter", "o")
	check("save prompt")
}
