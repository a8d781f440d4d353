package demoseed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/internal/demoseed"
)

// TestSeedBuildsTheDemoNamespace seeds a fresh emulator and checks every
// demo message ended where the script says, read back through the SDK.
func TestSeedBuildsTheDemoNamespace(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	em, err := emulator.Start(ctx, emulator.Config{
		AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Entities: emulator.DemoConfig(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()

	script := emulator.DemoMessages()
	if err := demoseed.Seed(ctx, em.ConnectionString, script); err != nil {
		t.Fatal(err)
	}

	client, err := azservicebus.NewClientFromConnectionString(em.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close(ctx)

	// Where each scripted message must be: DLQ (with reason), or among the
	// peekable messages of its entity in a given state.
	for _, m := range script {
		path := m.ReceiveFrom
		if path == "" {
			path = m.To
		}
		switch m.Action {
		case emulator.DemoDeadLetter:
			got := findPeeked(ctx, t, client, path, true, m.MessageID, "")
			if got == nil || got.DeadLetterReason == nil || *got.DeadLetterReason != m.DeadLetterReason {
				t.Errorf("%s: not in %s's DLQ with reason %q (got %+v)", m.MessageID, path, m.DeadLetterReason, got)
			} else if got.DeadLetterErrorDescription == nil || *got.DeadLetterErrorDescription != m.DeadLetterDescription {
				t.Errorf("%s: DLQ description %v, want %q", m.MessageID, got.DeadLetterErrorDescription, m.DeadLetterDescription)
			}
		case emulator.DemoAbandonUntilDeadLettered:
			got := findPeeked(ctx, t, client, path, true, m.MessageID, "")
			if got == nil || got.DeadLetterReason == nil || *got.DeadLetterReason != "MaxDeliveryCountExceeded" {
				t.Errorf("%s: not dead-lettered with MaxDeliveryCountExceeded (got %+v)", m.MessageID, got)
			}
		case emulator.DemoExpire:
			deadline := time.Now().Add(10 * time.Second)
			var got *azservicebus.ReceivedMessage
			for time.Now().Before(deadline) {
				if got = findPeeked(ctx, t, client, path, true, m.MessageID, ""); got != nil {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if got == nil || got.DeadLetterReason == nil || *got.DeadLetterReason != "TTLExpiredException" {
				t.Errorf("%s: not dead-lettered with TTLExpiredException (got %+v)", m.MessageID, got)
			}
		case emulator.DemoDefer:
			got := findPeeked(ctx, t, client, path, false, m.MessageID, m.SessionID)
			if got == nil || got.State != azservicebus.MessageStateDeferred {
				t.Errorf("%s: not deferred in %s (got %+v)", m.MessageID, path, got)
			}
		case emulator.DemoSchedule:
			got := findPeeked(ctx, t, client, path, false, m.MessageID, m.SessionID)
			if got == nil || got.State != azservicebus.MessageStateScheduled {
				t.Errorf("%s: not scheduled in %s (got %+v)", m.MessageID, path, got)
			}
		case emulator.DemoLeave:
			if m.To == "events" {
				continue // fanned out; the subscriptions' rules decide
			}
			got := findPeeked(ctx, t, client, path, false, m.MessageID, m.SessionID)
			if got == nil || got.State != azservicebus.MessageStateActive {
				t.Errorf("%s: not active in %s (got %+v)", m.MessageID, path, got)
			}
		}
	}

	// The topic's rules: high-value takes amount > 1000 order.* events and
	// stamps priority=high; eu-region takes region=eu; audit takes all.
	wantSubs := map[string][]string{
		"audit":      {"EVT-3001", "EVT-3002", "EVT-3003", "EVT-3004"},
		"high-value": {"EVT-3003"},
		"eu-region":  {"EVT-3002", "EVT-3003"},
	}
	for sub, ids := range wantSubs {
		for _, id := range ids {
			got := findPeeked(ctx, t, client, "events/Subscriptions/"+sub, false, id, "")
			if got == nil {
				t.Errorf("%s: not delivered to subscription %s", id, sub)
				continue
			}
			if sub == "high-value" && got.ApplicationProperties["priority"] != "high" {
				t.Errorf("%s in high-value: rule action did not set priority=high: %v", id, got.ApplicationProperties)
			}
		}
	}
	if got := findPeeked(ctx, t, client, "events/Subscriptions/eu-region", false, "EVT-3004", ""); got != nil {
		t.Error("EVT-3004 (region apac) must not reach eu-region")
	}
}

// findPeeked peeks everything at path (or its DLQ, or one session of a
// session queue) and returns the message with the given id.
func findPeeked(ctx context.Context, t *testing.T, client *azservicebus.Client, path string, dlq bool, id, sessionID string) *azservicebus.ReceivedMessage {
	t.Helper()
	var opts *azservicebus.ReceiverOptions
	if dlq {
		opts = &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}
	}
	var peeked []*azservicebus.ReceivedMessage
	if sessionID != "" && !dlq {
		// A session queue can only be read through a session receiver.
		sr, err := client.AcceptSessionForQueue(ctx, path, sessionID, nil)
		if err != nil {
			t.Fatalf("accept session %s of %s: %v", sessionID, path, err)
		}
		defer sr.Close(ctx)
		peeked, err = sr.PeekMessages(ctx, 100, nil)
		if err != nil {
			t.Fatal(err)
		}
	} else {
		peeked = peekAll(ctx, t, client, path, opts)
	}
	for _, m := range peeked {
		if m.MessageID == id {
			return m
		}
	}
	return nil
}

func peekAll(ctx context.Context, t *testing.T, client *azservicebus.Client, path string, opts *azservicebus.ReceiverOptions) []*azservicebus.ReceivedMessage {
	t.Helper()
	var r *azservicebus.Receiver
	var err error
	if topic, sub, ok := strings.Cut(path, "/Subscriptions/"); ok {
		r, err = client.NewReceiverForSubscription(topic, sub, opts)
	} else {
		r, err = client.NewReceiverForQueue(path, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	var from int64 = 1
	var all []*azservicebus.ReceivedMessage
	for {
		page, err := r.PeekMessages(ctx, 100, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
		if err != nil {
			t.Fatalf("peek %s: %v", path, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		from = *page[len(page)-1].SequenceNumber + 1
	}
}
