package broker

import "testing"

// Peek copes with any count, returns snapshots that do not reach into the
// broker, and skips other sessions' messages without counting them.
func TestPeekCountsAndSnapshots(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	a, other := "a", "b"
	mustSend(t, b, "q",
		&Message{Body: []byte("1"), SessionID: &a, ApplicationProperties: map[string]any{"k": "v"}},
		&Message{Body: []byte("2"), SessionID: &other},
		&Message{Body: []byte("3"), SessionID: &a})
	for _, n := range []int{-1, 0} {
		if got, err := b.Peek("q", 1, n, nil); err != nil || len(got) != 0 {
			t.Fatalf("peek %d: %v %v", n, got, err)
		}
	}
	got, err := b.Peek("q", 1, 1000, &a)
	if err != nil || len(got) != 2 || string(got[0].Body) != "1" || string(got[1].Body) != "3" {
		t.Fatalf("session peek: %v %v", got, err)
	}
	got[0].ApplicationProperties["k"] = "changed"
	got[0].DeliveryCount = 9
	again, _ := b.Peek("q", 1, 1, nil)
	if again[0].ApplicationProperties["k"] != "v" || again[0].DeliveryCount != 0 {
		t.Fatalf("a snapshot change reached the broker: %+v", again[0])
	}
	if got, _ := b.Peek("q", 99, 10, nil); got != nil {
		t.Fatalf("peek past the end: %v", got)
	}
}
