package atom

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestQueueDefaults(t *testing.T) {
	env := newEnv(t, Options{})
	created := must[admin.CreateQueueResponse](t)(env.admin.CreateQueue(env.ctx, "plain", nil))
	want := admin.QueueProperties{
		LockDuration:                        ptr("PT1M"),
		MaxSizeInMegabytes:                  ptr(int32(1024)),
		RequiresDuplicateDetection:          ptr(false),
		RequiresSession:                     ptr(false),
		DefaultMessageTimeToLive:            ptr(infiniteDuration),
		DeadLetteringOnMessageExpiration:    ptr(false),
		DuplicateDetectionHistoryTimeWindow: ptr("PT10M"),
		MaxDeliveryCount:                    ptr(int32(10)),
		EnableBatchedOperations:             ptr(true),
		Status:                              ptr(admin.EntityStatusActive),
		AutoDeleteOnIdle:                    ptr(infiniteDuration),
		EnablePartitioning:                  ptr(false),
		MaxMessageSizeInKilobytes:           ptr(int64(256)),
	}
	if !reflect.DeepEqual(created.QueueProperties, want) {
		t.Errorf("created:\n got %s\nwant %s", dump(created.QueueProperties), dump(want))
	}
	rt := must[*admin.GetQueueRuntimePropertiesResponse](t)(env.admin.GetQueueRuntimeProperties(env.ctx, "plain", nil))
	if rt.CreatedAt.IsZero() || rt.UpdatedAt.IsZero() || rt.TotalMessageCount != 0 || rt.SizeInBytes != 0 {
		t.Errorf("runtime properties of a new queue: %+v", rt.QueueRuntimeProperties)
	}
}

func TestQueueCRUD(t *testing.T) {
	env := newEnv(t, Options{})
	must[admin.CreateQueueResponse](t)(env.admin.CreateQueue(env.ctx, "target", nil))
	props := &admin.QueueProperties{
		LockDuration:                        ptr("PT45S"),
		MaxSizeInMegabytes:                  ptr(int32(2048)),
		RequiresDuplicateDetection:          ptr(true),
		DefaultMessageTimeToLive:            ptr("P14D"),
		DeadLetteringOnMessageExpiration:    ptr(true),
		DuplicateDetectionHistoryTimeWindow: ptr("PT20M"),
		MaxDeliveryCount:                    ptr(int32(5)),
		EnableBatchedOperations:             ptr(false),
		AutoDeleteOnIdle:                    ptr("PT2H"),
		ForwardDeadLetteredMessagesTo:       ptr("target"),
		UserMetadata:                        ptr("meta <&> data"),
	}
	created := must[admin.CreateQueueResponse](t)(env.admin.CreateQueue(env.ctx, "Orders", &admin.CreateQueueOptions{Properties: props}))
	for name, pair := range map[string][2]any{
		"LockDuration":     {*created.LockDuration, "PT45S"},
		"TTL":              {*created.DefaultMessageTimeToLive, "P14D"},
		"DupWindow":        {*created.DuplicateDetectionHistoryTimeWindow, "PT20M"},
		"AutoDelete":       {*created.AutoDeleteOnIdle, "PT2H"},
		"MaxDeliveryCount": {*created.MaxDeliveryCount, int32(5)},
		"MaxSize":          {*created.MaxSizeInMegabytes, int32(2048)},
		"DupDetection":     {*created.RequiresDuplicateDetection, true},
		"DLOnExpiry":       {*created.DeadLetteringOnMessageExpiration, true},
		"Batched":          {*created.EnableBatchedOperations, false},
		"ForwardDLQ":       {*created.ForwardDeadLetteredMessagesTo, "target"},
		"UserMetadata":     {*created.UserMetadata, "meta <&> data"},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
	}
	if created.ForwardTo != nil {
		t.Errorf("ForwardTo = %q, want it absent", *created.ForwardTo)
	}
	// The broker itself holds the queue with those properties.
	info := must[*broker.EntityInfo](t)(env.b.GetQueue("orders"))
	if info.Name != "Orders" || info.Properties.MaxDeliveryCount != 5 || info.Properties.UserMetadata != "meta <&> data" {
		t.Errorf("broker sees %+v", info)
	}

	// Names match case-insensitively; the stored spelling is kept.
	got := must[*admin.GetQueueResponse](t)(env.admin.GetQueue(env.ctx, "ORDERS", nil))
	if got == nil || !reflect.DeepEqual(got.QueueProperties, created.QueueProperties) {
		t.Fatalf("get:\n got %v\nwant %s", got, dump(created.QueueProperties))
	}
	_, err := env.admin.CreateQueue(env.ctx, "orders", nil)
	wantStatus(t, err, http.StatusConflict)

	// Update: full replacement of what the caller sends.
	upd := got.QueueProperties
	upd.MaxDeliveryCount = ptr(int32(101))
	upd.ForwardTo = ptr("target")
	upd.UserMetadata = nil
	upd.AuthorizationRules = []admin.AuthorizationRule{{KeyName: ptr("listener"), AccessRights: []admin.AccessRight{admin.AccessRightListen}, PrimaryKey: ptr("pk"), SecondaryKey: ptr("sk")}}
	updated := must[admin.UpdateQueueResponse](t)(env.admin.UpdateQueue(env.ctx, "Orders", upd, nil))
	if *updated.MaxDeliveryCount != 101 || updated.ForwardTo == nil || *updated.ForwardTo != "target" || updated.UserMetadata != nil {
		t.Errorf("updated: %s", dump(updated.QueueProperties))
	}
	if !reflect.DeepEqual(updated.AuthorizationRules, upd.AuthorizationRules) {
		t.Errorf("authorization rules: got %+v, want %+v", updated.AuthorizationRules, upd.AuthorizationRules)
	}
	if info := must[*broker.EntityInfo](t)(env.b.GetQueue("Orders")); info.Properties.MaxDeliveryCount != 101 || info.Properties.ForwardTo != "target" {
		t.Errorf("broker after update: %+v", info.Properties)
	}

	// RequiresSession is fixed at creation.
	upd.RequiresSession = ptr(true)
	_, err = env.admin.UpdateQueue(env.ctx, "Orders", upd, nil)
	wantStatus(t, err, http.StatusBadRequest)
	if !strings.Contains(err.Error(), "The value for the RequiresSession property of an existing Queue cannot be changed") {
		t.Errorf("error text: %v", err)
	}
	_, err = env.admin.UpdateQueue(env.ctx, "missing", admin.QueueProperties{}, nil)
	wantStatus(t, err, http.StatusNotFound)
	if !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("error text: %v", err)
	}

	must[admin.DeleteQueueResponse](t)(env.admin.DeleteQueue(env.ctx, "orders", nil))
	if got, err := env.admin.GetQueue(env.ctx, "Orders", nil); got != nil || err != nil {
		t.Errorf("get after delete = %v, %v", got, err)
	}
	_, err = env.admin.DeleteQueue(env.ctx, "Orders", nil)
	wantStatus(t, err, http.StatusNotFound)
}

func TestTopicCRUD(t *testing.T) {
	env := newEnv(t, Options{})
	created := must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "Events", &admin.CreateTopicOptions{Properties: &admin.TopicProperties{
		DefaultMessageTimeToLive: ptr("PT45S"),
		SupportOrdering:          ptr(true),
		UserMetadata:             ptr("topic meta"),
		MaxSizeInMegabytes:       ptr(int32(2048)),
	}}))
	if *created.DefaultMessageTimeToLive != "PT45S" || !*created.SupportOrdering || *created.UserMetadata != "topic meta" || *created.MaxSizeInMegabytes != 2048 || *created.MaxMessageSizeInKilobytes != 256 {
		t.Errorf("created: %s", dump(created.TopicProperties))
	}
	if _, err := env.b.GetTopic("events"); err != nil {
		t.Errorf("broker does not see the topic: %v", err)
	}
	// Queues and topics share one namespace.
	_, err := env.admin.CreateQueue(env.ctx, "EVENTS", nil)
	wantStatus(t, err, http.StatusConflict)
	_, err = env.admin.CreateTopic(env.ctx, "events", nil)
	wantStatus(t, err, http.StatusConflict)

	got := must[*admin.GetTopicResponse](t)(env.admin.GetTopic(env.ctx, "events", nil))
	if got == nil || !reflect.DeepEqual(got.TopicProperties, created.TopicProperties) {
		t.Fatalf("get: %v", got)
	}
	upd := got.TopicProperties
	upd.DefaultMessageTimeToLive = ptr("P1D")
	upd.UserMetadata = nil
	updated := must[admin.UpdateTopicResponse](t)(env.admin.UpdateTopic(env.ctx, "events", upd, nil))
	if *updated.DefaultMessageTimeToLive != "P1D" || updated.UserMetadata != nil {
		t.Errorf("updated: %s", dump(updated.TopicProperties))
	}
	_, err = env.admin.UpdateTopic(env.ctx, "nope", upd, nil)
	wantStatus(t, err, http.StatusNotFound)

	must[admin.DeleteTopicResponse](t)(env.admin.DeleteTopic(env.ctx, "Events", nil))
	if got, err := env.admin.GetTopic(env.ctx, "Events", nil); got != nil || err != nil {
		t.Errorf("get after delete = %v, %v", got, err)
	}
	_, err = env.admin.DeleteTopic(env.ctx, "Events", nil)
	wantStatus(t, err, http.StatusNotFound)
}

func TestSubscriptionCRUD(t *testing.T) {
	env := newEnv(t, Options{})
	must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "t", nil))
	must[admin.CreateQueueResponse](t)(env.admin.CreateQueue(env.ctx, "fwd", nil))

	created := must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "t", "Sub1", &admin.CreateSubscriptionOptions{Properties: &admin.SubscriptionProperties{
		LockDuration:     ptr("PT30S"),
		MaxDeliveryCount: ptr(int32(3)),
		ForwardTo:        ptr("fwd"),
		UserMetadata:     ptr("sub meta"),
		EnableDeadLetteringOnFilterEvaluationExceptions: ptr(false),
	}}))
	if created.TopicName != "t" || created.SubscriptionName != "Sub1" || *created.LockDuration != "PT30S" || *created.MaxDeliveryCount != 3 ||
		*created.ForwardTo != "fwd" || *created.UserMetadata != "sub meta" || *created.EnableDeadLetteringOnFilterEvaluationExceptions ||
		*created.Status != admin.EntityStatusActive || *created.DefaultMessageTimeToLive != infiniteDuration {
		t.Errorf("created: %s", dump(created.SubscriptionProperties))
	}
	// A new subscription gets the $Default rule.
	rules := listRules(t, env, "t", "sub1", 0)
	if len(rules) != 1 || rules[0].Name != "$Default" {
		t.Fatalf("rules of a new subscription: %+v", rules)
	}
	if _, ok := rules[0].Filter.(*admin.TrueFilter); !ok || rules[0].Action != nil {
		t.Errorf("$Default rule = %#v / %#v", rules[0].Filter, rules[0].Action)
	}

	// A default rule given at creation replaces $Default.
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "t", "filtered", &admin.CreateSubscriptionOptions{Properties: &admin.SubscriptionProperties{
		DefaultRule: &admin.RuleProperties{Name: "onlyRed", Filter: &admin.SQLFilter{Expression: "color = 'red'"}, Action: &admin.SQLAction{Expression: "SET seen = 1"}},
	}}))
	rules = listRules(t, env, "t", "filtered", 0)
	if len(rules) != 1 || rules[0].Name != "onlyRed" {
		t.Fatalf("rules: %+v", rules)
	}
	if f, ok := rules[0].Filter.(*admin.SQLFilter); !ok || f.Expression != "color = 'red'" {
		t.Errorf("filter = %#v", rules[0].Filter)
	}
	if a, ok := rules[0].Action.(*admin.SQLAction); !ok || a.Expression != "SET seen = 1" {
		t.Errorf("action = %#v", rules[0].Action)
	}

	_, err := env.admin.CreateSubscription(env.ctx, "t", "SUB1", nil)
	wantStatus(t, err, http.StatusConflict)
	_, err = env.admin.CreateSubscription(env.ctx, "no-topic", "s", nil)
	wantStatus(t, err, http.StatusNotFound)

	got := must[*admin.GetSubscriptionResponse](t)(env.admin.GetSubscription(env.ctx, "T", "sub1", nil))
	if got == nil || !reflect.DeepEqual(got.SubscriptionProperties, created.SubscriptionProperties) {
		t.Fatalf("get: %v", got)
	}
	upd := got.SubscriptionProperties
	upd.LockDuration = ptr("PT4M")
	upd.ForwardTo = nil
	updated := must[admin.UpdateSubscriptionResponse](t)(env.admin.UpdateSubscription(env.ctx, "t", "sub1", upd, nil))
	if *updated.LockDuration != "PT4M" || updated.ForwardTo != nil || *updated.UserMetadata != "sub meta" {
		t.Errorf("updated: %s", dump(updated.SubscriptionProperties))
	}
	upd.RequiresSession = ptr(true)
	_, err = env.admin.UpdateSubscription(env.ctx, "t", "sub1", upd, nil)
	wantStatus(t, err, http.StatusBadRequest)
	if !strings.Contains(err.Error(), "The value for the RequiresSession property of an existing Subscription cannot be changed") {
		t.Errorf("error text: %v", err)
	}
	_, err = env.admin.UpdateSubscription(env.ctx, "t", "missing", upd, nil)
	wantStatus(t, err, http.StatusNotFound)

	must[admin.DeleteSubscriptionResponse](t)(env.admin.DeleteSubscription(env.ctx, "t", "Sub1", nil))
	if got, err := env.admin.GetSubscription(env.ctx, "t", "Sub1", nil); got != nil || err != nil {
		t.Errorf("get after delete = %v, %v", got, err)
	}
	_, err = env.admin.DeleteSubscription(env.ctx, "t", "Sub1", nil)
	wantStatus(t, err, http.StatusNotFound)
}

func listRules(t *testing.T, env *testEnv, topic, sub string, pageSize int32) []admin.RuleProperties {
	t.Helper()
	var out []admin.RuleProperties
	pager := env.admin.NewListRulesPager(topic, sub, &admin.ListRulesOptions{MaxPageSize: pageSize})
	for pages := 0; pager.More(); pages++ {
		if pages > 50 {
			t.Fatal("the rules pager does not stop")
		}
		page, err := pager.NextPage(env.ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Rules...)
	}
	return out
}
