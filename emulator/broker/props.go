package broker

import (
	"fmt"
	"maps"
	"strings"
)

// messageProps shows a message to the SQL filter engine (sqlfilter.Props and
// sqlfilter.MutableProps). Writes go to the message it wraps, which must be a
// copy owned by the caller; the user map is copied before its first change
// because copies share it.
type messageProps struct {
	m         *Message
	ownsUsers bool
}

func (p *messageProps) System(name string) (any, bool) {
	m := p.m
	str := func(s *string) (any, bool) {
		if s == nil {
			return nil, false
		}
		return *s, true
	}
	switch strings.ToLower(name) {
	case "messageid":
		return m.MessageID, m.MessageID != nil
	case "correlationid":
		return m.CorrelationID, m.CorrelationID != nil
	case "to":
		return str(m.To)
	case "replyto":
		return str(m.ReplyTo)
	case "label", "subject":
		return str(m.Subject)
	case "sessionid":
		return str(m.SessionID)
	case "replytosessionid":
		return str(m.ReplyToSessionID)
	case "contenttype":
		return str(m.ContentType)
	case "partitionkey":
		return str(m.PartitionKey)
	case "sequencenumber":
		return m.SequenceNumber, m.SequenceNumber != 0
	case "enqueuedsequencenumber":
		return m.EnqueuedSequenceNumber, m.EnqueuedSequenceNumber != 0
	case "enqueuedtimeutc":
		return m.EnqueuedTime, !m.EnqueuedTime.IsZero()
	case "deliverycount":
		return int64(m.DeliveryCount), true
	case "timetolive":
		return m.TTL, m.TTL > 0
	case "scheduledenqueuetimeutc":
		return m.ScheduledEnqueueTime, !m.ScheduledEnqueueTime.IsZero()
	case "expiresatutc":
		return m.ExpiresAt, !m.ExpiresAt.IsZero()
	case "size":
		return m.Size(), true
	case "lockeduntilutc":
		return m.LockedUntil, !m.LockedUntil.IsZero()
	case "state":
		return int32(m.State), true
	case "deadlettersource":
		return m.DeadLetterSource, m.DeadLetterSource != ""
	}
	return nil, false
}

func (p *messageProps) User(name string) (any, bool) {
	v, ok := p.m.ApplicationProperties[name]
	return v, ok
}

func (p *messageProps) SetSystem(name string, v any) error {
	m := p.m
	m.EncodedProperties = nil // stale whatever is set below
	var s *string
	switch v := v.(type) {
	case nil:
	case string:
		s = &v
	default:
		text := fmt.Sprint(v)
		s = &text
	}
	switch strings.ToLower(name) {
	case "messageid":
		if s == nil {
			return fmt.Errorf("sys.MessageId cannot be set to NULL")
		}
		m.MessageID = *s
	case "correlationid":
		if s == nil {
			m.CorrelationID = nil
		} else {
			m.CorrelationID = *s
		}
	case "to":
		m.To = s
	case "replyto":
		m.ReplyTo = s
	case "label", "subject":
		m.Subject = s
	case "sessionid":
		m.SessionID = s
	case "replytosessionid":
		m.ReplyToSessionID = s
	case "contenttype":
		m.ContentType = s
	default:
		return fmt.Errorf("the system property sys.%s cannot be set by a rule action", name)
	}
	return nil
}

func (p *messageProps) SetUser(name string, v any) {
	p.own()
	p.m.ApplicationProperties[name] = v
}

func (p *messageProps) RemoveUser(name string) {
	if _, ok := p.m.ApplicationProperties[name]; !ok {
		return
	}
	p.own()
	delete(p.m.ApplicationProperties, name)
}

func (p *messageProps) own() {
	if p.ownsUsers {
		return
	}
	c := make(map[string]any, len(p.m.ApplicationProperties)+1)
	maps.Copy(c, p.m.ApplicationProperties)
	p.m.ApplicationProperties = c
	p.m.EncodedApplicationProperties = nil
	p.ownsUsers = true
}
