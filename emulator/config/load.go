package config

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Error lists every problem found in a config file, one per line, each
// naming the file, the entity and the field.
type Error struct {
	File     string
	Problems []string // without the file prefix
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.File + ": " + p
	}
	return strings.Join(lines, "\n")
}

// loader accumulates problems while turning raw JSON into a Config.
type loader struct {
	problems []string
}

func (l *loader) addf(label, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if label != "" {
		msg = label + ": " + msg
	}
	l.problems = append(l.problems, msg)
}

// decode strictly decodes one entity, reporting a failure under its label.
func (l *loader) decode(data []byte, v any, label string, known []string) bool {
	if err := decodeStrict(data, v); err != nil {
		l.addf(label, "%s", describeJSONError(err, data, known))
		return false
	}
	return true
}

func parse(data []byte, filename string) (*Config, error) {
	var file rawFile
	if err := decodeStrict(data, &file); err != nil {
		return nil, &Error{File: filename, Problems: []string{describeJSONError(err, data, knownTop)}}
	}
	l := &loader{}
	switch {
	case file.UserConfig == nil:
		l.addf("", "UserConfig is missing")
	case len(file.UserConfig.Namespaces) == 0:
		l.addf("", "UserConfig.Namespaces: at least one namespace is needed")
	}
	cfg := &Config{}
	if file.UserConfig != nil {
		for i, raw := range file.UserConfig.Namespaces {
			if ns, ok := l.namespace(raw, i); ok {
				cfg.Namespaces = append(cfg.Namespaces, ns)
			}
		}
	}
	if len(l.problems) > 0 {
		return nil, &Error{File: filename, Problems: l.problems}
	}
	return cfg, nil
}

// label names an entity in messages: `queue "orders"`, or `queue #2` when
// it has no usable name.
func label(kind string, raw []byte, index int, parent string) string {
	s := fmt.Sprintf("%s #%d", kind, index+1)
	if name, ok := peekName(raw); ok {
		s = fmt.Sprintf("%s %q", kind, name)
	}
	if parent != "" {
		s = parent + " " + s
	}
	return s
}

// forwardRef is a ForwardTo-style field to check once all names are known.
type forwardRef struct {
	label, field, target, self string
}

func (l *loader) namespace(data []byte, index int) (Namespace, bool) {
	lbl := label("namespace", data, index, "")
	var raw rawNamespace
	if !l.decode(data, &raw, lbl, knownNamespace) {
		return Namespace{}, false
	}
	if strings.TrimSpace(raw.Name) == "" {
		l.addf(lbl, "Name is missing")
	}
	ns := Namespace{Name: raw.Name}
	names := map[string]string{} // lower-case queue/topic name → its label
	var forwards []forwardRef
	claim := func(lbl, name string, validName func(string) string) {
		if msg := validName(name); msg != "" {
			l.addf(lbl, "Name: %s", msg)
			return
		}
		key := strings.ToLower(name)
		if other, dup := names[key]; dup {
			l.addf(lbl, "Name: duplicates %s (names are case-insensitive)", other)
			return
		}
		names[key] = lbl
	}
	for i, q := range raw.Queues {
		lbl := label("queue", q, i, "")
		queue, fw, ok := l.queue(q, lbl)
		if !ok {
			continue
		}
		claim(lbl, queue.Name, entityNameProblem)
		forwards = append(forwards, fw...)
		ns.Queues = append(ns.Queues, queue)
	}
	for i, t := range raw.Topics {
		lbl := label("topic", t, i, "")
		topic, fw, ok := l.topic(t, lbl)
		if !ok {
			continue
		}
		claim(lbl, topic.Name, entityNameProblem)
		forwards = append(forwards, fw...)
		ns.Topics = append(ns.Topics, topic)
	}
	for _, f := range forwards {
		switch {
		case strings.EqualFold(f.target, f.self):
			l.addf(f.label, "%s: %q cannot forward to itself", f.field, f.target)
		case names[strings.ToLower(f.target)] == "":
			l.addf(f.label, "%s: %q is not a queue or topic of this namespace", f.field, f.target)
		}
	}
	return ns, true
}

func (l *loader) queue(data []byte, lbl string) (Queue, []forwardRef, bool) {
	var raw rawQueue
	if !l.decode(data, &raw, lbl, knownQueue) {
		return Queue{}, nil, false
	}
	p := broker.Defaults(broker.KindQueue)
	r := raw.Properties
	setBool(&p.DeadLetteringOnMessageExpiration, r.DeadLetteringOnMessageExpiration)
	setBool(&p.RequiresDuplicateDetection, r.RequiresDuplicateDetection)
	setBool(&p.RequiresSession, r.RequiresSession)
	l.duration(lbl, "DefaultMessageTimeToLive", r.DefaultMessageTimeToLive, &p.DefaultMessageTimeToLive, ttlLimits)
	l.duration(lbl, "DuplicateDetectionHistoryTimeWindow", r.DuplicateDetectionHistoryTimeWindow, &p.DuplicateDetectionHistoryTimeWindow, dupWindowLimits)
	l.duration(lbl, "LockDuration", r.LockDuration, &p.LockDuration, lockLimits)
	l.maxDelivery(lbl, r.MaxDeliveryCount, &p.MaxDeliveryCount)
	fw := l.forwards(lbl, raw.Name, r.ForwardTo, r.ForwardDeadLetteredMessagesTo, &p)
	return Queue{Name: raw.Name, Properties: p}, fw, true
}

func (l *loader) topic(data []byte, lbl string) (Topic, []forwardRef, bool) {
	var raw rawTopic
	if !l.decode(data, &raw, lbl, knownTopic) {
		return Topic{}, nil, false
	}
	p := broker.Defaults(broker.KindTopic)
	r := raw.Properties
	setBool(&p.RequiresDuplicateDetection, r.RequiresDuplicateDetection)
	l.duration(lbl, "DefaultMessageTimeToLive", r.DefaultMessageTimeToLive, &p.DefaultMessageTimeToLive, ttlLimits)
	l.duration(lbl, "DuplicateDetectionHistoryTimeWindow", r.DuplicateDetectionHistoryTimeWindow, &p.DuplicateDetectionHistoryTimeWindow, dupWindowLimits)
	topic := Topic{Name: raw.Name, Properties: p}
	var forwards []forwardRef
	subNames := map[string]string{}
	for i, s := range raw.Subscriptions {
		slbl := label("subscription", s, i, lbl)
		sub, fw, ok := l.subscription(s, slbl)
		if !ok {
			continue
		}
		if msg := subscriptionNameProblem(sub.Name); msg != "" {
			l.addf(slbl, "Name: %s", msg)
		} else if other, dup := subNames[strings.ToLower(sub.Name)]; dup {
			l.addf(slbl, "Name: duplicates %s (names are case-insensitive)", other)
		} else {
			subNames[strings.ToLower(sub.Name)] = slbl
		}
		forwards = append(forwards, fw...)
		topic.Subscriptions = append(topic.Subscriptions, sub)
	}
	return topic, forwards, true
}

func (l *loader) subscription(data []byte, lbl string) (Subscription, []forwardRef, bool) {
	var raw rawSubscription
	if !l.decode(data, &raw, lbl, knownSubscription) {
		return Subscription{}, nil, false
	}
	p := broker.Defaults(broker.KindSubscription)
	r := raw.Properties
	setBool(&p.DeadLetteringOnMessageExpiration, r.DeadLetteringOnMessageExpiration)
	setBool(&p.RequiresSession, r.RequiresSession)
	l.duration(lbl, "DefaultMessageTimeToLive", r.DefaultMessageTimeToLive, &p.DefaultMessageTimeToLive, ttlLimits)
	l.duration(lbl, "LockDuration", r.LockDuration, &p.LockDuration, lockLimits)
	l.maxDelivery(lbl, r.MaxDeliveryCount, &p.MaxDeliveryCount)
	// A subscription forwarding to a queue of the same name is fine, so
	// there is no "itself" to refuse.
	fw := l.forwards(lbl, "", r.ForwardTo, r.ForwardDeadLetteredMessagesTo, &p)
	sub := Subscription{Name: raw.Name, Properties: p}
	ruleNames := map[string]string{}
	for i, rr := range raw.Rules {
		rlbl := label("rule", rr, i, lbl)
		rule, ok := l.rule(rr, rlbl)
		if !ok {
			continue
		}
		if msg := ruleNameProblem(rule.Name); msg != "" {
			l.addf(rlbl, "Name: %s", msg)
		} else if other, dup := ruleNames[strings.ToLower(rule.Name)]; dup {
			l.addf(rlbl, "Name: duplicates %s (names are case-insensitive)", other)
		} else {
			ruleNames[strings.ToLower(rule.Name)] = rlbl
		}
		sub.Rules = append(sub.Rules, rule)
	}
	return sub, fw, true
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// forwards copies ForwardTo / ForwardDeadLetteredMessagesTo and returns the
// references to check once every entity name is known.
func (l *loader) forwards(lbl, self string, to, dlq *string, p *broker.Properties) []forwardRef {
	var refs []forwardRef
	if to != nil && *to != "" {
		p.ForwardTo = *to
		refs = append(refs, forwardRef{lbl, "Properties.ForwardTo", *to, self})
	}
	if dlq != nil && *dlq != "" {
		p.ForwardDeadLetteredMessagesTo = *dlq
		refs = append(refs, forwardRef{lbl, "Properties.ForwardDeadLetteredMessagesTo", *dlq, self})
	}
	return refs
}

func (l *loader) maxDelivery(lbl string, v *int64, dst *int32) {
	switch {
	case v == nil:
	case *v < 1:
		l.addf(lbl, "Properties.MaxDeliveryCount: %d is below the minimum of 1", *v)
	case *v > math.MaxInt32:
		l.addf(lbl, "Properties.MaxDeliveryCount: %d is above the maximum of %d", *v, math.MaxInt32)
	default:
		*dst = int32(*v)
	}
}

// limits bound a duration; a zero bound is no bound.
type limits struct {
	min, max         time.Duration
	minText, maxText string
}

var (
	lockLimits      = limits{5 * time.Second, 5 * time.Minute, "5 seconds", "5 minutes"}
	dupWindowLimits = limits{20 * time.Second, 7 * 24 * time.Hour, "20 seconds", "7 days"}
	ttlLimits       = limits{time.Second, 0, "1 second", ""}
)

func (l *loader) duration(lbl, field string, v *string, dst *time.Duration, lim limits) {
	if v == nil {
		return
	}
	d, err := ParseISODuration(*v)
	switch {
	case err != nil:
		l.addf(lbl, "Properties.%s: %q is not an ISO 8601 duration such as PT1M: %v", field, *v, err)
	case lim.min > 0 && d < lim.min:
		l.addf(lbl, "Properties.%s: %q is below the minimum of %s", field, *v, lim.minText)
	case lim.max > 0 && d > lim.max:
		l.addf(lbl, "Properties.%s: %q is above the maximum of %s", field, *v, lim.maxText)
	default:
		*dst = d
	}
}

// jsonScalar turns a decoded correlation property value into the Go value a
// filter compares with: string, bool, int64 or float64.
func jsonScalar(v any) (any, bool) {
	switch x := v.(type) {
	case string, bool:
		return x, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		if f, err := x.Float64(); err == nil {
			return f, true
		}
	}
	return nil, false
}
