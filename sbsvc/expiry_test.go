package sbsvc

import (
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// A message sent without a time to live must not look expired at its
// enqueue time: the SDK reports such a header as TTL 0 and computes
// ExpiresAt = EnqueuedTime, which sbsvc must not pass on.
func TestPeekExpiresAtOnlyWithATimeToLive(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{DefaultMessageTimeToLive: 24 * time.Hour})
	ttl := time.Hour
	sendSDK(t, sdkClient(t, em), q,
		&azservicebus.Message{Body: []byte("no ttl")},
		&azservicebus.Message{Body: []byte("one hour"), TimeToLive: &ttl})
	ns := connectEmulator(t, em, nil)
	page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 {
		t.Fatalf("peeked %d messages, want 2", len(page.Messages))
	}
	noTTL, withTTL := page.Messages[0], page.Messages[1]
	if !noTTL.ExpiresAt.IsZero() {
		t.Errorf("message without TTL: ExpiresAt %v, want zero (TTL %v)", noTTL.ExpiresAt, noTTL.TimeToLive)
	}
	if want := withTTL.EnqueuedAt.Add(ttl); !withTTL.ExpiresAt.Equal(want) {
		t.Errorf("message with a 1h TTL: ExpiresAt %v, want %v", withTTL.ExpiresAt, want)
	}
}
