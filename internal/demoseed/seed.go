// Package demoseed fills an emulator with the demo namespace's messages
// through the real azservicebus client — the same AMQP path a user's
// application takes — so the demo holds what a real namespace would: broker
// sequence numbers, delivery counts, dead-letter reasons and all.
package demoseed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
)

// Seed sends msgs in order and applies each one's action before the next
// message is sent, so every action finds its own message first in line.
func Seed(ctx context.Context, connectionString string, msgs []emulator.DemoMessage) error {
	client, err := azservicebus.NewClientFromConnectionString(connectionString, &azservicebus.ClientOptions{
		RetryOptions: azservicebus.RetryOptions{MaxRetries: 2, RetryDelay: 50 * time.Millisecond, MaxRetryDelay: time.Second},
	})
	if err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	defer client.Close(context.Background())

	s := &seeder{client: client, senders: map[string]*azservicebus.Sender{}}
	defer s.closeSenders()
	for i := range msgs {
		if err := s.seedOne(ctx, &msgs[i]); err != nil {
			return fmt.Errorf("demo seed: message %s to %s: %w", msgs[i].MessageID, msgs[i].To, err)
		}
	}
	return nil
}

type seeder struct {
	client  *azservicebus.Client
	senders map[string]*azservicebus.Sender
}

func (s *seeder) closeSenders() {
	for _, snd := range s.senders {
		_ = snd.Close(context.Background())
	}
}

func (s *seeder) sender(to string) (*azservicebus.Sender, error) {
	if snd, ok := s.senders[to]; ok {
		return snd, nil
	}
	snd, err := s.client.NewSender(to, nil)
	if err != nil {
		return nil, err
	}
	s.senders[to] = snd
	return snd, nil
}

func toSDKMessage(m *emulator.DemoMessage) *azservicebus.Message {
	out := &azservicebus.Message{
		Body:                  m.Body,
		MessageID:             &m.MessageID,
		ApplicationProperties: m.Properties,
	}
	if m.SessionID != "" {
		out.SessionID = &m.SessionID
	}
	if m.CorrelationID != "" {
		out.CorrelationID = &m.CorrelationID
	}
	if m.Subject != "" {
		out.Subject = &m.Subject
	}
	if m.ContentType != "" {
		out.ContentType = &m.ContentType
	}
	return out
}

func (s *seeder) seedOne(ctx context.Context, m *emulator.DemoMessage) error {
	snd, err := s.sender(m.To)
	if err != nil {
		return err
	}
	msg := toSDKMessage(m)
	switch m.Action {
	case emulator.DemoSchedule:
		_, err := snd.ScheduleMessages(ctx, []*azservicebus.Message{msg}, time.Now().Add(m.ScheduleIn), nil)
		return err
	case emulator.DemoExpire:
		ttl := 20 * time.Millisecond
		msg.TimeToLive = &ttl
	}
	if err := snd.SendMessage(ctx, msg, nil); err != nil {
		return err
	}
	switch m.Action {
	case emulator.DemoDeadLetter, emulator.DemoDefer, emulator.DemoAbandonUntilDeadLettered:
		return s.act(ctx, m)
	}
	return nil
}

// act receives m from its entity and settles it as the demo says.
func (s *seeder) act(ctx context.Context, m *emulator.DemoMessage) error {
	from := m.ReceiveFrom
	if from == "" {
		from = m.To
	}
	recv, closeRecv, err := s.receiver(ctx, from, m.SessionID)
	if err != nil {
		return err
	}
	defer closeRecv()

	for attempt := 1; ; attempt++ {
		got, err := receiveOne(ctx, recv)
		if err != nil {
			return err
		}
		if got.MessageID != m.MessageID {
			// Something else is first in line: the demo script is out of
			// order. Give it back untouched and say so.
			_ = recv.AbandonMessage(ctx, got, nil)
			return fmt.Errorf("expected %s first in %s, got %s", m.MessageID, from, got.MessageID)
		}
		switch m.Action {
		case emulator.DemoDeadLetter:
			return recv.DeadLetterMessage(ctx, got, &azservicebus.DeadLetterOptions{
				Reason: &m.DeadLetterReason, ErrorDescription: &m.DeadLetterDescription,
			})
		case emulator.DemoDefer:
			return recv.DeferMessage(ctx, got, nil)
		case emulator.DemoAbandonUntilDeadLettered:
			if err := recv.AbandonMessage(ctx, got, nil); err != nil {
				return err
			}
			if attempt >= 100 {
				return errors.New("message was not dead-lettered after 100 abandons")
			}
			if s.deadLettered(ctx, from, m.MessageID) {
				return nil
			}
		}
	}
}

type messageReceiver interface {
	ReceiveMessages(ctx context.Context, n int, o *azservicebus.ReceiveMessagesOptions) ([]*azservicebus.ReceivedMessage, error)
	AbandonMessage(ctx context.Context, m *azservicebus.ReceivedMessage, o *azservicebus.AbandonMessageOptions) error
	DeadLetterMessage(ctx context.Context, m *azservicebus.ReceivedMessage, o *azservicebus.DeadLetterOptions) error
	DeferMessage(ctx context.Context, m *azservicebus.ReceivedMessage, o *azservicebus.DeferMessageOptions) error
}

func (s *seeder) receiver(ctx context.Context, path, sessionID string) (messageReceiver, func(), error) {
	topic, sub, isSub := strings.Cut(path, "/Subscriptions/")
	if sessionID != "" {
		var sr *azservicebus.SessionReceiver
		var err error
		if isSub {
			sr, err = s.client.AcceptSessionForSubscription(ctx, topic, sub, sessionID, nil)
		} else {
			sr, err = s.client.AcceptSessionForQueue(ctx, path, sessionID, nil)
		}
		if err != nil {
			return nil, nil, err
		}
		return sr, func() { _ = sr.Close(context.Background()) }, nil
	}
	var r *azservicebus.Receiver
	var err error
	if isSub {
		r, err = s.client.NewReceiverForSubscription(topic, sub, nil)
	} else {
		r, err = s.client.NewReceiverForQueue(path, nil)
	}
	if err != nil {
		return nil, nil, err
	}
	return r, func() { _ = r.Close(context.Background()) }, nil
}

func receiveOne(ctx context.Context, r messageReceiver) (*azservicebus.ReceivedMessage, error) {
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		msgs, err := r.ReceiveMessages(rctx, 1, nil)
		if err != nil {
			return nil, err
		}
		if len(msgs) > 0 {
			return msgs[0], nil
		}
	}
}

// deadLettered reports whether the message now sits in path's DLQ.
func (s *seeder) deadLettered(ctx context.Context, path, messageID string) bool {
	topic, sub, isSub := strings.Cut(path, "/Subscriptions/")
	opts := &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter}
	var r *azservicebus.Receiver
	var err error
	if isSub {
		r, err = s.client.NewReceiverForSubscription(topic, sub, opts)
	} else {
		r, err = s.client.NewReceiverForQueue(path, opts)
	}
	if err != nil {
		return false
	}
	defer r.Close(context.Background())
	peeked, err := r.PeekMessages(ctx, 100, nil)
	if err != nil {
		return false
	}
	for _, p := range peeked {
		if p.MessageID == messageID {
			return true
		}
	}
	return false
}
