package model

import (
	"strings"
	"testing"
)

// demoTestTarget starts the demo namespace the way sbx does: an in-process
// emulator on free loopback ports, seeded through the SDK, inside Connect.
func demoTestTarget(t *testing.T) Target { return goldenDemoTarget(t, nil) }

// The newcomer's walk: the demo namespace → its entities → the orders
// dead-letter queue → a poison message, decoded, with its reason.
func TestDemoFlowToADeadLetteredOrder(t *testing.T) {
	h := newHarness(t, demoTestTarget(t))
	h.mustSee("sbx-demo", "connected")

	h.press("enter")
	h.mustSee("orders", "payments", "events", "high-value")
	ev := h.app.top().(*entitiesView)
	for i := 0; i < len(ev.rows) && ev.rows[ev.table.Cursor()].Name != "orders"; i++ {
		h.press("j")
	}
	orders := ev.rows[ev.table.Cursor()]
	if orders.Name != "orders" || orders.Counts.DeadLetter < 3 {
		t.Fatalf("cursor on %q with %d dead letters, want orders with at least 3", orders.Name, orders.Counts.DeadLetter)
	}

	h.press("enter", "tab")
	h.mustSee("[Dead-letter]", "ORD-1007", "SchemaValidation", "MaxDeliveryCount")
	mv := h.app.top().(*messagesView)
	if got := len(mv.tab().msgs); int64(got) != orders.Counts.DeadLetter {
		t.Fatalf("loaded %d dead letters, the listing counts %d", got, orders.Counts.DeadLetter)
	}
	if mv.tab().msgs[0].MessageID != "ORD-1007" {
		t.Fatalf("first dead letter is %q, want ORD-1007", mv.tab().msgs[0].MessageID)
	}

	h.press("enter")
	h.mustSee("SchemaValidationFailed", "$.amount: expected number", "detected JSON",
		`"orderId"`, `"ORD-1007"`, "tenant", "acme")
	// Pretty-printed: the body's keys sit on lines of their own.
	if !strings.Contains(h.screen(), "\n") || !strings.Contains(stripANSI(h.screen()), `  "amount": "12,50"`) {
		t.Fatalf("the body is not pretty-printed JSON:\n%s", stripANSI(h.screen()))
	}
	h.press("m") // auto → text: the raw one-line JSON
	h.mustSee("mode text")

	// Session queue: its active tab lists the sessions with their counts;
	// enter peeks one session; esc goes back to the list; its DLQ is
	// peeked directly.
	h.press("esc", "esc")
	for i := 0; i < len(ev.rows) && ev.rows[ev.table.Cursor()].Name != "payments"; i++ {
		h.press("j")
	}
	h.press("enter")
	h.mustSee("SESSION ID", "customer-17", "customer-21", "customer-02", "3 sessions", "needs the lock")
	mv = h.app.top().(*messagesView)
	for i, id := range mv.sessions.ids {
		want := map[string]int{"customer-17": 1, "customer-21": 2, "customer-02": 1}[id]
		if mv.sessions.counts[i] != want {
			t.Fatalf("session %s counted %d messages, want %d", id, mv.sessions.counts[i], want)
		}
	}
	for mv.sessions.ids[mv.sessions.table.Cursor()] != "customer-21" {
		h.press("j")
	}
	h.press("enter")
	h.mustSee("session customer-21", "PAY-90", "PAY-91")
	if strings.Contains(h.screen(), "PAY-89") {
		t.Fatalf("another session's message shows in customer-21:\n%s", h.screen())
	}
	h.press("esc")
	h.mustSee("SESSION ID", "customer-17")
	if h.app.top() != mv {
		t.Fatalf("esc left the messages view instead of going back to the sessions")
	}
	h.press("tab")
	h.mustSee("PAY-88", "Deserialization")
}
