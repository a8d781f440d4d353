package atom

import (
	"fmt"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Without MaxPageSize the SDK pages until it gets an empty feed; 250 queues
// take three full-or-partial pages and one empty one.
func TestListQueuesPastOneHundred(t *testing.T) {
	env := newEnv(t, Options{})
	want := map[string]bool{}
	for i := 0; i < 250; i++ {
		name := fmt.Sprintf("Queue-%03d", i)
		want[name] = true
		must[*broker.EntityInfo](t)(env.b.CreateQueue(name, broker.Properties{}))
	}
	before := env.requests.Load()
	pager := env.admin.NewListQueuesPager(nil)
	got := map[string]bool{}
	var sizes []int
	for pager.More() {
		if len(sizes) > 10 {
			t.Fatalf("the pager does not stop: pages %v", sizes)
		}
		page := must[admin.ListQueuesResponse](t)(pager.NextPage(env.ctx))
		sizes = append(sizes, len(page.Queues))
		for _, q := range page.Queues {
			if got[q.QueueName] {
				t.Errorf("%s listed twice", q.QueueName)
			}
			got[q.QueueName] = true
		}
	}
	if len(got) != 250 {
		t.Errorf("listed %d queues, want 250", len(got))
	}
	for name := range want {
		if !got[name] {
			t.Errorf("%s not listed (names must keep their spelling)", name)
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50 0]" {
		t.Errorf("page sizes %v, want [100 100 50 0]", sizes)
	}
	if n := env.requests.Load() - before; n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

func TestMaxPageSize(t *testing.T) {
	env := newEnv(t, Options{})
	for i := 0; i < 25; i++ {
		must[*broker.EntityInfo](t)(env.b.CreateTopic(fmt.Sprintf("t%02d", i), broker.Properties{}))
		must[*broker.EntityInfo](t)(env.b.CreateSubscription("t00", fmt.Sprintf("s%02d", i), broker.Properties{}, nil))
	}

	var sizes []int
	var names []string
	tp := env.admin.NewListTopicsPager(&admin.ListTopicsOptions{MaxPageSize: 10})
	for tp.More() && len(sizes) < 10 {
		page := must[admin.ListTopicsResponse](t)(tp.NextPage(env.ctx))
		sizes = append(sizes, len(page.Topics))
		for _, x := range page.Topics {
			names = append(names, x.TopicName)
		}
	}
	// A short page ends the listing without an extra request.
	if fmt.Sprint(sizes) != "[10 10 5]" || len(names) != 25 || names[0] != "t00" || names[24] != "t24" {
		t.Errorf("topic pages %v, names %v", sizes, names)
	}

	sizes, names = nil, nil
	sp := env.admin.NewListSubscriptionsPager("t00", &admin.ListSubscriptionsOptions{MaxPageSize: 7})
	for sp.More() && len(sizes) < 10 {
		page := must[admin.ListSubscriptionsResponse](t)(sp.NextPage(env.ctx))
		sizes = append(sizes, len(page.Subscriptions))
		for _, x := range page.Subscriptions {
			if x.TopicName != "t00" {
				t.Errorf("subscription %s has topic %q", x.SubscriptionName, x.TopicName)
			}
			names = append(names, x.SubscriptionName)
		}
	}
	if fmt.Sprint(sizes) != "[7 7 7 4]" || len(names) != 25 || names[24] != "s24" {
		t.Errorf("subscription pages %v, names %v", sizes, names)
	}

	// Exactly a multiple of the page size: the last request gets an empty feed.
	sizes = nil
	qp := env.admin.NewListTopicsRuntimePropertiesPager(&admin.ListTopicsRuntimePropertiesOptions{MaxPageSize: 5})
	for qp.More() && len(sizes) < 10 {
		page := must[admin.ListTopicsRuntimePropertiesResponse](t)(qp.NextPage(env.ctx))
		sizes = append(sizes, len(page.TopicRuntimeProperties))
	}
	if fmt.Sprint(sizes) != "[5 5 5 5 5 0]" {
		t.Errorf("runtime pages %v", sizes)
	}
}
