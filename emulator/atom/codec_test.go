package atom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Bodies exactly as the SDK v1.11.0 writes them (servicebus-wire.md §17.7).
const (
	sdkQueuePut = `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><LockDuration>PT30S</LockDuration><RequiresSession>true</RequiresSession><MaxDeliveryCount>5</MaxDeliveryCount><AuthorizationRules></AuthorizationRules><ForwardTo>q1</ForwardTo></QueueDescription></content></entry>`
	sdkSubPut   = `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><SubscriptionDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><DefaultRuleDescription><Filter xmlns:_XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" _XMLSchema-instance:type="SqlFilter"><SqlExpression>a = 1</SqlExpression></Filter><Name>r1</Name></DefaultRuleDescription></SubscriptionDescription></content></entry>`
	sdkRulePut  = `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><RuleDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Filter xmlns:_XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" _XMLSchema-instance:type="CorrelationFilter"><CorrelationId>cid</CorrelationId><Properties><KeyValueOfstringanyType><Key>k</Key><Value _XMLSchema-instance:type="l28:string" xmlns:l28="http://www.w3.org/2001/XMLSchema">v</Value></KeyValueOfstringanyType><KeyValueOfstringanyType><Key>n</Key><Value _XMLSchema-instance:type="l28:int" xmlns:l28="http://www.w3.org/2001/XMLSchema">5</Value></KeyValueOfstringanyType></Properties></Filter><Action xmlns:_XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" _XMLSchema-instance:type="SqlRuleAction"><SqlExpression>SET a = 2</SqlExpression></Action><Name>r2</Name></RuleDescription></content></entry>`
)

func TestDecodeQueuePut(t *testing.T) {
	kind, c, err := decodeEntry([]byte(sdkQueuePut))
	if err != nil || kind != descQueue {
		t.Fatalf("decodeEntry = %v, %v", kind, err)
	}
	base := broker.Properties{LockDuration: time.Minute, MaxDeliveryCount: 10, Status: broker.StatusActive}
	p, statusGiven, err := applyDescription(broker.KindQueue, base, c.Queue)
	if err != nil {
		t.Fatal(err)
	}
	want := broker.Properties{LockDuration: 30 * time.Second, MaxDeliveryCount: 5, RequiresSession: true, ForwardTo: "q1", Status: broker.StatusActive}
	if !reflect.DeepEqual(p, want) || statusGiven {
		t.Errorf("got %+v (status given %v), want %+v", p, statusGiven, want)
	}
}

func TestApplyDescriptionErrorsNameTheField(t *testing.T) {
	tests := []struct{ body, field string }{
		{`<MaxDeliveryCount>many</MaxDeliveryCount>`, "MaxDeliveryCount"},
		{`<MaxDeliveryCount>0</MaxDeliveryCount>`, "MaxDeliveryCount"},
		{`<LockDuration>1 minute</LockDuration>`, "LockDuration"},
		{`<LockDuration>PT0S</LockDuration>`, "LockDuration"},
		{`<RequiresSession>yes</RequiresSession>`, "RequiresSession"},
		{`<Status>Paused</Status>`, "Status"},
		{`<MaxSizeInMegabytes>99999999999</MaxSizeInMegabytes>`, "MaxSizeInMegabytes"},
	}
	for _, tt := range tests {
		body := `<entry><content><QueueDescription>` + tt.body + `</QueueDescription></content></entry>`
		_, c, err := decodeEntry([]byte(body))
		if err != nil {
			t.Fatalf("decodeEntry(%s): %v", tt.body, err)
		}
		_, _, err = applyDescription(broker.KindQueue, broker.Properties{}, c.Queue)
		if err == nil || !strings.HasPrefix(err.Error(), tt.field+":") {
			t.Errorf("%s: error %v, want one naming %s", tt.body, err, tt.field)
		}
	}
}

func TestApplyDescriptionStatusAndKinds(t *testing.T) {
	body := `<entry><content><TopicDescription><Status>senddisabled</Status><LockDuration>bogus</LockDuration><SupportOrdering>true</SupportOrdering><UserMetadata>hi &amp; bye</UserMetadata><AuthorizationRules><AuthorizationRule><KeyName>k</KeyName></AuthorizationRule></AuthorizationRules></TopicDescription></content></entry>`
	_, c, err := decodeEntry([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	// LockDuration does not apply to topics, so its bad value is ignored.
	p, statusGiven, err := applyDescription(broker.KindTopic, broker.Properties{}, c.Topic)
	if err != nil {
		t.Fatal(err)
	}
	if !statusGiven || p.Status != broker.StatusSendDisabled || !p.SupportOrdering || p.UserMetadata != "hi & bye" {
		t.Errorf("got %+v", p)
	}
	if p.AuthorizationRules != "<AuthorizationRule><KeyName>k</KeyName></AuthorizationRule>" {
		t.Errorf("AuthorizationRules = %q", p.AuthorizationRules)
	}
}

func TestDecodeEntryRejects(t *testing.T) {
	for _, body := range []string{
		"", "not xml", "<entry>", `<feed/>`, `<entry/>`,
		`<entry><content><Foo/></content></entry>`,
		`<entry><content><QueueDescription><LockDuration>PT1M</LockDuration></content></entry>`,
	} {
		if _, _, err := decodeEntry([]byte(body)); err == nil {
			t.Errorf("decodeEntry(%q) succeeded", body)
		}
	}
}

func TestDecodeSubscriptionDefaultRule(t *testing.T) {
	kind, c, err := decodeEntry([]byte(sdkSubPut))
	if err != nil || kind != descSubscription || c.Subscription.DefaultRule == nil {
		t.Fatalf("decodeEntry = %v, %+v, %v", kind, c, err)
	}
	r, err := c.Subscription.DefaultRule.toRule(c.Subscription.DefaultRule.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := broker.Rule{Name: "r1", Filter: broker.Filter{Kind: broker.FilterSQL, SQLExpression: "a = 1"}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v, want %+v", r, want)
	}
}

func TestDecodeRulePut(t *testing.T) {
	kind, c, err := decodeEntry([]byte(sdkRulePut))
	if err != nil || kind != descRule {
		t.Fatalf("decodeEntry = %v, %v", kind, err)
	}
	r, err := c.Rule.toRule("r2")
	if err != nil {
		t.Fatal(err)
	}
	want := broker.Rule{Name: "r2", Action: "SET a = 2", Filter: broker.Filter{Kind: broker.FilterCorrelation, Correlation: &broker.CorrelationFilter{
		CorrelationID: "cid", Properties: map[string]any{"k": "v", "n": int64(5)},
	}}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v / %+v, want %+v", r, r.Filter.Correlation, want)
	}
}

func TestRuleFiltersRejected(t *testing.T) {
	tests := []string{
		`<Filter i:type="SqlFilter"></Filter>`,
		`<Filter i:type="SqlFilter"><SqlExpression>a=@p</SqlExpression><Parameters><KeyValueOfstringanyType><Key>@p</Key><Value i:type="d:int" xmlns:d="x">1</Value></KeyValueOfstringanyType></Parameters></Filter>`,
		`<Filter i:type="MagicFilter"/>`,
		`<Filter/>`,
		`<Filter i:type="CorrelationFilter"><Properties><KeyValueOfstringanyType><Key>k</Key><Value i:type="d:int" xmlns:d="x">five</Value></KeyValueOfstringanyType></Properties></Filter>`,
		`<Filter i:type="CorrelationFilter"><Properties><KeyValueOfstringanyType><Key>k</Key><Value>untyped</Value></KeyValueOfstringanyType></Properties></Filter>`,
		`<Filter i:type="TrueFilter"/><Action i:type="SqlRuleAction"/>`,
		`<Filter i:type="TrueFilter"/><Action i:type="WeirdAction"/>`,
	}
	for _, inner := range tests {
		body := `<entry><content><RuleDescription xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` + inner + `</RuleDescription></content></entry>`
		_, c, err := decodeEntry([]byte(body))
		if err != nil {
			t.Fatalf("decodeEntry(%s): %v", inner, err)
		}
		if r, err := c.Rule.toRule("r"); err == nil {
			t.Errorf("%s: accepted as %+v", inner, r)
		}
	}
}

// What writeRuleDescription prints decodes back to the same rule: the
// document and the parser agree on every filter and action shape.
func TestRuleDocumentRoundTrip(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	rules := []broker.Rule{
		{Name: "$Default", Filter: broker.Filter{Kind: broker.FilterTrue}},
		{Name: "f", Filter: broker.Filter{Kind: broker.FilterFalse}},
		{Name: "s", Filter: broker.Filter{Kind: broker.FilterSQL, SQLExpression: "a > 1 AND b = 'x<y'"}, Action: "SET c = 'd&e'"},
		{Name: "c", Filter: broker.Filter{Kind: broker.FilterCorrelation, Correlation: &broker.CorrelationFilter{
			CorrelationID: "cid", MessageID: "mid", To: "to", ReplyTo: "rt", Subject: "subj", SessionID: "sid",
			ReplyToSessionID: "rsid", ContentType: "ct",
			Properties: map[string]any{"s": "v", "b": true, "i": int64(-7), "f": 1.5, "t": created},
		}}},
	}
	for _, want := range rules {
		want.CreatedAt = created
		var w docWriter
		w.raw(`<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">`)
		writeRuleDescription(&w, &want)
		w.raw(`</content></entry>`)
		_, c, err := decodeEntry(w.buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v\n%s", want.Name, err, w.buf.String())
		}
		got, err := c.Rule.toRule(c.Rule.Name)
		if err != nil {
			t.Fatalf("%s: %v", want.Name, err)
		}
		got.CreatedAt = created
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v %+v\nwant %+v %+v", got, got.Filter.Correlation, want, want.Filter.Correlation)
		}
	}
}

func TestParseRoute(t *testing.T) {
	tests := []struct {
		path string
		want route
	}{
		{"/$namespaceinfo", route{kind: routeNamespace}},
		{"/$Resources/Queues", route{kind: routeQueues}},
		{"/$resources/topics", route{kind: routeTopics}},
		{"/q1", route{kind: routeEntity, entity: "q1"}},
		{"/a/b", route{kind: routeEntity, entity: "a/b"}},
		{"/t/Subscriptions", route{kind: routeSubscriptions, entity: "t"}},
		{"/t/subscriptions/s", route{kind: routeSubscription, entity: "t", sub: "s"}},
		{"/t/Subscriptions/s/Rules/", route{kind: routeRules, entity: "t", sub: "s"}},
		{"/t/Subscriptions/s/Rules/$Default", route{kind: routeRule, entity: "t", sub: "s", rule: "$Default"}},
		{"/a/b/Subscriptions/s", route{kind: routeSubscription, entity: "a/b", sub: "s"}},
	}
	for _, tt := range tests {
		got, err := parseRoute(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("parseRoute(%q) = %+v, %v; want %+v", tt.path, got, err, tt.want)
		}
	}
	for _, bad := range []string{"/", "", "//x", "/Subscriptions/s", "/t/Subscriptions//Rules/r"} {
		if got, err := parseRoute(bad); err == nil {
			t.Errorf("parseRoute(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestPageBounds(t *testing.T) {
	tests := []struct {
		query            string
		total, from, end int
	}{
		{"", 250, 0, 100},
		{"%24skip=200", 250, 200, 250},
		{"%24skip=250", 250, 250, 250},
		{"%24skip=999", 250, 250, 250},
		{"%24top=7&%24skip=3&%3F=", 250, 3, 10},
		{"%24top=500", 250, 0, 250},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		from, end, err := pageBounds(q, tt.total)
		if err != nil || from != tt.from || end != tt.end {
			t.Errorf("pageBounds(%q, %d) = %d, %d, %v; want %d, %d", tt.query, tt.total, from, end, err, tt.from, tt.end)
		}
	}
	for _, bad := range []string{"%24top=-1", "%24skip=x"} {
		q, _ := url.ParseQuery(bad)
		if _, _, err := pageBounds(q, 10); err == nil {
			t.Errorf("pageBounds(%q) accepted", bad)
		}
	}
}

// signLikeSDK builds a token the way the SDK's SAS signer does.
func signLikeSDK(uri, keyName, key string, expiry time.Time) string {
	sr := strings.ToLower(url.QueryEscape(uri))
	se := fmt.Sprint(expiry.Unix())
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(sr + "\n" + se))
	sig := url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return fmt.Sprintf("SharedAccessSignature sr=%s&sig=%s&se=%s&skn=%s", sr, sig, se, keyName)
}

func TestVerifySAS(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	uri := "https://localhost/q1?api-version=2024-05"
	good := signLikeSDK(uri, "Root", "secret", now.Add(time.Hour))
	if err := verifySAS(good, "Root", "secret", now); err != nil {
		t.Fatalf("valid token refused: %v", err)
	}
	if err := verifySAS(good, "", "secret", now); err != nil {
		t.Fatalf("valid token refused without a key name: %v", err)
	}
	bad := map[string]string{
		"wrong key":      signLikeSDK(uri, "Root", "other", now.Add(time.Hour)),
		"wrong key name": signLikeSDK(uri, "Other", "secret", now.Add(time.Hour)),
		"expired":        signLikeSDK(uri, "Root", "secret", now.Add(-time.Minute)),
		"missing":        "",
		"bearer":         "Bearer abc",
		"no sig":         "SharedAccessSignature sr=x&se=1&skn=Root",
		"bad base64":     "SharedAccessSignature sr=x&sig=%%%&se=1&skn=Root",
		"tampered sr":    strings.Replace(good, "q1", "q2", 1),
	}
	for name, h := range bad {
		if err := verifySAS(h, "Root", "secret", now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
