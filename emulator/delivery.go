package emulator

import (
	"math"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// lockInfo is what a peek-lock delivery adds to a message.
type lockInfo struct {
	token       [16]byte
	lockedUntil time.Time
}

// deliveryEncoder builds the messages the broker hands out: the sender's
// sections with the broker's stamps (§10.4 of the wire contract). A receiver
// link keeps one for its deliveries, so the message skeleton, the
// annotation maps and the output buffer are reused rather than allocated
// for every message; it is not safe for concurrent use.
type deliveryEncoder struct {
	msg   amqp.Message
	hdr   amqp.Header
	ttl   uint32
	props amqp.Properties
	ann   amqp.Map
	da    amqp.Map
	tag   [16]byte
	buf   []byte
	// Room for the usual annotations, so building them allocates nothing.
	annRoom [4]amqp.MapPair
	daRoom  [1]amqp.MapPair
}

// toAMQPMessage builds the message for bm in fresh memory. lock is nil for
// peeks and receive-and-delete deliveries.
func toAMQPMessage(bm *broker.Message, lock *lockInfo) *amqp.Message {
	return new(deliveryEncoder).build(bm, lock)
}

// messageBuilder hands out encoders for responses that hold many messages
// at once, allocated in blocks rather than one by one.
type messageBuilder struct {
	free []deliveryEncoder
}

func newMessageBuilder(n int) *messageBuilder {
	return &messageBuilder{free: make([]deliveryEncoder, n)}
}

// build is toAMQPMessage with the builder's memory.
func (b *messageBuilder) build(bm *broker.Message, lock *lockInfo) *amqp.Message {
	if len(b.free) == 0 {
		b.free = make([]deliveryEncoder, 16)
	}
	e := &b.free[0]
	b.free = b.free[1:]
	return e.build(bm, lock)
}

// encode builds and encodes bm into the encoder's buffer; the result is
// valid until the next call.
func (e *deliveryEncoder) encode(bm *broker.Message, lock *lockInfo) ([]byte, error) {
	m := e.build(bm, lock)
	var err error
	e.buf, err = amqp.AppendMessage(e.buf[:0], m)
	return e.buf, err
}

// lockTag is the delivery tag for lock, in the encoder's memory.
func (e *deliveryEncoder) lockTag(lock *lockInfo) []byte {
	e.tag = [16]byte(lockTokenToTag(lock.token))
	return e.tag[:]
}

func (e *deliveryEncoder) build(bm *broker.Message, lock *lockInfo) *amqp.Message {
	e.hdr = amqp.Header{
		Durable:       bm.Durable,
		Priority:      bm.Priority,
		FirstAcquirer: bm.FirstAcquirer,
		DeliveryCount: bm.DeliveryCount,
	}
	if bm.TTL > 0 {
		if ms := bm.TTL / time.Millisecond; ms <= math.MaxUint32 {
			e.ttl = uint32(ms)
			e.hdr.TTL = &e.ttl
		}
	}
	e.msg = amqp.Message{
		Header:                       &e.hdr,
		Body:                         bm.Body,
		EncodedProperties:            bm.EncodedProperties,
		EncodedApplicationProperties: bm.EncodedApplicationProperties,
	}
	if e.msg.EncodedProperties == nil {
		e.props = amqp.Properties{
			MessageID:          bm.MessageID,
			UserID:             bm.UserID,
			To:                 bm.To,
			Subject:            bm.Subject,
			ReplyTo:            bm.ReplyTo,
			CorrelationID:      bm.CorrelationID,
			ContentType:        stringPtrToSymbol(bm.ContentType),
			ContentEncoding:    stringPtrToSymbol(bm.ContentEncoding),
			AbsoluteExpiryTime: bm.AbsoluteExpiry,
			CreationTime:       bm.CreationTime,
			GroupID:            bm.SessionID,
			GroupSequence:      bm.GroupSequence,
			ReplyToGroupID:     bm.ReplyToSessionID,
		}
		e.msg.Properties = &e.props
	}
	if e.msg.EncodedApplicationProperties == nil {
		e.msg.ApplicationProperties = propsToMap(bm.ApplicationProperties)
	}

	// The stored annotations never hold a key the broker stamps
	// (senderAnnotations drops them), so the stamps are appended.
	if e.ann.Pairs == nil {
		e.ann.Pairs = e.annRoom[:0]
	}
	if e.da.Pairs == nil {
		e.da.Pairs = e.daRoom[:0]
	}
	ann := append(e.ann.Pairs[:0], storedPairs(bm.Annotations)...)
	ann = append(ann,
		amqp.MapPair{Key: amqp.Symbol(annEnqueuedTime), Value: bm.EnqueuedTime.UTC()},
		amqp.MapPair{Key: amqp.Symbol(annSequenceNumber), Value: bm.SequenceNumber})
	if lock != nil {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annLockedUntil), Value: lock.lockedUntil.UTC()})
	}
	if bm.State != broker.StateActive {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annMessageState), Value: int32(bm.State)})
	}
	if !bm.ScheduledEnqueueTime.IsZero() {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annScheduledEnqueueTime), Value: bm.ScheduledEnqueueTime.UTC()})
	}
	if bm.PartitionKey != nil {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annPartitionKey), Value: *bm.PartitionKey})
	}
	if bm.DeadLetterSource != "" {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annDeadLetterSource), Value: bm.DeadLetterSource})
	}
	if bm.EnqueuedSequenceNumber != 0 {
		ann = append(ann, amqp.MapPair{Key: amqp.Symbol(annEnqueueSequenceNumber), Value: bm.EnqueuedSequenceNumber})
	}
	e.ann.Pairs = ann
	e.msg.MessageAnnotations = &e.ann

	da := append(e.da.Pairs[:0], storedPairs(bm.DeliveryAnnotations)...)
	if lock != nil {
		da = append(da, amqp.MapPair{Key: amqp.Symbol(annLockToken), Value: amqp.UUID(lock.token)})
	}
	e.da.Pairs = da
	if len(da) > 0 {
		e.msg.DeliveryAnnotations = &e.da
	}
	return &e.msg
}

// storedPairs returns the pairs of annotations stored as *amqp.Map (the
// form senderAnnotations stores); they are only read.
func storedPairs(v any) []amqp.MapPair {
	if m, ok := v.(*amqp.Map); ok && m != nil {
		return m.Pairs
	}
	return nil
}
