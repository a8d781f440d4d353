package config

import (
	"slices"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestQueueOrder(t *testing.T) {
	fw := func(name, to, dlq string) Queue {
		return Queue{Name: name, Properties: broker.Properties{ForwardTo: to, ForwardDeadLetteredMessagesTo: dlq}}
	}
	queues := []Queue{
		fw("a", "B", ""),     // 0 → 1
		fw("b", "", "c"),     // 1 → 2
		fw("c", "", ""),      // 2
		fw("x", "y", ""),     // 3 → 4
		fw("y", "x", ""),     // 4 → 3: cycle
		fw("t", "topic", ""), // 5: target is not a queue
	}
	order, deferred := queueOrder(queues)
	if len(order) != len(queues) {
		t.Fatalf("order %v does not list every queue once", order)
	}
	pos := map[int]int{}
	for p, i := range order {
		if _, dup := pos[i]; dup {
			t.Fatalf("order %v repeats %d", order, i)
		}
		pos[i] = p
	}
	for _, edge := range [][2]int{{0, 1}, {1, 2}} {
		if pos[edge[0]] < pos[edge[1]] {
			t.Errorf("queue %s created before its target %s (order %v)", queues[edge[0]].Name, queues[edge[1]].Name, order)
		}
	}
	// Exactly one queue of the x↔y cycle is created without forwarding.
	if deferred[3] == deferred[4] {
		t.Errorf("deferred = %v, want exactly one of x and y", deferred)
	}
	for _, i := range []int{0, 1, 2, 5} {
		if deferred[i] {
			t.Errorf("queue %s deferred without a cycle", queues[i].Name)
		}
	}
}

func TestApplySample(t *testing.T) {
	b := newBroker(t)
	cfg, err := Parse([]byte(sampleConfig), "Config.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Apply(b); err != nil {
		t.Fatal(err)
	}
	q, err := b.GetQueue("queue.1")
	if err != nil {
		t.Fatal(err)
	}
	if q.Properties.MaxDeliveryCount != 3 || q.Properties.LockDuration != time.Minute || q.Properties.DefaultMessageTimeToLive != time.Hour {
		t.Errorf("queue.1 = %+v", q.Properties)
	}
	tp, err := b.GetTopic("topic.1")
	if err != nil {
		t.Fatal(err)
	}
	if tp.Properties.DuplicateDetectionHistoryTimeWindow != 20*time.Second {
		t.Errorf("topic.1 = %+v", tp.Properties)
	}
	s, err := b.GetSubscription("topic.1", "subscription.1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Properties.MaxDeliveryCount != 3 {
		t.Errorf("subscription.1 = %+v", s.Properties)
	}
	rs, err := b.ListRules("topic.1", "subscription.1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"app-prop-filter-1", "sql-filter-1"}) {
		t.Errorf("rules = %v, want the two from the file and no $Default", names)
	}
	sql, err := b.GetRule("topic.1", "subscription.1", "sql-filter-1")
	if err != nil {
		t.Fatal(err)
	}
	if sql.Filter.Kind != broker.FilterSQL || sql.Action != "SET sys.To = 'Entity'" {
		t.Errorf("sql-filter-1 = %+v", sql)
	}
}

func TestApplyForwardingAndDefaults(t *testing.T) {
	b := newBroker(t)
	cfg, err := Parse([]byte(doc(`
		{"Name": "first", "Properties": {"ForwardTo": "second"}},
		{"Name": "second", "Properties": {"ForwardDeadLetteredMessagesTo": "third"}},
		{"Name": "third"},
		{"Name": "x", "Properties": {"ForwardTo": "y"}},
		{"Name": "y", "Properties": {"ForwardTo": "x"}}`,
		`{"Name": "t", "Subscriptions": [{"Name": "plain"}, {"Name": "fwd", "Properties": {"ForwardTo": "first"}}]}`)), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Apply(b); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"first": "second", "x": "y", "y": "x"} {
		q, err := b.GetQueue(name)
		if err != nil {
			t.Fatal(err)
		}
		if q.Properties.ForwardTo != want {
			t.Errorf("queue %s forwards to %q, want %q", name, q.Properties.ForwardTo, want)
		}
	}
	second, err := b.GetQueue("second")
	if err != nil {
		t.Fatal(err)
	}
	if second.Properties.ForwardDeadLetteredMessagesTo != "third" {
		t.Errorf("second = %+v", second.Properties)
	}
	fwd, err := b.GetSubscription("t", "fwd")
	if err != nil {
		t.Fatal(err)
	}
	if fwd.Properties.ForwardTo != "first" {
		t.Errorf("subscription fwd = %+v", fwd.Properties)
	}
	rs, err := b.ListRules("t", "plain")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Name != broker.DefaultRuleName {
		t.Errorf("rules of a subscription without rules = %+v, want only $Default", rs)
	}
}

func TestApplyErrors(t *testing.T) {
	if err := (&Config{}).Apply(nil); err == nil {
		t.Error("Apply of an empty config should fail")
	}
	cfg := &Config{Namespaces: []Namespace{{Name: "ns"}}}
	if err := cfg.Apply(nil); err == nil {
		t.Error("Apply to a nil broker should fail")
	}
	b := newBroker(t)
	dup := &Config{Namespaces: []Namespace{{Name: "ns", Queues: []Queue{
		{Name: "q", Properties: broker.Defaults(broker.KindQueue)},
		{Name: "q", Properties: broker.Defaults(broker.KindQueue)},
	}}}}
	if err := dup.Apply(b); err == nil {
		t.Error("Apply of a hand-built config with a duplicate queue should fail")
	}
}

// TestApplyRulesRoute sends through the applied sample: the SQL rule's filter
// picks the message and its action rewrites sys.To; a message that matches
// neither rule is not delivered to the subscription.
func TestApplyRulesRoute(t *testing.T) {
	b := newBroker(t)
	cfg, err := Parse([]byte(sampleConfig), "Config.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Apply(b); err != nil {
		t.Fatal(err)
	}
	match := &broker.Message{MessageID: "123456", ApplicationProperties: map[string]any{"userProp1": "value1"}}
	miss := &broker.Message{MessageID: "999", ApplicationProperties: map[string]any{"userProp1": "value1"}}
	if err := b.Send("topic.1", []*broker.Message{match, miss}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Peek("topic.1/Subscriptions/subscription.1", 0, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("subscription holds %d messages, want 1", len(got))
	}
	if got[0].MessageID != "123456" || got[0].To == nil || *got[0].To != "Entity" {
		t.Errorf("delivered message id %v, To %v; want 123456 with To rewritten to Entity", got[0].MessageID, got[0].To)
	}
}
