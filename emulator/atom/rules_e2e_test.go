package atom

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestRulesCRUD(t *testing.T) {
	env := newEnv(t, Options{})
	must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "t", nil))
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "t", "s", nil))

	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	rules := []admin.RuleProperties{
		{Name: "sql", Filter: &admin.SQLFilter{Expression: "amount > 10 AND region = 'eu'"}, Action: &admin.SQLAction{Expression: "SET priority = 'high'"}},
		{Name: "corr", Filter: &admin.CorrelationFilter{
			CorrelationID: ptr("cid"), MessageID: ptr("mid"), To: ptr("to"), ReplyTo: ptr("rt"), Subject: ptr("subj"),
			SessionID: ptr("sid"), ReplyToSessionID: ptr("rsid"), ContentType: ptr("application/json"),
			ApplicationProperties: map[string]any{"s": "v", "n": int64(5), "b": true, "f": 2.5, "t": when},
		}},
		{Name: "never", Filter: &admin.FalseFilter{}},
		{Name: "always", Filter: &admin.TrueFilter{}},
	}
	for _, r := range rules {
		resp, err := env.admin.CreateRule(env.ctx, "t", "s", &admin.CreateRuleOptions{Name: ptr(r.Name), Filter: r.Filter, Action: r.Action})
		if err != nil {
			t.Fatalf("create %s: %v", r.Name, err)
		}
		if !reflect.DeepEqual(resp.RuleProperties, r) {
			t.Errorf("create %s answered %#v / %#v", r.Name, resp.Filter, resp.Action)
		}
		got := must[*admin.GetRuleResponse](t)(env.admin.GetRule(env.ctx, "t", "s", r.Name, nil))
		if got == nil || !reflect.DeepEqual(got.RuleProperties, r) {
			t.Errorf("get %s = %#v", r.Name, got)
		}
	}
	// The broker holds them as its own rules.
	br := must[*broker.Rule](t)(env.b.GetRule("t", "s", "corr"))
	if br.Filter.Kind != broker.FilterCorrelation || br.Filter.Correlation.Subject != "subj" || br.Filter.Correlation.Properties["n"] != int64(5) {
		t.Errorf("broker rule: %+v %+v", br, br.Filter.Correlation)
	}
	br = must[*broker.Rule](t)(env.b.GetRule("t", "s", "sql"))
	if br.Filter.SQLExpression != "amount > 10 AND region = 'eu'" || br.Action != "SET priority = 'high'" {
		t.Errorf("broker rule: %+v", br)
	}

	_, err := env.admin.CreateRule(env.ctx, "t", "s", &admin.CreateRuleOptions{Name: ptr("SQL"), Filter: &admin.TrueFilter{}})
	wantStatus(t, err, http.StatusConflict)

	// $Default plus the four, listed two per page.
	all := listRules(t, env, "t", "s", 2)
	names := map[string]bool{}
	for _, r := range all {
		names[r.Name] = true
	}
	if len(all) != 5 || len(names) != 5 || !names["$Default"] || !names["corr"] {
		t.Errorf("listed %d rules: %v", len(all), names)
	}

	upd := rules[0]
	upd.Filter = &admin.SQLFilter{Expression: "amount > 100"}
	upd.Action = nil
	updated, err := env.admin.UpdateRule(env.ctx, "t", "s", upd)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(updated.RuleProperties, upd) {
		t.Errorf("update answered %#v / %#v", updated.Filter, updated.Action)
	}
	_, err = env.admin.UpdateRule(env.ctx, "t", "s", admin.RuleProperties{Name: "missing", Filter: &admin.TrueFilter{}})
	wantStatus(t, err, http.StatusNotFound)

	// A creation without a name targets $Default, which exists.
	_, err = env.admin.CreateRule(env.ctx, "t", "s", &admin.CreateRuleOptions{})
	wantStatus(t, err, http.StatusConflict)

	if _, err := env.admin.DeleteRule(env.ctx, "t", "s", "sql", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := env.admin.GetRule(env.ctx, "t", "s", "sql", nil); got != nil || err != nil {
		t.Errorf("get after delete = %v, %v", got, err)
	}
	_, err = env.admin.DeleteRule(env.ctx, "t", "s", "sql", nil)
	wantStatus(t, err, http.StatusNotFound)
	if got, err := env.admin.GetRule(env.ctx, "t", "nosub", "x", nil); got != nil || err != nil {
		t.Errorf("rule of a missing subscription = %v, %v", got, err)
	}
}

func TestRuleWithParametersRefused(t *testing.T) {
	env := newEnv(t, Options{})
	must[admin.CreateTopicResponse](t)(env.admin.CreateTopic(env.ctx, "t", nil))
	must[admin.CreateSubscriptionResponse](t)(env.admin.CreateSubscription(env.ctx, "t", "s", nil))
	_, err := env.admin.CreateRule(env.ctx, "t", "s", &admin.CreateRuleOptions{
		Name:   ptr("p"),
		Filter: &admin.SQLFilter{Expression: "a = @x", Parameters: map[string]any{"@x": 1}},
	})
	wantStatus(t, err, http.StatusBadRequest)
	if r, _ := env.admin.GetRule(env.ctx, "t", "s", "p", nil); r != nil {
		t.Errorf("the refused rule exists: %+v", r)
	}
}
