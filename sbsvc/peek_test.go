package sbsvc

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func strp(s string) *string { return &s }

func TestPeekFields(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	ttl := time.Hour
	sendSDK(t, c, q, &azservicebus.Message{
		Body: []byte(`{"a":1}`), MessageID: strp("id-1"), CorrelationID: strp("corr"), Subject: strp("subj"),
		ContentType: strp("application/json"), To: strp("to"), ReplyTo: strp("reply"), TimeToLive: &ttl,
		ApplicationProperties: map[string]any{"region": "eu", "n": int64(7)},
	})
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	err = s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		Body:               azservicebus.AMQPAnnotatedMessageBody{Value: "a value body"},
		MessageAnnotations: map[any]any{"x-custom": "kept"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}

	ns := connectEmulator(t, em, nil)
	page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 {
		t.Fatalf("%d messages", len(page.Messages))
	}
	m := page.Messages[0]
	if m.MessageID != "id-1" || m.CorrelationID != "corr" || m.Subject != "subj" || m.ContentType != "application/json" ||
		m.To != "to" || m.ReplyTo != "reply" || m.TimeToLive != time.Hour || m.State != StateActive ||
		string(m.Body) != `{"a":1}` || m.BodyKind != BodyData || m.Properties["region"] != "eu" || m.Properties["n"] != int64(7) ||
		m.SequenceNumber == 0 || m.EnqueuedAt.IsZero() || m.ExpiresAt.IsZero() || !m.LockedUntil.IsZero() || m.DeliveryCount != 0 || m.HasSessionID {
		t.Errorf("message = %+v", m)
	}
	v := page.Messages[1]
	if v.BodyKind != BodyValue || v.BodyValue != "a value body" || v.Body != nil || v.Annotations["x-custom"] != "kept" {
		t.Errorf("value message = kind %v value %v annotations %v", v.BodyKind, v.BodyValue, v.Annotations)
	}
	if _, leaked := v.Annotations["x-opt-sequence-number"]; leaked {
		t.Error("well-known annotations are repeated in Annotations")
	}
	if page.Next != v.SequenceNumber+1 || page.End {
		t.Errorf("page next %d end %v", page.Next, page.End)
	}
}

func TestPeekPagesToTheEnd(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	loadBroker(t, em, q, 25, 16, 0)
	ns := connectEmulator(t, em, nil)
	var got []Message
	from, pages := int64(0), 0
	for {
		page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, from, 10)
		if err != nil {
			t.Fatal(err)
		}
		if page.End {
			break
		}
		pages++
		got = append(got, page.Messages...)
		from = page.Next
	}
	if len(got) != 25 || pages != 3 {
		t.Fatalf("%d messages in %d pages", len(got), pages)
	}
	for i, m := range got {
		if m.MessageID != fmt.Sprintf("m-%d", i) || (i > 0 && m.SequenceNumber <= got[i-1].SequenceNumber) {
			t.Errorf("message %d = %s seq %d", i, m.MessageID, m.SequenceNumber)
		}
	}
}

func TestPeekNeverLocksOrCountsDelivery(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{LockDuration: 5 * time.Minute})
	c := sdkClient(t, em)
	for i := range 3 {
		sendSDK(t, c, q, &azservicebus.Message{Body: fmt.Appendf(nil, "b%d", i)})
	}
	ns := connectEmulator(t, em, nil)
	for range 3 {
		page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 10)
		if err != nil || len(page.Messages) != 3 {
			t.Fatalf("peek: %v %d", err, len(page.Messages))
		}
		for _, m := range page.Messages {
			if m.DeliveryCount != 0 {
				t.Fatalf("peek shows delivery count %d", m.DeliveryCount)
			}
		}
	}
	// Read back by receiving: every message is there (none locked by the
	// peeks, which would hide it for five minutes) and on its first delivery.
	r, err := c.NewReceiverForQueue(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	var got []*azservicebus.ReceivedMessage
	ctx := ctxT(t, 5*time.Second)
	for len(got) < 3 && ctx.Err() == nil {
		msgs, err := r.ReceiveMessages(ctx, 3-len(got), nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgs...)
	}
	if len(got) != 3 {
		t.Fatalf("received %d of 3: peeking locked something", len(got))
	}
	for _, m := range got {
		if m.DeliveryCount != 1 {
			t.Errorf("message %s delivery count %d, want 1 (first delivery)", m.MessageID, m.DeliveryCount)
		}
	}
}

func TestPeekStatesAndDeadLetter(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	sendSDK(t, c, q, &azservicebus.Message{Body: []byte("to-defer")}, &azservicebus.Message{Body: []byte("to-dlq")})
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if _, err := s.ScheduleMessages(ctxT(t, 10*time.Second), []*azservicebus.Message{{Body: []byte("later")}}, time.Now().Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.NewReceiverForQueue(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	msgs, err := r.ReceiveMessages(ctxT(t, 10*time.Second), 2, nil)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("receive: %v %d", err, len(msgs))
	}
	if err := r.DeferMessage(ctxT(t, 10*time.Second), msgs[0], nil); err != nil {
		t.Fatal(err)
	}
	if err := r.DeadLetterMessage(ctxT(t, 10*time.Second), msgs[1], &azservicebus.DeadLetterOptions{
		Reason: strp("PoisonMessage"), ErrorDescription: strp("could not parse"),
	}); err != nil {
		t.Fatal(err)
	}

	ns := connectEmulator(t, em, nil)
	page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]MessageState{}
	for _, m := range page.Messages {
		states[string(m.Body)] = m.State
	}
	if states["to-defer"] != StateDeferred || states["later"] != StateScheduled || len(states) != 2 {
		t.Errorf("states = %v", states)
	}
	for _, m := range page.Messages {
		if m.State == StateScheduled && m.ScheduledEnqueueAt.IsZero() {
			t.Error("scheduled message has no scheduled time")
		}
	}
	dlq, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dlq.Messages) != 1 {
		t.Fatalf("%d dead letters", len(dlq.Messages))
	}
	d := dlq.Messages[0]
	if !d.IsDeadLettered() || d.DeadLetterReason != "PoisonMessage" || d.DeadLetterDescription != "could not parse" || string(d.Body) != "to-dlq" {
		t.Errorf("dead letter = %+v", d)
	}
}

func TestPeekSession(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := sdkClient(t, em)
	for _, sid := range []string{"s1", "s2", "s1"} {
		sendSDK(t, c, q, &azservicebus.Message{Body: []byte(sid), SessionID: strp(sid)})
	}
	ns := connectEmulator(t, em, nil)
	page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q, SessionID: "s1"}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 {
		t.Fatalf("session s1 peek gave %d messages", len(page.Messages))
	}
	for _, m := range page.Messages {
		if !m.HasSessionID || m.SessionID != "s1" {
			t.Errorf("message of session %q in the s1 page", m.SessionID)
		}
	}
	// The session lock was let go: another client can take the session.
	sr, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, "s1", nil)
	if err != nil {
		t.Fatalf("session still locked after peek: %v", err)
	}
	sr.Close(context.Background())
}
