package sbsvc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// OutgoingMessage is a message to send. Zero fields are left out.
type OutgoingMessage struct {
	// Body is sent as one data section. When it is nil and BodyFile is
	// set, the body is read from that file.
	Body     []byte
	BodyFile string

	ContentType      string
	Subject          string
	MessageID        string
	CorrelationID    string
	SessionID        string // required by session-enabled entities
	PartitionKey     string
	To               string
	ReplyTo          string
	ReplyToSessionID string
	TimeToLive       time.Duration
	// Properties are application properties; values keep their type
	// (string, bool, int8…int64, uint8…uint64, float32/64, time.Time,
	// []byte …) on the wire.
	Properties map[string]any
	// ScheduledEnqueueAt, when set, makes the service hold the message
	// until then. Use Schedule instead to learn the sequence numbers, which
	// CancelScheduled needs.
	ScheduledEnqueueAt time.Time
}

// sendTarget is the queue or topic name ref names for sending.
func sendTarget(op string, ref EntityRef) (string, error) {
	switch {
	case ref.SubQueue != Active:
		return "", newError(KindNotFound, op, ref.String(), errors.New("a dead-letter queue cannot be sent to"))
	case ref.Queue != "" && ref.Topic == "" && ref.Subscription == "":
		return ref.Queue, nil
	case ref.Queue == "" && ref.Topic != "" && ref.Subscription == "":
		return ref.Topic, nil
	case ref.Subscription != "":
		return "", newError(KindNotFound, op, ref.String(), errors.New("messages are sent to the topic, not to one subscription"))
	}
	return "", newError(KindNotFound, op, ref.String(), errors.New("name a queue or a topic to send to"))
}

// sizeLimit is the largest message the namespace accepts, 0 when unknown
// (the link's own limit then applies).
func (ns *Namespace) sizeLimit() int64 { return ns.info.MaxMessageSize }

// sizeError refuses message i for being over limit.
func sizeError(i int, m *OutgoingMessage, size int, limit int64, cause error) error {
	id := ""
	if m.MessageID != "" {
		id = fmt.Sprintf(" (id %q)", m.MessageID)
	}
	what := fmt.Sprintf("message %d%s", i+1, id)
	if size > 0 {
		what += fmt.Sprintf(" has a %d-byte body and", size)
	}
	if limit > 0 {
		return fmt.Errorf("%s does not fit the %d-byte (%d KB) message size limit: nothing was sent: %w", what, limit, limit/1024, cause)
	}
	return fmt.Errorf("%s does not fit the entity's message size limit: nothing was sent: %w", what, cause)
}

// toSDK builds the SDK message, reading BodyFile when needed. A body file
// larger than limit is refused before it is read.
func (m *OutgoingMessage) toSDK(i int, limit int64) (*azservicebus.Message, error) {
	body := m.Body
	if body == nil && m.BodyFile != "" {
		st, err := os.Stat(m.BodyFile)
		if err != nil {
			return nil, fmt.Errorf("message %d: body file: %w", i+1, err)
		}
		if limit > 0 && st.Size() > limit {
			return nil, sizeError(i, m, int(st.Size()), limit, azservicebus.ErrMessageTooLarge)
		}
		if body, err = os.ReadFile(m.BodyFile); err != nil {
			return nil, fmt.Errorf("message %d: body file: %w", i+1, err)
		}
	}
	out := &azservicebus.Message{Body: body, ApplicationProperties: m.Properties}
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out.ContentType = str(m.ContentType)
	out.Subject = str(m.Subject)
	out.MessageID = str(m.MessageID)
	out.CorrelationID = str(m.CorrelationID)
	out.SessionID = str(m.SessionID)
	out.PartitionKey = str(m.PartitionKey)
	out.To = str(m.To)
	out.ReplyTo = str(m.ReplyTo)
	out.ReplyToSessionID = str(m.ReplyToSessionID)
	if m.TimeToLive > 0 {
		ttl := m.TimeToLive
		out.TimeToLive = &ttl
	}
	if !m.ScheduledEnqueueAt.IsZero() {
		at := m.ScheduledEnqueueAt
		out.ScheduledEnqueueTime = &at
	}
	return out, nil
}

// batchPlan packs msgs into batches within the size limit, in order, a
// new batch starting whenever session id or partition key changes (the
// service wants one of each per batch). It sends nothing: a message too
// large for an empty batch fails the whole plan, before any send.
func (ns *Namespace) batchPlan(ctx context.Context, s *azservicebus.Sender, msgs []OutgoingMessage) ([]*azservicebus.MessageBatch, error) {
	limit := ns.sizeLimit()
	opts := &azservicebus.MessageBatchOptions{}
	if limit > 0 {
		opts.MaxBytes = uint64(limit)
	}
	var (
		batches []*azservicebus.MessageBatch
		cur     *azservicebus.MessageBatch
		key     [2]string
	)
	for i := range msgs {
		m, err := msgs[i].toSDK(i, limit)
		if err != nil {
			return nil, err
		}
		k := [2]string{msgs[i].SessionID, msgs[i].PartitionKey}
		if cur != nil && k == key {
			err = cur.AddMessage(m, nil)
			if err == nil {
				continue
			}
			if !errors.Is(err, azservicebus.ErrMessageTooLarge) {
				return nil, err
			}
		}
		if cur, err = s.NewMessageBatch(ctx, opts); err != nil {
			return nil, err
		}
		key = k
		batches = append(batches, cur)
		if err := cur.AddMessage(m, nil); err != nil {
			if errors.Is(err, azservicebus.ErrMessageTooLarge) {
				return nil, sizeError(i, &msgs[i], len(m.Body), limit, err)
			}
			return nil, err
		}
	}
	return batches, nil
}

// withSender runs fn with the namespace's sender for entity (see
// cachedSender).
func (ns *Namespace) withSender(ctx context.Context, entity string, fn func(*azservicebus.Sender) error) error {
	if ns.client == nil {
		return errors.New("namespace is not connected")
	}
	s, err := ns.cachedSender(entity)
	if err != nil {
		return err
	}
	if err := fn(s); err != nil {
		ns.dropSender(entity, s, err)
		return err
	}
	return nil
}

// Send sends msgs to a queue or topic, packed into as few batches as the
// size limit allows, in order. Every message is checked against the
// namespace's message size limit before the first is sent, so an oversize
// message (KindMessageSizeExceeded, the limit in the error) means nothing
// was sent. It returns how many messages the service accepted: after a
// failure mid-way the earlier batches stay sent.
func (ns *Namespace) Send(ctx context.Context, ref EntityRef, msgs []OutgoingMessage) (int, error) {
	const op = "send"
	entity, err := sendTarget(op, ref)
	if err != nil {
		return 0, err
	}
	sent := 0
	err = ns.write(ctx, op, entity, func(ctx context.Context) error {
		if len(msgs) == 0 {
			return nil
		}
		return ns.withSender(ctx, entity, func(s *azservicebus.Sender) error {
			batches, err := ns.batchPlan(ctx, s, msgs)
			if err != nil {
				return err
			}
			for _, b := range batches {
				if err := s.SendMessageBatch(ctx, b, nil); err != nil {
					return fmt.Errorf("after %d of %d messages were sent: %w", sent, len(msgs), err)
				}
				sent += int(b.NumMessages())
			}
			return nil
		})
	})
	return sent, err
}

// Schedule sends msgs to appear in ref at time at and returns their
// sequence numbers, in order, for CancelScheduled. Sizes are checked
// before anything is sent, as in Send.
func (ns *Namespace) Schedule(ctx context.Context, ref EntityRef, msgs []OutgoingMessage, at time.Time) ([]int64, error) {
	const op = "schedule"
	entity, err := sendTarget(op, ref)
	if err != nil {
		return nil, err
	}
	var seqs []int64
	err = ns.write(ctx, op, entity, func(ctx context.Context) error {
		if len(msgs) == 0 {
			return nil
		}
		return ns.withSender(ctx, entity, func(s *azservicebus.Sender) error {
			// The plan checks every size; its batches are not sent.
			if _, err := ns.batchPlan(ctx, s, msgs); err != nil {
				return err
			}
			sdk := make([]*azservicebus.Message, len(msgs))
			for i := range msgs {
				m, err := msgs[i].toSDK(i, ns.sizeLimit())
				if err != nil {
					return err
				}
				m.ScheduledEnqueueTime = nil // the call's time applies
				sdk[i] = m
			}
			seqs, err = s.ScheduleMessages(ctx, sdk, at, nil)
			return err
		})
	})
	return seqs, err
}

// CancelScheduled removes scheduled messages of a queue or topic by their
// sequence numbers (as Schedule returned them, or as peek shows them).
func (ns *Namespace) CancelScheduled(ctx context.Context, ref EntityRef, seqs []int64) error {
	const op = "cancel scheduled"
	entity, err := sendTarget(op, ref)
	if err != nil {
		return err
	}
	return ns.write(ctx, op, entity, func(ctx context.Context) error {
		if len(seqs) == 0 {
			return nil
		}
		return ns.withSender(ctx, entity, func(s *azservicebus.Sender) error {
			return s.CancelScheduledMessages(ctx, seqs, nil)
		})
	})
}
