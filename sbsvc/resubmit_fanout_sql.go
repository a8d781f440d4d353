package sbsvc

import (
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker/sqlfilter"
)

// The SQL filter grammar is the one the embedded emulator routes with: a
// pure parser with no emulator state, so the resubmit report can name the
// subscriptions a copy reached instead of saying "may reach".

// addSQL parses a SQL filter once per run. A filter sbx cannot parse is left
// out, and counts as "maybe".
func (s *subRules) addSQL(f admin.RuleFilter) {
	sf, ok := f.(*admin.SQLFilter)
	if !ok {
		return
	}
	parsed, err := sqlfilter.Parse(sf.Expression)
	if err != nil {
		return
	}
	if s.sql == nil {
		s.sql = map[*admin.SQLFilter]*sqlfilter.Filter{}
	}
	s.sql[sf] = parsed
}

// sqlMatch decides a SQL filter for a copy about to be (or just) sent.
func sqlMatch(parsed *sqlfilter.Filter, f *admin.SQLFilter, m *azservicebus.AMQPAnnotatedMessage) matchResult {
	if parsed == nil || len(f.Parameters) > 0 {
		return matchMaybe // unparsable, or @parameters this parser does not bind
	}
	p := &copyProps{m: m}
	ok := parsed.Match(p)
	switch {
	case p.unknowable:
		return matchMaybe
	case ok:
		return matchYes
	}
	return matchNo
}

// copyProps shows a copy's properties to a SQL filter. Properties only the
// broker sets on arrival (sequence number, enqueued time …) are unknown
// here: a filter that asks for one cannot be decided.
type copyProps struct {
	m          *azservicebus.AMQPAnnotatedMessage
	unknowable bool
}

func (c *copyProps) System(name string) (any, bool) {
	p := c.m.Properties
	if p == nil {
		p = &azservicebus.AMQPAnnotatedMessageProperties{}
	}
	str := func(s *string) (any, bool) {
		if s == nil {
			return nil, false
		}
		return *s, true
	}
	switch name {
	case "MessageId":
		return anyID(p.MessageID)
	case "CorrelationId":
		return anyID(p.CorrelationID)
	case "To":
		return str(p.To)
	case "ReplyTo":
		return str(p.ReplyTo)
	case "Label", "Subject":
		return str(p.Subject)
	case "SessionId":
		return str(p.GroupID)
	case "ReplyToSessionId":
		return str(p.ReplyToGroupID)
	case "ContentType":
		return str(p.ContentType)
	case "PartitionKey":
		if v, ok := c.m.MessageAnnotations["x-opt-partition-key"].(string); ok {
			return v, true
		}
		return nil, false
	}
	c.unknowable = true
	return nil, false
}

func (c *copyProps) User(name string) (any, bool) {
	v, ok := c.m.ApplicationProperties[name]
	return v, ok
}

// anyID is an AMQP message or correlation id as the text a filter compares.
func anyID(v any) (any, bool) {
	switch id := v.(type) {
	case nil:
		return nil, false
	case *string:
		if id == nil {
			return nil, false
		}
		return *id, true
	}
	return idText(v), true
}
