package broker

import (
	"slices"
	"testing"
	"time"
)

func mustTopic(t testing.TB, b *Broker, topic string, subs map[string]*Rule) {
	t.Helper()
	if _, err := b.CreateTopic(topic, Properties{}); err != nil {
		t.Fatal(err)
	}
	for name, rule := range subs {
		if _, err := b.CreateSubscription(topic, name, Properties{}, rule); err != nil {
			t.Fatalf("CreateSubscription(%s): %v", name, err)
		}
	}
}

// bodiesIn drains a subscription in receive-and-delete mode.
func bodiesIn(t testing.TB, b *Broker, path string) []string {
	t.Helper()
	r := mustReceiver(t, b, path, ReceiveAndDelete)
	var out []string
	for {
		d, ok := r.Next()
		if !ok {
			return out
		}
		out = append(out, string(d.Message.Body))
	}
}

func TestFanOutCorrelationFilter(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{
		"all": nil,
		"red": {Name: "red", Filter: Filter{Kind: FilterCorrelation, Correlation: &CorrelationFilter{
			Subject: "red", Properties: map[string]any{"size": int64(3)}}}},
		"corr": {Filter: Filter{Kind: FilterCorrelation, Correlation: &CorrelationFilter{CorrelationID: "c1"}}},
		"none": {Name: "never", Filter: Filter{Kind: FilterFalse}},
	})
	mustSend(t, b, "t",
		&Message{Body: []byte("red3"), Subject: ptr("red"), ApplicationProperties: map[string]any{"size": int32(3)}},
		&Message{Body: []byte("red4"), Subject: ptr("red"), ApplicationProperties: map[string]any{"size": int64(4)}},
		&Message{Body: []byte("blue3"), Subject: ptr("blue"), ApplicationProperties: map[string]any{"size": int64(3)}},
		&Message{Body: []byte("c1"), CorrelationID: "c1"},
	)
	cases := map[string][]string{
		"all":  {"red3", "red4", "blue3", "c1"},
		"red":  {"red3"},
		"corr": {"c1"},
		"none": nil,
	}
	for sub, want := range cases {
		if got := bodiesIn(t, b, "t/Subscriptions/"+sub); !slices.Equal(got, want) {
			t.Errorf("subscription %s got %v, want %v", sub, got, want)
		}
	}
	// Each subscription numbers its own copies.
	mustSend(t, b, "t", body("again"))
	if got := peekSeqs(t, b, "t/subscriptions/corr", 1, 5); len(got) != 0 {
		t.Fatalf("corr got %v", got)
	}
	if got := peekSeqs(t, b, "t/Subscriptions/all", 1, 5); !slices.Equal(got, []int64{5}) {
		t.Fatalf("all sequence numbers = %v, want [5]", got)
	}
}

func TestFanOutSQLFilterAndAction(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{
		"big": {Name: "big", Filter: Filter{Kind: FilterSQL, SQLExpression: "size > 10 AND sys.Label = 'order'"},
			Action: "SET routed = 'big'; SET sys.Label = 'big-order'; REMOVE secret"},
		"small": {Filter: Filter{Kind: FilterSQL, SQLExpression: "size <= 10"}},
	})
	mustSend(t, b, "t",
		&Message{Body: []byte("b"), Subject: ptr("order"), ApplicationProperties: map[string]any{"size": int64(20), "secret": "s"}},
		&Message{Body: []byte("s"), Subject: ptr("order"), ApplicationProperties: map[string]any{"size": int64(5), "secret": "s"}},
		&Message{Body: []byte("n"), ApplicationProperties: map[string]any{"size": "text"}},
	)
	big, _ := b.Peek("t/Subscriptions/big", 1, 10, nil)
	if len(big) != 1 || string(big[0].Body) != "b" {
		t.Fatalf("big got %v", big)
	}
	p := big[0].ApplicationProperties
	if p["routed"] != "big" || *big[0].Subject != "big-order" {
		t.Fatalf("action not applied: props %v subject %q", p, *big[0].Subject)
	}
	if _, ok := p["secret"]; ok {
		t.Fatal("REMOVE did not remove the property")
	}
	small, _ := b.Peek("t/Subscriptions/small", 1, 10, nil)
	if len(small) != 1 || string(small[0].Body) != "s" {
		t.Fatalf("small got %v", small)
	}
	// The action changed only the big subscription's copy.
	if small[0].ApplicationProperties["secret"] != "s" || *small[0].Subject != "order" {
		t.Fatalf("the other copy was changed: %v", small[0].ApplicationProperties)
	}
}

func TestTopicWithoutMatchDrops(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{"none": {Filter: Filter{Kind: FilterFalse}}})
	mustSend(t, b, "t", body("lost"))
	wantCounts(t, b, "t/Subscriptions/none", 0, 0, 0, 0)
	mustTopic(t, b, "empty", nil)
	mustSend(t, b, "empty", body("lost"))
}

func TestRulesCRUD(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{"s": nil})
	rules, err := b.ListRules("t", "s")
	if err != nil || len(rules) != 1 || rules[0].Name != DefaultRuleName || rules[0].Filter.Kind != FilterTrue {
		t.Fatalf("default rules = %v, %v", rules, err)
	}
	_, err = b.CreateRule("t", "s", Rule{Name: "bad", Filter: Filter{Kind: FilterSQL, SQLExpression: "a = = 1"}})
	wantCondition(t, err, CondInvalidArgument)
	if err.(*Error).Status != 400 {
		t.Fatalf("bad SQL status = %d", err.(*Error).Status)
	}
	_, err = b.CreateRule("t", "s", Rule{Name: "badaction", Filter: Filter{Kind: FilterTrue}, Action: "SET = 3"})
	wantCondition(t, err, CondInvalidArgument)
	if _, err := b.CreateRule("t", "s", Rule{Name: "flag", Filter: Filter{Kind: FilterSQL, SQLExpression: "flag = 1"}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.CreateRule("t", "s", Rule{Name: "FLAG", Filter: Filter{Kind: FilterTrue}})
	wantCondition(t, err, CondConflict)
	if err := b.DeleteRule("t", "s", DefaultRuleName); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "t", &Message{Body: []byte("yes"), ApplicationProperties: map[string]any{"flag": int64(1)}}, body("no"))
	if got := bodiesIn(t, b, "t/Subscriptions/s"); !slices.Equal(got, []string{"yes"}) {
		t.Fatalf("after replacing $Default got %v", got)
	}
	if _, err := b.UpdateRule("t", "s", Rule{Name: "flag", Filter: Filter{Kind: FilterSQL, SQLExpression: "flag = 2"}}); err != nil {
		t.Fatal(err)
	}
	r, err := b.GetRule("t", "s", "Flag")
	if err != nil || r.Filter.SQLExpression != "flag = 2" || r.CreatedAt.IsZero() {
		t.Fatalf("GetRule = %+v, %v", r, err)
	}
	_, err = b.UpdateRule("t", "s", Rule{Name: "nope", Filter: Filter{Kind: FilterTrue}})
	wantCondition(t, err, CondNotFound)
	wantCondition(t, b.DeleteRule("t", "s", "nope"), CondNotFound)
	_, err = b.ListRules("t", "missing")
	wantCondition(t, err, CondNotFound)
}

func TestTopicScheduledFansOutWhenDue(t *testing.T) {
	b, clk := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{"a": nil, "b": nil})
	at := clk.Now().Add(time.Minute)
	seqs, err := b.Schedule("t", []*Message{{Body: []byte("later"), ScheduledEnqueueTime: at}})
	if err != nil || len(seqs) != 1 {
		t.Fatal(seqs, err)
	}
	if c := mustCounts(t, b, "t"); c.Scheduled != 1 {
		t.Fatalf("topic scheduled count = %d", c.Scheduled)
	}
	wantCounts(t, b, "t/Subscriptions/a", 0, 0, 0, 0)
	clk.Advance(time.Minute)
	b.Tick()
	for _, s := range []string{"a", "b"} {
		if got := bodiesIn(t, b, "t/Subscriptions/"+s); !slices.Equal(got, []string{"later"}) {
			t.Fatalf("%s got %v", s, got)
		}
	}
	if c := mustCounts(t, b, "t"); c.Scheduled != 0 {
		t.Fatalf("topic scheduled count after due = %d", c.Scheduled)
	}
	// Cancelling on the topic works like on a queue.
	seqs, _ = b.Schedule("t", []*Message{{Body: []byte("never"), ScheduledEnqueueTime: at.Add(time.Hour)}})
	if err := b.CancelScheduled("t", seqs); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)
	b.Tick()
	wantCounts(t, b, "t/Subscriptions/a", 0, 0, 0, 0)
}
