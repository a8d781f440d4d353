package sbsvc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// fillSessions sends perSession messages to each of sessions sessions of a
// session-enabled queue, ids "s<k>-<i>", and defers one message of the
// first session.
func fillSessions(t *testing.T, c *azservicebus.Client, q string, sessions, perSession int) {
	t.Helper()
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	for k := range sessions {
		batch, err := s.NewMessageBatch(ctxT(t, 10*time.Second), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range perSession {
			id := fmt.Sprintf("s%d-%d", k, i)
			if err := batch.AddMessage(&azservicebus.Message{MessageID: &id, SessionID: to(fmt.Sprintf("s%d", k)), Body: []byte(id)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SendMessageBatch(ctxT(t, 10*time.Second), batch, nil); err != nil {
			t.Fatal(err)
		}
	}
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close(context.Background())
	ms, err := sr.ReceiveMessages(ctxT(t, 10*time.Second), 1, nil)
	if err != nil || len(ms) != 1 {
		t.Fatalf("receive to defer: %v", err)
	}
	if err := sr.DeferMessage(ctxT(t, 10*time.Second), ms[0], nil); err != nil {
		t.Fatal(err)
	}
}

func TestPurgeSessionEntity(t *testing.T) {
	for _, export := range []bool{false, true} {
		t.Run(fmt.Sprintf("export=%v", export), func(t *testing.T) {
			em := startEmulator(t, emulator.Config{})
			q := newQueue(t, em, broker.Properties{RequiresSession: true})
			c := sdkClient(t, em)
			const sessions, per = 7, 60
			fillSessions(t, c, q, sessions, per)
			ns := connectEmulator(t, em, nil)

			opts := PurgeOptions{BatchSize: 25, Receivers: 3}
			path := filepath.Join(t.TempDir(), "export.jsonl")
			if export {
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				opts.Export = f
			}
			var progress []PurgeProgress
			opts.Progress = func(p PurgeProgress) { progress = append(progress, p) }
			res, err := ns.Purge(ctxT(t, 60*time.Second), EntityRef{Queue: q}, opts)
			if err != nil {
				t.Fatalf("Purge: %v", err)
			}
			const want = sessions * per
			if res.Purged != want || res.Deferred != 1 {
				t.Errorf("purged %d (deferred %d), want %d (1)", res.Purged, res.Deferred, want)
			}
			if len(progress) < 2 || progress[len(progress)-1].Purged != want {
				t.Errorf("progress %v", progress)
			}
			if active, dlq := counts(t, em, q); active != 0 || dlq != 0 {
				t.Errorf("left: active %d, DLQ %d", active, dlq)
			}
			if !export {
				return
			}
			ids := map[string]bool{}
			for _, r := range exportLines(t, path) {
				ids[r.MessageID] = true
			}
			if res.Exported != want || len(ids) != want {
				t.Errorf("export holds %d ids, result says %d, want %d", len(ids), res.Exported, want)
			}
			for k := range sessions {
				for i := range per {
					if id := fmt.Sprintf("s%d-%d", k, i); !ids[id] {
						t.Fatalf("%s missing from the export", id)
					}
				}
			}
		})
	}
}

// A session held by another client cannot be purged: the purge says so
// instead of waiting for ever, and leaves its messages.
func TestPurgeSessionHeldElsewhere(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := sdkClient(t, em)
	fillSessions(t, c, q, 2, 5)
	holder, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	ns := connectEmulator(t, em, nil)
	res, err := ns.Purge(ctxT(t, 30*time.Second), EntityRef{Queue: q}, PurgeOptions{Receivers: 2})
	wantKind(t, err, KindSessionCannotBeLocked)
	if res.Purged != 5 || res.Deferred != 1 { // all of s0, its deferred message too
		t.Errorf("purged %d (deferred %d), want 5 (1)", res.Purged, res.Deferred)
	}
	if active, _ := counts(t, em, q); active != 5 {
		t.Errorf("active left %d, want s1's five", active)
	}
}
