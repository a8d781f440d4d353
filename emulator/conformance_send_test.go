package emulator_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	goamqp "github.com/Azure/go-amqp"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// The official emulator's documented connection string, with an explicit
// port, works unchanged; and the one Start reports has the same shape.
func TestConnectionStringCompatibility(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})

	_, port, _ := strings.Cut(em.AMQPAddr, ":")
	official := "Endpoint=sb://localhost:" + port +
		";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
	for _, cs := range []string{official, em.ConnectionString} {
		c := newClient(t, cs)
		sendBodies(t, newSender(t, c, q), "via "+cs)
		got := receiveN(t, newReceiver(t, c, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}), 1)
		if string(got[0].Body) != "via "+cs {
			t.Fatalf("body %q", got[0].Body)
		}
	}
	for _, part := range []string{"Endpoint=sb://127.0.0.1:" + port + ";", "SharedAccessKeyName=RootManageSharedAccessKey;", "UseDevelopmentEmulator=true;"} {
		if !strings.Contains(em.ConnectionString, part) {
			t.Errorf("ConnectionString %q lacks %q", em.ConnectionString, part)
		}
	}
}

// Every Message field survives the round trip, and the broker stamps what
// the SDK reads.
func TestSendReceiveComplete(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)

	ttl := 10 * time.Minute
	msgID, corr, ctype, subject, to, replyTo := "id-1", "corr-1", "application/json", "subj", "to-x", "reply-q"
	stamp := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	sent := &azservicebus.Message{
		Body:          []byte(`{"n":1}`),
		MessageID:     &msgID,
		CorrelationID: &corr,
		ContentType:   &ctype,
		Subject:       &subject,
		To:            &to,
		ReplyTo:       &replyTo,
		TimeToLive:    &ttl,
		ApplicationProperties: map[string]any{
			"s": "text", "i32": int32(-7), "i64": int64(1 << 40), "f": 2.5, "b": true, "t": stamp,
			"u8": uint8(200), "i8": int8(-3),
		},
	}
	before := time.Now().Add(-time.Second)
	if err := newSender(t, c, q).SendMessage(ctxT(t, 10*time.Second), sent, nil); err != nil {
		t.Fatal(err)
	}
	r := newReceiver(t, c, q, nil)
	m := receiveN(t, r, 1)[0]

	if !bytes.Equal(m.Body, sent.Body) || m.MessageID != msgID || *m.CorrelationID != corr ||
		*m.ContentType != ctype || *m.Subject != subject || *m.To != to || *m.ReplyTo != replyTo {
		t.Fatalf("fields differ: %+v", m)
	}
	if m.TimeToLive == nil || *m.TimeToLive != ttl {
		t.Errorf("TimeToLive = %v, want %v", m.TimeToLive, ttl)
	}
	for k, v := range sent.ApplicationProperties {
		if got := m.ApplicationProperties[k]; got != v && !(k == "t" && got.(time.Time).Equal(stamp)) {
			t.Errorf("property %s = %#v (%T), want %#v (%T)", k, got, got, v, v)
		}
	}
	if m.DeliveryCount != 1 || m.SequenceNumber == nil || *m.SequenceNumber < 1 {
		t.Errorf("DeliveryCount %d, SequenceNumber %v", m.DeliveryCount, m.SequenceNumber)
	}
	if m.EnqueuedTime == nil || m.EnqueuedTime.Before(before) || m.LockedUntil == nil || !m.LockedUntil.After(time.Now()) {
		t.Errorf("EnqueuedTime %v, LockedUntil %v", m.EnqueuedTime, m.LockedUntil)
	}
	if m.ExpiresAt == nil || !m.ExpiresAt.Equal(m.EnqueuedTime.Add(ttl)) {
		t.Errorf("ExpiresAt %v", m.ExpiresAt)
	}
	if m.LockToken == ([16]byte{}) {
		t.Error("zero lock token")
	}
	if err := r.CompleteMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q); got.Active != 0 {
		t.Errorf("active after complete = %d", got.Active)
	}
	expectNoMessage(t, r)
}

// A message sent without an id gets one from the broker.
func TestMessageIDFilledIn(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, q), "no id")
	m := receiveN(t, newReceiver(t, c, q, nil), 1)[0]
	if m.MessageID == "" {
		t.Fatal("MessageID is empty")
	}
}

// A batch is stored as separate messages with consecutive sequence numbers.
func TestSendBatch(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	batch, err := s.NewMessageBatch(ctxT(t, 10*time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	for i := range n {
		if err := batch.AddMessage(&azservicebus.Message{Body: fmt.Appendf(nil, "m%02d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SendMessageBatch(ctxT(t, 10*time.Second), batch, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q).Active; got != n {
		t.Fatalf("active = %d, want %d", got, n)
	}
	msgs := receiveN(t, newReceiver(t, c, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}), n)
	for i, m := range msgs {
		if want := fmt.Sprintf("m%02d", i); string(m.Body) != want {
			t.Fatalf("message %d = %q, want %q", i, m.Body, want)
		}
		if i > 0 && *m.SequenceNumber != *msgs[i-1].SequenceNumber+1 {
			t.Fatalf("sequence numbers not consecutive: %d then %d", *msgs[i-1].SequenceNumber, *m.SequenceNumber)
		}
	}
}

// Raw AMQP messages keep their body kind, and broker-owned annotations sent
// as null are replaced (the SDK's TestNilPartitionKey).
func TestAMQPAnnotatedMessageRoundTrip(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	err := s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		MessageAnnotations: map[any]any{
			"x-opt-partition-key": nil, "x-opt-deadletter-source": nil, "x-opt-locked-until": nil,
			"x-opt-sequence-number": nil, "x-opt-enqueued-time": nil, "custom": "kept",
		},
		Body: azservicebus.AMQPAnnotatedMessageBody{Value: "hello value"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		Body: azservicebus.AMQPAnnotatedMessageBody{Data: [][]byte{[]byte("a"), []byte("b")}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := receiveN(t, newReceiver(t, c, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}), 2)
	v := msgs[0]
	if v.RawAMQPMessage.Body.Value != "hello value" || v.PartitionKey != nil || v.DeadLetterSource != nil || v.SequenceNumber == nil {
		t.Fatalf("value message: body %v, partition key %v, sequence %v", v.RawAMQPMessage.Body.Value, v.PartitionKey, v.SequenceNumber)
	}
	if v.RawAMQPMessage.MessageAnnotations["custom"] != "kept" {
		t.Errorf("custom annotation = %v", v.RawAMQPMessage.MessageAnnotations["custom"])
	}
	d := msgs[1]
	if d.Body != nil || len(d.RawAMQPMessage.Body.Data) != 2 || string(d.RawAMQPMessage.Body.Data[1]) != "b" {
		t.Fatalf("data sections: %q", d.RawAMQPMessage.Body.Data)
	}

	// Null values for these three are refused, as the service does.
	err = s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		MessageAnnotations: map[any]any{"x-opt-scheduled-enqueue-time": nil},
		Body:               azservicebus.AMQPAnnotatedMessageBody{Value: "x"},
	}, nil)
	if err == nil {
		t.Fatal("a null x-opt-scheduled-enqueue-time was accepted")
	}
}

// A message over the entity's limit fails client-side with ErrMessageTooLarge
// (the limit comes from the attach), and a batch is sized by it.
func TestMaxMessageSize(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: make([]byte, 1<<20)}, nil)
	if !errors.Is(err, azservicebus.ErrMessageTooLarge) {
		t.Fatalf("err = %v, want ErrMessageTooLarge", err)
	}
	batch, err := s.NewMessageBatch(ctxT(t, 10*time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := batch.AddMessage(&azservicebus.Message{Body: make([]byte, 300*1024)}, nil); !errors.Is(err, azservicebus.ErrMessageTooLarge) {
		t.Fatalf("batch.AddMessage = %v, want ErrMessageTooLarge", err)
	}
	if got := counts(t, em, q).Active; got != 0 {
		t.Fatalf("active = %d", got)
	}
}

// Duplicate detection drops a second message with the same id.
func TestDuplicateDetection(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	id := "same-id"
	for range 3 {
		if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{MessageID: &id, Body: []byte("x")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	other := "other-id"
	if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{MessageID: &other, Body: []byte("y")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, em, q).Active; got != 2 {
		t.Fatalf("active = %d, want 2", got)
	}
}

// Disabled and send-disabled entities refuse sends with entity-disabled;
// a send-disabled queue still delivers.
func TestEntityStatusDisabled(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, q)
	sendBodies(t, s, "before")

	p := mustQueue(t, em, q).Properties
	p.Status = broker.StatusSendDisabled
	if _, err := em.Broker.UpdateQueue(q, p); err != nil {
		t.Fatal(err)
	}
	err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("after")}, nil)
	var ae *goamqp.Error
	if !errors.As(err, &ae) || ae.Condition != "com.microsoft:entity-disabled" {
		t.Fatalf("send to a send-disabled queue: %v", err)
	}
	r := newReceiver(t, c, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
	if got := receiveN(t, r, 1); string(got[0].Body) != "before" {
		t.Fatalf("body %q", got[0].Body)
	}

	p.Status = broker.StatusDisabled
	if _, err := em.Broker.UpdateQueue(q, p); err != nil {
		t.Fatal(err)
	}
	c2 := newClient(t, em.ConnectionString)
	err = newSender(t, c2, q).SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("x")}, nil)
	if !errors.As(err, &ae) || ae.Condition != "com.microsoft:entity-disabled" {
		t.Fatalf("send to a disabled queue: %v", err)
	}
	_, err = newReceiver(t, c2, q, nil).ReceiveMessages(ctxT(t, 5*time.Second), 1, nil)
	if !errors.As(err, &ae) || ae.Condition != "com.microsoft:entity-disabled" {
		t.Fatalf("receive from a disabled queue: %v", err)
	}
}

func mustQueue(t testing.TB, em *emulator.Emulator, name string) *broker.EntityInfo {
	t.Helper()
	info, err := em.Broker.GetQueue(name)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// Every section of a raw AMQP message comes back as sent, with the broker's
// additions only (§10.4): header fields, delivery annotations plus the lock
// token, sequence bodies, footer, and a uuid message id keeps its type.
func TestAMQPAnnotatedMessageSections(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := newClient(t, em.ConnectionString)
	id := goamqp.UUID{1, 2, 3}
	err := newSender(t, c, q).SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		Header:              &azservicebus.AMQPAnnotatedMessageHeader{Durable: true, Priority: 7},
		DeliveryAnnotations: map[any]any{"da": "kept"},
		Properties:          &azservicebus.AMQPAnnotatedMessageProperties{MessageID: id},
		Body:                azservicebus.AMQPAnnotatedMessageBody{Sequence: [][]any{{"x", int64(2)}, {true}}},
		Footer:              map[any]any{"f": int32(9)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := receiveN(t, newReceiver(t, c, q, nil), 1)[0]
	raw := m.RawAMQPMessage
	if raw.Header == nil || !raw.Header.Durable || raw.Header.Priority != 7 || m.DeliveryCount != 1 {
		t.Errorf("header %+v, DeliveryCount %d", raw.Header, m.DeliveryCount)
	}
	if raw.DeliveryAnnotations["da"] != "kept" || raw.DeliveryAnnotations["x-opt-lock-token"] == nil {
		t.Errorf("delivery annotations %v", raw.DeliveryAnnotations)
	}
	if raw.Properties == nil || raw.Properties.MessageID != id {
		t.Errorf("message id %#v", raw.Properties)
	}
	if len(raw.Body.Sequence) != 2 || raw.Body.Sequence[0][0] != "x" || raw.Body.Sequence[0][1] != int64(2) || raw.Body.Sequence[1][0] != true {
		t.Errorf("sequence body %v", raw.Body.Sequence)
	}
	if raw.Footer["f"] != int32(9) {
		t.Errorf("footer %v", raw.Footer)
	}
	for _, k := range []string{"x-opt-sequence-number", "x-opt-enqueued-time", "x-opt-locked-until"} {
		if raw.MessageAnnotations[k] == nil {
			t.Errorf("annotation %s missing", k)
		}
	}
	if _, ok := raw.MessageAnnotations["x-opt-message-state"]; ok {
		t.Error("an active message carries x-opt-message-state")
	}
}
