package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/emulator/transport"
)

// fastRetry keeps fault-recovery tests quick.
var fastRetry = azservicebus.RetryOptions{
	MaxRetries:    5,
	RetryDelay:    10 * time.Millisecond,
	MaxRetryDelay: 100 * time.Millisecond,
}

// startEmulator runs an emulator on free loopback ports for one test.
func startEmulator(t testing.TB, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	cfg.AMQPAddr = "127.0.0.1:0"
	cfg.HTTPAddr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	em, err := emulator.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := em.Close(); err != nil {
			t.Logf("Close: %v", err)
		}
	})
	return em
}

// newClient connects the real SDK to em with fast retries.
func newClient(t testing.TB, connStr string) *azservicebus.Client {
	t.Helper()
	c, err := azservicebus.NewClientFromConnectionString(connStr, &azservicebus.ClientOptions{RetryOptions: fastRetry})
	if err != nil {
		t.Fatalf("NewClientFromConnectionString: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// newAdmin points the real admin client at em's HTTP port.
func newAdmin(t testing.TB, em *emulator.Emulator, connStr string) *admin.Client {
	t.Helper()
	ac, err := admin.NewClientFromConnectionString(connStr, &admin.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Transport: &transport.Rewrite{Addr: em.HTTPAddr},
			Retry:     policy.RetryOptions{MaxRetries: -1},
		},
	})
	if err != nil {
		t.Fatalf("admin.NewClientFromConnectionString: %v", err)
	}
	return ac
}

// ctxT is a context bounded by d that ends with the test.
func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

var queueSeq atomic.Int64

// newQueue creates a queue with a fresh name straight in the broker.
func newQueue(t testing.TB, em *emulator.Emulator, p broker.Properties) string {
	t.Helper()
	name := fmt.Sprintf("q%d", queueSeq.Add(1))
	if _, err := em.Broker.CreateQueue(name, p); err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	return name
}

func newSender(t testing.TB, c *azservicebus.Client, entity string) *azservicebus.Sender {
	t.Helper()
	s, err := c.NewSender(entity, nil)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func newReceiver(t testing.TB, c *azservicebus.Client, queue string, opts *azservicebus.ReceiverOptions) *azservicebus.Receiver {
	t.Helper()
	r, err := c.NewReceiverForQueue(queue, opts)
	if err != nil {
		t.Fatalf("NewReceiverForQueue: %v", err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	return r
}

// sendBodies sends one message per body.
func sendBodies(t testing.TB, s *azservicebus.Sender, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		if err := s.SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte(b)}, nil); err != nil {
			t.Fatalf("SendMessage(%q): %v", b, err)
		}
	}
}

// receiveN collects exactly n messages (failing after 10 s).
func receiveN(t testing.TB, r interface {
	ReceiveMessages(context.Context, int, *azservicebus.ReceiveMessagesOptions) ([]*azservicebus.ReceivedMessage, error)
}, n int) []*azservicebus.ReceivedMessage {
	t.Helper()
	ctx := ctxT(t, 10*time.Second)
	var out []*azservicebus.ReceivedMessage
	for len(out) < n {
		msgs, err := r.ReceiveMessages(ctx, n-len(out), nil)
		if err != nil {
			t.Fatalf("ReceiveMessages after %d of %d: %v", len(out), n, err)
		}
		out = append(out, msgs...)
	}
	if len(out) != n {
		t.Fatalf("received %d messages, want %d", len(out), n)
	}
	return out
}

// expectNoMessage checks that nothing is receivable for a short while.
func expectNoMessage(t testing.TB, r interface {
	ReceiveMessages(context.Context, int, *azservicebus.ReceiveMessagesOptions) ([]*azservicebus.ReceivedMessage, error)
}) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	msgs, err := r.ReceiveMessages(ctx, 1, nil)
	if len(msgs) != 0 {
		t.Fatalf("unexpected message %q", msgs[0].Body)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReceiveMessages: %v", err)
	}
}

// counts reads an entity's counts from the broker.
func counts(t testing.TB, em *emulator.Emulator, path string) broker.Counts {
	t.Helper()
	c, err := em.Broker.Counts(path)
	if err != nil {
		t.Fatalf("Counts(%s): %v", path, err)
	}
	return c
}

// eventually polls cond for up to 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func bodies(msgs []*azservicebus.ReceivedMessage) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Body)
	}
	return out
}

func sbCode(err error) azservicebus.Code {
	var e *azservicebus.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
