package broker

import (
	"slices"
	"strings"
)

func (b *Broker) CreateSubscription(topic, name string, p Properties, defaultRule *Rule) (*EntityInfo, error) {
	if err := checkName("subscription", name); err != nil {
		return nil, err
	}
	p, err := normalize(KindSubscription, name, p, b.impl.maxMessageSize)
	if err != nil {
		return nil, err
	}
	rule := Rule{Name: DefaultRuleName, Filter: Filter{Kind: FilterTrue}}
	if defaultRule != nil {
		rule = *defaultRule
		if rule.Name == "" {
			rule.Name = DefaultRuleName
		}
	}
	rule.CreatedAt = b.impl.now()
	cr, err := compileRule(rule)
	if err != nil {
		return nil, err
	}
	bi := b.impl
	bi.mu.Lock()
	t := bi.lookup(topic)
	if t == nil || t.kind != KindTopic {
		bi.mu.Unlock()
		return nil, errNotFound("The topic '%s' could not be found.", topic)
	}
	key := strings.ToLower(name)
	if t.subs[key] != nil {
		bi.mu.Unlock()
		return nil, errConflict("The subscription '%s' already exists in topic '%s'.", name, t.name)
	}
	s := bi.newEntity(KindSubscription, name, t, &entityConfig{props: p, rules: []*compiledRule{cr}})
	t.subs[key] = s
	bi.mu.Unlock()
	return bi.info(s), nil
}

// subscription finds a subscription (b.mu held).
func (b *brokerImpl) subscriptionLocked(topic, name string) (*entity, error) {
	t := b.lookup(topic)
	if t == nil || t.kind != KindTopic {
		return nil, errNotFound("The topic '%s' could not be found.", topic)
	}
	s := t.subs[strings.ToLower(name)]
	if s == nil {
		return nil, errNotFound("The subscription '%s' could not be found in topic '%s'.", name, topic)
	}
	return s, nil
}

func (b *brokerImpl) subscription(topic, name string) (*entity, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.subscriptionLocked(topic, name)
}

func (b *Broker) UpdateSubscription(topic, name string, p Properties) (*EntityInfo, error) {
	s, err := b.impl.subscription(topic, name)
	if err != nil {
		return nil, err
	}
	if err := b.impl.update(s, p); err != nil {
		return nil, err
	}
	return b.impl.info(s), nil
}

func (b *Broker) GetSubscription(topic, name string) (*EntityInfo, error) {
	s, err := b.impl.subscription(topic, name)
	if err != nil {
		return nil, err
	}
	return b.impl.info(s), nil
}

func (b *Broker) DeleteSubscription(topic, name string) error {
	bi := b.impl
	bi.mu.Lock()
	s, err := bi.subscriptionLocked(topic, name)
	if err != nil {
		bi.mu.Unlock()
		return err
	}
	delete(s.topic.subs, strings.ToLower(name))
	bi.mu.Unlock()
	bi.discard(s)
	return nil
}

func (b *Broker) ListSubscriptions(topic string) ([]*EntityInfo, error) {
	bi := b.impl
	bi.mu.RLock()
	t := bi.lookup(topic)
	if t == nil || t.kind != KindTopic {
		bi.mu.RUnlock()
		return nil, errNotFound("The topic '%s' could not be found.", topic)
	}
	subs := sortedSubs(t)
	bi.mu.RUnlock()
	out := make([]*EntityInfo, 0, len(subs))
	for _, s := range subs {
		out = append(out, bi.info(s))
	}
	return out, nil
}

// Rules. Rule names are matched case-insensitively within a subscription.

func (b *Broker) CreateRule(topic, sub string, r Rule) (*Rule, error) {
	r.CreatedAt = b.impl.now()
	return b.impl.changeRules(topic, sub, r.Name, func(rules []*compiledRule, i int) ([]*compiledRule, *Rule, error) {
		if i >= 0 {
			return nil, nil, errConflict("The rule '%s' already exists.", r.Name)
		}
		cr, err := compileRule(r)
		if err != nil {
			return nil, nil, err
		}
		return append(slices.Clone(rules), cr), &cr.rule, nil
	})
}

func (b *Broker) UpdateRule(topic, sub string, r Rule) (*Rule, error) {
	return b.impl.changeRules(topic, sub, r.Name, func(rules []*compiledRule, i int) ([]*compiledRule, *Rule, error) {
		if i < 0 {
			return nil, nil, errNotFound("The rule '%s' could not be found.", r.Name)
		}
		r.CreatedAt = rules[i].rule.CreatedAt
		cr, err := compileRule(r)
		if err != nil {
			return nil, nil, err
		}
		out := slices.Clone(rules)
		out[i] = cr
		return out, &cr.rule, nil
	})
}

func (b *Broker) DeleteRule(topic, sub, name string) error {
	_, err := b.impl.changeRules(topic, sub, name, func(rules []*compiledRule, i int) ([]*compiledRule, *Rule, error) {
		if i < 0 {
			return nil, nil, errNotFound("The rule '%s' could not be found.", name)
		}
		return slices.Delete(slices.Clone(rules), i, i+1), nil, nil
	})
	return err
}

func (b *Broker) GetRule(topic, sub, name string) (*Rule, error) {
	rules, err := b.ListRules(topic, sub)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if strings.EqualFold(r.Name, name) {
			return r, nil
		}
	}
	return nil, errNotFound("The rule '%s' could not be found.", name)
}

func (b *Broker) ListRules(topic, sub string) ([]*Rule, error) {
	s, err := b.impl.subscription(topic, sub)
	if err != nil {
		return nil, err
	}
	rules := s.cfg.Load().rules
	out := make([]*Rule, 0, len(rules))
	for _, cr := range rules {
		r := cr.rule
		out = append(out, &r)
	}
	return out, nil
}

// changeRules replaces a subscription's rule list through fn, which gets the
// current list and the index of the named rule (-1: none).
func (b *brokerImpl) changeRules(topic, sub, name string,
	fn func(rules []*compiledRule, i int) ([]*compiledRule, *Rule, error)) (*Rule, error) {
	if name == "" {
		return nil, errBadArgument("a rule needs a name")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.subscriptionLocked(topic, sub)
	if err != nil {
		return nil, err
	}
	old := s.cfg.Load()
	i := slices.IndexFunc(old.rules, func(cr *compiledRule) bool { return strings.EqualFold(cr.rule.Name, name) })
	rules, r, err := fn(old.rules, i)
	if err != nil {
		return nil, err
	}
	s.cfg.Store(&entityConfig{props: old.props, rules: rules})
	if r != nil {
		c := *r
		r = &c
	}
	return r, nil
}
