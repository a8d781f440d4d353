package emulator_test

import (
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func subReceiver(t testing.TB, c *azservicebus.Client, topic, sub string, opts *azservicebus.ReceiverOptions) *azservicebus.Receiver {
	t.Helper()
	r, err := c.NewReceiverForSubscription(topic, sub, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var deleteMode = &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete}

// A topic copies each message to every subscription whose rules match: a
// default (true) rule, a SQL filter with an action, and a correlation filter,
// all created through the admin client.
func TestTopicFanOutWithFilters(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	ac := newAdmin(t, em, em.ConnectionString)
	ctx := ctxT(t, 20*time.Second)
	if _, err := ac.CreateTopic(ctx, "orders", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.CreateSubscription(ctx, "orders", "all", nil); err != nil {
		t.Fatal(err)
	}
	_, err := ac.CreateSubscription(ctx, "orders", "red", &admin.CreateSubscriptionOptions{Properties: &admin.SubscriptionProperties{
		DefaultRule: &admin.RuleProperties{
			Name:   "red-only",
			Filter: &admin.SQLFilter{Expression: "color = 'red'"},
			Action: &admin.SQLAction{Expression: "SET routed = 'yes'"},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ac.CreateSubscription(ctx, "orders", "urgent", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.DeleteRule(ctx, "orders", "urgent", "$Default", nil); err != nil {
		t.Fatal(err)
	}
	subject := "urgent"
	name := "by-subject"
	if _, err := ac.CreateRule(ctx, "orders", "urgent", &admin.CreateRuleOptions{
		Name: &name, Filter: &admin.CorrelationFilter{Subject: &subject},
	}); err != nil {
		t.Fatal(err)
	}

	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, "orders")
	send := func(body, color, subj string) {
		m := &azservicebus.Message{Body: []byte(body), ApplicationProperties: map[string]any{"color": color}}
		if subj != "" {
			m.Subject = &subj
		}
		if err := s.SendMessage(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
	}
	send("red-plain", "red", "")
	send("blue-urgent", "blue", "urgent")
	send("red-urgent", "red", "urgent")

	want := map[string][]string{
		"all":    {"red-plain", "blue-urgent", "red-urgent"},
		"red":    {"red-plain", "red-urgent"},
		"urgent": {"blue-urgent", "red-urgent"},
	}
	for sub, bodiesWant := range want {
		r := subReceiver(t, c, "orders", sub, deleteMode)
		got := receiveN(t, r, len(bodiesWant))
		if !slices.Equal(bodies(got), bodiesWant) {
			t.Errorf("subscription %s got %q, want %q", sub, bodies(got), bodiesWant)
		}
		if sub == "red" && got[0].ApplicationProperties["routed"] != "yes" {
			t.Errorf("rule action not applied: %v", got[0].ApplicationProperties)
		}
		expectNoMessage(t, r)
	}
}

// Dead-letter sub-queues of subscriptions and the transfer dead-letter
// queue are addressable (the latter empty here).
func TestSubQueues(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	if _, err := em.Broker.CreateTopic("t", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := em.Broker.CreateSubscription("t", "s", broker.Properties{}, nil); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, c, "t"), "to-dlq")
	r := subReceiver(t, c, "t", "s", nil)
	m := receiveN(t, r, 1)[0]
	if err := r.DeadLetterMessage(ctxT(t, 10*time.Second), m, nil); err != nil {
		t.Fatal(err)
	}
	dlq := subReceiver(t, c, "t", "s", &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
	peeked, err := dlq.PeekMessages(ctxT(t, 10*time.Second), 5, nil)
	if err != nil || !slices.Equal(bodies(peeked), []string{"to-dlq"}) {
		t.Fatalf("DLQ peek: %q %v", bodies(peeked), err)
	}
	tdlq := subReceiver(t, c, "t", "s", &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueTransfer})
	peeked, err = tdlq.PeekMessages(ctxT(t, 10*time.Second), 5, nil)
	if err != nil || len(peeked) != 0 {
		t.Fatalf("transfer DLQ peek: %q %v", bodies(peeked), err)
	}
	expectNoMessage(t, tdlq)
	if got := receiveN(t, dlq, 1); string(got[0].Body) != "to-dlq" {
		t.Fatalf("DLQ body %q", got[0].Body)
	}
}

// ForwardTo moves messages on arrival; ForwardDeadLetteredMessagesTo moves
// dead letters.
func TestForwarding(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	dst := newQueue(t, em, broker.Properties{})
	dlqDst := newQueue(t, em, broker.Properties{})
	fwd := newQueue(t, em, broker.Properties{ForwardTo: dst})
	dl := newQueue(t, em, broker.Properties{ForwardDeadLetteredMessagesTo: dlqDst})
	c := newClient(t, em.ConnectionString)

	sendBodies(t, newSender(t, c, fwd), "forwarded")
	if got := receiveN(t, newReceiver(t, c, dst, deleteMode), 1); string(got[0].Body) != "forwarded" {
		t.Fatalf("forwarded body %q", got[0].Body)
	}
	if got := counts(t, em, fwd).Active; got != 0 {
		t.Fatalf("source still holds %d", got)
	}

	sendBodies(t, newSender(t, c, dl), "dead")
	r := newReceiver(t, c, dl, nil)
	m := receiveN(t, r, 1)[0]
	reason := "nope"
	if err := r.DeadLetterMessage(ctxT(t, 10*time.Second), m, &azservicebus.DeadLetterOptions{Reason: &reason}); err != nil {
		t.Fatal(err)
	}
	got := receiveN(t, newReceiver(t, c, dlqDst, deleteMode), 1)[0]
	if string(got.Body) != "dead" || got.DeadLetterReason == nil || *got.DeadLetterReason != reason {
		t.Fatalf("forwarded dead letter %q reason %v", got.Body, got.DeadLetterReason)
	}
}
