package sbsvc

import (
	"crypto/rand"
	"fmt"
	"maps"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// The application properties the service adds when it dead-letters a
// message. A resubmitted copy drops them unless asked to keep them, so the
// copy does not look dead-lettered to whoever receives it next.
const (
	propDeadLetterReason      = "DeadLetterReason"
	propDeadLetterDescription = "DeadLetterErrorDescription"
)

// Edit is what a resubmit edit hook may change in one copy before it is
// sent. Body replaces a data body (nil keeps the original body, whatever its
// kind); Properties are the copy's application properties, already copied,
// so the hook may change them in place.
type Edit struct {
	Body       []byte
	Properties map[string]any
}

// copyOptions says how a copy differs from its original.
type copyOptions struct {
	newMessageID   bool
	keepDeadLetter bool
	edit           func(Message, *Edit) error
}

// resendCopy builds the message to send in place of rm: the same body in
// the same AMQP body kind, the same properties that a sender sets, and none
// of what the broker stamped on it (sequence number, enqueued time, lock,
// delivery count). It works on the raw AMQP message so value, sequence and
// multi-section bodies survive unchanged.
func resendCopy(rm *azservicebus.ReceivedMessage, opts copyOptions) (*azservicebus.AMQPAnnotatedMessage, error) {
	out := &azservicebus.AMQPAnnotatedMessage{
		Properties: &azservicebus.AMQPAnnotatedMessageProperties{},
		Header:     &azservicebus.AMQPAnnotatedMessageHeader{Durable: true},
	}
	raw := rm.RawAMQPMessage
	if raw != nil {
		out.Body = raw.Body
		if p := raw.Properties; p != nil {
			*out.Properties = azservicebus.AMQPAnnotatedMessageProperties{
				MessageID: p.MessageID, CorrelationID: p.CorrelationID, To: p.To,
				ReplyTo: p.ReplyTo, ReplyToGroupID: p.ReplyToGroupID, GroupID: p.GroupID,
				GroupSequence: p.GroupSequence, ContentType: p.ContentType,
				ContentEncoding: p.ContentEncoding, Subject: p.Subject, UserID: p.UserID,
			}
		}
		if h := raw.Header; h != nil {
			out.Header.Priority = h.Priority
			out.Header.TTL = h.TTL
			out.Header.Durable = h.Durable
		}
		for k, v := range raw.MessageAnnotations {
			name, _ := k.(string)
			if keepAnnotation(name) {
				if out.MessageAnnotations == nil {
					out.MessageAnnotations = map[any]any{}
				}
				out.MessageAnnotations[k] = v
			}
		}
	} else {
		// Not expected from a receiver, but a message built by hand still
		// gets a faithful copy of what ReceivedMessage exposes.
		if rm.Body != nil {
			out.Body.Data = [][]byte{rm.Body}
		}
		p := out.Properties
		p.MessageID, p.To, p.ReplyTo, p.ReplyToGroupID = rm.MessageID, rm.To, rm.ReplyTo, rm.ReplyToSessionID
		p.GroupID, p.ContentType, p.Subject = rm.SessionID, rm.ContentType, rm.Subject
		if rm.CorrelationID != nil {
			p.CorrelationID = *rm.CorrelationID
		}
		if rm.TimeToLive != nil {
			out.Header.TTL = *rm.TimeToLive
		}
		if rm.PartitionKey != nil {
			out.MessageAnnotations = map[any]any{"x-opt-partition-key": *rm.PartitionKey}
		}
	}
	out.ApplicationProperties = maps.Clone(rm.ApplicationProperties)
	if !opts.keepDeadLetter {
		delete(out.ApplicationProperties, propDeadLetterReason)
		delete(out.ApplicationProperties, propDeadLetterDescription)
	}
	if opts.newMessageID {
		out.Properties.MessageID = newMessageID()
	}
	if opts.edit != nil {
		ed := Edit{Properties: out.ApplicationProperties}
		if err := opts.edit(messageFrom(rm), &ed); err != nil {
			return nil, fmt.Errorf("edit hook: %w", err)
		}
		out.ApplicationProperties = ed.Properties
		if ed.Body != nil {
			out.Body = azservicebus.AMQPAnnotatedMessageBody{Data: [][]byte{ed.Body}}
		}
	}
	if len(out.ApplicationProperties) == 0 {
		out.ApplicationProperties = nil
	}
	return out, nil
}

// keepAnnotation reports the message annotations a sender sets (the
// partition keys, and any the application added) as opposed to the ones the
// broker stamps on delivery, which all start with "x-opt-".
func keepAnnotation(name string) bool {
	switch name {
	case "x-opt-partition-key", "x-opt-via-partition-key":
		return true
	case "":
		return false
	}
	return !strings.HasPrefix(name, "x-opt-")
}

// newMessageID is a random UUID in its usual text form.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// outgoing is one copy in a batch, with the original it replaces.
type outgoing struct {
	orig *azservicebus.ReceivedMessage
	copy *azservicebus.AMQPAnnotatedMessage
	ids  idChoice
}

// item is o's entry in the result.
func (o outgoing) item(target string) ResubmitItem {
	it := ResubmitItem{SequenceNumber: ptrVal(o.orig.SequenceNumber), MessageID: o.orig.MessageID, Target: target,
		Renamed: o.ids.renamed, MayBeDropped: o.ids.atRisk}
	if o.copy != nil && o.copy.Properties != nil && o.copy.Properties.MessageID != nil {
		if sent := idText(o.copy.Properties.MessageID); sent != o.orig.MessageID {
			it.NewMessageID = sent
		}
	}
	return it
}
