package atom

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// entryIn is a PUT body: an ATOM entry whose content holds one description.
// Tags without a namespace match any namespace, so clients that qualify the
// elements differently (or not at all) are still understood.
type entryIn struct {
	XMLName xml.Name
	Content *contentIn `xml:"content"`
}

type contentIn struct {
	Queue        *descIn `xml:"QueueDescription"`
	Topic        *descIn `xml:"TopicDescription"`
	Subscription *descIn `xml:"SubscriptionDescription"`
	Rule         *ruleIn `xml:"RuleDescription"`
}

// descIn keeps the simple child elements of a description in document order
// so each can be parsed with an error naming the field.
type descIn struct {
	AuthorizationRules *innerXML `xml:"AuthorizationRules"`
	DefaultRule        *ruleIn   `xml:"DefaultRuleDescription"`
	Fields             []fieldIn `xml:",any"`
}

type innerXML struct {
	Inner string `xml:",innerxml"`
}

type fieldIn struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

// descKind names what a PUT body describes.
type descKind int

const (
	descQueue descKind = iota
	descTopic
	descSubscription
	descRule
)

// decodeEntry parses a PUT body. Errors are meant for the caller (400).
func decodeEntry(body []byte) (descKind, *contentIn, error) {
	var e entryIn
	if err := xml.Unmarshal(body, &e); err != nil {
		return 0, nil, fmt.Errorf("the request body is not a valid XML document: %v", err)
	}
	if e.XMLName.Local != "entry" {
		return 0, nil, fmt.Errorf("the request body must be an ATOM <entry>, not <%s>", e.XMLName.Local)
	}
	c := e.Content
	if c == nil {
		return 0, nil, fmt.Errorf("the <entry> has no <content>")
	}
	switch {
	case c.Queue != nil:
		return descQueue, c, nil
	case c.Topic != nil:
		return descTopic, c, nil
	case c.Subscription != nil:
		return descSubscription, c, nil
	case c.Rule != nil:
		return descRule, c, nil
	}
	return 0, nil, fmt.Errorf("the <content> holds no QueueDescription, TopicDescription, SubscriptionDescription or RuleDescription")
}

// fieldSetter parses one element's text into p.
type fieldSetter func(p *broker.Properties, text string) error

// fieldSpec is a settable field: the kinds it applies to and its parser.
// Fields of other kinds, and read-only fields such as MessageCount or
// CreatedAt that clients echo back, are ignored.
type fieldSpec struct {
	kinds []broker.Kind
	set   fieldSetter
}

var (
	allKinds  = []broker.Kind{broker.KindQueue, broker.KindTopic, broker.KindSubscription}
	queueSub  = []broker.Kind{broker.KindQueue, broker.KindSubscription}
	queueTop  = []broker.Kind{broker.KindQueue, broker.KindTopic}
	topicOnly = []broker.Kind{broker.KindTopic}
	subOnly   = []broker.Kind{broker.KindSubscription}
)

var fieldSpecs = map[string]fieldSpec{
	"LockDuration": {queueSub, durationField(func(p *broker.Properties) *time.Duration { return &p.LockDuration })},
	"MaxSizeInMegabytes": {queueTop, func(p *broker.Properties, s string) error {
		v, err := parsePositive(s, 32)
		p.MaxSizeInMegabytes = int32(v)
		return err
	}},
	"RequiresDuplicateDetection":                {queueTop, boolField(func(p *broker.Properties) *bool { return &p.RequiresDuplicateDetection })},
	"RequiresSession":                           {queueSub, boolField(func(p *broker.Properties) *bool { return &p.RequiresSession })},
	"DefaultMessageTimeToLive":                  {allKinds, durationField(func(p *broker.Properties) *time.Duration { return &p.DefaultMessageTimeToLive })},
	"DeadLetteringOnMessageExpiration":          {queueSub, boolField(func(p *broker.Properties) *bool { return &p.DeadLetteringOnMessageExpiration })},
	"DeadLetteringOnFilterEvaluationExceptions": {subOnly, boolField(func(p *broker.Properties) *bool { return &p.DeadLetteringOnFilterEvaluationExceptions })},
	"DuplicateDetectionHistoryTimeWindow":       {queueTop, durationField(func(p *broker.Properties) *time.Duration { return &p.DuplicateDetectionHistoryTimeWindow })},
	"MaxDeliveryCount": {queueSub, func(p *broker.Properties, s string) error {
		v, err := parsePositive(s, 32)
		p.MaxDeliveryCount = int32(v)
		return err
	}},
	"EnableBatchedOperations": {allKinds, boolField(func(p *broker.Properties) *bool { return &p.EnableBatchedOperations })},
	"Status": {allKinds, func(p *broker.Properties, s string) error {
		st, err := parseStatus(s)
		p.Status = st
		return err
	}},
	"AutoDeleteOnIdle":   {allKinds, durationField(func(p *broker.Properties) *time.Duration { return &p.AutoDeleteOnIdle })},
	"EnablePartitioning": {queueTop, boolField(func(p *broker.Properties) *bool { return &p.EnablePartitioning })},
	"SupportOrdering":    {topicOnly, boolField(func(p *broker.Properties) *bool { return &p.SupportOrdering })},
	"ForwardTo": {queueSub, func(p *broker.Properties, s string) error {
		p.ForwardTo = forwardTarget(s)
		return nil
	}},
	"ForwardDeadLetteredMessagesTo": {queueSub, func(p *broker.Properties, s string) error {
		p.ForwardDeadLetteredMessagesTo = forwardTarget(s)
		return nil
	}},
	"UserMetadata": {allKinds, func(p *broker.Properties, s string) error {
		p.UserMetadata = s
		return nil
	}},
	"MaxMessageSizeInKilobytes": {queueTop, func(p *broker.Properties, s string) error {
		v, err := parsePositive(s, 64)
		p.MaxMessageSizeInKilobytes = v
		return err
	}},
}

// applyDescription sets every field present in d on base. It reports whether
// Status was given, since the SDK never sends it for subscriptions and an
// update must then keep the current one.
func applyDescription(kind broker.Kind, base broker.Properties, d *descIn) (p broker.Properties, statusGiven bool, err error) {
	p = base
	for _, f := range d.Fields {
		spec, ok := fieldSpecs[f.XMLName.Local]
		if !ok || !hasKind(spec.kinds, kind) {
			continue
		}
		if err := spec.set(&p, strings.TrimSpace(f.Text)); err != nil {
			return p, false, fmt.Errorf("%s: %v", f.XMLName.Local, err)
		}
		if f.XMLName.Local == "Status" {
			statusGiven = true
		}
	}
	if kind != broker.KindSubscription {
		p.AuthorizationRules = ""
		if d.AuthorizationRules != nil {
			p.AuthorizationRules = strings.TrimSpace(d.AuthorizationRules.Inner)
		}
	}
	return p, statusGiven, nil
}

func hasKind(kinds []broker.Kind, k broker.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func durationField(field func(*broker.Properties) *time.Duration) fieldSetter {
	return func(p *broker.Properties, s string) error {
		d, err := parseDuration(s)
		if err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("%q must be longer than zero", s)
		}
		*field(p) = d
		return nil
	}
}

func boolField(field func(*broker.Properties) *bool) fieldSetter {
	return func(p *broker.Properties, s string) error {
		switch s {
		case "true", "1":
			*field(p) = true
		case "false", "0":
			*field(p) = false
		default:
			return fmt.Errorf("%q is not a boolean (true or false)", s)
		}
		return nil
	}
}

func parsePositive(s string, bits int) (int64, error) {
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not a %d-bit integer", s, bits)
	}
	if v < 1 {
		return 0, fmt.Errorf("%d must be at least 1", v)
	}
	return v, nil
}

func parseStatus(s string) (broker.Status, error) {
	for _, st := range []broker.Status{broker.StatusActive, broker.StatusDisabled, broker.StatusSendDisabled, broker.StatusReceiveDisabled} {
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", fmt.Errorf("%q is not a status (Active, Disabled, SendDisabled or ReceiveDisabled)", s)
}

// forwardTarget reduces a forwarding target to an entity name: the service
// accepts "q1" as well as "sb://ns/q1" or "https://ns/q1".
func forwardTarget(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return strings.Trim(u.Path, "/")
}
