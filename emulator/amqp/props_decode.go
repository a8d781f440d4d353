package amqp

import (
	"errors"
	"sync"
)

var errListSize = errors.New("amqp: list size mismatch")

// propertiesFields is how many fields the properties list defines.
const propertiesFields = 13

// fieldScratch holds the decoded fields of one properties list while they
// are read: the reader's methods make it escape, so it is pooled rather
// than allocated per message.
var fieldScratch = sync.Pool{New: func() any { return new([propertiesFields]any) }}

// decodePropertiesAt decodes the properties list that starts at b[0] (its
// constructor) into p and returns the bytes it took. Every stored message
// has one, so the fields are decoded into a reused array instead of
// a []any list made for the occasion; a list with more fields than the
// spec defines takes the general path (and the extra fields are ignored,
// as there).
func decodePropertiesAt(p *Properties, b []byte) (int, error) {
	if err := need(b, 1); err != nil {
		return 0, err
	}
	fields := fieldScratch.Get().(*[propertiesFields]any)
	defer func() {
		*fields = [propertiesFields]any{} // keep nothing alive
		fieldScratch.Put(fields)
	}()
	count, n := uint32(0), 1
	switch code := b[0]; code {
	case codeList0:
	case codeList8, codeList32:
		body, c, m, err := compoundHeader(code == codeList32, b[1:])
		if err != nil {
			return 0, err
		}
		if c > propertiesFields {
			return decodePropertiesValue(p, b)
		}
		off := 0
		for i := range c {
			v, vn, err := decodeValue(body[off:], 2)
			if err != nil {
				return 0, err
			}
			fields[i] = v
			off += vn
		}
		if off != len(body) {
			return 0, errListSize
		}
		count, n = c, 1+m
	default:
		return decodePropertiesValue(p, b)
	}
	r := fieldReader{f: fields[:count], what: "properties"}
	fillProperties(p, &r)
	return n, r.err
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
