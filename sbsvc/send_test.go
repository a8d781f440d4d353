package sbsvc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func sendFixture(t *testing.T, p broker.Properties) (*emulator.Emulator, *Namespace, EntityRef) {
	t.Helper()
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, p)
	return em, connectEmulator(t, em, nil), EntityRef{Queue: q}
}

func TestSendRoundTripsEveryField(t *testing.T) {
	t.Parallel()
	_, ns, ref := sendFixture(t, broker.Properties{})
	stamp := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, []byte(`{"from":"file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	props := map[string]any{"s": "text", "i": int64(-42), "u8": uint8(7), "f": 2.5, "b": true, "t": stamp, "bin": []byte{1, 2}, "i32": int32(9)}
	msgs := []OutgoingMessage{{
		Body: []byte("hello"), ContentType: "text/plain", Subject: "greeting", MessageID: "mid-1", CorrelationID: "corr-1",
		PartitionKey: "pk", To: "someone", ReplyTo: "replies", ReplyToSessionID: "rs", TimeToLive: 90 * time.Minute, Properties: props,
	}, {
		BodyFile: file, ContentType: "application/json", MessageID: "mid-2",
	}}
	n, err := ns.Send(ctxT(t, 20*time.Second), ref, msgs)
	if err != nil || n != 2 {
		t.Fatalf("Send = %d, %v", n, err)
	}
	got := peekAll(t, ns, ref)
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	m := got[0]
	if string(m.Body) != "hello" || m.ContentType != "text/plain" || m.Subject != "greeting" || m.MessageID != "mid-1" ||
		m.CorrelationID != "corr-1" || m.PartitionKey != "pk" || m.To != "someone" || m.ReplyTo != "replies" ||
		m.ReplyToSessionID != "rs" || m.TimeToLive != 90*time.Minute || m.HasSessionID || m.State != StateActive {
		t.Errorf("message = %+v", m)
	}
	for k, want := range props {
		gotV := m.Properties[k]
		if w, ok := want.([]byte); ok {
			if g, _ := gotV.([]byte); !bytes.Equal(g, w) {
				t.Errorf("property %s = %#v, want %#v", k, gotV, want)
			}
			continue
		}
		if w, ok := want.(time.Time); ok {
			if g, _ := gotV.(time.Time); !g.Equal(w) {
				t.Errorf("property %s = %#v, want %v", k, gotV, w)
			}
			continue
		}
		if gotV != want {
			t.Errorf("property %s = %#v (%T), want %#v (%T)", k, gotV, gotV, want, want)
		}
	}
	if f := got[1]; string(f.Body) != `{"from":"file"}` || f.ContentType != "application/json" || f.MessageID != "mid-2" {
		t.Errorf("file message = %+v", f)
	}
}

func TestSendSessionAndScheduledFields(t *testing.T) {
	t.Parallel()
	_, ns, ref := sendFixture(t, broker.Properties{RequiresSession: true})
	at := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	n, err := ns.Send(ctxT(t, 20*time.Second), ref, []OutgoingMessage{
		{SessionID: "s-1", Body: []byte("now")},
		{SessionID: "s-1", Body: []byte("later"), ScheduledEnqueueAt: at},
	})
	if err != nil || n != 2 {
		t.Fatalf("Send = %d, %v", n, err)
	}
	h, err := ns.AcceptSession(ctxT(t, 20*time.Second), ref, "s-1")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(ctxT(t, 5*time.Second))
	got, err := h.Peek(ctxT(t, 10*time.Second), 0, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("Peek = %+v, %v", got, err)
	}
	if got[0].SessionID != "s-1" || !got[0].HasSessionID || got[0].State != StateActive {
		t.Errorf("session message = %+v", got[0])
	}
	if got[1].State != StateScheduled || !got[1].ScheduledEnqueueAt.Equal(at) {
		t.Errorf("scheduled message state %v at %v, want %v", got[1].State, got[1].ScheduledEnqueueAt, at)
	}
}

func TestSendBatchesAThousand(t *testing.T) {
	t.Parallel()
	em, ns, ref := sendFixture(t, broker.Properties{})
	msgs := make([]OutgoingMessage, 1000)
	for i := range msgs {
		// 1 KB each: 1,000 of them need several 256 KB batches.
		msgs[i] = OutgoingMessage{Body: bytes.Repeat([]byte{byte('a' + i%26)}, 1024), Properties: map[string]any{"i": int64(i)}}
	}
	before := em.Stats().Transfers
	n, err := ns.Send(ctxT(t, 60*time.Second), ref, msgs)
	if err != nil || n != 1000 {
		t.Fatalf("Send = %d, %v", n, err)
	}
	counts, err := em.Broker.Counts(ref.Queue)
	if err != nil || counts.Active != 1000 {
		t.Fatalf("counts %+v, %v", counts, err)
	}
	transfers := em.Stats().Transfers - before
	if transfers < 4 || transfers > 20 {
		t.Errorf("%d transfers for 1,000 1 KB messages: not batched within 256 KB", transfers)
	}
	// Order is kept.
	var seen int64
	for from := int64(0); ; {
		page, err := ns.Peek(ctxT(t, 10*time.Second), ref, from, MaxPeekPage)
		if err != nil {
			t.Fatal(err)
		}
		if page.End {
			break
		}
		for _, m := range page.Messages {
			if m.Properties["i"] != seen {
				t.Fatalf("message %d has i=%v", seen, m.Properties["i"])
			}
			seen++
		}
		from = page.Next
	}
	if seen != 1000 {
		t.Errorf("peeked %d", seen)
	}
}

func TestScheduleAndCancel(t *testing.T) {
	t.Parallel()
	_, ns, ref := sendFixture(t, broker.Properties{})
	ctx := ctxT(t, 20*time.Second)
	at := time.Now().Add(time.Hour)
	seqs, err := ns.Schedule(ctx, ref, []OutgoingMessage{{Body: []byte("one"), MessageID: "s1"}, {Body: []byte("two"), MessageID: "s2"}}, at)
	if err != nil || len(seqs) != 2 {
		t.Fatalf("Schedule = %v, %v", seqs, err)
	}
	got := peekAll(t, ns, ref)
	if len(got) != 2 || got[0].State != StateScheduled || got[0].SequenceNumber != seqs[0] || got[1].SequenceNumber != seqs[1] ||
		got[0].ScheduledEnqueueAt.Sub(at).Abs() > time.Second {
		t.Fatalf("scheduled = %+v", got)
	}
	if err := ns.CancelScheduled(ctx, ref, seqs[:1]); err != nil {
		t.Fatalf("CancelScheduled: %v", err)
	}
	got = peekAll(t, ns, ref)
	if len(got) != 1 || got[0].SequenceNumber != seqs[1] {
		t.Errorf("after cancel: %+v", got)
	}
}

func TestOversizeRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	em, ns, ref := sendFixture(t, broker.Properties{})
	limit := ns.Info().MaxMessageSize
	if limit != 256*1024 {
		t.Fatalf("namespace limit %d, want the emulator's 256 KB", limit)
	}
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, make([]byte, limit+1), 0o600); err != nil {
		t.Fatal(err)
	}
	before := em.Stats().Transfers
	for name, msgs := range map[string][]OutgoingMessage{
		"bytes": {{Body: []byte("fine")}, {Body: make([]byte, limit), MessageID: "too-big"}},
		"file":  {{Body: []byte("fine")}, {BodyFile: big}},
	} {
		n, err := ns.Send(ctxT(t, 20*time.Second), ref, msgs)
		e := wantKind(t, err, KindMessageSizeExceeded)
		if n != 0 || !strings.Contains(e.Error(), "262144-byte") || !strings.Contains(e.Error(), "message 2") {
			t.Errorf("%s: sent %d, error %v", name, n, err)
		}
		_, err = ns.Schedule(ctxT(t, 20*time.Second), ref, msgs, time.Now().Add(time.Hour))
		wantKind(t, err, KindMessageSizeExceeded)
	}
	counts, err := em.Broker.Counts(ref.Queue)
	if err != nil || counts.Active != 0 || counts.Scheduled != 0 || em.Stats().Transfers != before {
		t.Errorf("something reached the entity: %+v, %d transfers", counts, em.Stats().Transfers-before)
	}
	// Just under the limit (leaving room for the envelope) goes through.
	if n, err := ns.Send(ctxT(t, 20*time.Second), ref, []OutgoingMessage{{Body: make([]byte, limit-1024)}}); err != nil || n != 1 {
		t.Errorf("near-limit send = %d, %v", n, err)
	}
}

func TestSendTargets(t *testing.T) {
	t.Parallel()
	ns := bareNamespace(false)
	ctx := ctxT(t, time.Second)
	for _, ref := range []EntityRef{{}, {Queue: "q", SubQueue: DeadLetter}, {Topic: "t", Subscription: "s"}} {
		if _, err := ns.Send(ctx, ref, []OutgoingMessage{{Body: []byte("x")}}); KindOf(err) != KindNotFound {
			t.Errorf("send to %+v: %v", ref, err)
		}
	}
	if n, err := ns.Send(ctx, EntityRef{Topic: "t"}, nil); err != nil || n != 0 {
		t.Errorf("empty send to a topic: %d, %v", n, err)
	}
}

func TestSendToTopicReachesSubscriptions(t *testing.T) {
	t.Parallel()
	em := startEmulator(t, emulator.Config{})
	if _, err := em.Broker.CreateTopic("events", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"one", "two"} {
		if _, err := em.Broker.CreateSubscription("events", s, broker.Properties{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	ns := connectEmulator(t, em, nil)
	if n, err := ns.Send(ctxT(t, 20*time.Second), EntityRef{Topic: "events"}, []OutgoingMessage{{Body: []byte("fan-out")}}); err != nil || n != 1 {
		t.Fatalf("Send = %d, %v", n, err)
	}
	for _, s := range []string{"one", "two"} {
		if got := peekAll(t, ns, EntityRef{Topic: "events", Subscription: s}); len(got) != 1 || string(got[0].Body) != "fan-out" {
			t.Errorf("subscription %s: %+v", s, got)
		}
	}
}
