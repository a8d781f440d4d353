package atom

import (
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestQueueRuntimeProperties(t *testing.T) {
	env := newEnv(t, Options{})
	must[*broker.EntityInfo](t)(env.b.CreateQueue("work", broker.Properties{}))
	sendN(t, env.b, "work", 6, "hello world")
	deadLetterN(t, env.b, "work", 2)
	scheduleN(t, env.b, "work", 3)

	counts := must[broker.Counts](t)(env.b.Counts("work"))
	if counts.Active != 4 || counts.DeadLetter != 2 || counts.Scheduled != 3 || counts.SizeInBytes <= 0 {
		t.Fatalf("broker counts are not what the test set up: %+v", counts)
	}
	rt := must[*admin.GetQueueRuntimePropertiesResponse](t)(env.admin.GetQueueRuntimeProperties(env.ctx, "WORK", nil))
	want := admin.QueueRuntimeProperties{
		SizeInBytes:                    counts.SizeInBytes,
		TotalMessageCount:              9,
		ActiveMessageCount:             4,
		DeadLetterMessageCount:         2,
		ScheduledMessageCount:          3,
		TransferMessageCount:           int32(counts.Transfer),
		TransferDeadLetterMessageCount: int32(counts.TransferDeadLetter),
	}
	got := rt.QueueRuntimeProperties
	got.CreatedAt, got.UpdatedAt, got.AccessedAt = time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("runtime properties:\n got %+v\nwant %+v", got, want)
	}
	if rt.CreatedAt.IsZero() || rt.UpdatedAt.IsZero() {
		t.Errorf("times: %+v", rt.QueueRuntimeProperties)
	}

	// The list pager reports the same.
	pager := env.admin.NewListQueuesRuntimePropertiesPager(nil)
	var items []admin.QueueRuntimePropertiesItem
	for pager.More() {
		page := must[admin.ListQueuesRuntimePropertiesResponse](t)(pager.NextPage(env.ctx))
		items = append(items, page.QueueRuntimeProperties...)
	}
	if len(items) != 1 || items[0].QueueName != "work" || items[0].ActiveMessageCount != 4 || items[0].DeadLetterMessageCount != 2 || items[0].ScheduledMessageCount != 3 {
		t.Errorf("listed: %+v", items)
	}
}

func TestTopicAndSubscriptionRuntimeProperties(t *testing.T) {
	env := newEnv(t, Options{})
	must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "news", nil))
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "news", "all", nil))
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "news", "none", &admin.CreateSubscriptionOptions{Properties: &admin.SubscriptionProperties{
		DefaultRule: &admin.RuleProperties{Name: "nothing", Filter: &admin.FalseFilter{}},
	}}))
	must[admin.CreateRuleResponse](t)(env.admin.CreateRule(env.ctx, "news", "none", &admin.CreateRuleOptions{
		Name: ptr("byCorrelation"), Filter: &admin.CorrelationFilter{CorrelationID: ptr("never-sent")},
	}))

	sendN(t, env.b, "news", 5, "breaking")
	deadLetterN(t, env.b, "news/Subscriptions/all", 1)
	scheduleN(t, env.b, "news", 2)

	bc := must[broker.Counts](t)(env.b.Counts("news/Subscriptions/all"))
	sub := must[*admin.GetSubscriptionRuntimePropertiesResponse](t)(env.admin.GetSubscriptionRuntimeProperties(env.ctx, "news", "all", nil))
	if sub.ActiveMessageCount != 4 || sub.DeadLetterMessageCount != 1 || sub.TotalMessageCount != bc.Active+bc.DeadLetter+bc.Scheduled ||
		sub.TransferMessageCount != int32(bc.Transfer) || sub.TransferDeadLetterMessageCount != int32(bc.TransferDeadLetter) {
		t.Errorf("subscription all: %+v (broker %+v)", sub.SubscriptionRuntimeProperties, bc)
	}
	none := must[*admin.GetSubscriptionRuntimePropertiesResponse](t)(env.admin.GetSubscriptionRuntimeProperties(env.ctx, "news", "none", nil))
	if none.ActiveMessageCount != 0 || none.TotalMessageCount != 0 {
		t.Errorf("subscription none: %+v", none.SubscriptionRuntimeProperties)
	}

	brokerTopic := must[*broker.EntityInfo](t)(env.b.GetTopic("news"))
	topic := must[*admin.GetTopicRuntimePropertiesResponse](t)(env.admin.GetTopicRuntimeProperties(env.ctx, "news", nil))
	// $Default (true) and "nothing" (false) are SQL-family filters.
	if topic.SubscriptionCount != 2 || topic.SQLFilterCount != 2 || topic.CorrelationFilterCount != 1 ||
		topic.ScheduledMessageCount != int32(brokerTopic.Counts.Scheduled) || topic.SizeInBytes != brokerTopic.Counts.SizeInBytes {
		t.Errorf("topic: %+v (broker %+v)", topic.TopicRuntimeProperties, brokerTopic.Counts)
	}
	if topic.SizeInBytes <= 0 {
		t.Errorf("topic SizeInBytes = %d with messages in a subscription", topic.SizeInBytes)
	}

	var subs []admin.SubscriptionRuntimePropertiesItem
	pager := env.admin.NewListSubscriptionsRuntimePropertiesPager("news", nil)
	for pager.More() {
		page := must[admin.ListSubscriptionsRuntimePropertiesResponse](t)(pager.NextPage(env.ctx))
		subs = append(subs, page.SubscriptionRuntimeProperties...)
	}
	if len(subs) != 2 || subs[0].SubscriptionName != "all" || subs[0].ActiveMessageCount != 4 || subs[1].SubscriptionName != "none" {
		t.Errorf("listed: %+v", subs)
	}
	var topics []admin.TopicRuntimePropertiesItem
	tp := env.admin.NewListTopicsRuntimePropertiesPager(nil)
	for tp.More() {
		page := must[admin.ListTopicsRuntimePropertiesResponse](t)(tp.NextPage(env.ctx))
		topics = append(topics, page.TopicRuntimeProperties...)
	}
	if len(topics) != 1 || topics[0].TopicName != "news" || topics[0].SubscriptionCount != 2 {
		t.Errorf("listed topics: %+v", topics)
	}
}

// Counts the broker cannot easily produce (transfer queues, int32 overflow)
// are checked on the document the handler writes.
func TestCountDetailsDocument(t *testing.T) {
	e := &broker.EntityInfo{Kind: broker.KindQueue, Name: "q", Properties: broker.Properties{Status: broker.StatusActive}, Counts: broker.Counts{
		Active: 1, DeadLetter: 2, Scheduled: 3, Transfer: 4, TransferDeadLetter: 5, SizeInBytes: 1 << 40,
	}}
	var w docWriter
	writeQueueDescription(&w, e)
	doc := w.buf.String()
	for _, want := range []string{
		"<d2p1:ActiveMessageCount>1<", "<d2p1:DeadLetterMessageCount>2<", "<d2p1:ScheduledMessageCount>3<",
		"<d2p1:TransferMessageCount>4<", "<d2p1:TransferDeadLetterMessageCount>5<",
		"<MessageCount>15<", "<SizeInBytes>1099511627776<", "<AccessedAt>0001-01-01T00:00:00<",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %s:\n%s", want, doc)
		}
	}
	e.Counts.Active = 1 << 40
	w = docWriter{}
	writeQueueDescription(&w, e)
	if !strings.Contains(w.buf.String(), "<d2p1:ActiveMessageCount>2147483647<") {
		t.Errorf("an int64 count is not clamped to int32:\n%s", w.buf.String())
	}
}
