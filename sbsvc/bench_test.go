package sbsvc

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// fillDLQ dead-letters n messages of q by letting them expire.
func fillDLQ(b *testing.B, em *emulator.Emulator, n int) string {
	q := newQueue(b, em, broker.Properties{DeadLetteringOnMessageExpiration: true})
	loadBroker(b, em, q, n, 512, time.Millisecond)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		info, err := em.Broker.GetQueue(q)
		if err != nil {
			b.Fatal(err)
		}
		if info.Counts.DeadLetter == int64(n) {
			return q
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("the DLQ did not fill")
	return ""
}

// BenchmarkPeekDLQ peeks all of a 10,000-message dead-letter queue with
// sbsvc and with a bare SDK PeekMessages loop in the same run, and reports
// sbsvc's time as a multiple of the bare loop's (budget: within 10%, so
// x-baseline <= 1.10).
func BenchmarkPeekDLQ(b *testing.B) {
	const n, pageSize = 10_000, 500
	em := startEmulator(b, emulator.Config{})
	q := fillDLQ(b, em, n)
	ns := connectEmulator(b, em, nil)
	c := sdkClient(b, em)
	r, err := c.NewReceiverForQueue(q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(context.Background())
	ctx := context.Background()
	ref := EntityRef{Queue: q, SubQueue: DeadLetter}

	bare := func() int {
		count, from := 0, int64(1)
		for {
			msgs, err := r.PeekMessages(ctx, pageSize, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
			if err != nil {
				b.Fatal(err)
			}
			if len(msgs) == 0 {
				return count
			}
			count += len(msgs)
			from = *msgs[len(msgs)-1].SequenceNumber + 1
		}
	}
	ours := func() int {
		count, from := 0, int64(0)
		for {
			page, err := ns.Peek(ctx, ref, from, pageSize)
			if err != nil {
				b.Fatal(err)
			}
			if page.End {
				return count
			}
			count += len(page.Messages)
			from = page.Next
		}
	}
	// Warm both paths (links, token) before timing.
	if bare() != n || ours() != n {
		b.Fatal("warm-up did not see every message")
	}

	timed := func(f func() int) time.Duration {
		t0 := time.Now()
		if got := f(); got != n {
			b.Fatalf("peeked %d of %d", got, n)
		}
		return time.Since(t0)
	}
	var bareTime, ourTime time.Duration
	i := 0
	for b.Loop() {
		// Alternate which side goes first, so neither always pays for
		// the other's garbage.
		if i%2 == 0 {
			bareTime += timed(bare)
			ourTime += timed(ours)
		} else {
			ourTime += timed(ours)
			bareTime += timed(bare)
		}
		i++
	}
	b.ReportMetric(float64(ourTime)/float64(bareTime), "x-baseline")
	b.ReportMetric(float64(bareTime.Milliseconds())/float64(b.N), "bare-ms/op")
	b.ReportMetric(float64(ourTime.Milliseconds())/float64(b.N), "sbsvc-ms/op")
}
