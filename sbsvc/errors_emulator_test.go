package sbsvc

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// These tests produce real failures through the SDK against the emulator
// and check classify maps each one.

func TestRealErrorNotFound(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	ns := connectEmulator(t, em, nil)
	_, err := ns.Peek(ctxT(t, 20*time.Second), EntityRef{Queue: "nope", SubQueue: DeadLetter}, 0, 10)
	e := wantKind(t, err, KindNotFound)
	if !strings.HasPrefix(e.Error(), "peek nope/$DeadLetterQueue: not found: ") || !strings.Contains(e.Error(), " — Remedy: ") {
		t.Errorf("message reads %q", e.Error())
	}
}

func TestRealErrorLockLost(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	sendSDK(t, c, q, &azservicebus.Message{Body: []byte("x")})
	r, err := c.NewReceiverForQueue(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	msgs, err := r.ReceiveMessages(ctxT(t, 10*time.Second), 1, nil)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("receive: %v %d", err, len(msgs))
	}
	if err := em.Faults.ExpireLock(msgs[0].LockToken); err != nil {
		t.Fatal(err)
	}
	err = r.CompleteMessage(ctxT(t, 10*time.Second), msgs[0], nil)
	wantKind(t, classify("complete", q, err), KindLockLost)
}

func TestRealErrorSessionCannotBeLocked(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresSession: true})
	c := sdkClient(t, em)
	sid := "s1"
	sendSDK(t, c, q, &azservicebus.Message{Body: []byte("x"), SessionID: &sid})
	holder, err := c.AcceptSessionForQueue(ctxT(t, 10*time.Second), q, sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	ns := connectEmulator(t, em, nil)
	_, err = ns.Peek(ctxT(t, 20*time.Second), EntityRef{Queue: q, SessionID: sid}, 0, 10)
	wantKind(t, err, KindSessionCannotBeLocked)
}

func TestRealErrorDisabled(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{Status: broker.StatusDisabled})
	c := sdkClient(t, em)
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	err = s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("x")}, nil)
	wantKind(t, classify("send", q, err), KindDisabled)
}

func TestRealErrorMessageSize(t *testing.T) {
	em := startEmulator(t, emulator.Config{MaxMessageSize: 64 * 1024})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	err = s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: bytes.Repeat([]byte("x"), 300*1024)}, nil)
	wantKind(t, classify("send", q, err), KindMessageSizeExceeded)
}

func TestRealErrorWrongKey(t *testing.T) {
	em := startEmulator(t, emulator.Config{SASKey: "the-right-key-123"})
	src := emulatorSource(em)
	src.ConnectionString = strings.Replace(em.ConnectionString, "the-right-key-123", "a-wrong-key-4567", 1)
	_, err := ConnectWithOptions(ctxT(t, 20*time.Second), src, ConnectOptions{Retry: fastRetry})
	wantKind(t, err, KindAuthentication)
	if strings.Contains(err.Error(), "a-wrong-key-4567") {
		t.Errorf("error leaks the key: %v", err)
	}
	// The AMQP side refuses too, when the entity is named.
	src.Entity = newQueue(t, em, broker.Properties{})
	_, err = ConnectWithOptions(ctxT(t, 20*time.Second), src, ConnectOptions{Retry: fastRetry})
	wantKind(t, err, KindAuthentication)
}

func TestRealErrorServerBusy(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	ns := connectEmulator(t, em, nil)
	em.Faults.FailNext(emulator.OpManagement, 10, emulator.FaultServerBusy)
	_, err := ns.Peek(ctxT(t, 20*time.Second), EntityRef{Queue: q}, 0, 10)
	wantKind(t, err, KindServerBusy)
}

func TestRealErrorDroppedConnection(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	ns := connectEmulator(t, em, nil)
	if _, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 1); err != nil {
		t.Fatal(err)
	}
	// The emulator goes away for good: every reconnect is refused.
	em.Close()
	_, err := ns.Peek(ctxT(t, 20*time.Second), EntityRef{Queue: q}, 0, 1)
	wantKind(t, err, KindCommunication)
}

func TestPeekCancelled(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	ns := connectEmulator(t, em, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ns.Peek(ctx, EntityRef{Queue: q}, 0, 1)
	wantKind(t, err, KindCancelled)
}
