package emulator

import (
	"strings"

	"github.com/sbx-tui/sbx/emulator/amqp"
)

// attachSender accepts a client sender link to a queue or topic. The reply
// carries the size limits the SDK sizes messages and batches with.
func (h *handler) attachSender(l *amqp.Link, address string) (amqp.LinkHandler, *amqp.Error) {
	if address == "" || strings.Contains(address, "/") {
		return nil, &amqp.Error{Condition: amqp.ErrNotAllowed,
			Description: "messages can only be sent to a queue or a topic, not to '" + address + "'"}
	}
	info, err := h.em.Broker.GetQueue(address)
	if err != nil {
		info, err = h.em.Broker.GetTopic(address)
	}
	if err != nil {
		return nil, toAMQPError(err)
	}
	if aerr := h.checkAuthorized(l.Conn(), address); aerr != nil {
		return nil, aerr
	}
	limit := uint64(h.em.cfg.MaxMessageSize)
	if kb := info.Properties.MaxMessageSizeInKilobytes; kb > 0 {
		limit = uint64(kb) * 1024
	}
	l.ReplyMaxMessageSize = limit
	l.ReplyProperties = &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol(propMaxBatchSize), Value: limit}}}
	h.track(l)
	return &senderLink{h: h, address: address}, nil
}

// senderLink stores what a client sends to one queue or topic.
type senderLink struct {
	h       *handler
	address string
}

// Transfer implements amqp.LinkHandler: decode, enqueue, settle.
func (s *senderLink) Transfer(l *amqp.Link, d *amqp.IncomingDelivery) amqp.DeliveryState {
	em := s.h.em
	em.Faults.delay()
	em.stats.transfers.Add(1)
	if kind, ok := em.Faults.take(OpSend); ok {
		return &amqp.Rejected{Error: kind.amqpError()}
	}
	msgs, err := decodeTransfer(d.Format, d.Payload)
	if err != nil {
		cond := amqp.ErrDecode
		if aerr := toAMQPError(err); aerr.Condition == amqp.ErrNotAllowed {
			cond = amqp.ErrNotAllowed
		}
		return &amqp.Rejected{Error: &amqp.Error{Condition: cond, Description: err.Error()}}
	}
	// The messages were decoded for this call only: the broker may keep them.
	if err := em.Broker.SendOwned(s.address, msgs); err != nil {
		return &amqp.Rejected{Error: toAMQPError(err)}
	}
	return &amqp.Accepted{}
}

func (s *senderLink) Flow(*amqp.Link) {}

func (s *senderLink) Disposition(*amqp.Link, []byte, amqp.DeliveryState, bool) amqp.DeliveryState {
	return nil
}

func (s *senderLink) Detached(l *amqp.Link, _ *amqp.Error) { s.h.untrack(l) }
