package amqp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Frame types (transport, part 2 of the specification).
const (
	frameTypeAMQP uint8 = 0
	frameTypeSASL uint8 = 1
)

const frameHeaderSize = 8

// minMaxFrameSize is the smallest max-frame-size a peer may advertise.
const minMaxFrameSize = 512

var (
	protoHeaderSASL = [8]byte{'A', 'M', 'Q', 'P', 3, 1, 0, 0}
	protoHeaderAMQP = [8]byte{'A', 'M', 'Q', 'P', 0, 1, 0, 0}
)

// errFraming marks input that breaks the frame layout itself.
var errFraming = errors.New("amqp: framing error")

type frameHeader struct {
	Size    uint32
	DOff    uint8
	Type    uint8
	Channel uint16
}

// parseFrameHeader validates the fixed 8-byte header against maxSize.
func parseFrameHeader(b []byte, maxSize uint32) (frameHeader, error) {
	if len(b) < frameHeaderSize {
		return frameHeader{}, fmt.Errorf("%w: short frame header", errFraming)
	}
	h := frameHeader{
		Size:    binary.BigEndian.Uint32(b),
		DOff:    b[4],
		Type:    b[5],
		Channel: binary.BigEndian.Uint16(b[6:]),
	}
	switch {
	case h.Size < frameHeaderSize:
		return h, fmt.Errorf("%w: frame size %d below header size", errFraming, h.Size)
	case maxSize > 0 && h.Size > maxSize:
		return h, fmt.Errorf("%w: frame size %d exceeds max-frame-size %d", errFraming, h.Size, maxSize)
	case h.DOff < 2:
		return h, fmt.Errorf("%w: data offset %d below 2", errFraming, h.DOff)
	case uint32(h.DOff)*4 > h.Size:
		return h, fmt.Errorf("%w: data offset %d beyond frame size %d", errFraming, h.DOff, h.Size)
	case h.Type != frameTypeAMQP && h.Type != frameTypeSASL:
		return h, fmt.Errorf("%w: unknown frame type %d", errFraming, h.Type)
	}
	return h, nil
}

// decodeFrameBody decodes the performative after the extended header. An
// empty body (a keepalive) gives a nil performative. Only transfers carry a
// payload; it aliases body. A disposition may be decoded into scratch (see
// decodeDispositionFast).
func decodeFrameBody(body []byte, scratch *dispositionScratch) (performative, []byte, error) {
	if len(body) == 0 {
		return nil, nil, nil
	}
	if f, ok := decodeDispositionFast(body, scratch); ok {
		return f, nil, nil
	}
	v, n, err := decodeValue(body, 0)
	if err != nil {
		return nil, nil, err
	}
	p, ok := v.(performative)
	if !ok {
		return nil, nil, fmt.Errorf("amqp: frame body is %T, not a performative", v)
	}
	rest := body[n:]
	if _, isTransfer := p.(*transferFrame); !isTransfer && len(rest) > 0 {
		return nil, nil, fmt.Errorf("amqp: %d unexpected bytes after %T", len(rest), p)
	}
	return p, rest, nil
}

// decodeFrame decodes one complete frame (header included). It is what the
// reader does per frame, in one function for tests and fuzzing.
func decodeFrame(b []byte, maxSize uint32) (frameHeader, performative, []byte, error) {
	h, err := parseFrameHeader(b, maxSize)
	if err != nil {
		return h, nil, nil, err
	}
	if uint32(len(b)) < h.Size {
		return h, nil, nil, fmt.Errorf("%w: frame truncated", errFraming)
	}
	p, payload, err := decodeFrameBody(b[int(h.DOff)*4:h.Size], nil)
	return h, p, payload, err
}

// appendFrame appends a whole frame: header, performative (nil for an empty
// keepalive frame) and payload.
func appendFrame(buf []byte, typ uint8, channel uint16, p performative, payload []byte) ([]byte, error) {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, 2, typ, byte(channel>>8), byte(channel))
	if p != nil {
		var err error
		if buf, err = p.appendTo(buf); err != nil {
			return buf[:start], err
		}
	}
	buf = append(buf, payload...)
	binary.BigEndian.PutUint32(buf[start:], uint32(len(buf)-start))
	return buf, nil
}
