package model

import (
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

// Bodies and properties holding escape sequences are shown, never
// executed: no clear-screen, OSC 52 (clipboard) or OSC 8 (hyperlink)
// sequence reaches the terminal from any view.
func TestHostileTextRendersInert(t *testing.T) {
	hostile := "\x1b[2J\x1b]52;c;aGk=\x07\x1b]8;;http://evil.invalid\x07click\x1b]8;;\x07\rBEL\a"
	f := newFake()
	f.msgs[sbsvc.DeadLetter] = []sbsvc.Message{{
		SequenceNumber: 9, MessageID: "evil" + hostile, Subject: hostile, ContentType: "text/plain",
		BodyKind: sbsvc.BodyData, Body: []byte("body " + hostile), DeadLetterReason: hostile,
		DeadLetterDescription: hostile, Properties: map[string]any{"k" + hostile: hostile},
	}}
	f.listing.Queues[0].Name = "orders" + hostile
	h := newHarness(t, fakeTarget("alpha"+hostile, f))
	check := func(where string) {
		t.Helper()
		s := h.screen()
		for _, bad := range []string{"\x1b[2J", "\x1b]", "\a", "\r"} {
			if strings.Contains(s, bad) {
				t.Fatalf("%s: the screen carries %q:\n%q", where, bad, s)
			}
		}
	}
	check("namespaces")
	h.press("enter")
	check("entities")
	h.press("enter", "tab")
	h.mustSee("evil")
	check("messages")
	h.press("enter")
	h.mustSee("body", "click")
	check("detail")
	for i := 0; i < 6; i++ { // every body mode
		h.press("m")
		check("detail mode " + h.app.top().(*detailView).mode.String())
	}
}
