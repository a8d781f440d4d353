package sbsvc

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// fillDLQDirect dead-letters n messages of a new queue through the
// broker's own API (fast, and without a TTL that would make the copies
// expire during the measurement).
func fillDLQDirect(b testing.TB, em *emulator.Emulator, n int) string {
	q := newQueue(b, em, broker.Properties{})
	loadBroker(b, em, q, n, 512, 0)
	r, err := em.Broker.OpenReceiver(context.Background(), q, broker.PeekLock, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for range n {
		d, ok := r.Next()
		if !ok {
			b.Fatal("the broker ran out of messages")
		}
		if err := em.Broker.DeadLetter(d.LockToken, "bench", "", nil); err != nil {
			b.Fatal(err)
		}
	}
	return q
}

// baselineSample is how many messages the one-at-a-time loops handle: they
// are slow, so their per-message time is measured on a sample and the
// ratio compares per-message times.
const baselineSample = 1000

// BenchmarkResubmit10k resubmits 10,000 dead-lettered messages with sbsvc
// and runs the one-at-a-time loop (receive one, send one, complete one) on
// a 1,000-message sample in the same run. x-baseline is how many times
// faster per message sbsvc is (budget: >= 10).
func BenchmarkResubmit10k(b *testing.B) {
	em := startEmulator(b, emulator.Config{})
	benchResubmit(b, em, connectEmulator(b, em, nil), sdkClient(b, em), baselineSample)
}

// benchResubmit resubmits 10,000 dead-lettered messages with ns and runs
// the one-at-a-time loop over c on sample messages, and reports the ratio
// of their per-message times.
func benchResubmit(b *testing.B, em *emulator.Emulator, ns *Namespace, c *azservicebus.Client, sample int) {
	const n = 10_000
	ctx := context.Background()
	audit := auditPath(b)
	var ours, bare time.Duration
	for b.Loop() {
		q := fillDLQDirect(b, em, n)
		target := newQueue(b, em, broker.Properties{})
		t0 := time.Now()
		res, err := ns.Resubmit(ctx, EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{Target: target, AuditPath: audit})
		ours += time.Since(t0)
		if err != nil || len(res.Moved) != n {
			b.Fatalf("Resubmit: %v %+v", err, res.Progress())
		}

		q = fillDLQDirect(b, em, sample)
		r, err := c.NewReceiverForQueue(q, &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.NewSender(target, nil)
		if err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		for range sample {
			ms, err := r.ReceiveMessages(ctx, 1, nil)
			if err != nil || len(ms) != 1 {
				b.Fatalf("receive: %v", err)
			}
			if err := s.SendMessage(ctx, ms[0].Message(), nil); err != nil {
				b.Fatal(err)
			}
			if err := r.CompleteMessage(ctx, ms[0], nil); err != nil {
				b.Fatal(err)
			}
		}
		bare += time.Since(t0)
		r.Close(ctx)
		s.Close(ctx)
	}
	reportRatio(b, n, ours, sample, bare)
}

// reportRatio reports how many times faster per message sbsvc was than the
// one-at-a-time loop, and both rates.
func reportRatio(b *testing.B, n int, ours time.Duration, sample int, bare time.Duration) {
	oursPer := float64(ours) / float64(b.N*n)
	barePer := float64(bare) / float64(b.N*sample)
	b.ReportMetric(barePer/oursPer, "x-baseline")
	b.ReportMetric(float64(n)/(ours.Seconds()/float64(b.N)), "sbsvc-msg/s")
	b.ReportMetric(float64(sample)/(bare.Seconds()/float64(b.N)), "bare-msg/s")
}

// BenchmarkPurge10k purges 10,000 messages with sbsvc and runs the
// one-at-a-time receive-and-delete loop on a 1,000-message sample in the
// same run. x-baseline is how many times faster per message sbsvc is
// (budget: >= 5).
func BenchmarkPurge10k(b *testing.B) {
	em := startEmulator(b, emulator.Config{})
	benchPurge(b, em, connectEmulator(b, em, nil), sdkClient(b, em), baselineSample)
}

// benchPurge purges 10,000 messages with ns and runs the one-at-a-time
// receive-and-delete loop over c on sample messages.
func benchPurge(b *testing.B, em *emulator.Emulator, ns *Namespace, c *azservicebus.Client, sample int) {
	const n = 10_000
	ctx := context.Background()
	var ours, bare time.Duration
	for b.Loop() {
		q := newQueue(b, em, broker.Properties{})
		loadBroker(b, em, q, n, 512, 0)
		t0 := time.Now()
		res, err := ns.Purge(ctx, EntityRef{Queue: q}, PurgeOptions{})
		ours += time.Since(t0)
		if err != nil || res.Purged != n {
			b.Fatalf("Purge: %v %+v", err, res)
		}

		q = newQueue(b, em, broker.Properties{})
		loadBroker(b, em, q, sample, 512, 0)
		r, err := c.NewReceiverForQueue(q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
		if err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		for got := 0; got < sample; {
			ms, err := r.ReceiveMessages(ctx, 1, nil)
			if err != nil {
				b.Fatal(err)
			}
			got += len(ms)
		}
		bare += time.Since(t0)
		r.Close(ctx)
	}
	reportRatio(b, n, ours, sample, bare)
}
