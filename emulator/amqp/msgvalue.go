package amqp

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
)

// MessageBinary is a binary value holding the encoding of Message. It is
// encoded in place: the message is written straight into the output rather
// than encoded on its own and then copied in, which matters for management
// responses carrying hundreds of messages.
type MessageBinary struct {
	Message *Message
}

var errNilMessage = errors.New("amqp: MessageBinary without a message")

// appendMessageBinary writes a vbin32 header, the message, then patches the
// length.
func appendMessageBinary(buf []byte, v MessageBinary) ([]byte, error) {
	if v.Message == nil {
		return buf, errNilMessage
	}
	start := len(buf)
	buf = append(buf, codeVbin32, 0, 0, 0, 0)
	buf, err := appendMessage(buf, v.Message)
	if err != nil {
		return buf[:start], err
	}
	n := len(buf) - start - 5
	if uint64(n) > math.MaxUint32 {
		return buf[:start], errors.New("amqp: encoded message too large for a binary")
	}
	binary.BigEndian.PutUint32(buf[start+1:], uint32(n))
	return buf, nil
}

// EncodeMessageWithValue encodes m's sections other than the body, then an
// amqp-value body section holding v in place of m.Body and m.Footer. The
// output is sized up front so that a large v is written once.
func EncodeMessageWithValue(m *Message, v any) ([]byte, error) {
	return AppendMessageWithValue(nil, m, v)
}

// AppendMessageWithValue is EncodeMessageWithValue appending to buf (grown
// once, up front), for a caller that reuses buffers.
func AppendMessageWithValue(buf []byte, m *Message, v any) ([]byte, error) {
	head := *m
	head.Body, head.Footer = nil, nil
	buf = slices.Grow(buf, messageSizeHint(&head)+16+sizeHint(v, 0))
	buf, err := appendMessage(buf, &head)
	if err != nil {
		return nil, err
	}
	return appendValue(appendUlongDescriptor(buf, descValue), v, 1)
}
