package emulator

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Annotation keys the broker owns. Senders may send them (the SDK's own
// tests do), but stored messages never keep the sender's values: the
// broker's are stamped on every delivery.
const (
	annSequenceNumber        = "x-opt-sequence-number"
	annEnqueuedTime          = "x-opt-enqueued-time"
	annLockedUntil           = "x-opt-locked-until"
	annLockToken             = "x-opt-lock-token"
	annMessageState          = "x-opt-message-state"
	annScheduledEnqueueTime  = "x-opt-scheduled-enqueue-time"
	annEnqueueSequenceNumber = "x-opt-enqueue-sequence-number"
	annPartitionKey          = "x-opt-partition-key"
	annDeadLetterSource      = "x-opt-deadletter-source"
)

// errInvalidMessage marks a message the broker must refuse; it becomes an
// amqp:not-allowed rejection (fatal for the SDK, as the service's is).
var errInvalidMessage = errors.New("invalid message")

// lockTokenToTag turns a lock token (RFC byte order) into the delivery tag
// the SDK reads in .NET GUID byte order. The permutation is its own inverse.
func lockTokenToTag(token [16]byte) []byte {
	t := token
	t[0], t[1], t[2], t[3] = token[3], token[2], token[1], token[0]
	t[4], t[5] = token[5], token[4]
	t[6], t[7] = token[7], token[6]
	return t[:]
}

// tagToLockToken is the inverse of lockTokenToTag; ok is false when the tag
// is not 16 bytes long.
func tagToLockToken(tag []byte) (token [16]byte, ok bool) {
	if len(tag) != 16 {
		return token, false
	}
	copy(token[:], lockTokenToTag([16]byte(tag)))
	return token, true
}

// annotationKey returns a map key as a string when it is a string or symbol.
func annotationKey(k any) (string, bool) {
	switch k := k.(type) {
	case amqp.Symbol:
		return string(k), true
	case string:
		return k, true
	}
	return "", false
}

// decodeTransfer turns one client transfer into the messages it carries: one
// message, or each data section of a batch. payload is the engine's (reused
// after the call), so it is copied once, whole, and the stored messages'
// wire sections alias that copy: a batch of a few hundred messages then
// costs one allocation instead of one per message (its message structs
// likewise). The price is that memory is given back per batch, not per
// message: a message kept long (deferred, dead-lettered) keeps its whole
// batch alive, at most the link's max message size plus the structs.
func decodeTransfer(format uint32, payload []byte) ([]*broker.Message, error) {
	owned := ownedCopy(payload) // recycled once nothing refers to it (recycle.go)
	env, err := amqp.DecodeMessageRaw(owned)
	if err != nil {
		return nil, err
	}
	if format != amqp.MessageFormatBatch {
		m, err := toOwnedBrokerMessage(env, format)
		if err != nil {
			return nil, err
		}
		return []*broker.Message{m}, nil
	}
	sections, err := env.DataSections()
	if err != nil {
		return nil, err
	}
	msgs := make([]*broker.Message, len(sections))
	// The batch's message structs come in one allocation too, like its
	// bytes, and are released with them.
	structs := make([]broker.Message, len(sections))
	var inner amqp.Message // reused: convertMessage keeps nothing of it
	for i, s := range sections {
		if err := amqp.DecodeMessageRawInto(&inner, s); err != nil {
			return nil, fmt.Errorf("batch message %d: %w", i, err)
		}
		msgs[i] = &structs[i]
		if err := convertMessage(msgs[i], &inner, 0, true); err != nil {
			return nil, fmt.Errorf("batch message %d: %w", i, err)
		}
	}
	return msgs, nil
}

// toBrokerMessage converts a decoded AMQP message into the broker's form.
// The sender's annotations are kept as *amqp.Map (minus the keys the broker
// owns); body and footer stay encoded, copied out of m (which may alias a
// buffer that is reused).
func toBrokerMessage(m *amqp.Message, format uint32) (*broker.Message, error) {
	bm := new(broker.Message)
	if err := convertMessage(bm, m, format, false); err != nil {
		return nil, err
	}
	return bm, nil
}

// toOwnedBrokerMessage is toBrokerMessage for a message decoded from a
// buffer nobody changes or reuses: the stored wire sections alias it.
func toOwnedBrokerMessage(m *amqp.Message, format uint32) (*broker.Message, error) {
	bm := new(broker.Message)
	if err := convertMessage(bm, m, format, true); err != nil {
		return nil, err
	}
	return bm, nil
}

// convertMessage fills bm, a zero message, from m; owned says whether m's
// buffer may be aliased (see toOwnedBrokerMessage).
func convertMessage(bm *broker.Message, m *amqp.Message, format uint32, owned bool) error {
	bm.Format = format
	if h := m.Header; h != nil {
		bm.Durable = h.Durable
		bm.Priority = h.Priority
		bm.FirstAcquirer = h.FirstAcquirer
		if h.TTL != nil {
			bm.TTL = time.Duration(*h.TTL) * time.Millisecond
		}
	}
	if p := m.Properties; p != nil {
		bm.MessageID = p.MessageID
		bm.UserID = p.UserID
		bm.To = p.To
		bm.Subject = p.Subject
		bm.ReplyTo = p.ReplyTo
		bm.CorrelationID = p.CorrelationID
		bm.ContentType = symbolPtrToString(p.ContentType)
		bm.ContentEncoding = symbolPtrToString(p.ContentEncoding)
		bm.AbsoluteExpiry = p.AbsoluteExpiryTime
		bm.CreationTime = p.CreationTime
		bm.SessionID = p.GroupID
		bm.GroupSequence = p.GroupSequence
		bm.ReplyToSessionID = p.ReplyToGroupID
	}
	ann, err := senderAnnotations(m.MessageAnnotations, bm)
	if err != nil {
		return err
	}
	if ann != nil {
		bm.Annotations = ann
	}
	if da := withoutKeys(m.DeliveryAnnotations, annLockToken); da != nil {
		bm.DeliveryAnnotations = da
	}
	if m.ApplicationProperties.Len() > 0 {
		props, err := mapToProps(m.ApplicationProperties)
		if err != nil {
			return err
		}
		bm.ApplicationProperties = props
	}
	if err := keepWireSections(bm, m, owned); err != nil {
		return err
	}
	return nil
}

// senderAnnotations copies the sender's message annotations, lifting the
// partition key and scheduled time into bm and dropping broker-owned keys.
// Like the service it refuses null values for the keys the SDK would crash
// on if they were echoed back.
func senderAnnotations(in *amqp.Map, bm *broker.Message) (*amqp.Map, error) {
	if in.Len() == 0 {
		return nil, nil
	}
	out := &amqp.Map{}
	for _, p := range in.Pairs {
		key, _ := annotationKey(p.Key)
		switch key {
		case annPartitionKey:
			switch v := p.Value.(type) {
			case nil:
			case string:
				bm.PartitionKey = &v
			default:
				return nil, fmt.Errorf("%w: %s must be a string", errInvalidMessage, key)
			}
		case annScheduledEnqueueTime:
			t, ok := p.Value.(time.Time)
			if !ok {
				return nil, fmt.Errorf("%w: %s must be a timestamp", errInvalidMessage, key)
			}
			bm.ScheduledEnqueueTime = t
		case annMessageState, annEnqueueSequenceNumber:
			if p.Value == nil {
				return nil, fmt.Errorf("%w: %s cannot be null", errInvalidMessage, key)
			}
		case annSequenceNumber, annEnqueuedTime, annLockedUntil, annDeadLetterSource, annLockToken:
		default:
			out.Pairs = append(out.Pairs, p)
		}
	}
	if len(out.Pairs) == 0 {
		return nil, nil
	}
	return out, nil
}

// withoutKeys copies m without the named keys; nil when nothing is left.
func withoutKeys(m *amqp.Map, keys ...string) *amqp.Map {
	if m.Len() == 0 {
		return nil
	}
	out := &amqp.Map{}
	for _, p := range m.Pairs {
		k, _ := annotationKey(p.Key)
		drop := false
		for _, name := range keys {
			if k == name {
				drop = true
			}
		}
		if !drop {
			out.Pairs = append(out.Pairs, p)
		}
	}
	if len(out.Pairs) == 0 {
		return nil
	}
	return out
}

// mapToProps converts an AMQP map with string or symbol keys into the
// broker's application properties.
func mapToProps(m *amqp.Map) (map[string]any, error) {
	if m.Len() == 0 {
		return nil, nil
	}
	out := make(map[string]any, m.Len())
	for _, p := range m.Pairs {
		k, ok := annotationKey(p.Key)
		if !ok {
			return nil, fmt.Errorf("%w: property key of type %T", errInvalidMessage, p.Key)
		}
		out[k] = p.Value
	}
	return out, nil
}

// propsToMap converts application properties to an AMQP map with string
// keys in a stable order.
func propsToMap(props map[string]any) *amqp.Map {
	if len(props) == 0 {
		return nil
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &amqp.Map{Pairs: make([]amqp.MapPair, 0, len(keys))}
	for _, k := range keys {
		out.Pairs = append(out.Pairs, amqp.MapPair{Key: k, Value: props[k]})
	}
	return out
}

func symbolPtrToString(s *amqp.Symbol) *string {
	if s == nil {
		return nil
	}
	v := string(*s)
	return &v
}

func stringPtrToSymbol(s *string) *amqp.Symbol {
	if s == nil {
		return nil
	}
	v := amqp.Symbol(*s)
	return &v
}
