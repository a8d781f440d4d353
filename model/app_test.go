package model

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
)

func TestNavigationThroughEveryView(t *testing.T) {
	f := newFake()
	h := newHarness(t, fakeTarget("alpha", f))
	h.mustSee("namespaces", "alpha", "connected", "PEEK")

	h.press("enter")
	if h.depth() != 2 {
		t.Fatalf("enter on a connected namespace: depth %d, want 2", h.depth())
	}
	h.mustSee("alpha", "orders", "events", "all", "● 2") // dead letters marked

	// The topic row holds no messages: Enter explains instead of opening.
	h.press("j", "enter")
	if h.depth() != 2 {
		t.Fatalf("enter on a topic opened a view")
	}
	h.mustSee("A topic holds no messages")

	h.press("g", "enter")
	if h.depth() != 3 {
		t.Fatalf("enter on a queue: depth %d, want 3", h.depth())
	}
	h.mustSee("[Active]", "A-1", "A-3", "3 of 3 loaded")

	h.press("tab")
	h.mustSee("[Dead-letter]", "D-1", "Poison", "2 of 2 loaded", "DLQ REASON")
	h.press("j", "enter")
	if h.depth() != 4 {
		t.Fatalf("enter on a message: depth %d, want 4", h.depth())
	}
	h.mustSee("#5", "D-2", "reason", "Poison", "plain 2", "detected")

	h.press("esc")
	h.mustSee("[Dead-letter]")
	h.press("shift+tab")
	h.mustSee("[Active]")
	h.press("backspace", "esc")
	if h.depth() != 1 {
		t.Fatalf("back twice: depth %d, want 1", h.depth())
	}
	h.press("esc") // the root stays
	if h.depth() != 1 || h.quit {
		t.Fatalf("esc on the root left it or quit")
	}
	h.press("q")
	if !h.quit {
		t.Fatalf("q did not quit")
	}
}

func TestCursorKeysMoveTheTable(t *testing.T) {
	f := newFake()
	for i := int64(6); i < 200; i++ {
		f.msgs[sbsvc.Active] = append(f.msgs[sbsvc.Active], sbsvc.Message{SequenceNumber: i, MessageID: "M"})
	}
	h := newHarness(t, fakeTarget("alpha", f))
	h.press("enter", "enter")
	mv := h.app.top().(*messagesView)
	cases := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"pgdown", -2}, {"pgup", 0}, {"G", -1}, {"g", 0},
	}
	for _, c := range cases {
		h.press(c.key)
		got := mv.table.Cursor()
		switch c.want {
		case -1:
			// G goes to the last row loaded when it was pressed (the first
			// page); reaching it peeks the rest in the background.
			if got != 99 {
				t.Fatalf("%s: cursor %d, want the first page's last row 99", c.key, got)
			}
		case -2:
			if got <= 1 {
				t.Fatalf("%s: cursor %d, want a page down", c.key, got)
			}
		default:
			if got != c.want {
				t.Fatalf("%s: cursor %d, want %d", c.key, got, c.want)
			}
		}
	}
	// Nearing the loaded end peeked the second page.
	if mv.table.Len() != 197 {
		t.Fatalf("loaded %d rows, want all 197", mv.table.Len())
	}
}

func TestHelpToggles(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.press("?")
	h.mustSee("Navigation", "page down", "body mode")
	h.press("esc")
	if strings.Contains(h.screen(), "body mode") {
		t.Fatalf("esc did not close help")
	}
}

func TestFailedNamespaceShowsKindAndRemedy(t *testing.T) {
	h := newHarness(t, failingTarget("broken", errRefused), fakeTarget("alpha", newFake()))
	h.mustSee("failed: authorisation", "What to do:", "Data Owner")
	h.press("j")
	h.mustSee("connected")
	if strings.Contains(h.screen(), "What to do:") {
		t.Fatalf("the error panel stays for a healthy row")
	}
	h.press("enter")
	if h.depth() != 2 {
		t.Fatalf("the working namespace did not open beside the failed one")
	}
}

func TestTooSmallTerminal(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.send(tea.WindowSizeMsg{Width: 59, Height: 30})
	h.mustSee("too small", "59×30")
	h.press("enter")
	if h.depth() != 1 {
		t.Fatalf("keys acted while the terminal was too small")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 14})
	h.mustSee("80×14")
	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	if strings.Contains(h.screen(), "too small") {
		t.Fatalf("60×15 is large enough")
	}
	for i, line := range strings.Split(h.screen(), "\n") {
		if w := len([]rune(stripANSI(line))); w > 60 {
			t.Fatalf("line %d is %d cells wide at 60 columns", i, w)
		}
	}
	if n := strings.Count(h.screen(), "\n") + 1; n != 15 {
		t.Fatalf("%d lines at 15 rows", n)
	}
}

func TestStaleResultsAreDropped(t *testing.T) {
	f := newFake()
	h := newHarness(t, fakeTarget("alpha", f))
	h.press("enter")
	ev := h.app.top().(*entitiesView)

	// Two refreshes in flight: the first one's answer arrives last.
	first, second := ev.load(), ev.load()
	f.listing.Queues = nil
	h.send(second())
	newer := len(ev.rows)
	if newer != 2 { // the topic and its subscription
		t.Fatalf("rows after the newer refresh: %d, want 2", newer)
	}
	f.listing.Queues = newFake().listing.Queues
	h.send(first())
	if len(ev.rows) != newer {
		t.Fatalf("an older refresh overwrote a newer one: %d rows, want %d", len(ev.rows), newer)
	}

	// A result for a view the user has left goes nowhere.
	h.press("r", "g", "enter")
	mv := h.app.top().(*messagesView)
	late := mv.reload()
	h.press("esc")
	h.send(late())
	if h.depth() != 2 {
		t.Fatalf("a late page changed the stack")
	}
}

func TestEscCancelsInFlightWork(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.press("enter")
	ev := h.app.top().(*entitiesView)
	cmd := ev.load()
	if !h.app.anyBusy() {
		t.Fatalf("a load in flight is not busy")
	}
	h.press("esc")
	if h.depth() != 1 || ev.busy() {
		t.Fatalf("esc did not cancel and leave (depth %d busy %v)", h.depth(), ev.busy())
	}
	h.send(cmd()) // the answer arrives after all
	if h.depth() != 1 {
		t.Fatalf("a cancelled load reopened a view")
	}
}

// stripANSI removes CSI sequences, for measuring test output.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
