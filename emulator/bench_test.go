package emulator_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

const benchMessages = 10_000

var kilobyte = func() []byte {
	b := make([]byte, 1024)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}()

// fillQueue sends n 1 KB messages in full batches.
func fillQueue(tb testing.TB, s *azservicebus.Sender, n int) {
	tb.Helper()
	ctx := context.Background()
	batch, err := s.NewMessageBatch(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	flush := func() {
		if batch.NumMessages() == 0 {
			return
		}
		if err := s.SendMessageBatch(ctx, batch, nil); err != nil {
			tb.Fatal(err)
		}
		if batch, err = s.NewMessageBatch(ctx, nil); err != nil {
			tb.Fatal(err)
		}
	}
	for i := 0; i < n; {
		err := batch.AddMessage(&azservicebus.Message{Body: kilobyte}, nil)
		if err == azservicebus.ErrMessageTooLarge {
			flush()
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		i++
	}
	flush()
}

// benchRun measures one benchmark body and reports messages per second and
// how the body's CPU splits between the emulator and the SDK client (see
// cpushare_test.go): emulator-%cpu is the emulator's share of the CPU both
// sides used, emulator-ns/msg and client-ns/msg their CPU per message, and
// background-%cpu the GC, scavenger and scheduler work neither side can be
// charged with (as a share of the whole). emulator-busiest-%wall is how
// much of the run the emulator's busiest goroutine was on a CPU (see
// busiestGoroutine): well under 100, the emulator has room to spare. The timed runs are profiled too;
// untimed runs are added until there are profiledRuns runs with
// minProfiledCPU of samples between them.
func benchRun(b *testing.B, perOp int, setup func(), op func()) {
	b.Helper()
	var elapsed time.Duration
	var total cpuShares
	runs, profiled := 0, true
	profile := func() {
		shares, ok := profileRun(op)
		profiled = profiled && ok
		total.add(shares)
		runs++
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		setup()
		runtime.GC()
		t0 := time.Now()
		b.StartTimer()
		profile()
		b.StopTimer()
		elapsed += time.Since(t0)
	}
	for profiled && (runs < profiledRuns || time.Duration(total.emulator+total.client) < minProfiledCPU) {
		setup()
		runtime.GC()
		profile()
	}
	b.ReportMetric(float64(perOp*b.N)/elapsed.Seconds(), "msg/s")
	msgs := float64(perOp * runs)
	if both := total.emulator + total.client; profiled && both > 0 {
		b.ReportMetric(100*float64(total.emulator)/float64(both), "emulator-%cpu")
		b.ReportMetric(float64(total.emulator)/msgs, "emulator-ns/msg")
		b.ReportMetric(float64(total.client)/msgs, "client-ns/msg")
		b.ReportMetric(100*float64(total.background)/float64(both+total.background), "background-%cpu")
		fn, share := total.busiestGoroutine()
		b.ReportMetric(100*share, "emulator-busiest-%wall")
		b.Logf("busiest emulator goroutine: %s, on a CPU %.0f%% of the run", fn, 100*share)
	}
}

// benchEmulator starts an emulator whose goroutines carry the emulator's
// profiling label, and a client whose goroutines do not.
func benchEmulator(b *testing.B) (*emulator.Emulator, *azservicebus.Client) {
	b.Helper()
	var em *emulator.Emulator
	underEmulatorLabel(func() { em = startEmulator(b, emulator.Config{}) })
	return em, newClient(b, em.ConnectionString)
}

// resetQueue recreates the queue so every iteration starts empty.
func resetQueue(b *testing.B, em *emulator.Emulator, name string) {
	b.Helper()
	_ = em.Broker.DeleteQueue(name)
	if _, err := em.Broker.CreateQueue(name, broker.Properties{}); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSendBatch10k(b *testing.B) {
	em, c := benchEmulator(b)
	resetQueue(b, em, "bench")
	s := newSender(b, c, "bench")
	fillQueue(b, s, 10) // attach links outside the measurement
	benchRun(b, benchMessages,
		func() { resetQueue(b, em, "bench") },
		func() { fillQueue(b, s, benchMessages) })
	if got := counts(b, em, "bench").Active; got != benchMessages {
		b.Fatalf("stored %d messages, want %d", got, benchMessages)
	}
}

func BenchmarkPeek10k(b *testing.B) {
	em, c := benchEmulator(b)
	resetQueue(b, em, "bench")
	fillQueue(b, newSender(b, c, "bench"), benchMessages)
	r := newReceiver(b, c, "bench", nil)
	first := int64(1)
	if _, err := r.PeekMessages(context.Background(), 1, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &first}); err != nil {
		b.Fatal(err)
	}
	benchRun(b, benchMessages, func() {}, func() {
		seen := 0
		from := int64(0)
		for seen < benchMessages {
			msgs, err := r.PeekMessages(context.Background(), 250, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
			if err != nil || len(msgs) == 0 {
				b.Fatalf("peek after %d: %d messages, %v", seen, len(msgs), err)
			}
			seen += len(msgs)
			from = *msgs[len(msgs)-1].SequenceNumber + 1
		}
	})
}

func BenchmarkReceiveComplete10k(b *testing.B) {
	em, c := benchEmulator(b)
	resetQueue(b, em, "bench")
	s := newSender(b, c, "bench")
	var r *azservicebus.Receiver
	benchRun(b, benchMessages, func() {
		resetQueue(b, em, "bench")
		fillQueue(b, s, benchMessages)
		if r != nil {
			r.Close(context.Background())
		}
		var err error
		if r, err = c.NewReceiverForQueue("bench", nil); err != nil {
			b.Fatal(err)
		}
	}, func() {
		receiveAndComplete(b, r, benchMessages)
	})
	if got := counts(b, em, "bench").Active; got != 0 {
		b.Fatalf("%d messages left", got)
	}
}

// receiveAndComplete receives n messages in peek-lock mode and completes
// them with a few concurrent workers, as an application would.
func receiveAndComplete(b *testing.B, r *azservicebus.Receiver, n int) {
	ctx := context.Background()
	work := make(chan *azservicebus.ReceivedMessage, 1000)
	var wg sync.WaitGroup
	var failed sync.Once
	for range 8 {
		wg.Go(func() {
			for m := range work {
				if err := r.CompleteMessage(ctx, m, nil); err != nil {
					failed.Do(func() { b.Error(err) })
				}
			}
		})
	}
	for got := 0; got < n; {
		msgs, err := r.ReceiveMessages(ctx, min(500, n-got), nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range msgs {
			work <- m
		}
		got += len(msgs)
	}
	close(work)
	wg.Wait()
}

// 100,000 stored 1 KB messages, sent through the SDK, cost the process less
// than twice their body bytes of heap.
func TestMemory100kMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 100 MB through the SDK")
	}
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{MaxSizeInMegabytes: 5 * 1024})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	fillQueue(t, s, 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 100_000
	fillQueue(t, s, n-1)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got := counts(t, em, q).Active; got != n {
		t.Fatalf("stored %d, want %d", got, n)
	}
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	bodyBytes := int64(n * len(kilobyte))
	t.Logf("heap grew by %d bytes for %d body bytes (%.2fx)", grown, bodyBytes, float64(grown)/float64(bodyBytes))
	if grown > 2*bodyBytes {
		t.Fatalf("heap grew by %d bytes, more than twice the %d body bytes", grown, bodyBytes)
	}
}
