package model

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// benchDLQ dead-letters n messages of a new queue through the broker's own
// API (fast to set up; the measured work goes through the SDK).
func benchDLQ(b *testing.B, em *emulator.Emulator, name string, n int) {
	if _, err := em.Broker.CreateQueue(name, broker.Properties{}); err != nil {
		b.Fatal(err)
	}
	for sent := 0; sent < n; {
		k := min(500, n-sent)
		msgs := make([]*broker.Message, k)
		for i := range msgs {
			body := []byte(fmt.Sprintf(`{"i":%d,"pad":"%0400d"}`, sent+i, 0))
			sec := append([]byte{0x00, 0x53, 0x75, 0xb0}, binary.BigEndian.AppendUint32(nil, uint32(len(body)))...)
			msgs[i] = &broker.Message{MessageID: fmt.Sprintf("m-%d", sent+i), Body: append(sec, body...)}
		}
		if err := em.Broker.Send(name, msgs); err != nil {
			b.Fatal(err)
		}
		sent += k
	}
	r, err := em.Broker.OpenReceiver(context.Background(), name, broker.PeekLock, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for range n {
		d, ok := r.Next()
		if !ok {
			b.Fatal("broker ran out")
		}
		if err := em.Broker.DeadLetter(d.LockToken, "bench", "", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBulkResubmit10k resubmits 10,000 dead letters through the
// progress view (the job in its command, the App redrawing at its tick
// rate, a key pressed every tick) and, in the same run, with
// sbsvc.Resubmit alone. x-baseline is the view's time over sbsvc's (budget
// ≤ 1.2); key-ms-max is the slowest Update+View of a key press while the
// job ran (budget ≤ 16 ms).
func BenchmarkBulkResubmit10k(b *testing.B) {
	const n = 10_000
	em, err := emulator.Start(context.Background(), emulator.Config{AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer em.Close()
	ns, err := sbsvc.Connect(context.Background(), sbsvc.Source{Name: "bench", Auth: sbsvc.AuthConnectionString,
		ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr})
	if err != nil {
		b.Fatal(err)
	}
	defer ns.Close(context.Background())
	audit := filepath.Join(b.TempDir(), "audit.jsonl")
	var ours, base time.Duration
	var keyMax, keySum time.Duration
	keys := 0
	round := 0
	for b.Loop() {
		round++
		// Alternate which runs first, start each from a collected heap and
		// drop the queues after, so neither side inherits the other's load.
		b0, o0 := base, ours
		if round%2 == 1 {
			base += benchBaseline(b, em, ns, round, n, audit)
			ours += benchThroughView(b, em, ns, round, n, audit, &keyMax, &keySum, &keys)
		} else {
			ours += benchThroughView(b, em, ns, round, n, audit, &keyMax, &keySum, &keys)
			base += benchBaseline(b, em, ns, round, n, audit)
		}
		b.Logf("round %d: base %v view %v", round, base-b0, ours-o0)
	}
	b.ReportMetric(ours.Seconds()/base.Seconds(), "x-baseline")
	b.ReportMetric(float64(keyMax.Microseconds())/1000, "key-ms-max")
	if keys > 0 {
		b.ReportMetric(float64(keySum.Microseconds())/1000/float64(keys), "key-ms-mean")
	}
}

func benchBaseline(b *testing.B, em *emulator.Emulator, ns *sbsvc.Namespace, round, n int, audit string) time.Duration {
	src, target := fmt.Sprintf("base%d", round), fmt.Sprintf("baset%d", round)
	benchDLQ(b, em, src, n)
	benchDLQ(b, em, target, 0)
	defer dropQueues(em, src, target)
	runtime.GC()
	t0 := time.Now()
	res, err := ns.Resubmit(context.Background(), sbsvc.EntityRef{Queue: src, SubQueue: sbsvc.DeadLetter},
		sbsvc.ResubmitOptions{Target: target, AuditPath: audit})
	d := time.Since(t0)
	if err != nil || len(res.Moved) != n {
		b.Fatalf("baseline: %v %+v", err, res.Progress())
	}
	return d
}

func benchThroughView(b *testing.B, em *emulator.Emulator, ns *sbsvc.Namespace, round, n int, audit string,
	keyMax, keySum *time.Duration, keys *int) time.Duration {
	src, target := fmt.Sprintf("view%d", round), fmt.Sprintf("viewt%d", round)
	benchDLQ(b, em, src, n)
	benchDLQ(b, em, target, 0)
	defer dropQueues(em, src, target)
	app := New(Options{})
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	req := actionRequest{kind: actResubmit, conn: ns, sub: sbsvc.DeadLetter, all: true,
		entity: sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: src, Ref: sbsvc.EntityRef{Queue: src}, CountsKnown: true,
			Counts: sbsvc.Counts{DeadLetter: int64(n)}}}
	plan, err := planResubmit(req)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	t0 := time.Now()
	bv, _ := newBulkView(app.sh, resubmitJob(ns, plan, sbsvc.ResubmitOptions{Target: target, AuditPath: audit}, target))
	app.navigate(app.top(), &navigation{push: bv})
	done := make(chan bulkSummary, 1)
	go func() {
		// The job, as its command runs it off the event loop.
		done <- bv.job.run(context.Background(), bv.counter)
	}()
	tick := time.NewTicker(bulkTickEvery)
	defer tick.Stop()
	for {
		select {
		case s := <-done:
			app.Update(bulkDoneMsg{view: bv.vid, summary: s})
			_ = app.View()
			d := time.Since(t0)
			if got := bv.counter.done.Load(); got != int64(n) {
				b.Fatalf("the view counted %d of %d", got, n)
			}
			return d
		case <-tick.C:
			app.Update(bulkTickMsg{view: bv.vid, gen: bv.tickGen})
			_ = app.View()
			k0 := time.Now()
			app.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
			_ = app.View()
			d := time.Since(k0)
			*keySum += d
			*keyMax = max(*keyMax, d)
			*keys++
		}
	}
}

func dropQueues(em *emulator.Emulator, names ...string) {
	for _, q := range names {
		_ = em.Broker.DeleteQueue(q)
	}
}
