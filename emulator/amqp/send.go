package amqp

import "errors"

// rawPerformative is a performative encoded ahead of time, so Send can size
// frames before writing them.
type rawPerformative []byte

func (r rawPerformative) appendTo(buf []byte) ([]byte, error) { return append(buf, r...), nil }

// Send sends one delivery on a link the client receives on. It is safe from
// any goroutine. It returns ErrNoCredit without credit (or while the
// session's outgoing window is exhausted) and ErrLinkClosed once the link
// has ended.
func (l *Link) Send(d OutgoingDelivery) error {
	if l == nil || l.impl == nil {
		return ErrLinkClosed
	}
	ls := l.impl
	if ls.clientRole != RoleReceiver {
		return errors.New("amqp: Send on a link the client sends on")
	}
	s := ls.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if ls.phase != linkAttached || s.endSent.Load() {
		return ErrLinkClosed
	}
	if ls.credit == 0 {
		return ErrNoCredit
	}
	if ls.maxOut > 0 && uint64(len(d.Payload)) > ls.maxOut {
		return errMessageTooLarge
	}
	if len(d.Tag) > maxDeliveryTag {
		return errTagTooLong
	}

	id := s.nextDeliveryID
	s.sendID, s.sendFormat = id, d.Format
	first := transferFrame{
		Handle:        ls.handle,
		DeliveryID:    &s.sendID,
		DeliveryTag:   d.Tag,
		MessageFormat: &s.sendFormat,
		Settled:       d.Settled,
	}
	if first.DeliveryTag == nil {
		first.DeliveryTag = []byte{}
	}
	var err error
	// More is always encoded, so the size is the same for true and false.
	if s.scratch, err = first.appendTo(s.scratch[:0]); err != nil {
		return err
	}
	maxFrame := int(s.c.peerMaxFrame)
	room := maxFrame - frameHeaderSize - len(s.scratch)
	frames := 1
	var contRoom int
	var cont []byte
	if len(d.Payload) > room {
		c := transferFrame{Handle: ls.handle, More: true}
		if cont, err = c.appendTo(nil); err != nil {
			return err
		}
		contRoom = maxFrame - frameHeaderSize - len(cont)
		if room <= 0 || contRoom <= 0 {
			return errors.New("amqp: peer max-frame-size too small for a transfer")
		}
		frames = 1 + (len(d.Payload)-room+contRoom-1)/contRoom
	}
	if uint64(s.remoteIncomingWindow) < uint64(frames) {
		s.windowBlocked = true
		return ErrNoCredit
	}

	s.nextDeliveryID++
	ls.deliveryCount++
	ls.credit--
	if !d.Settled {
		od := outDelivery{link: ls, tagLen: uint8(len(d.Tag))}
		copy(od.tag[:], d.Tag)
		s.unsettled.add(id, od)
	}

	payload := d.Payload
	for i := 0; i < frames; i++ {
		var chunk []byte
		if i == 0 {
			n := min(room, len(payload))
			chunk, payload = payload[:n], payload[n:]
			if frames > 1 {
				first.More = true
				if s.scratch, err = first.appendTo(s.scratch[:0]); err != nil {
					return err
				}
			}
			s.sendPerf = s.scratch
		} else {
			n := min(contRoom, len(payload))
			chunk, payload = payload[:n], payload[n:]
			if i == frames-1 {
				last := transferFrame{Handle: ls.handle}
				if cont, err = last.appendTo(cont[:0]); err != nil {
					return err
				}
			}
			s.sendPerf = cont
		}
		s.nextOutgoingID++
		s.remoteIncomingWindow--
		var then func()
		if i == frames-1 {
			// Sent runs before the last frame can reach the client, so
			// nothing the client does after receiving the delivery can
			// come before it.
			then = d.Sent
		}
		if err := s.c.writeFrameThen(frameTypeAMQP, s.channel, &s.sendPerf, chunk, then); err != nil {
			return ErrLinkClosed
		}
	}
	return nil
}
