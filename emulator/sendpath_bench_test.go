package emulator

import (
	"fmt"
	"testing"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// sdkLikeBatch encodes n messages with 1 KB bodies the way the SDK batches
// them: each inner message has a properties section with a string message
// id and one data section; the envelope carries them as data sections.
func sdkLikeBatch(tb testing.TB, n int) []byte {
	tb.Helper()
	body := make([]byte, 1024)
	var env amqp.Message
	inner := make([][]byte, n)
	for i := range n {
		var m amqp.Message
		m.Properties = &amqp.Properties{MessageID: fmt.Sprintf("%032x", i)}
		m.SetBodyData(body)
		enc, err := amqp.EncodeMessage(&m)
		if err != nil {
			tb.Fatal(err)
		}
		inner[i] = enc
	}
	env.Properties = &amqp.Properties{MessageID: "batch"}
	env.SetBodyData(inner...)
	out, err := amqp.EncodeMessage(&env)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkSendPath measures what the emulator does with one SDK batch:
// decode it and store its messages, reported per message.
func BenchmarkSendPath(b *testing.B) {
	const perBatch = 200
	payload := sdkLikeBatch(b, perBatch)
	br := broker.New(broker.Options{TickInterval: -1})
	b.Cleanup(br.Close)
	fresh := func() {
		_ = br.DeleteQueue("q")
		if _, err := br.CreateQueue("q", broker.Properties{MaxSizeInMegabytes: 5 * 1024}); err != nil {
			b.Fatal(err)
		}
	}
	fresh()
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for b.Loop() {
		if i++; i%50 == 0 {
			b.StopTimer()
			fresh()
			b.StartTimer()
		}
		msgs, err := decodeTransfer(amqp.MessageFormatBatch, payload)
		if err != nil {
			b.Fatal(err)
		}
		if err := br.SendOwned("q", msgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perBatch), "ns/msg")
	// The process's CPU time (garbage collection included) is steadier
	// than wall time on a machine shared with other work.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N*perBatch), "cpu-ns/msg")
}
