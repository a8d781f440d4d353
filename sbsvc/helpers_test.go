package sbsvc

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// fastRetry keeps failure tests quick; the SDK default waits seconds.
var fastRetry = RetryPolicy{MaxRetries: 2, Delay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}

// startEmulator runs an in-process emulator on free loopback ports.
func startEmulator(t testing.TB, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	cfg.AMQPAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	em, err := emulator.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("emulator.Start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		em.Close()
	})
	return em
}

// emulatorSource is a source for em's connection string and HTTP port.
func emulatorSource(em *emulator.Emulator) Source {
	return Source{Name: "emu", Origin: "test", Auth: AuthConnectionString,
		ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr}
}

// connectEmulator connects sbsvc to em with fast retries.
func connectEmulator(t testing.TB, em *emulator.Emulator, edit func(*Source)) *Namespace {
	t.Helper()
	src := emulatorSource(em)
	if edit != nil {
		edit(&src)
	}
	ns, err := ConnectWithOptions(ctxT(t, 20*time.Second), src, ConnectOptions{Retry: fastRetry})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { ns.Close(context.Background()) })
	return ns
}

// sdkClient is a bare SDK client for setting up and checking state.
func sdkClient(t testing.TB, em *emulator.Emulator) *azservicebus.Client {
	t.Helper()
	c, err := azservicebus.NewClientFromConnectionString(em.ConnectionString, &azservicebus.ClientOptions{
		RetryOptions: azservicebus.RetryOptions{MaxRetries: 2, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatalf("NewClientFromConnectionString: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// ctxT is a context bounded by d that ends with the test.
func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

var queueSeq atomic.Int64

// newQueue creates a queue straight in the broker.
func newQueue(t testing.TB, em *emulator.Emulator, p broker.Properties) string {
	t.Helper()
	name := fmt.Sprintf("q%d", queueSeq.Add(1))
	if _, err := em.Broker.CreateQueue(name, p); err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	return name
}

// sendSDK sends messages through the real SDK.
func sendSDK(t testing.TB, c *azservicebus.Client, entity string, msgs ...*azservicebus.Message) {
	t.Helper()
	s, err := c.NewSender(entity, nil)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	defer s.Close(context.Background())
	for _, m := range msgs {
		if err := s.SendMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
	}
}

// dataSection encodes body as one AMQP data section, the form the broker
// stores bodies in, for loading many messages without the SDK.
func dataSection(body []byte) []byte {
	out := make([]byte, 0, 8+len(body))
	out = append(out, 0x00, 0x53, 0x75, 0xb0)
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

// loadBroker puts n messages with bodies of size bytes straight into an
// entity, in batches.
func loadBroker(t testing.TB, em *emulator.Emulator, address string, n, size int, ttl time.Duration) {
	t.Helper()
	const batch = 500
	for sent := 0; sent < n; {
		k := min(batch, n-sent)
		msgs := make([]*broker.Message, k)
		for i := range msgs {
			body := make([]byte, size)
			for j := range body {
				body[j] = byte('a' + (sent+i+j)%26)
			}
			id := fmt.Sprintf("m-%d", sent+i)
			msgs[i] = &broker.Message{MessageID: id, Body: dataSection(body), TTL: ttl}
		}
		if err := em.Broker.Send(address, msgs); err != nil {
			t.Fatalf("broker.Send: %v", err)
		}
		sent += k
	}
}

// wantKind fails unless err is an *Error of kind want.
func wantKind(t testing.TB, err error, want Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %v", want)
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T (%v), want *sbsvc.Error", err, err)
	}
	if e.Kind != want {
		t.Fatalf("kind = %v, want %v (error: %v)", e.Kind, want, err)
	}
	if e.Remedy == "" {
		t.Fatalf("error of kind %v has no remedy", e.Kind)
	}
	return e
}
