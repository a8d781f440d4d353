package sbsvc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func init() {
	writeRefusals["Purge"] = func(ns *Namespace) error {
		_, err := ns.Purge(context.Background(), EntityRef{Queue: "q"}, PurgeOptions{})
		return err
	}
	writeRefusals["Import"] = func(ns *Namespace) error {
		_, err := ns.Import(context.Background(), "q", bytes.NewReader(nil), ImportOptions{})
		return err
	}
	readMethods["Export"] = true
}

// deferSome receives n messages of queue and defers them.
func deferSome(t *testing.T, c *azservicebus.Client, queue string, n int) {
	t.Helper()
	r, err := c.NewReceiverForQueue(queue, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	for got := 0; got < n; {
		ms, err := r.ReceiveMessages(ctxT(t, 10*time.Second), n-got, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if err := r.DeferMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
				t.Fatal(err)
			}
			got++
		}
	}
}

// exportLines reads an export file's records.
func exportLines(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		r, err := parseRecord(sc.Bytes())
		if err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestPurge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		export bool
		sub    SubQueue
	}{
		{"active, receive-and-delete", false, Active},
		{"active, exported first", true, Active},
		{"dead-letter queue, exported first", true, DeadLetter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			em := startEmulator(t, emulator.Config{})
			q := newQueue(t, em, broker.Properties{})
			c := sdkClient(t, em)
			const n, deferred = 1200, 5
			if tc.sub == DeadLetter {
				deadLetterSDK(t, c, q, func(int) string { return "r" }, testMessages(40)...)
				loadBroker(t, em, q, 7, 16, 0) // active messages a DLQ purge must not touch
			} else {
				loadBroker(t, em, q, n, 64, 0)
				deferSome(t, c, q, deferred)
			}
			want := n
			if tc.sub == DeadLetter {
				want = 40
			}
			ns := connectEmulator(t, em, nil)
			opts := PurgeOptions{BatchSize: 100}
			path := filepath.Join(t.TempDir(), "export.jsonl")
			if tc.export {
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				opts.Export = f
			}
			var last PurgeProgress
			opts.Progress = func(p PurgeProgress) { last = p }
			res, err := ns.Purge(ctxT(t, 60*time.Second), EntityRef{Queue: q, SubQueue: tc.sub}, opts)
			if err != nil {
				t.Fatalf("Purge: %v", err)
			}
			if res.Purged != want || last.Purged != want {
				t.Errorf("purged %d (progress %d), want %d", res.Purged, last.Purged, want)
			}
			if tc.sub == Active && res.Deferred != deferred {
				t.Errorf("deferred purged %d, want %d", res.Deferred, deferred)
			}
			active, dlq := counts(t, em, q)
			if tc.sub == Active && active != 0 || tc.sub == DeadLetter && (dlq != 0 || active != 7) {
				t.Errorf("left: active %d, DLQ %d", active, dlq)
			}
			if !tc.export {
				return
			}
			recs := exportLines(t, path)
			ids := map[string]bool{}
			for _, r := range recs {
				ids[r.MessageID] = true
			}
			if res.Exported != want || len(recs) != want || len(ids) != want {
				t.Errorf("export holds %d lines, %d ids; result says %d; want %d", len(recs), len(ids), res.Exported, want)
			}
			for i := range want {
				if id := fmt.Sprintf("m-%d", i); !ids[id] {
					t.Errorf("%s missing from the export", id)
				}
			}
		})
	}
}

func TestPurgeCancelMidwayIsConsistent(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	const n = 3000
	loadBroker(t, em, q, n, 64, 0)
	ns := connectEmulator(t, em, nil)
	path := filepath.Join(t.TempDir(), "export.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(ctxT(t, 60*time.Second))
	defer cancel()
	res, err := ns.Purge(ctx, EntityRef{Queue: q}, PurgeOptions{Export: f, BatchSize: 50, Receivers: 2,
		Progress: func(p PurgeProgress) {
			if p.Purged >= 500 {
				cancel()
			}
		}})
	wantKind(t, err, KindCancelled)
	active, _ := counts(t, em, q)
	if !res.Cancelled || res.Purged < 500 || res.Purged >= n || int64(res.Purged)+active != n {
		t.Errorf("cancelled purge: %+v, %d left of %d", res, active, n)
	}
	if recs := exportLines(t, path); len(recs) != res.Exported || res.Exported < res.Purged {
		t.Errorf("export holds %d lines; result %+v", len(recs), res)
	}
}

func TestPurgeExportSurvivesDroppedConnection(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{LockDuration: 2 * time.Second})
	const n = 1000
	loadBroker(t, em, q, n, 64, 0)
	ns := connectEmulator(t, em, nil)
	path := filepath.Join(t.TempDir(), "export.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dropped := false
	res, err := ns.Purge(ctxT(t, 60*time.Second), EntityRef{Queue: q}, PurgeOptions{Export: f, BatchSize: 50, Receivers: 2,
		Progress: func(p PurgeProgress) {
			if p.Purged >= 200 && !dropped {
				dropped = em.Faults.DropConnections() > 0
			}
		}})
	active, _ := counts(t, em, q)
	recs := exportLines(t, path)
	ids := map[string]bool{}
	for _, r := range recs {
		ids[r.MessageID] = true
	}
	t.Logf("purge after a drop: err %v, %+v, %d left, %d lines, %d ids", err, res, active, len(recs), len(ids))
	if !dropped {
		t.Fatal("the connection was not dropped")
	}
	// Whatever happened, no message is both gone and missing from the export.
	left := map[string]bool{}
	for _, m := range peekEvery(t, ns, EntityRef{Queue: q}) {
		left[m.MessageID] = true
	}
	for i := range n {
		id := fmt.Sprintf("m-%d", i)
		if !ids[id] && !left[id] {
			t.Errorf("%s was deleted without being exported", id)
		}
	}
	if err == nil && (active != 0 || res.Purged != n) {
		t.Errorf("purge reported success but %d are left and %d purged", active, res.Purged)
	}
}

// A cancelled receive-and-delete purge counts every message the service
// deleted for it, those still in flight to a receiver when it stopped
// included: purged plus left is the whole queue.
func TestPurgeCancelReceiveAndDeleteCountsEveryDeleted(t *testing.T) {
	for round := range 3 {
		em := startEmulator(t, emulator.Config{})
		q := newQueue(t, em, broker.Properties{})
		const n = 3000
		loadBroker(t, em, q, n, 64, 0)
		ns := connectEmulator(t, em, nil)
		ctx, cancel := context.WithCancel(ctxT(t, 60*time.Second))
		res, err := ns.Purge(ctx, EntityRef{Queue: q}, PurgeOptions{BatchSize: 50,
			Progress: func(p PurgeProgress) {
				if p.Purged >= 500 {
					cancel()
				}
			}})
		cancel()
		wantKind(t, err, KindCancelled)
		active, _ := counts(t, em, q)
		if !res.Cancelled || res.Purged < 500 || int64(res.Purged)+active != n {
			t.Errorf("round %d: cancelled purge %+v, %d left of %d", round, res, active, n)
		}
	}
}

// Scheduled messages are left in place and counted; deferred ones are
// purged with the rest.
func TestPurgeLeavesScheduledCounted(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	const n, deferred, scheduled = 400, 2, 3
	loadBroker(t, em, q, n, 64, 0)
	deferSome(t, c, q, deferred)
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	later := make([]*azservicebus.Message, scheduled)
	for i := range later {
		later[i] = &azservicebus.Message{Body: []byte("later")}
	}
	if _, err := s.ScheduleMessages(ctxT(t, 10*time.Second), later, time.Now().Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	ns := connectEmulator(t, em, nil)
	res, err := ns.Purge(ctxT(t, 60*time.Second), EntityRef{Queue: q}, PurgeOptions{BatchSize: 64})
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if res.Purged != n || res.Deferred != deferred || res.Scheduled != scheduled || res.Cancelled {
		t.Errorf("purge %+v, want %d purged, %d deferred, %d scheduled", res, n, deferred, scheduled)
	}
	got, err := em.Broker.Counts(q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Active != 0 || got.Scheduled != scheduled {
		t.Errorf("left: active %d, scheduled %d; want 0, %d", got.Active, got.Scheduled, scheduled)
	}
}

// TestSharedCheckRunsOneAtATime holds a check open while more callers
// arrive: they must wait for that check's answer instead of running their
// own, and the next caller after it ends must run a fresh one.
func TestSharedCheckRunsOneAtATime(t *testing.T) {
	var sc sharedCheck
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	first := func() (bool, error) {
		runs.Add(1)
		close(started)
		<-release
		return true, nil
	}
	other := func() (bool, error) {
		runs.Add(1)
		return false, nil
	}
	const callers = 8
	answers := make(chan bool, callers+1)
	go func() {
		more, _ := sc.do(first)
		answers <- more
	}()
	<-started
	for range callers {
		go func() {
			more, _ := sc.do(other)
			answers <- more
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); sc.waiting() < callers; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d callers wait for the running check", sc.waiting(), callers)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range callers + 1 {
		if !<-answers {
			t.Fatal("a caller got another check's answer than the one running")
		}
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("%d checks ran for one question", n)
	}
	if more, _ := sc.do(other); more || runs.Load() != 2 {
		t.Fatalf("a caller after the check ended got %v from %d runs; want a fresh check", more, runs.Load())
	}
}
