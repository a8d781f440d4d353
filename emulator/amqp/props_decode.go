package amqp

import (
	"errors"
	"time"
)

var errListSize = errors.New("amqp: list size mismatch")

// propertiesFields is how many fields the properties list defines.
const propertiesFields = 13

// decodePropertiesAt decodes the properties list that starts at b[0] (its
// constructor) into p and returns the bytes it took. Every stored message
// has one, so the fields are decoded straight into p, strings without being
// boxed on the way, instead of into a []any list made for the occasion; a
// list with more fields than the spec defines takes the general path (and
// the extra fields are ignored, as there).
func decodePropertiesAt(p *Properties, b []byte) (int, error) {
	if err := need(b, 1); err != nil {
		return 0, err
	}
	switch code := b[0]; code {
	case codeList0:
		*p = Properties{}
		return 1, nil
	case codeList8, codeList32:
		body, c, m, err := compoundHeader(code == codeList32, b[1:])
		if err != nil {
			return 0, err
		}
		if c > propertiesFields {
			return decodePropertiesValue(p, b)
		}
		*p = Properties{}
		off := 0
		var firstErr error
		for i := range int(c) {
			vn, err := decodePropertyField(p, i, body[off:])
			if vn == 0 {
				return 0, err // not even decodable
			}
			if firstErr == nil {
				firstErr = err
			}
			off += vn
		}
		if off != len(body) {
			return 0, errListSize
		}
		return 1 + m, firstErr
	default:
		return decodePropertiesValue(p, b)
	}
}

// decodePropertyField decodes field i of a properties list from the start
// of b into p. It returns the bytes the value took (0 when it does not
// decode) and an error, worded as fieldReader words it, when the value is
// of the wrong type for the field.
func decodePropertyField(p *Properties, i int, b []byte) (int, error) {
	if err := need(b, 1); err != nil {
		return 0, err
	}
	code := b[0]
	if code == codeNull {
		return 1, nil
	}
	if isStringField(i) && (code == codeStr8 || code == codeStr32 || code == codeSym8 || code == codeSym32) {
		data, n, err := readVariable(code, b[1:])
		if err != nil {
			return 0, err
		}
		if i == 6 || i == 7 {
			sym := Symbol(data)
			*symbolField(p, i) = &sym
		} else {
			str := string(data)
			*stringField(p, i) = &str
		}
		return 1 + n, nil
	}
	v, n, err := decodeValue(b, 2)
	if err != nil {
		return 0, err
	}
	if v == nil {
		return n, nil
	}
	r := fieldReader{what: "properties"}
	switch i {
	case 0:
		p.MessageID = v
	case 1:
		if bin, ok := v.([]byte); ok {
			p.UserID = bin
		} else {
			r.fail(i, v, "binary")
		}
	case 5:
		p.CorrelationID = v
	case 6, 7:
		r.fail(i, v, "symbol") // a string or symbol took the path above
	case 8, 9:
		if t, ok := v.(time.Time); ok {
			*timeField(p, i) = &t
		} else {
			r.fail(i, v, "timestamp")
		}
	case 11:
		if u, ok := asUint64(v); ok && u <= 0xffffffff {
			seq := uint32(u)
			p.GroupSequence = &seq
		} else {
			r.fail(i, v, "uint")
		}
	default:
		r.fail(i, v, "string")
	}
	return n, r.err
}

// isStringField reports whether properties field i holds a string or a
// symbol (each accepted for the other).
func isStringField(i int) bool {
	switch i {
	case 2, 3, 4, 6, 7, 10, 12:
		return true
	}
	return false
}

func stringField(p *Properties, i int) **string {
	switch i {
	case 2:
		return &p.To
	case 3:
		return &p.Subject
	case 4:
		return &p.ReplyTo
	case 10:
		return &p.GroupID
	}
	return &p.ReplyToGroupID
}

func symbolField(p *Properties, i int) **Symbol {
	if i == 6 {
		return &p.ContentType
	}
	return &p.ContentEncoding
}

func timeField(p *Properties, i int) **time.Time {
	if i == 8 {
		return &p.AbsoluteExpiryTime
	}
	return &p.CreationTime
}

// decodePropertiesValue is the general path: decode the value, then read it
// as a list (which reports what else it is).
func decodePropertiesValue(p *Properties, b []byte) (int, error) {
	v, n, err := decodeValue(b, 1)
	if err != nil {
		return 0, err
	}
	return n, decodePropertiesInto(p, v)
}

// bareTracker follows where a decoded message's bare part (properties to
// footer) starts and whether its sections come in the spec's order with no
// header or annotations among them.
type bareTracker struct {
	at      int // offset of the first bare section; -1 before it
	rank    int
	inOrder bool
}

func (t *bareTracker) section(code uint64, off int) {
	var rank int
	switch code {
	case descHeader, descDeliveryAnn, descMessageAnn:
		if t.at >= 0 {
			t.inOrder = false
		}
		return
	case descProperties:
		rank = 1
	case descAppProperties:
		rank = 2
	case descFooter:
		rank = 4
	default: // a body section
		rank = 3
	}
	if t.at < 0 {
		t.at, t.inOrder = off, true
	} else if rank < t.rank || (rank == t.rank && rank != 3) {
		t.inOrder = false
	}
	t.rank = rank
}
