package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// These tests talk to the emulator with go-amqp directly, to send what the
// SDK never would: requests with the wrong types, attaches without a token.

func rawConn(t testing.TB, em *emulator.Emulator) *goamqp.Conn {
	t.Helper()
	conn, err := goamqp.Dial(ctxT(t, 10*time.Second), "amqp://"+em.AMQPAddr, &goamqp.ConnOptions{SASLType: goamqp.SASLTypeAnonymous()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// rpcCall sends one request to node and returns the response's status,
// description and body value.
func rpcCall(t testing.TB, conn *goamqp.Conn, node string, props map[string]any, value any) (int32, string, any) {
	t.Helper()
	ctx := ctxT(t, 10*time.Second)
	sess, err := conn.NewSession(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close(context.Background())
	replyTo := node + "-reply-" + fmt.Sprint(time.Now().UnixNano())
	recv, err := sess.NewReceiver(ctx, node, &goamqp.ReceiverOptions{
		TargetAddress:             replyTo,
		Credit:                    10,
		RequestedSenderSettleMode: goamqp.SenderSettleModeSettled.Ptr(),
	})
	if err != nil {
		t.Fatal(err)
	}
	send, err := sess.NewSender(ctx, node, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint("req-", time.Now().UnixNano())
	req := &goamqp.Message{
		Properties:            &goamqp.MessageProperties{MessageID: id, ReplyTo: &replyTo},
		ApplicationProperties: props,
		Value:                 value,
	}
	if err := send.Send(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := recv.Receive(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Properties == nil || resp.Properties.CorrelationID != id {
		t.Fatalf("response not correlated: %+v", resp.Properties)
	}
	status, ok := resp.ApplicationProperties["status-code"].(int32)
	if !ok {
		t.Fatalf("status-code is %T, want int32", resp.ApplicationProperties["status-code"])
	}
	desc, _ := resp.ApplicationProperties["status-description"].(string)
	return status, desc, resp.Value
}

// Malformed management requests get 4xx statuses, never a crash or silence.
func TestManagementRejectsMalformedRequests(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	conn := rawConn(t, em)
	node := q + "/$management"
	op := func(name string) map[string]any { return map[string]any{"operation": name} }
	for _, tc := range []struct {
		name  string
		props map[string]any
		value any
		want  int32
	}{
		{"unknown operation", op("com.microsoft:frobnicate"), map[string]any{"x": 1}, 501},
		{"renew-lock without tokens", op("com.microsoft:renew-lock"), map[string]any{"lock-tokens": "nope"}, 400},
		{"renew-lock with strings", op("com.microsoft:renew-lock"), map[string]any{"lock-tokens": []string{"a"}}, 400},
		{"renew-lock unknown token", op("com.microsoft:renew-lock"), map[string]any{"lock-tokens": []goamqp.UUID{{1}}}, 410},
		{"update-disposition bad status", op("com.microsoft:update-disposition"),
			map[string]any{"disposition-status": "whatever", "lock-tokens": []goamqp.UUID{{1}}}, 400},
		{"schedule without messages", op("com.microsoft:schedule-message"), map[string]any{"messages": int64(3)}, 400},
		{"schedule with a bad message", op("com.microsoft:schedule-message"),
			map[string]any{"messages": []any{map[string]any{"message": []byte{0xff, 0x00}}}}, 400},
		{"cancel with strings", op("com.microsoft:cancel-scheduled-message"), map[string]any{"sequence-numbers": "1"}, 400},
		{"session op without id", op("com.microsoft:get-session-state"), map[string]any{"x": 1}, 400},
		{"body is not a map", op("com.microsoft:peek-message"), "just a string", 204},
		{"peek", op("com.microsoft:peek-message"), map[string]any{"from-sequence-number": int64(1), "message-count": int32(5)}, 204},
	} {
		status, desc, _ := rpcCall(t, conn, node, tc.props, tc.value)
		if status != tc.want {
			t.Errorf("%s: status %d (%s), want %d", tc.name, status, desc, tc.want)
		}
	}
	// The connection is still healthy afterwards.
	status, _, _ := rpcCall(t, conn, node, op("com.microsoft:peek-message"), map[string]any{"message-count": int32(1)})
	if status != 204 {
		t.Fatalf("peek after the bad requests: %d", status)
	}
}

// CBS answers put-token with 202, 404 for a missing entity and 400 for an
// operation it does not know.
func TestCBSStatuses(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	conn := rawConn(t, em)
	put := func(audience string) map[string]any {
		return map[string]any{"operation": "put-token", "type": "servicebus.windows.net:sastoken", "name": audience, "expiration": "0"}
	}
	for _, tc := range []struct {
		name  string
		props map[string]any
		want  int32
	}{
		{"queue", put("amqp://" + em.AMQPAddr + "/" + q), 202},
		{"management node", put("amqp://" + em.AMQPAddr + "/" + q + "/$management"), 202},
		{"dead-letter queue", put("amqp://" + em.AMQPAddr + "/" + q + "/$DeadLetterQueue"), 202},
		{"missing entity", put("amqp://" + em.AMQPAddr + "/nope"), 404},
		{"no entity", put("amqp://" + em.AMQPAddr + "/"), 400},
		{"other operation", map[string]any{"operation": "delete-token"}, 400},
	} {
		if status, desc, _ := rpcCall(t, conn, "$cbs", tc.props, "token"); status != tc.want {
			t.Errorf("%s: status %d (%s), want %d", tc.name, status, desc, tc.want)
		}
	}
}

// With a key set, a client that skips CBS cannot attach to an entity.
func TestAttachWithoutTokenRefused(t *testing.T) {
	em := startEmulator(t, emulator.Config{SASKey: "k"})
	q := newQueue(t, em, broker.Properties{})
	conn := rawConn(t, em)
	sess, err := conn.NewSession(ctxT(t, 10*time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sess.NewSender(ctxT(t, 10*time.Second), q, nil)
	var ae *goamqp.Error
	if !errors.As(err, &ae) || ae.Condition != goamqp.ErrCondUnauthorizedAccess {
		t.Fatalf("sender attach without a token: %v", err)
	}
	_, err = sess.NewReceiver(ctxT(t, 10*time.Second), q, nil)
	if !errors.As(err, &ae) || ae.Condition != goamqp.ErrCondUnauthorizedAccess {
		t.Fatalf("receiver attach without a token: %v", err)
	}
}

// Sends to something that is not a queue or topic are refused at attach.
func TestSenderAttachToSubscriptionRefused(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	conn := rawConn(t, em)
	sess, err := conn.NewSession(ctxT(t, 10*time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sess.NewSender(ctxT(t, 10*time.Second), "t/Subscriptions/s", nil)
	var ae *goamqp.Error
	if !errors.As(err, &ae) || ae.Condition != goamqp.ErrCondNotAllowed {
		t.Fatalf("attach: %v", err)
	}
	_, err = sess.NewSender(ctxT(t, 10*time.Second), "missing", nil)
	if !errors.As(err, &ae) || ae.Condition != goamqp.ErrCondNotFound {
		t.Fatalf("attach to a missing queue: %v", err)
	}
}
