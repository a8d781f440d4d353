package broker

import (
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	q := Defaults(KindQueue)
	if q.LockDuration != time.Minute || q.MaxDeliveryCount != 10 || q.DefaultMessageTimeToLive != MaxDuration ||
		q.DuplicateDetectionHistoryTimeWindow != 10*time.Minute || q.MaxSizeInMegabytes != 1024 ||
		q.MaxMessageSizeInKilobytes != 256 || q.Status != StatusActive || !q.EnableBatchedOperations {
		t.Fatalf("queue defaults = %+v", q)
	}
	if s := Defaults(KindSubscription); !s.DeadLetteringOnFilterEvaluationExceptions || s.MaxSizeInMegabytes != 0 {
		t.Fatalf("subscription defaults = %+v", s)
	}
	if tp := Defaults(KindTopic); tp.LockDuration != 0 || tp.MaxSizeInMegabytes != 1024 {
		t.Fatalf("topic defaults = %+v", tp)
	}
}

func TestEntityLifecycle(t *testing.T) {
	b, clk := newTestBroker(t)
	info, err := b.CreateQueue("Orders", Properties{LockDuration: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "Orders" || info.Properties.LockDuration != 30*time.Second || info.Properties.MaxDeliveryCount != 10 ||
		info.CreatedAt.IsZero() || info.UpdatedAt.IsZero() || !info.AccessedAt.IsZero() {
		t.Fatalf("created info = %+v", info)
	}
	// Queues and topics share one case-insensitive name space.
	_, err = b.CreateQueue("orders", Properties{})
	wantCondition(t, err, CondConflict)
	_, err = b.CreateTopic("ORDERS", Properties{})
	wantCondition(t, err, CondConflict)
	if got, err := b.GetQueue("oRdErS"); err != nil || got.Name != "Orders" {
		t.Fatalf("GetQueue = %v, %v", got, err)
	}
	_, err = b.GetTopic("orders")
	wantCondition(t, err, CondNotFound)
	clk.Advance(time.Second)
	mustSend(t, b, "orders", body("x"))
	updated, err := b.UpdateQueue("orders", Properties{LockDuration: 45 * time.Second, UserMetadata: "meta"})
	if err != nil || updated.Properties.LockDuration != 45*time.Second || updated.Properties.UserMetadata != "meta" ||
		!updated.UpdatedAt.After(updated.CreatedAt) || updated.AccessedAt.IsZero() || updated.Counts.Active != 1 {
		t.Fatalf("UpdateQueue = %+v, %v", updated, err)
	}
	_, err = b.UpdateQueue("orders", Properties{RequiresSession: true})
	wantCondition(t, err, CondInvalidArgument)
	_, err = b.UpdateQueue("missing", Properties{})
	wantCondition(t, err, CondNotFound)
	for _, bad := range []Properties{{LockDuration: 10 * time.Minute}, {MaxDeliveryCount: -1}, {Status: "Paused"}, {ForwardTo: "BAD"}} {
		_, err := b.CreateQueue("bad", bad)
		wantCondition(t, err, CondInvalidArgument)
	}
	for _, name := range []string{"", "a?b", "x$y"} {
		_, err := b.CreateQueue(name, Properties{})
		wantCondition(t, err, CondInvalidArgument)
	}
	mustCreateQueue(t, b, "another", Properties{})
	if list := b.ListQueues(); len(list) != 2 || list[0].Name != "another" || list[1].Name != "Orders" {
		t.Fatalf("ListQueues = %v", list)
	}
	// Deleting removes the messages and breaks open receivers and locks.
	r := mustReceiver(t, b, "orders", PeekLock)
	d := mustNext(t, r)
	if err := b.DeleteQueue("ORDERS"); err != nil {
		t.Fatal(err)
	}
	wantCondition(t, r.Err(), CondNotFound)
	wantCondition(t, b.Complete(d.LockToken), CondMessageLockLost)
	wantCondition(t, b.DeleteQueue("orders"), CondNotFound)
	mustCreateQueue(t, b, "orders", Properties{})
	wantCounts(t, b, "orders", 0, 0, 0, 0)
}

func TestTopicsAndSubscriptions(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{"a": nil, "B": nil})
	_, err := b.CreateSubscription("t", "b", Properties{}, nil)
	wantCondition(t, err, CondConflict)
	_, err = b.CreateSubscription("missing", "x", Properties{}, nil)
	wantCondition(t, err, CondNotFound)
	mustSend(t, b, "t", body("12345"))
	info, err := b.GetTopic("T")
	if err != nil || info.SubscriptionCount != 2 || info.Counts.SizeInBytes != 2*body("12345").Size()+2*32 {
		t.Fatalf("topic info = %+v, %v", info, err)
	}
	subs, err := b.ListSubscriptions("t")
	if err != nil || len(subs) != 2 || subs[0].Name != "a" || subs[1].Topic != "t" || subs[0].Kind != KindSubscription {
		t.Fatalf("ListSubscriptions = %v, %v", subs, err)
	}
	if s, err := b.UpdateSubscription("t", "a", Properties{MaxDeliveryCount: 3}); err != nil || s.Properties.MaxDeliveryCount != 3 {
		t.Fatalf("UpdateSubscription = %+v, %v", s, err)
	}
	if err := b.DeleteSubscription("t", "A"); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetSubscription("t", "a")
	wantCondition(t, err, CondNotFound)
	if err := b.DeleteTopic("t"); err != nil {
		t.Fatal(err)
	}
	wantCondition(t, b.CheckPath("t/Subscriptions/b"), CondNotFound)
	if len(b.ListTopics()) != 0 {
		t.Fatal("topic still listed")
	}
}

func TestPaths(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustTopic(t, b, "t", map[string]*Rule{"s": nil})
	for _, p := range []string{"q", "Q", "q/$DeadLetterQueue", "q/$Transfer/$DeadLetterQueue", "t",
		"t/Subscriptions/s", "T/subscriptions/S/$deadletterqueue", "/q"} {
		if err := b.CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"x", "t/Subscriptions/x", "q/Subscriptions/s"} {
		wantCondition(t, b.CheckPath(p), CondNotFound)
	}
	wantCondition(t, b.Send("t/Subscriptions/s", []*Message{body("x")}), CondNotAllowed)
	wantCondition(t, b.Send("nope", []*Message{body("x")}), CondNotFound)
	_, err := b.Peek("nope", 1, 1, nil)
	wantCondition(t, err, CondNotFound)
	_, err = b.Counts("nope")
	wantCondition(t, err, CondNotFound)
}
