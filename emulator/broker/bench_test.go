package broker

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func benchBroker(b *testing.B) *Broker {
	br := New(Options{TickInterval: -1})
	b.Cleanup(br.Close)
	if _, err := br.CreateQueue("q", Properties{}); err != nil {
		b.Fatal(err)
	}
	return br
}

func BenchmarkSend(b *testing.B) {
	br := benchBroker(b)
	payload := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := br.Send("q", []*Message{{Body: payload, MessageID: "id"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchReceiver is a broker with queue q and a peek-lock receiver on it.
func benchReceiver(b *testing.B) (*Broker, *Receiver) {
	br := benchBroker(b)
	r, err := br.OpenReceiver(context.Background(), "q", PeekLock, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(r.Close)
	return br, r
}

func BenchmarkReceiveComplete(b *testing.B) {
	br, r := benchReceiver(b)
	payload := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := br.Send("q", []*Message{{Body: payload, MessageID: "id", ApplicationProperties: map[string]any{"k": "v"}}}); err != nil {
			b.Fatal(err)
		}
		d, ok := r.Next()
		if !ok {
			b.Fatal("nothing to receive")
		}
		if err := br.Complete(d.LockToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveCompleteHeld is BenchmarkReceiveComplete with 512 locks
// held at a time, as a client that takes a batch before completing it holds
// them: settling then looks a token up among hundreds.
func BenchmarkReceiveCompleteHeld(b *testing.B) {
	br, r := benchReceiver(b)
	payload := make([]byte, 1024)
	const held = 512
	batch := make([]*Message, held)
	tokens := make([][16]byte, 0, held)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%held == 0 {
			b.StopTimer()
			for k := range batch {
				batch[k] = &Message{Body: payload, MessageID: "id"}
			}
			if err := br.Send("q", batch); err != nil {
				b.Fatal(err)
			}
			tokens = tokens[:0]
			for range held {
				d, ok := r.Next()
				if !ok {
					b.Fatal("nothing to receive")
				}
				tokens = append(tokens, d.LockToken)
			}
			b.StartTimer()
		}
		if err := br.Complete(tokens[i%held]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPeek(b *testing.B) {
	br := benchBroker(b)
	payload := make([]byte, 1024)
	for range 10_000 {
		if err := br.Send("q", []*Message{{Body: payload, MessageID: "id"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	from := int64(1)
	for b.Loop() {
		msgs, err := br.Peek("q", from, 32, nil)
		if err != nil || len(msgs) == 0 {
			b.Fatal(err)
		}
		from = msgs[len(msgs)-1].SequenceNumber%9_000 + 1
	}
}

// TestSendReceiveCompleteThroughput keeps the hot path honest: 10,000
// messages through Send, Next and Complete must take a small fraction of the
// time the SDK needs for them: a budget of 25 µs per message (it takes a few
// µs; the SDK needs hundreds), ten times that under the race detector.
func TestSendReceiveCompleteThroughput(t *testing.T) {
	br := New(Options{TickInterval: -1})
	defer br.Close()
	mustCreateQueue(t, br, "q", Properties{})
	r := mustReceiver(t, br, "q", PeekLock)
	payload := make([]byte, 1024)
	const n = 10_000
	start := time.Now()
	for range n {
		if err := br.Send("q", []*Message{{Body: payload, MessageID: "id"}}); err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		d := mustNext(t, r)
		if err := br.Complete(d.LockToken); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d messages sent, received and completed in %v (%v per message)", n, elapsed, elapsed/n)
	budget := n * 25 * time.Microsecond
	if raceEnabled {
		budget *= 10
	}
	if elapsed > budget {
		t.Fatalf("took %v, budget %v", elapsed, budget)
	}
}

// TestMemoryPerStoredMessage: 100,000 stored 1 KB messages must cost less
// than twice their body bytes, both as the SDK sends them by default (no id:
// the broker assigns one) and with an application property.
func TestMemoryPerStoredMessage(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocates ~200 MB; the race detector changes allocation sizes")
	}
	cases := []struct {
		name string
		make func(i int) *Message
	}{
		{"broker-assigned id", func(i int) *Message { return &Message{Body: make([]byte, 1024)} }},
		{"with a property", func(i int) *Message {
			return &Message{Body: make([]byte, 1024), MessageID: "0f8fad5b-d9cb-469f-a165-70867728950e",
				ApplicationProperties: map[string]any{"n": int64(i)}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n, size = 100_000, 1024
			br := New(Options{TickInterval: -1})
			defer br.Close()
			mustCreateQueue(t, br, "q", Properties{MaxSizeInMegabytes: 5 * 1024})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := range n {
				if err := br.Send("q", []*Message{c.make(i)}); err != nil {
					t.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perMessage := float64(after.HeapAlloc-before.HeapAlloc) / n
			t.Logf("%.0f bytes per stored %d-byte message (%.2f×)", perMessage, size, perMessage/size)
			if perMessage >= 2*size {
				t.Fatalf("%.0f bytes per message, budget %d", perMessage, 2*size)
			}
			if got := mustCounts(t, br, "q"); got.Active != n {
				t.Fatalf("active = %d", got.Active)
			}
			runtime.KeepAlive(br)
		})
	}
}
