package sbsvc

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
)

func init() {
	writeRefusals["Resubmit"] = func(ns *Namespace) error {
		_, err := ns.Resubmit(context.Background(), EntityRef{Queue: "q", SubQueue: DeadLetter}, ResubmitOptions{})
		return err
	}
}

// deadLetterSDK sends msgs to queue and dead-letters each through the SDK
// with the reason reason(i), so the DLQ holds them as the service would.
func deadLetterSDK(t testing.TB, c *azservicebus.Client, queue string, reason func(i int) string, msgs ...*azservicebus.Message) {
	t.Helper()
	sendSDK(t, c, queue, msgs...)
	r, err := c.NewReceiverForQueue(queue, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	deadLetterAll(t, r, len(msgs), reason)
}

// deadLetterAll receives n messages from r and dead-letters them.
func deadLetterAll(t testing.TB, r *azservicebus.Receiver, n int, reason func(i int) string) {
	t.Helper()
	for got := 0; got < n; {
		ms, err := r.ReceiveMessages(ctxT(t, 10*time.Second), n-got, nil)
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		for _, m := range ms {
			var idx int
			fmt.Sscanf(m.MessageID, "m-%d", &idx)
			rs := reason(idx)
			if err := r.DeadLetterMessage(ctxT(t, 10*time.Second), m, &azservicebus.DeadLetterOptions{
				Reason: &rs, ErrorDescription: to("described " + rs)}); err != nil {
				t.Fatalf("dead-letter: %v", err)
			}
			got++
		}
	}
}

func to[T any](v T) *T { return &v }

// testMessages are n messages with ids m-0 … and the properties a copy must keep.
func testMessages(n int) []*azservicebus.Message {
	out := make([]*azservicebus.Message, n)
	for i := range out {
		out[i] = &azservicebus.Message{
			MessageID: to(fmt.Sprintf("m-%d", i)), Body: []byte(fmt.Sprintf(`{"n":%d}`, i)),
			ContentType: to("application/json"), CorrelationID: to(fmt.Sprintf("c-%d", i)),
			Subject: to("order"), ReplyTo: to("replies"), To: to("dest"), TimeToLive: to(time.Hour),
			ApplicationProperties: map[string]any{"n": int64(i), "kind": "test"},
		}
	}
	return out
}

// counts reads an entity path's counts from the broker.
func counts(t testing.TB, em *emulator.Emulator, path string) (active, dlq int64) {
	t.Helper()
	c, err := em.Broker.Counts(path)
	if err != nil {
		t.Fatalf("Counts(%s): %v", path, err)
	}
	return c.Active, c.DeadLetter
}

// peekEvery peeks every message of ref through sbsvc.
func peekEvery(t testing.TB, ns *Namespace, ref EntityRef) []Message {
	t.Helper()
	var out []Message
	for from := int64(1); ; {
		p, err := ns.Peek(ctxT(t, 10*time.Second), ref, from, MaxPeekPage)
		if err != nil {
			t.Fatalf("peek %s: %v", ref, err)
		}
		if p.End {
			return out
		}
		out = append(out, p.Messages...)
		from = p.Next
	}
}

func auditPath(t testing.TB) string { return filepath.Join(t.TempDir(), "state", "audit.jsonl") }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
