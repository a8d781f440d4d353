package atom

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func (h *handler) subscriptionEntry(q *request, topic string, e *broker.EntityInfo) entryDoc {
	return entryDoc{
		id: entityURL(q, topic+"/Subscriptions/"+e.Name), title: e.Name, published: e.CreatedAt, updated: e.UpdatedAt,
		content: func(w *docWriter) { writeSubscriptionDescription(w, e) },
	}
}

func (h *handler) ruleEntry(q *request, topic, sub string, r *broker.Rule) entryDoc {
	return entryDoc{
		id: entityURL(q, topic+"/Subscriptions/"+sub+"/Rules/"+r.Name), title: r.Name, published: r.CreatedAt, updated: r.CreatedAt,
		content: func(w *docWriter) { writeRuleDescription(w, r) },
	}
}

func (h *handler) listSubscriptions(q *request) (response, error) {
	topic := q.route.entity
	list, err := h.b.ListSubscriptions(topic)
	if err != nil {
		return response{}, err
	}
	sortEntities(list)
	from, to, err := pageBounds(q.r.URL.Query(), len(list))
	if err != nil {
		return response{}, err
	}
	entries := make([]entryDoc, 0, to-from)
	for _, e := range list[from:to] {
		entries = append(entries, h.subscriptionEntry(q, topic, e))
	}
	return h.feedResponse(q, "Subscriptions", entries), nil
}

func (h *handler) subscription(q *request) (response, error) {
	topic, name := q.route.entity, q.route.sub
	switch q.r.Method {
	case http.MethodGet:
		e, err := h.b.GetSubscription(topic, name)
		if err != nil {
			return response{}, err
		}
		return h.entryResponse(http.StatusOK, h.subscriptionEntry(q, topic, e)), nil
	case http.MethodDelete:
		if err := h.b.DeleteSubscription(topic, name); err != nil {
			return response{}, err
		}
		return response{status: http.StatusOK}, nil
	}
	kind, c, err := readEntry(q)
	if err != nil {
		return response{}, err
	}
	if kind != descSubscription {
		return response{}, badRequest("PUT of a subscription needs a SubscriptionDescription")
	}
	props, statusGiven, err := applyDescription(broker.KindSubscription, broker.Defaults(broker.KindSubscription), c.Subscription)
	if err != nil {
		return response{}, badRequest("%v", err)
	}
	if q.isUpdate() {
		old, err := h.b.GetSubscription(topic, name)
		if err != nil {
			return response{}, err
		}
		if err := keepImmutable(&props, old.Properties, statusGiven, "Subscription"); err != nil {
			return response{}, err
		}
		e, err := h.b.UpdateSubscription(topic, name, props)
		if err != nil {
			return response{}, err
		}
		return h.entryResponse(http.StatusOK, h.subscriptionEntry(q, topic, e)), nil
	}
	rule := broker.Rule{Name: broker.DefaultRuleName, Filter: broker.Filter{Kind: broker.FilterTrue}}
	if d := c.Subscription.DefaultRule; d != nil {
		ruleName := strings.TrimSpace(d.Name)
		if ruleName == "" {
			ruleName = broker.DefaultRuleName
		}
		if rule, err = d.toRule(ruleName); err != nil {
			return response{}, badRequest("DefaultRuleDescription: %v", err)
		}
	}
	e, err := h.b.CreateSubscription(topic, name, props, &rule)
	if err != nil {
		return response{}, err
	}
	return h.entryResponse(http.StatusCreated, h.subscriptionEntry(q, topic, e)), nil
}

func (h *handler) listRules(q *request) (response, error) {
	topic, sub := q.route.entity, q.route.sub
	rules, err := h.b.ListRules(topic, sub)
	if err != nil {
		return response{}, err
	}
	sort.SliceStable(rules, func(i, j int) bool {
		return strings.ToLower(rules[i].Name) < strings.ToLower(rules[j].Name)
	})
	from, to, err := pageBounds(q.r.URL.Query(), len(rules))
	if err != nil {
		return response{}, err
	}
	entries := make([]entryDoc, 0, to-from)
	for _, r := range rules[from:to] {
		entries = append(entries, h.ruleEntry(q, topic, sub, r))
	}
	return h.feedResponse(q, "Rules", entries), nil
}

func (h *handler) rule(q *request) (response, error) {
	topic, sub, name := q.route.entity, q.route.sub, q.route.rule
	switch q.r.Method {
	case http.MethodGet:
		r, err := h.b.GetRule(topic, sub, name)
		if err != nil {
			return response{}, err
		}
		return h.entryResponse(http.StatusOK, h.ruleEntry(q, topic, sub, r)), nil
	case http.MethodDelete:
		if err := h.b.DeleteRule(topic, sub, name); err != nil {
			return response{}, err
		}
		return response{status: http.StatusOK}, nil
	}
	kind, c, err := readEntry(q)
	if err != nil {
		return response{}, err
	}
	if kind != descRule {
		return response{}, badRequest("PUT of a rule needs a RuleDescription")
	}
	if name == "" {
		if name = strings.TrimSpace(c.Rule.Name); name == "" {
			name = broker.DefaultRuleName
		}
	}
	rule, err := c.Rule.toRule(name)
	if err != nil {
		return response{}, badRequest("%v", err)
	}
	if q.isUpdate() {
		r, err := h.b.UpdateRule(topic, sub, rule)
		if err != nil {
			return response{}, err
		}
		return h.entryResponse(http.StatusOK, h.ruleEntry(q, topic, sub, r)), nil
	}
	r, err := h.b.CreateRule(topic, sub, rule)
	if err != nil {
		return response{}, err
	}
	return h.entryResponse(http.StatusCreated, h.ruleEntry(q, topic, sub, r)), nil
}
