package config

import (
	"fmt"
	"strings"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// apply creates topics first (they forward nothing), then queues with each
// queue's forwarding targets before it, then subscriptions, whose targets by
// then all exist. Queues that forward to each other in a cycle are created
// without forwarding and updated with it at the end.
func apply(c *Config, b *broker.Broker) error {
	if c == nil || len(c.Namespaces) == 0 {
		return fmt.Errorf("config: no namespace to apply")
	}
	if b == nil {
		return fmt.Errorf("config: no broker to apply to")
	}
	ns := c.Namespaces[0]
	for _, t := range ns.Topics {
		if _, err := b.CreateTopic(t.Name, t.Properties); err != nil {
			return fmt.Errorf("config: topic %q: %w", t.Name, err)
		}
	}
	order, deferred := queueOrder(ns.Queues)
	for _, i := range order {
		q := ns.Queues[i]
		p := q.Properties
		if deferred[i] {
			p.ForwardTo, p.ForwardDeadLetteredMessagesTo = "", ""
		}
		if _, err := b.CreateQueue(q.Name, p); err != nil {
			return fmt.Errorf("config: queue %q: %w", q.Name, err)
		}
	}
	for _, t := range ns.Topics {
		for _, s := range t.Subscriptions {
			if err := applySubscription(b, t.Name, s); err != nil {
				return err
			}
		}
	}
	for _, i := range order {
		if q := ns.Queues[i]; deferred[i] {
			if _, err := b.UpdateQueue(q.Name, q.Properties); err != nil {
				return fmt.Errorf("config: queue %q: %w", q.Name, err)
			}
		}
	}
	return nil
}

func applySubscription(b *broker.Broker, topic string, s Subscription) error {
	var first *broker.Rule
	if len(s.Rules) > 0 {
		r := s.Rules[0]
		first = &r
	}
	if _, err := b.CreateSubscription(topic, s.Name, s.Properties, first); err != nil {
		return fmt.Errorf("config: topic %q subscription %q: %w", topic, s.Name, err)
	}
	for _, r := range s.Rules[min(1, len(s.Rules)):] {
		if _, err := b.CreateRule(topic, s.Name, r); err != nil {
			return fmt.Errorf("config: topic %q subscription %q rule %q: %w", topic, s.Name, r.Name, err)
		}
	}
	return nil
}

// queueOrder returns queue indexes so that a queue comes after the queues it
// forwards to, and marks queues whose forwarding closes a cycle.
func queueOrder(queues []Queue) (order []int, deferred map[int]bool) {
	index := map[string]int{}
	for i, q := range queues {
		index[strings.ToLower(q.Name)] = i
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(queues))
	deferred = map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		state[i] = visiting
		for _, target := range []string{queues[i].Properties.ForwardTo, queues[i].Properties.ForwardDeadLetteredMessagesTo} {
			j, ok := index[strings.ToLower(target)]
			if !ok || target == "" {
				continue
			}
			switch state[j] {
			case unseen:
				visit(j)
			case visiting:
				deferred[i] = true
			}
		}
		state[i] = done
		order = append(order, i)
	}
	for i := range queues {
		if state[i] == unseen {
			visit(i)
		}
	}
	return order, deferred
}
