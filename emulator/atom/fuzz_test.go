package atom

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Any body on any entity path gets an answer below 500 and never a panic.
func FuzzPutBody(f *testing.F) {
	for _, s := range []string{sdkQueuePut, sdkSubPut, sdkRulePut, "", "<entry>", `<entry><content><TopicDescription><Status>Active</Status></TopicDescription></content></entry>`} {
		f.Add("/q", s, false)
		f.Add("/t/Subscriptions/s", s, true)
		f.Add("/t/Subscriptions/s/Rules/r", s, false)
	}
	b := broker.New(broker.Options{})
	defer b.Close()
	if _, err := b.CreateTopic("t", broker.Properties{}); err != nil {
		f.Fatal(err)
	}
	if _, err := b.CreateSubscription("t", "s", broker.Properties{}, nil); err != nil {
		f.Fatal(err)
	}
	h := NewHandler(b, Options{})
	f.Fuzz(func(t *testing.T, path, body string, update bool) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		req := httptest.NewRequest(http.MethodPut, "http://localhost/", strings.NewReader(body))
		req.URL.Path = path // any decoded path, as the server would hand it over
		if update {
			req.Header.Set("If-Match", "*")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("PUT %s answered %d: %s", path, rec.Code, rec.Body.String())
		}
	})
}

// Decoding any document and converting it never panics.
func FuzzDecodeEntry(f *testing.F) {
	for _, s := range []string{sdkQueuePut, sdkSubPut, sdkRulePut, "<entry/>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		kind, c, err := decodeEntry([]byte(body))
		if err != nil {
			return
		}
		switch kind {
		case descQueue:
			_, _, _ = applyDescription(broker.KindQueue, broker.Properties{}, c.Queue)
		case descTopic:
			_, _, _ = applyDescription(broker.KindTopic, broker.Properties{}, c.Topic)
		case descSubscription:
			_, _, _ = applyDescription(broker.KindSubscription, broker.Properties{}, c.Subscription)
			if c.Subscription.DefaultRule != nil {
				_, _ = c.Subscription.DefaultRule.toRule("r")
			}
		case descRule:
			_, _ = c.Rule.toRule("r")
		}
	})
}
