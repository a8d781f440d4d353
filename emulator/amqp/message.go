package amqp

import (
	"errors"
	"fmt"
)

// EncodeMessage encodes all present sections of m in the standard order.
func EncodeMessage(m *Message) ([]byte, error) {
	return appendMessage(make([]byte, 0, messageSizeHint(m)), m)
}

// messageSizeHint is a capacity that holds m's encoding in the common case.
func messageSizeHint(m *Message) int {
	if m == nil {
		return 0
	}
	return 256 + len(m.EncodedProperties) + len(m.EncodedApplicationProperties) + len(m.Body) + len(m.Footer)
}

// AppendMessage is EncodeMessage appending to buf, for callers that reuse
// or share a buffer.
func AppendMessage(buf []byte, m *Message) ([]byte, error) {
	return appendMessage(buf, m)
}

func appendMessage(buf []byte, m *Message) ([]byte, error) {
	var err error
	if h := m.Header; h != nil {
		w := newListWriter(buf, descHeader)
		w.boolOpt(h.Durable)
		w.ubytep(h.Priority)
		w.uintp(h.TTL)
		w.boolOpt(h.FirstAcquirer)
		if h.DeliveryCount != 0 {
			w.uint(h.DeliveryCount)
		} else {
			w.null()
		}
		if buf, err = w.finish(); err != nil {
			return nil, err
		}
	}
	if buf, err = appendMapSection(buf, descDeliveryAnn, m.DeliveryAnnotations); err != nil {
		return nil, err
	}
	if buf, err = appendMapSection(buf, descMessageAnn, m.MessageAnnotations); err != nil {
		return nil, err
	}
	if m.EncodedProperties != nil {
		buf = append(buf, m.EncodedProperties...)
	} else if p := m.Properties; p != nil {
		w := newListWriter(buf, descProperties)
		w.value(p.MessageID)
		w.binary(p.UserID)
		w.strp(p.To)
		w.strp(p.Subject)
		w.strp(p.ReplyTo)
		w.value(p.CorrelationID)
		w.symp(p.ContentType)
		w.symp(p.ContentEncoding)
		w.timep(p.AbsoluteExpiryTime)
		w.timep(p.CreationTime)
		w.strp(p.GroupID)
		w.uintp(p.GroupSequence)
		w.strp(p.ReplyToGroupID)
		if buf, err = w.finish(); err != nil {
			return nil, err
		}
	}
	if m.EncodedApplicationProperties != nil {
		buf = append(buf, m.EncodedApplicationProperties...)
	} else if buf, err = appendMapSection(buf, descAppProperties, m.ApplicationProperties); err != nil {
		return nil, err
	}
	buf = append(buf, m.Body...)
	return append(buf, m.Footer...), nil
}

func appendMapSection(buf []byte, desc uint64, m *Map) ([]byte, error) {
	if m == nil {
		return buf, nil
	}
	return appendMap(appendUlongDescriptor(buf, desc), m, 1)
}

// DecodeMessage decodes an encoded message. Body sections and the footer are
// kept as raw bytes (Message.Body, Message.Footer); both are copies, so the
// message does not alias b.
func DecodeMessage(b []byte) (*Message, error) {
	return decodeMessage(b, decodeCopy)
}

// DecodeMessageShared is DecodeMessage without the copies: Body and Footer
// alias b, so they are only valid as long as b is. Decoded values (strings,
// binaries, maps) never alias b. It suits a caller that copies what it keeps,
// such as one splitting a batch whose inner messages it decodes in turn.
func DecodeMessageShared(b []byte) (*Message, error) {
	return decodeMessage(b, decodeShared)
}

// DecodeMessageRaw is DecodeMessageShared that also keeps the wire form of
// the properties and application-properties sections (EncodedProperties,
// EncodedApplicationProperties, aliasing b), for a caller that stores the
// message and later sends it on unchanged. Empty delivery or message
// annotation maps decode as absent (nil).
func DecodeMessageRaw(b []byte) (*Message, error) {
	return decodeMessage(b, decodeRaw)
}

// decodeMode is how much of the input a decoded message may alias.
type decodeMode int

const (
	decodeCopy   decodeMode = iota // nothing
	decodeShared                   // body and footer
	decodeRaw                      // body, footer and the encoded property sections
)

func decodeMessage(b []byte, mode decodeMode) (*Message, error) {
	m := &Message{}
	if err := decodeMessageInto(m, b, mode); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeMessageRawInto is DecodeMessageRaw decoding into m, which it
// overwrites, reusing m's Properties struct: for a caller decoding many
// messages in a row (a batch) that keeps neither m nor m.Properties from
// one to the next (the values they point to are always fresh).
func DecodeMessageRawInto(m *Message, b []byte) error {
	return decodeMessageInto(m, b, decodeRaw)
}

func decodeMessageInto(m *Message, b []byte, mode decodeMode) error {
	shared := mode != decodeCopy
	spare := m.Properties
	*m = Message{}
	var body bodyRanges
	var seen uint16 // bit (code - 0x70) per non-body section already read
	bare := bareTracker{at: -1}
	for off := 0; off < len(b); {
		code, descLen, err := sectionDescriptor(b[off:])
		if err != nil {
			return err
		}
		valueAt := off + descLen
		if code < descHeader || code > descFooter {
			return fmt.Errorf("amqp: unknown message section 0x%02x", code)
		}
		isBody := code == descData || code == descSequence || code == descValue
		bit := uint16(1) << (code - descHeader)
		if seen&bit != 0 && !isBody {
			return fmt.Errorf("amqp: duplicate message section 0x%02x", code)
		}
		if m.Footer != nil {
			return fmt.Errorf("amqp: message section 0x%02x after the footer", code)
		}
		seen |= bit
		bare.section(code, off)
		if code == descData {
			// The common case: validate and slice without decoding a copy.
			if err := need(b[valueAt:], 1); err != nil {
				return err
			}
			c := b[valueAt]
			if c != codeVbin8 && c != codeVbin32 {
				return fmt.Errorf("amqp: data section holds constructor 0x%02x", c)
			}
			_, n, err := readVariable(c, b[valueAt+1:])
			if err != nil {
				return err
			}
			next := valueAt + 1 + n
			body.add(off, next)
			off = next
			continue
		}
		if code == descProperties {
			if spare == nil {
				spare = &Properties{}
			}
			n, err := decodePropertiesAt(spare, b[valueAt:])
			if err != nil {
				return err
			}
			next := valueAt + n
			m.Properties, spare = spare, nil
			if mode == decodeRaw {
				m.EncodedProperties = b[off:next:next]
			}
			off = next
			continue
		}
		if mode == decodeRaw && (code == descDeliveryAnn || code == descMessageAnn) {
			if n := emptyMapLen(b[valueAt:]); n > 0 {
				// The SDK sends an empty annotations map with every
				// message; a raw decode leaves it out instead of
				// allocating a map nobody reads.
				off = valueAt + n
				continue
			}
		}
		v, n, err := decodeValue(b[valueAt:], 1)
		if err != nil {
			return err
		}
		next := valueAt + n
		switch code {
		case descHeader:
			if m.Header, err = decodeHeader(v); err != nil {
				return err
			}
		case descDeliveryAnn, descMessageAnn, descAppProperties, descFooter:
			mp, ok := v.(*Map)
			if !ok && v != nil {
				return fmt.Errorf("amqp: map section 0x%02x holds %T", code, v)
			}
			switch code {
			case descDeliveryAnn:
				m.DeliveryAnnotations = mp
			case descMessageAnn:
				m.MessageAnnotations = mp
			case descAppProperties:
				m.ApplicationProperties = mp
				if mode == decodeRaw {
					m.EncodedApplicationProperties = b[off:next:next]
				}
			default:
				m.Footer = b[off:next:next]
				if !shared {
					m.Footer = append([]byte{}, m.Footer...)
				}
			}
		case descSequence:
			if _, ok := v.([]any); !ok {
				return fmt.Errorf("amqp: amqp-sequence section holds %T", v)
			}
			body.add(off, next)
		case descValue:
			body.add(off, next)
		default:
			return fmt.Errorf("amqp: unknown message section 0x%02x", code)
		}
		off = next
	}
	m.Body = body.bytes(b, shared)
	if mode == decodeRaw && bare.at >= 0 && bare.inOrder && body.n <= 1 {
		m.EncodedBare = b[bare.at:len(b):len(b)]
	}
	return nil
}

// bodyRanges collects where a message's body sections lie. They are
// normally one contiguous run, which can then be sliced or copied in one
// step instead of being appended section by section.
type bodyRanges struct {
	first [2]int   // the first run, kept inline: no allocation for one run
	more  [][2]int // any further runs
	n     int
}

func (r *bodyRanges) add(from, to int) {
	switch {
	case r.n == 0:
		r.first = [2]int{from, to}
		r.n = 1
	case len(r.more) == 0 && r.first[1] == from:
		r.first[1] = to
	case len(r.more) > 0 && r.more[len(r.more)-1][1] == from:
		r.more[len(r.more)-1][1] = to
	default:
		r.more = append(r.more, [2]int{from, to})
		r.n++
	}
}

// bytes returns the body: an alias of b when shared and contiguous, else
// one exact-size copy. nil when there is no body.
func (r *bodyRanges) bytes(b []byte, shared bool) []byte {
	switch r.n {
	case 0:
		return nil
	case 1:
		s := b[r.first[0]:r.first[1]:r.first[1]]
		if shared {
			return s
		}
		return append(make([]byte, 0, len(s)), s...)
	}
	size := r.first[1] - r.first[0]
	for _, sp := range r.more {
		size += sp[1] - sp[0]
	}
	out := append(make([]byte, 0, size), b[r.first[0]:r.first[1]]...)
	for _, sp := range r.more {
		out = append(out, b[sp[0]:sp[1]]...)
	}
	return out
}

// emptyMapLen returns the length of the empty map b starts with, or 0 when
// it does not start with one.
func emptyMapLen(b []byte) int {
	switch {
	case len(b) >= 3 && b[0] == codeMap8 && b[1] == 1 && b[2] == 0:
		return 3
	case len(b) >= 9 && b[0] == codeMap32 && string(b[1:9]) == "\x00\x00\x00\x04\x00\x00\x00\x00":
		return 9
	}
	return 0
}

// sectionDescriptor reads the descriptor of a message section and returns
// its numeric code and the bytes taken by the 0x00 and descriptor.
func sectionDescriptor(b []byte) (uint64, int, error) {
	if err := need(b, 1); err != nil {
		return 0, 0, err
	}
	if b[0] != codeDescribed {
		return 0, 0, fmt.Errorf("amqp: message section starts with 0x%02x, not a descriptor", b[0])
	}
	if len(b) >= 3 && b[1] == codeSmallUlong {
		return uint64(b[2]), 3, nil // the usual form, read without boxing it
	}
	d, n, err := decodeValue(b[1:], 1)
	if err != nil {
		return 0, 0, err
	}
	code, ok := descriptorCode(d)
	if !ok {
		return 0, 0, fmt.Errorf("amqp: unknown message section descriptor %v", d)
	}
	return code, 1 + n, nil
}

func decodeHeader(v any) (*Header, error) {
	r, err := newFieldReader(v, "header")
	if err != nil {
		return nil, err
	}
	h := &Header{
		Durable:       r.bool(0),
		Priority:      r.ubytep(1),
		TTL:           r.uintp(2),
		FirstAcquirer: r.bool(3),
		DeliveryCount: r.uint(4, 0),
	}
	return h, r.err
}

func decodeProperties(v any) (*Properties, error) {
	p := &Properties{}
	if err := decodePropertiesInto(p, v); err != nil {
		return nil, err
	}
	return p, nil
}

func decodePropertiesInto(p *Properties, v any) error {
	r, err := newFieldReader(v, "properties")
	if err != nil {
		return err
	}
	fillProperties(p, &r)
	return r.err
}

// fillProperties sets every field of p from the list r reads.
func fillProperties(p *Properties, r *fieldReader) {
	*p = Properties{
		MessageID:          r.get(0),
		UserID:             r.binary(1),
		To:                 r.strp(2),
		Subject:            r.strp(3),
		ReplyTo:            r.strp(4),
		CorrelationID:      r.get(5),
		ContentType:        r.symp(6),
		ContentEncoding:    r.symp(7),
		AbsoluteExpiryTime: r.timep(8),
		CreationTime:       r.timep(9),
		GroupID:            r.strp(10),
		GroupSequence:      r.uintp(11),
		ReplyToGroupID:     r.strp(12),
	}
}

var errNotDataBody = errors.New("amqp: message body is not made of data sections")

// DataSections decodes m.Body as a sequence of data sections (the batch
// format). It fails when the body holds another section kind.
func (m *Message) DataSections() ([][]byte, error) {
	// Counted first, so a batch of hundreds gets its slice in one step.
	n := 0
	if err := eachDataSection(m.Body, func([]byte) { n++ }); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	out := make([][]byte, 0, n)
	_ = eachDataSection(m.Body, func(data []byte) { out = append(out, data) })
	return out, nil
}

// eachDataSection calls f with the content of each data section in b, and
// fails when b holds anything else.
func eachDataSection(b []byte, f func(data []byte)) error {
	for off := 0; off < len(b); {
		code, descLen, err := sectionDescriptor(b[off:])
		if err != nil {
			return err
		}
		if code != descData {
			return errNotDataBody
		}
		at := off + descLen
		if err := need(b[at:], 1); err != nil {
			return err
		}
		c := b[at]
		if c != codeVbin8 && c != codeVbin32 {
			return fmt.Errorf("amqp: data section holds constructor 0x%02x", c)
		}
		data, n, err := readVariable(c, b[at+1:])
		if err != nil {
			return err
		}
		f(data)
		off = at + 1 + n
	}
	return nil
}

// BodyValue decodes m.Body as one amqp-value section (management requests).
func (m *Message) BodyValue() (any, error) {
	code, descLen, err := sectionDescriptor(m.Body)
	if err != nil {
		return nil, err
	}
	if code != descValue {
		return nil, fmt.Errorf("amqp: message body is section 0x%02x, not amqp-value", code)
	}
	v, n, err := decodeValue(m.Body[descLen:], 1)
	if err != nil {
		return nil, err
	}
	if descLen+n != len(m.Body) {
		return nil, fmt.Errorf("amqp: message body holds more than one amqp-value section")
	}
	return v, nil
}

// SetBodyValue replaces m.Body with one amqp-value section holding v.
func (m *Message) SetBodyValue(v any) error {
	// Sized up front: a management response can carry hundreds of encoded
	// messages, and growing the buffer step by step copies them again and
	// again.
	buf := make([]byte, 0, 16+sizeHint(v, 0))
	b, err := appendValue(appendUlongDescriptor(buf, descValue), v, 1)
	if err != nil {
		return err
	}
	m.Body = b
	return nil
}

// SetBodyData replaces m.Body with one data section per slice.
func (m *Message) SetBodyData(data ...[]byte) {
	size := 0
	for _, d := range data {
		size += len(d) + 8
	}
	b := make([]byte, 0, size)
	for _, d := range data {
		b = appendBinary(appendUlongDescriptor(b, descData), d)
	}
	m.Body = b
}

// sizeHint estimates the encoded size of v, counting binaries and strings
// exactly and everything else generously enough to avoid regrowth in the
// common case. It is only a capacity hint.
func sizeHint(v any, depth int) int {
	if depth > maxDepth {
		return 0
	}
	switch x := v.(type) {
	case []byte:
		return 5 + len(x)
	case string:
		return 5 + len(x)
	case Symbol:
		return 5 + len(x)
	case []any:
		n := 9
		for _, e := range x {
			n += sizeHint(e, depth+1)
		}
		return n
	case MessageBinary:
		return 5 + messageSizeHint(x.Message)
	case *Map:
		if x == nil {
			return 1
		}
		n := 9
		for _, p := range x.Pairs {
			n += sizeHint(p.Key, depth+1) + sizeHint(p.Value, depth+1)
		}
		return n
	}
	return 24
}
