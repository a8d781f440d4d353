package atom

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestGetMissingIsNil(t *testing.T) {
	env := newEnv(t, Options{})
	must[*broker.EntityInfo](t)(env.b.CreateTopic("t", broker.Properties{}))
	checks := map[string]func() (any, error){
		"queue":                func() (any, error) { return env.admin.GetQueue(env.ctx, "nope", nil) },
		"queue runtime":        func() (any, error) { return env.admin.GetQueueRuntimeProperties(env.ctx, "nope", nil) },
		"topic":                func() (any, error) { return env.admin.GetTopic(env.ctx, "nope", nil) },
		"topic runtime":        func() (any, error) { return env.admin.GetTopicRuntimeProperties(env.ctx, "nope", nil) },
		"subscription":         func() (any, error) { return env.admin.GetSubscription(env.ctx, "t", "nope", nil) },
		"subscription runtime": func() (any, error) { return env.admin.GetSubscriptionRuntimeProperties(env.ctx, "t", "nope", nil) },
		"subscription of none": func() (any, error) { return env.admin.GetSubscription(env.ctx, "nope", "nope", nil) },
		"rule":                 func() (any, error) { return env.admin.GetRule(env.ctx, "t", "nope", "nope", nil) },
	}
	for name, get := range checks {
		v, err := get()
		if err != nil {
			t.Errorf("%s: error %v, want nil", name, err)
		}
		if !isNilPointer(v) {
			t.Errorf("%s: got %+v, want nil", name, v)
		}
	}
	status, body := env.raw(http.MethodGet, "/nope?api-version=2024-05", "", nil)
	if status != http.StatusNotFound || !strings.Contains(body, "<Code>404</Code>") {
		t.Errorf("raw GET: %d %s", status, body)
	}
}

func isNilPointer(v any) bool {
	switch x := v.(type) {
	case *admin.GetQueueResponse:
		return x == nil
	case *admin.GetQueueRuntimePropertiesResponse:
		return x == nil
	case *admin.GetTopicResponse:
		return x == nil
	case *admin.GetTopicRuntimePropertiesResponse:
		return x == nil
	case *admin.GetSubscriptionResponse:
		return x == nil
	case *admin.GetSubscriptionRuntimePropertiesResponse:
		return x == nil
	case *admin.GetRuleResponse:
		return x == nil
	}
	return false
}

func TestSASKeyChecked(t *testing.T) {
	env := newEnv(t, Options{SASKeyName: "RootManageSharedAccessKey", SASKey: testKey})
	if _, err := env.admin.CreateQueue(env.ctx, "q", nil); err != nil {
		t.Fatalf("right key refused: %v", err)
	}
	for name, conn := range map[string]string{
		"wrong key":      connString("RootManageSharedAccessKey", "not-the-key"),
		"wrong key name": connString("Other", testKey),
	} {
		c := env.newAdmin(conn)
		_, err := c.GetQueue(env.ctx, "q", nil)
		wantStatus(t, err, http.StatusUnauthorized)
		_, err = c.CreateQueue(env.ctx, "q2", nil)
		wantStatus(t, err, http.StatusUnauthorized)
		if _, err := env.b.GetQueue("q2"); err == nil {
			t.Errorf("%s: an unauthorized create went through", name)
		}
	}
	status, _ := env.raw(http.MethodGet, "/$Resources/Queues", "", nil)
	if status != http.StatusUnauthorized {
		t.Errorf("no Authorization header: %d", status)
	}
	expired := signLikeSDK("https://localhost/q", "RootManageSharedAccessKey", testKey, time.Now().Add(-time.Hour))
	status, _ = env.raw(http.MethodGet, "/q", "", map[string]string{"Authorization": expired})
	if status != http.StatusUnauthorized {
		t.Errorf("expired token: %d", status)
	}
}

func TestAnyTokenAcceptedByDefault(t *testing.T) {
	env := newEnv(t, Options{})
	c := env.newAdmin(connString("whatever", "any-key"))
	if _, err := c.CreateQueue(env.ctx, "q", nil); err != nil {
		t.Fatal(err)
	}
}

func TestNamespaceProperties(t *testing.T) {
	now := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	env := newEnv(t, Options{Namespace: "myns", Now: func() time.Time { return now }})
	ns := must[admin.GetNamespacePropertiesResponse](t)(env.admin.GetNamespaceProperties(env.ctx, nil))
	if ns.Name != "myns" || ns.SKU != "Standard" || !ns.CreatedTime.Equal(now) || !ns.ModifiedTime.Equal(now) || ns.MessagingUnits != nil {
		t.Errorf("namespace: %+v", ns.NamespaceProperties)
	}
	def := newEnv(t, Options{})
	ns = must[admin.GetNamespacePropertiesResponse](t)(def.admin.GetNamespaceProperties(def.ctx, nil))
	if ns.Name != defaultNamespace || ns.CreatedTime.IsZero() {
		t.Errorf("default namespace: %+v", ns.NamespaceProperties)
	}
}

func TestStatusRoundTrip(t *testing.T) {
	env := newEnv(t, Options{})
	q := must[admin.CreateQueueResponse](t)(env.admin.CreateQueue(env.ctx, "q", &admin.CreateQueueOptions{Properties: &admin.QueueProperties{Status: ptr(admin.EntityStatusDisabled)}}))
	if *q.Status != admin.EntityStatusDisabled {
		t.Errorf("created status %s", *q.Status)
	}
	if info := must[*broker.EntityInfo](t)(env.b.GetQueue("q")); info.Properties.Status != broker.StatusDisabled {
		t.Errorf("broker status %s", info.Properties.Status)
	}
	q.Status = ptr(admin.EntityStatusSendDisabled)
	must[admin.UpdateQueueResponse](t)(env.admin.UpdateQueue(env.ctx, "q", q.QueueProperties, nil))
	got := must[*admin.GetQueueResponse](t)(env.admin.GetQueue(env.ctx, "q", nil))
	if *got.Status != admin.EntityStatusSendDisabled {
		t.Errorf("status after update %s", *got.Status)
	}
	if err := env.b.Send("q", []*broker.Message{{Body: []byte("x")}}); err == nil {
		t.Error("the broker accepts sends to a SendDisabled queue")
	}

	tp := must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "t", nil))
	tp.Status = ptr(admin.EntityStatusDisabled)
	must[admin.UpdateTopicResponse](t)(env.admin.UpdateTopic(env.ctx, "t", tp.TopicProperties, nil))
	if gt := must[*admin.GetTopicResponse](t)(env.admin.GetTopic(env.ctx, "t", nil)); *gt.Status != admin.EntityStatusDisabled {
		t.Errorf("topic status %s", *gt.Status)
	}

	// The SDK never sends a subscription's Status: set it by hand, then check
	// an SDK update keeps it.
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "t", "s", nil))
	body := `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><SubscriptionDescription xmlns="` + nsConnect + `"><Status>ReceiveDisabled</Status></SubscriptionDescription></content></entry>`
	if status, resp := env.raw(http.MethodPut, "/t/Subscriptions/s", body, map[string]string{"If-Match": "*"}); status != http.StatusOK {
		t.Fatalf("raw subscription update: %d %s", status, resp)
	}
	sub := must[*admin.GetSubscriptionResponse](t)(env.admin.GetSubscription(env.ctx, "t", "s", nil))
	if *sub.Status != admin.EntityStatusReceiveDisabled {
		t.Fatalf("subscription status %s", *sub.Status)
	}
	sub.LockDuration = ptr("PT2M")
	upd := must[admin.UpdateSubscriptionResponse](t)(env.admin.UpdateSubscription(env.ctx, "t", "s", sub.SubscriptionProperties, nil))
	if *upd.Status != admin.EntityStatusReceiveDisabled || *upd.LockDuration != "PT2M" {
		t.Errorf("after SDK update: %s", dump(upd.SubscriptionProperties))
	}
}

func TestBadRequestsAnswer400(t *testing.T) {
	env := newEnv(t, Options{})
	must[*broker.EntityInfo](t)(env.b.CreateTopic("t", broker.Properties{}))
	must[*broker.EntityInfo](t)(env.b.CreateSubscription("t", "s", broker.Properties{}, nil))
	entry := func(inner string) string {
		return `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">` + inner + `</content></entry>`
	}
	tests := []struct {
		name, path, body, wantText string
	}{
		{"garbage", "/q", "this is not xml", "not a valid XML document"},
		{"truncated", "/q", `<entry><content><QueueDescription><LockDuration>PT1M`, "not a valid XML document"},
		{"empty body", "/q", "", "not a valid XML document"},
		{"wrong root", "/q", `<feed/>`, "must be an ATOM <entry>"},
		{"no description", "/q", entry(""), "holds no QueueDescription"},
		{"bad duration", "/q", entry(`<QueueDescription><LockDuration>one minute</LockDuration></QueueDescription>`), "LockDuration"},
		{"bad integer", "/q", entry(`<QueueDescription><MaxDeliveryCount>-3</MaxDeliveryCount></QueueDescription>`), "MaxDeliveryCount"},
		{"bad status", "/q", entry(`<QueueDescription><Status>Sleeping</Status></QueueDescription>`), "Status"},
		{"queue body for subscription", "/t/Subscriptions/s2", entry(`<QueueDescription/>`), "SubscriptionDescription"},
		{"rule body for queue", "/q", entry(`<RuleDescription/>`), "QueueDescription or a TopicDescription"},
		{"unknown filter", "/t/Subscriptions/s/Rules/r", entry(`<RuleDescription xmlns:i="` + nsInstance + `"><Filter i:type="Magic"/></RuleDescription>`), "Magic"},
		{"bad skip", "/$Resources/Queues?$skip=x", "", "$skip"},
	}
	for _, tt := range tests {
		method := http.MethodPut
		if strings.Contains(tt.path, "$Resources") {
			method = http.MethodGet
		}
		status, body := env.raw(method, tt.path, tt.body, nil)
		if status != http.StatusBadRequest || !strings.Contains(body, "<Code>400</Code>") || !strings.Contains(body, xmlEscape(tt.wantText)) {
			t.Errorf("%s: %d %s (want 400 mentioning %q)", tt.name, status, body, tt.wantText)
		}
	}
	if _, err := env.b.GetQueue("q"); err == nil {
		t.Error("a refused PUT created the queue")
	}
	if status, _ := env.raw(http.MethodPost, "/q", "", nil); status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", status)
	}
	big := entry(`<QueueDescription><UserMetadata>` + strings.Repeat("x", maxBodyBytes) + `</UserMetadata></QueueDescription>`)
	if status, _ := env.raw(http.MethodPut, "/q", big, nil); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", status)
	}
}

func xmlEscape(s string) string {
	var w docWriter
	w.text("x", s)
	out := w.buf.String()
	return out[len("<x>") : len(out)-len("</x>")]
}
