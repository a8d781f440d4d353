package sbsvc

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker/sqlfilter"
)

// FanOut tells what resubmitting to a topic does: every subscription whose
// rules match gets its own copy.
type FanOut struct {
	Topic string
	// Reaches are the subscriptions a copy reached: a true filter, or a
	// correlation or SQL filter that matched one of the copies.
	Reaches []string
	// MayReach are subscriptions whose SQL filters sbx could not decide
	// (parameters, broker-stamped properties such as sys.EnqueuedTimeUtc):
	// a copy may also have reached them.
	MayReach []string
	// Note explains when the rules could not be read (no Manage rights).
	Note string
	// KindUnknown: the management API could not say whether Topic is a
	// topic or a queue (no Manage rights); copies fan out if it is a topic.
	KindUnknown bool
}

// String reads "topic orders fans out to: a, b; may also reach: c".
func (f FanOut) String() string {
	s := fmt.Sprintf("topic %s fans out to every subscription whose rules match", f.Topic)
	if f.KindUnknown {
		s = fmt.Sprintf("%s may be a topic: if so, every subscription whose rules match gets a copy", f.Topic)
	}
	if len(f.Reaches) > 0 {
		s += fmt.Sprintf("; reached: %v", f.Reaches)
	}
	if len(f.MayReach) > 0 {
		s += fmt.Sprintf("; may also reach: %v", f.MayReach)
	}
	if f.Note != "" {
		s += "; " + f.Note
	}
	return s
}

// subRules is one subscription's filters.
type subRules struct {
	name    string
	filters []admin.RuleFilter
	sql     map[*admin.SQLFilter]*sqlfilter.Filter // parsed once; absent when unparsable
}

type topicFan struct {
	subs        []subRules // nil when not a topic (a queue) or not readable
	isTopic     bool
	kindUnknown bool
	note        string
	reaches     map[string]bool
	may         map[string]bool
}

// fanoutTracker learns, per target, whether it is a topic and evaluates the
// simple filters of its subscriptions against each copy sent there. The
// resubmit receivers share it.
type fanoutTracker struct {
	mu      sync.Mutex
	ns      *Namespace
	targets *targetLookup
	topics  map[string]*topicFan
	order   []string
}

func newFanoutTracker(ns *Namespace, targets *targetLookup) *fanoutTracker {
	return &fanoutTracker{ns: ns, targets: targets, topics: map[string]*topicFan{}}
}

// load reads target's subscriptions and rules once. Whether target is a
// topic at all comes from the run's target lookup: asking GetTopic alone
// takes a queue for a topic (the service answers a GET of any entity's
// name), and listing that "topic's" subscriptions then fails with not found.
func (f *fanoutTracker) load(target string) *topicFan {
	if t, ok := f.topics[target]; ok {
		return t
	}
	t := &topicFan{reaches: map[string]bool{}, may: map[string]bool{}}
	f.topics[target] = t
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch facts := f.targets.get(ctx, target); facts.kind {
	case targetQueue:
		return t
	case targetUnknown:
		t.isTopic, t.kindUnknown = true, true
		t.note = "its kind and rules could not be read (" + facts.unread + ")"
		f.order = append(f.order, target)
		return t
	}
	t.isTopic = true
	f.order = append(f.order, target)
	subs := f.ns.admin.NewListSubscriptionsPager(target, nil)
	for subs.More() {
		page, err := subs.NextPage(ctx)
		if err != nil {
			t.subs, t.note = nil, "the subscriptions reached are unknown: "+Redact(err.Error())
			return t
		}
		for _, s := range page.Subscriptions {
			sr := subRules{name: s.SubscriptionName}
			rules := f.ns.admin.NewListRulesPager(target, s.SubscriptionName, nil)
			for rules.More() {
				rp, err := rules.NextPage(ctx)
				if err != nil {
					t.subs, t.note = nil, "the subscriptions reached are unknown: "+Redact(err.Error())
					return t
				}
				for _, r := range rp.Rules {
					sr.filters = append(sr.filters, r.Filter)
					sr.addSQL(r.Filter)
				}
			}
			t.subs = append(t.subs, sr)
		}
	}
	return t
}

// observe evaluates copies accepted by target.
func (f *fanoutTracker) observe(target string, copies []*azservicebus.AMQPAnnotatedMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.load(target)
	if !t.isTopic {
		return
	}
	for _, s := range t.subs {
		if t.reaches[s.name] {
			continue
		}
		for _, m := range copies {
			switch subscriptionMatch(s, m) {
			case matchYes:
				t.reaches[s.name] = true
			case matchMaybe:
				t.may[s.name] = true
			}
			if t.reaches[s.name] {
				break
			}
		}
	}
}

func (f *fanoutTracker) report() []FanOut {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FanOut
	for _, name := range f.order {
		t := f.topics[name]
		fo := FanOut{Topic: name, Note: t.note, KindUnknown: t.kindUnknown}
		for s := range t.reaches {
			fo.Reaches = append(fo.Reaches, s)
		}
		for s := range t.may {
			if !t.reaches[s] {
				fo.MayReach = append(fo.MayReach, s)
			}
		}
		slices.Sort(fo.Reaches)
		slices.Sort(fo.MayReach)
		out = append(out, fo)
	}
	return out
}

type matchResult int

const (
	matchNo matchResult = iota
	matchYes
	matchMaybe
)

// subscriptionMatch evaluates a subscription's rules for m: any matching
// rule delivers a copy. A SQL filter sbx cannot decide (parameters, a
// property only the broker stamps, a syntax it does not know) gives "maybe".
func subscriptionMatch(s subRules, m *azservicebus.AMQPAnnotatedMessage) matchResult {
	res := matchNo
	for _, f := range s.filters {
		switch flt := f.(type) {
		case *admin.TrueFilter:
			return matchYes
		case *admin.FalseFilter:
		case *admin.CorrelationFilter:
			if correlationMatch(flt, m) {
				return matchYes
			}
		case *admin.SQLFilter:
			switch r := sqlMatch(s.sql[flt], flt, m); r {
			case matchYes:
				return r
			case matchMaybe:
				res = r
			}
		default: // unknown filter kinds
			res = matchMaybe
		}
	}
	return res
}

// correlationMatch reports whether every field the filter sets equals the
// message's. Property values compare by their printed form, so 5 (int32)
// matches 5 (int64).
func correlationMatch(f *admin.CorrelationFilter, m *azservicebus.AMQPAnnotatedMessage) bool {
	p := m.Properties
	if p == nil {
		p = &azservicebus.AMQPAnnotatedMessageProperties{}
	}
	eq := func(want *string, got any) bool {
		if want == nil {
			return true
		}
		switch g := got.(type) {
		case nil:
			return false
		case *string:
			return g != nil && *g == *want
		default:
			return idText(g) == *want
		}
	}
	if !eq(f.CorrelationID, p.CorrelationID) || !eq(f.MessageID, p.MessageID) || !eq(f.To, p.To) ||
		!eq(f.ReplyTo, p.ReplyTo) || !eq(f.Subject, p.Subject) || !eq(f.SessionID, p.GroupID) ||
		!eq(f.ReplyToSessionID, p.ReplyToGroupID) || !eq(f.ContentType, p.ContentType) {
		return false
	}
	for k, want := range f.ApplicationProperties {
		got, ok := m.ApplicationProperties[k]
		if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			return false
		}
	}
	return true
}
