package sbsvc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/internal/demoseed"
)

// demoNamespace runs the emulator with the demo namespace, seeded through
// the SDK.
func demoNamespace(t testing.TB) (*emulator.Emulator, *Namespace) {
	t.Helper()
	em := startEmulator(t, emulator.Config{Entities: emulator.DemoConfig()})
	if err := demoseed.Seed(ctxT(t, 60*time.Second), em.ConnectionString, emulator.DemoMessages()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	waitDemoExpiries(t, em)
	return em, connectEmulator(t, em, nil)
}

// waitDemoExpiries waits until the demo messages sent with a 20 ms time to
// live have expired into their dead-letter queues. The broker expires them
// on its next tick, which may come after seeding returns: a test comparing
// a listing with the broker's counts would otherwise race that tick.
func waitDemoExpiries(t testing.TB, em *emulator.Emulator) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, m := range emulator.DemoMessages() {
		if m.Action != emulator.DemoExpire {
			continue
		}
		for !inDeadLetterQueue(t, em, m.To, m.MessageID) {
			if time.Now().After(deadline) {
				t.Fatalf("demo message %s never expired into %s's dead-letter queue", m.MessageID, m.To)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// inDeadLetterQueue reports whether entity's dead-letter queue holds a
// message with id.
func inDeadLetterQueue(t testing.TB, em *emulator.Emulator, entity, id string) bool {
	t.Helper()
	msgs, err := em.Broker.Peek(entity+"/$DeadLetterQueue", 0, 1000, nil)
	if err != nil {
		t.Fatalf("peek %s: %v", entity, err)
	}
	for _, m := range msgs {
		if s, ok := m.MessageID.(string); ok && s == id {
			return true
		}
	}
	return false
}

func TestListDemoEntities(t *testing.T) {
	em, ns := demoNamespace(t)
	info := ns.Info()
	if !info.Manage || info.Tier != "Standard" || info.MaxMessageSize != 256*1024 || !info.Emulator {
		t.Errorf("info = %+v", info)
	}
	l, err := ns.ListEntities(ctxT(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if l.Limited || len(l.Queues) != 4 || len(l.Topics) != 1 {
		t.Fatalf("listing: limited %v, %d queues, %d topics", l.Limited, len(l.Queues), len(l.Topics))
	}
	byName := map[string]Entity{}
	for _, q := range l.Queues {
		byName[q.Name] = q
		// The broker's own counts are the truth the listing must match.
		truth, err := em.Broker.GetQueue(q.Name)
		if err != nil {
			t.Fatal(err)
		}
		want := Counts{Active: truth.Counts.Active, DeadLetter: truth.Counts.DeadLetter, Scheduled: truth.Counts.Scheduled,
			Transfer: truth.Counts.Transfer, TransferDeadLetter: truth.Counts.TransferDeadLetter}
		got := q.Counts
		got.Total = 0
		if !q.CountsKnown || got != want {
			t.Errorf("%s counts = %+v (known %v), broker says %+v", q.Name, q.Counts, q.CountsKnown, want)
		}
		if q.SizeBytes != truth.Counts.SizeInBytes {
			t.Errorf("%s size %d, broker %d", q.Name, q.SizeBytes, truth.Counts.SizeInBytes)
		}
		if q.CreatedAt.IsZero() || q.Status != "Active" {
			t.Errorf("%s: created %v status %q", q.Name, q.CreatedAt, q.Status)
		}
	}
	orders := byName["orders"]
	if orders.LockDuration != 30*time.Second || orders.MaxDeliveryCount != 5 || !orders.DeadLetteringOnExpiration ||
		orders.DefaultTTL != 14*24*time.Hour || !orders.RequiresDuplicateDetection || orders.Counts.DeadLetter == 0 || orders.Counts.Scheduled == 0 {
		t.Errorf("orders = %+v", orders)
	}
	if !byName["payments"].RequiresSession || byName["legacy-import"].DefaultTTL != Forever {
		t.Errorf("payments session %v, legacy-import TTL %v", byName["payments"].RequiresSession, byName["legacy-import"].DefaultTTL)
	}

	events := l.Topics[0]
	if events.Name != "events" || events.SubscriptionCount != 3 || !events.CountsKnown {
		t.Errorf("topic = %+v", events)
	}
	subs, err := ns.ListSubscriptions(ctxT(t, 10*time.Second), "events")
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 3 {
		t.Fatalf("%d subscriptions", len(subs))
	}
	for _, s := range subs {
		truth, err := em.Broker.GetSubscription("events", s.Name)
		if err != nil {
			t.Fatal(err)
		}
		if s.Counts.Active != truth.Counts.Active || s.Counts.DeadLetter != truth.Counts.DeadLetter || s.Ref.Path() != "events/Subscriptions/"+s.Name {
			t.Errorf("subscription %s = %+v, broker %+v", s.Name, s.Counts, truth.Counts)
		}
	}

	rules, err := ns.ListRules(ctxT(t, 10*time.Second), "events", "high-value")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].FilterKind != "sql" || !strings.Contains(rules[0].Filter, "amount > 1000") || !strings.Contains(rules[0].Action, "priority") {
		t.Errorf("high-value rules = %+v", rules)
	}
	rules, err = ns.ListRules(ctxT(t, 10*time.Second), "events", "eu-region")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].FilterKind != "correlation" || rules[0].Filter != "region = eu" {
		t.Errorf("eu-region rules = %+v", rules)
	}
}

func TestListQueuesPagesPast100(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	for i := range 250 {
		if _, err := em.Broker.CreateQueue(fmt.Sprintf("bulk-%03d", i), broker.Properties{}); err != nil {
			t.Fatal(err)
		}
	}
	loadBroker(t, em, "bulk-249", 3, 10, 0)
	ns := connectEmulator(t, em, nil)
	qs, err := ns.ListQueues(ctxT(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 250 || qs[0].Name != "bulk-000" || qs[249].Name != "bulk-249" {
		t.Fatalf("got %d queues", len(qs))
	}
	if !qs[249].CountsKnown || qs[249].Counts.Active != 3 {
		t.Errorf("the last page's runtime properties were not joined: %+v", qs[249])
	}
}

// refusingTransport answers every management request with 401, as the
// service does for a key without the Manage claim, and counts requests.
type refusingTransport struct{ calls atomic.Int32 }

func (r *refusingTransport) Do(req *http.Request) (*http.Response, error) {
	r.calls.Add(1)
	body := "<Error><Code>401</Code><Detail>Manage claim is required for this operation.</Detail></Error>"
	return &http.Response{StatusCode: http.StatusUnauthorized, Status: "401 Unauthorized", Request: req,
		Header: http.Header{"Content-Type": []string{"application/xml"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
}

func TestNoManageRightsFallsBackToNamedEntity(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	loadBroker(t, em, q, 2, 5, 0)
	refuse := &refusingTransport{}

	// Without a named entity there is nothing to browse: the error says so.
	_, err := ConnectWithOptions(ctxT(t, 10*time.Second), emulatorSource(em), ConnectOptions{Retry: fastRetry, adminTransport: refuse})
	e := wantKind(t, err, KindAuthentication)
	if !strings.Contains(e.Remedy, "name an entity") {
		t.Errorf("remedy does not point at naming an entity: %q", e.Remedy)
	}

	// With EntityPath, connecting works and the entity can be peeked.
	src := emulatorSource(em)
	src.ConnectionString += "EntityPath=" + q + ";"
	ns, err := ConnectWithOptions(ctxT(t, 10*time.Second), src, ConnectOptions{Retry: fastRetry, adminTransport: refuse})
	if err != nil {
		t.Fatalf("connect scoped: %v", err)
	}
	defer ns.Close(context.Background())
	if refuse.calls.Load() == 0 {
		t.Fatal("the refusing transport was never asked")
	}
	info := ns.Info()
	if info.Manage || info.ManageErr == nil || info.Scope.Queue != q {
		t.Errorf("info = %+v", info)
	}
	l, err := ns.ListEntities(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Limited || len(l.Scoped) != 1 || l.Scoped[0].Name != q || l.Scoped[0].CountsKnown || !strings.Contains(l.Note, "Manage") {
		t.Errorf("listing = %+v", l)
	}
	page, err := ns.Peek(ctxT(t, 10*time.Second), l.Scoped[0].Ref, 0, 10)
	if err != nil || len(page.Messages) != 2 {
		t.Fatalf("peek scoped: %v, %d messages", err, len(page.Messages))
	}
}

func TestEmulatorAdminDefaultsToPort5300(t *testing.T) {
	cs, err := ParseConnectionString("Endpoint=sb://localhost:5673;SharedAccessKeyName=k;SharedAccessKey=abcdefgh;UseDevelopmentEmulator=true")
	if err != nil {
		t.Fatal(err)
	}
	if got := adminAddress("", cs); got != "localhost:5300" {
		t.Errorf("adminAddress = %q", got)
	}
	if got := adminAddress("127.0.0.1:9", cs); got != "127.0.0.1:9" {
		t.Errorf("explicit adminAddress = %q", got)
	}
	cs.UseDevelopmentEmulator = false
	if got := adminAddress("", cs); got != "" {
		t.Errorf("a real namespace got admin address %q", got)
	}
}

func TestParseISODuration(t *testing.T) {
	cases := map[string]time.Duration{
		"PT1M": time.Minute, "PT30S": 30 * time.Second, "P14D": 14 * 24 * time.Hour, "P1DT2H3M4.5S": 26*time.Hour + 3*time.Minute + 4500*time.Millisecond,
		"P10675199DT2H48M5.4775807S": Forever, "P1W": 7 * 24 * time.Hour,
	}
	for in, want := range cases {
		got, err := parseISODuration(in)
		if err != nil || got != want {
			t.Errorf("parseISODuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "P", "1M", "PT", "P1M", "PTxS", "PT1D", "PT1H T2M"} {
		if _, err := parseISODuration(bad); err == nil {
			t.Errorf("parseISODuration(%q) accepted", bad)
		}
	}
}
