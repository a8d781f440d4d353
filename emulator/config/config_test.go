package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestParseSample(t *testing.T) {
	cfg, err := Parse([]byte(sampleConfig), "Config.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Namespaces) != 1 || cfg.Namespaces[0].Name != "sbemulatorns" {
		t.Fatalf("namespaces = %+v", cfg.Namespaces)
	}
	ns := cfg.Namespaces[0]
	if len(ns.Queues) != 1 || len(ns.Topics) != 1 {
		t.Fatalf("queues %d, topics %d; want 1 and 1", len(ns.Queues), len(ns.Topics))
	}

	q := ns.Queues[0]
	wantQ := broker.Defaults(broker.KindQueue)
	wantQ.DefaultMessageTimeToLive = time.Hour
	wantQ.DuplicateDetectionHistoryTimeWindow = 20 * time.Second
	wantQ.LockDuration = time.Minute
	wantQ.MaxDeliveryCount = 3
	if q.Name != "queue.1" || q.Properties != wantQ {
		t.Errorf("queue = %s %+v\nwant queue.1 %+v", q.Name, q.Properties, wantQ)
	}

	tp := ns.Topics[0]
	wantT := broker.Defaults(broker.KindTopic)
	wantT.DefaultMessageTimeToLive = time.Hour
	wantT.DuplicateDetectionHistoryTimeWindow = 20 * time.Second
	if tp.Name != "topic.1" || tp.Properties != wantT {
		t.Errorf("topic = %s %+v\nwant topic.1 %+v", tp.Name, tp.Properties, wantT)
	}
	if len(tp.Subscriptions) != 1 {
		t.Fatalf("subscriptions = %d", len(tp.Subscriptions))
	}

	s := tp.Subscriptions[0]
	wantS := broker.Defaults(broker.KindSubscription)
	wantS.DefaultMessageTimeToLive = time.Hour
	wantS.LockDuration = time.Minute
	wantS.MaxDeliveryCount = 3
	if s.Name != "subscription.1" || s.Properties != wantS {
		t.Errorf("subscription = %s %+v\nwant subscription.1 %+v", s.Name, s.Properties, wantS)
	}

	wantRules := []broker.Rule{
		{Name: "app-prop-filter-1", Filter: broker.Filter{Kind: broker.FilterCorrelation, Correlation: &broker.CorrelationFilter{
			ContentType: "application/text", CorrelationID: "id1", Subject: "subject1", MessageID: "msgid1",
			ReplyTo: "someQueue", ReplyToSessionID: "sessionId", SessionID: "session1", To: "xyz",
			Properties: map[string]any{"prop1": "value1"},
		}}},
		{Name: "sql-filter-1", Filter: broker.Filter{Kind: broker.FilterSQL,
			SQLExpression: "sys.MessageId = '123456' AND userProp1 = 'value1'"}, Action: "SET sys.To = 'Entity'"},
	}
	if !reflect.DeepEqual(s.Rules, wantRules) {
		t.Errorf("rules = %#v\nwant %#v", s.Rules, wantRules)
	}
}

func TestParseOverlaysOnlyWhatIsSet(t *testing.T) {
	cfg, err := Parse([]byte(doc(`{"Name": "q", "Properties": {"RequiresSession": true}}, {"Name": "bare"}`, "")), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	want := broker.Defaults(broker.KindQueue)
	if got := cfg.Namespaces[0].Queues[1].Properties; got != want {
		t.Errorf("queue without Properties = %+v, want the defaults %+v", got, want)
	}
	want.RequiresSession = true
	if got := cfg.Namespaces[0].Queues[0].Properties; got != want {
		t.Errorf("queue = %+v, want %+v", got, want)
	}
}

func TestParseValues(t *testing.T) {
	cfg, err := Parse([]byte(rules(`
		{"Name": "c", "Properties": {"FilterType": "correlation", "CorrelationFilter": {"Subject": "s", "Properties": {"n": 5, "f": 1.5, "b": true, "s": "x"}}}},
		{"Name": "inferred", "Properties": {"SqlFilter": {"SqlExpression": "1=1"}}},
		{"Name": "$Default", "Properties": {"CorrelationFilter": {"To": "a"}, "Action": {"SqlExpression": "  "}}}`)), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	rs := cfg.Namespaces[0].Topics[0].Subscriptions[0].Rules
	if len(rs) != 3 {
		t.Fatalf("rules = %d", len(rs))
	}
	c := rs[0].Filter.Correlation
	wantProps := map[string]any{"n": int64(5), "f": 1.5, "b": true, "s": "x"}
	if rs[0].Filter.Kind != broker.FilterCorrelation || c.Subject != "s" || !reflect.DeepEqual(c.Properties, wantProps) {
		t.Errorf("correlation rule = %+v / %+v", rs[0].Filter, c)
	}
	if rs[1].Filter.Kind != broker.FilterSQL || rs[1].Filter.SQLExpression != "1=1" {
		t.Errorf("inferred SQL rule = %+v", rs[1].Filter)
	}
	if rs[2].Filter.Kind != broker.FilterCorrelation || rs[2].Filter.Correlation.To != "a" || rs[2].Action != "" {
		t.Errorf("inferred correlation rule = %+v action %q", rs[2].Filter, rs[2].Action)
	}
}

func TestParseErrors(t *testing.T) {
	q := func(props string) string { return doc(`{"Name": "orders", "Properties": {`+props+`}}`, "") }
	cases := []struct {
		name, doc, want string
	}{
		{"syntax", "{\n  \"UserConfig\": {\n    \"Namespaces\": [,]\n", "c.json: 3:20: invalid JSON: invalid character ','"},
		{"truncated", `{"UserConfig": {`, "c.json: 1:17: invalid JSON: unexpected end of input"},
		{"trailing", `{"UserConfig": {"Namespaces": []}} {}`, "c.json: unexpected data after the top-level JSON value"},
		{"not an object", `[]`, "c.json: value: expected an object, found JSON array"},
		{"unknown top field", `{"UserConfg": {}}`, `c.json: unknown field "UserConfg" (did you mean UserConfig?)`},
		{"no UserConfig", `{}`, "c.json: UserConfig is missing"},
		{"no namespaces", `{"UserConfig": {"Namespaces": []}}`, "c.json: UserConfig.Namespaces: at least one namespace is needed"},
		{"namespaces wrong type", `{"UserConfig": {"Namespaces": {}}}`, "c.json: UserConfig.Namespaces: expected an array, found JSON object"},
		{"namespace name missing", `{"UserConfig": {"Namespaces": [{"Queues": []}]}}`, "c.json: namespace #1: Name is missing"},
		{"namespace unknown field", `{"UserConfig": {"Namespaces": [{"Name": "ns", "Queue": []}]}}`, `c.json: namespace "ns": unknown field "Queue" (did you mean Queues?)`},

		{"lock too long", q(`"LockDuration": "PT10M"`), `c.json: queue "orders": Properties.LockDuration: "PT10M" is above the maximum of 5 minutes`},
		{"lock too short", q(`"LockDuration": "PT1S"`), `c.json: queue "orders": Properties.LockDuration: "PT1S" is below the minimum of 5 seconds`},
		{"bad duration", q(`"DefaultMessageTimeToLive": "1 hour"`), `c.json: queue "orders": Properties.DefaultMessageTimeToLive: "1 hour" is not an ISO 8601 duration such as PT1M: must start with P`},
		{"zero ttl", q(`"DefaultMessageTimeToLive": "PT0S"`), `queue "orders": Properties.DefaultMessageTimeToLive: "PT0S" is below the minimum of 1 second`},
		{"dup window too short", q(`"DuplicateDetectionHistoryTimeWindow": "PT10S"`), `Properties.DuplicateDetectionHistoryTimeWindow: "PT10S" is below the minimum of 20 seconds`},
		{"dup window too long", q(`"DuplicateDetectionHistoryTimeWindow": "P8D"`), `"P8D" is above the maximum of 7 days`},
		{"duration wrong type", q(`"LockDuration": 60`), `c.json: queue "orders": Properties.LockDuration: expected a string, found JSON number`},
		{"zero deliveries", q(`"MaxDeliveryCount": 0`), `c.json: queue "orders": Properties.MaxDeliveryCount: 0 is below the minimum of 1`},
		{"negative deliveries", q(`"MaxDeliveryCount": -3`), `Properties.MaxDeliveryCount: -3 is below the minimum of 1`},
		{"huge deliveries", q(`"MaxDeliveryCount": 3000000000`), `Properties.MaxDeliveryCount: 3000000000 is above the maximum of 2147483647`},
		{"fractional deliveries", q(`"MaxDeliveryCount": 2.5`), `Properties.MaxDeliveryCount: expected an integer, found JSON number 2.5`},
		{"string deliveries", q(`"MaxDeliveryCount": "3"`), `queue "orders": Properties.MaxDeliveryCount: expected an integer, found JSON string`},
		{"bool wrong type", q(`"RequiresSession": "yes"`), `Properties.RequiresSession: expected true or false, found JSON string`},
		{"misspelt field", q(`"LockDurration": "PT1M"`), `c.json: queue "orders": unknown field "LockDurration" (did you mean Properties.LockDuration?)`},
		{"topic-only field on queue", q(`"SupportOrdering": true`), `queue "orders": unknown field "SupportOrdering"`},
		{"queue field on topic", doc("", `{"Name": "t", "Properties": {"LockDuration": "PT1M"}}`), `topic "t": unknown field "LockDuration"`},
		{"forward missing", q(`"ForwardTo": "nowhere"`), `c.json: queue "orders": Properties.ForwardTo: "nowhere" is not a queue or topic of this namespace`},
		{"forward dlq missing", q(`"ForwardDeadLetteredMessagesTo": "nowhere"`), `Properties.ForwardDeadLetteredMessagesTo: "nowhere" is not a queue or topic`},
		{"forward self", q(`"ForwardTo": "ORDERS"`), `queue "orders": Properties.ForwardTo: "ORDERS" cannot forward to itself`},
		{"sub forward missing", sub(`{"Name": "s", "Properties": {"ForwardTo": "gone"}}`), `c.json: topic "t" subscription "s": Properties.ForwardTo: "gone" is not a queue or topic`},
		{"queue name missing", doc(`{"Properties": {}}`, ""), "c.json: queue #1: Name: is missing"},
		{"queue name bad char", doc(`{"Name": "a b"}`, ""), `queue "a b": Name: "a b" contains ' '`},
		{"queue name slash", doc(`{"Name": "a/"}`, ""), `cannot start or end with '/'`},
		{"duplicate queue", doc(`{"Name": "a"}, {"Name": "A"}`, ""), `c.json: queue "A": Name: duplicates queue "a" (names are case-insensitive)`},
		{"queue and topic clash", doc(`{"Name": "x"}`, `{"Name": "X"}`), `topic "X": Name: duplicates queue "x"`},
		{"duplicate subscription", sub(`{"Name": "s"}, {"Name": "S"}`), `topic "t" subscription "S": Name: duplicates topic "t" subscription "s"`},
		{"subscription name slash", sub(`{"Name": "a/b"}`), `subscription "a/b": Name: "a/b" contains '/'`},
		{"long subscription name", sub(`{"Name": "` + strings.Repeat("s", 51) + `"}`), `is longer than 50 characters`},
		{"unknown FilterType", rules(`{"Name": "r", "Properties": {"FilterType": "Regex"}}`), `c.json: topic "t" subscription "s" rule "r": Properties.FilterType: "Regex" is not Sql or Correlation`},
		{"no FilterType", rules(`{"Name": "r", "Properties": {}}`), `rule "r": Properties.FilterType is missing (Sql or Correlation)`},
		{"bad SQL", rules(`{"Name": "r", "Properties": {"FilterType": "Sql", "SqlFilter": {"SqlExpression": "a IN ('x'"}}}`), `rule "r": Properties.SqlFilter.SqlExpression: position 10: expected ')' after IN list`},
		{"missing SQL", rules(`{"Name": "r", "Properties": {"FilterType": "Sql"}}`), `rule "r": Properties.SqlFilter.SqlExpression is missing`},
		{"bad action", rules(`{"Name": "r", "Properties": {"FilterType": "Sql", "SqlFilter": {"SqlExpression": "1=1"}, "Action": {"SqlExpression": "SET = 1"}}}`), `rule "r": Properties.Action.SqlExpression: position 5: expected a property name`},
		{"both filters", rules(`{"Name": "r", "Properties": {"FilterType": "Sql", "SqlFilter": {"SqlExpression": "1=1"}, "CorrelationFilter": {}}}`), `Properties.CorrelationFilter: set, but FilterType is Sql`},
		{"missing correlation", rules(`{"Name": "r", "Properties": {"FilterType": "Correlation"}}`), `rule "r": Properties.CorrelationFilter is missing`},
		{"correlation object value", rules(`{"Name": "r", "Properties": {"CorrelationFilter": {"Properties": {"k": {}}}}}`), `rule "r": Properties.CorrelationFilter.Properties.k: must be a string, number or boolean`},
		{"label and subject", rules(`{"Name": "r", "Properties": {"CorrelationFilter": {"Label": "a", "Subject": "b"}}}`), `Label "a" and Subject "b" disagree`},
		{"duplicate rule", rules(`{"Name": "r", "Properties": {"SqlFilter": {"SqlExpression": "1=1"}}}, {"Name": "R", "Properties": {"SqlFilter": {"SqlExpression": "1=0"}}}`), `rule "R": Name: duplicates`},
		{"rule field typo", rules(`{"Name": "r", "Properties": {"SqlFilter": {"SqlExpresion": "1=1"}}}`), `unknown field "SqlExpresion" (did you mean Properties.SqlFilter.SqlExpression?)`},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.doc), "c.json")
		if err == nil {
			t.Errorf("%s: no error, want %q", c.name, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got: %v\nwant: %s", c.name, err, c.want)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.File != "c.json" || len(ce.Problems) == 0 {
			t.Errorf("%s: error %T is not a *config.Error for c.json", c.name, err)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(doc(`{"Name": "a", "Properties": {"LockDuration": "PT1H", "MaxDeliveryCount": 0}}, {"Name": "b", "Properties": {"ForwardTo": "z"}}`, "")), "c.json")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v", err)
	}
	if len(ce.Problems) != 3 {
		t.Fatalf("problems = %q, want 3", ce.Problems)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, "c.json: queue ") {
			t.Errorf("line %q does not name the file and the queue", line)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Config.json")
	if err := os.WriteFile(path, []byte(sampleConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Namespaces[0].Queues[0].Name != "queue.1" {
		t.Errorf("loaded %+v", cfg)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load of a missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(doc(`{"Name": "q", "Properties": {"LockDuration": "PT10M"}}`, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+`: queue "q": Properties.LockDuration`) {
		t.Errorf("Load(bad) = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sampleConfig)
	f.Add(doc(`{"Name": "a", "Properties": {"ForwardTo": "b"}}, {"Name": "b", "Properties": {"ForwardTo": "a"}}`, ""))
	f.Add(rules(`{"Name": "r", "Properties": {"CorrelationFilter": {"Properties": {"k": 1e400}}}}`))
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := Parse([]byte(s), "f.json")
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.json: ") {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}
