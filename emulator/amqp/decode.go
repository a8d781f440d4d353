package amqp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// errTruncated is returned when input ends inside a value.
var errTruncated = errors.New("amqp: truncated value")

// maxZeroWidthElems caps arrays whose elements take no bytes (null, true,
// false, uint0, ulong0 constructors): their count is not bounded by the input
// length, so a tiny frame could otherwise ask for billions of elements.
const maxZeroWidthElems = 1 << 16

// DecodeValue decodes one AMQP value from the front of b and returns it with
// the number of bytes consumed. Malformed or truncated input gives an error,
// never a panic.
func DecodeValue(b []byte) (v any, n int, err error) {
	return decodeValue(b, 0)
}

func decodeValue(b []byte, depth int) (any, int, error) {
	if len(b) == 0 {
		return nil, 0, errTruncated
	}
	if depth > maxDepth {
		return nil, 0, fmt.Errorf("amqp: value nested deeper than %d levels", maxDepth)
	}
	code := b[0]
	if code == codeDescribed {
		return decodeDescribed(b, depth)
	}
	v, n, err := decodeByCode(code, b[1:], depth)
	return v, n + 1, err
}

func decodeDescribed(b []byte, depth int) (any, int, error) {
	desc, n1, err := decodeValue(b[1:], depth+1)
	if err != nil {
		return nil, 0, err
	}
	switch desc.(type) {
	case uint64, Symbol:
	default:
		return nil, 0, fmt.Errorf("amqp: descriptor of type %T", desc)
	}
	val, n2, err := decodeValue(b[1+n1:], depth+1)
	if err != nil {
		return nil, 0, err
	}
	n := 1 + n1 + n2
	if c, ok := descriptorCode(desc); ok {
		typed, known, err := fromDescribed(c, val)
		if err != nil {
			return nil, 0, err
		}
		if known {
			return typed, n, nil
		}
	}
	return Described{Descriptor: desc, Value: val}, n, nil
}

// need checks that b holds at least n bytes.
func need(b []byte, n int) error {
	if n < 0 || len(b) < n {
		return errTruncated
	}
	return nil
}

// decodeByCode decodes the data following the constructor code; it returns
// the number of data bytes consumed (not counting the constructor).
func decodeByCode(code byte, b []byte, depth int) (any, int, error) {
	be := binary.BigEndian
	switch code {
	case codeNull:
		return nil, 0, nil
	case codeBoolTrue:
		return true, 0, nil
	case codeBoolFalse:
		return false, 0, nil
	case codeBool:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		switch b[0] {
		case 0:
			return false, 1, nil
		case 1:
			return true, 1, nil
		}
		return nil, 0, fmt.Errorf("amqp: invalid boolean octet 0x%02x", b[0])
	case codeUbyte:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return b[0], 1, nil
	case codeUshort:
		if err := need(b, 2); err != nil {
			return nil, 0, err
		}
		return be.Uint16(b), 2, nil
	case codeUint:
		if err := need(b, 4); err != nil {
			return nil, 0, err
		}
		return be.Uint32(b), 4, nil
	case codeSmallUint:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return uint32(b[0]), 1, nil
	case codeUint0:
		return uint32(0), 0, nil
	case codeUlong:
		if err := need(b, 8); err != nil {
			return nil, 0, err
		}
		return be.Uint64(b), 8, nil
	case codeSmallUlong:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return uint64(b[0]), 1, nil
	case codeUlong0:
		return uint64(0), 0, nil
	case codeByte:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return int8(b[0]), 1, nil
	case codeShort:
		if err := need(b, 2); err != nil {
			return nil, 0, err
		}
		return int16(be.Uint16(b)), 2, nil
	case codeInt:
		if err := need(b, 4); err != nil {
			return nil, 0, err
		}
		return int32(be.Uint32(b)), 4, nil
	case codeSmallInt:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return int32(int8(b[0])), 1, nil
	case codeLong:
		if err := need(b, 8); err != nil {
			return nil, 0, err
		}
		return int64(be.Uint64(b)), 8, nil
	case codeSmallLong:
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		return int64(int8(b[0])), 1, nil
	case codeFloat:
		if err := need(b, 4); err != nil {
			return nil, 0, err
		}
		return math.Float32frombits(be.Uint32(b)), 4, nil
	case codeDouble:
		if err := need(b, 8); err != nil {
			return nil, 0, err
		}
		return math.Float64frombits(be.Uint64(b)), 8, nil
	case codeChar:
		if err := need(b, 4); err != nil {
			return nil, 0, err
		}
		return Char(be.Uint32(b)), 4, nil
	case codeTimestamp:
		if err := need(b, 8); err != nil {
			return nil, 0, err
		}
		return time.UnixMilli(int64(be.Uint64(b))).UTC(), 8, nil
	case codeUUID:
		if err := need(b, 16); err != nil {
			return nil, 0, err
		}
		var u UUID
		copy(u[:], b)
		return u, 16, nil
	case codeDecimal32:
		if err := need(b, 4); err != nil {
			return nil, 0, err
		}
		var d Decimal32
		copy(d[:], b)
		return d, 4, nil
	case codeDecimal64:
		if err := need(b, 8); err != nil {
			return nil, 0, err
		}
		var d Decimal64
		copy(d[:], b)
		return d, 8, nil
	case codeDecimal128:
		if err := need(b, 16); err != nil {
			return nil, 0, err
		}
		var d Decimal128
		copy(d[:], b)
		return d, 16, nil
	case codeVbin8, codeVbin32, codeStr8, codeStr32, codeSym8, codeSym32:
		data, n, err := readVariable(code, b)
		if err != nil {
			return nil, 0, err
		}
		switch code &^ 0x10 {
		case codeVbin8:
			return append(make([]byte, 0, len(data)), data...), n, nil
		case codeStr8:
			return string(data), n, nil
		}
		return Symbol(data), n, nil
	case codeList0:
		return []any{}, 0, nil
	case codeList8, codeList32:
		return decodeList(code, b, depth)
	case codeMap8, codeMap32:
		return decodeMap(code, b, depth)
	case codeArray8, codeArray32:
		return decodeArray(code, b, depth)
	}
	return nil, 0, fmt.Errorf("amqp: unknown format code 0x%02x", code)
}

// readVariable returns the payload of a vbin/str/sym value and the number of
// bytes it took including the length prefix.
func readVariable(code byte, b []byte) ([]byte, int, error) {
	if code&0x10 == 0 { // 8-bit length forms: 0xa0, 0xa1, 0xa3
		if err := need(b, 1); err != nil {
			return nil, 0, err
		}
		n := int(b[0])
		if err := need(b[1:], n); err != nil {
			return nil, 0, err
		}
		return b[1 : 1+n], 1 + n, nil
	}
	if err := need(b, 4); err != nil {
		return nil, 0, err
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, 0, errTruncated
	}
	return b[4 : 4+int(n)], 4 + int(n), nil
}

// compoundHeader reads the size and count of a list, map or array and returns
// the body (after the count) bounded by size, and the total bytes used.
func compoundHeader(wide bool, b []byte) (body []byte, count uint32, n int, err error) {
	if !wide {
		if err := need(b, 2); err != nil {
			return nil, 0, 0, err
		}
		size := int(b[0])
		if size < 1 || size > len(b)-1 {
			return nil, 0, 0, errTruncated
		}
		return b[2 : 1+size], uint32(b[1]), 1 + size, nil
	}
	if err := need(b, 8); err != nil {
		return nil, 0, 0, err
	}
	size := binary.BigEndian.Uint32(b)
	if size < 4 || uint64(size) > uint64(len(b)-4) {
		return nil, 0, 0, errTruncated
	}
	return b[8 : 4+int(size)], binary.BigEndian.Uint32(b[4:]), 4 + int(size), nil
}

func decodeList(code byte, b []byte, depth int) (any, int, error) {
	body, count, n, err := compoundHeader(code == codeList32, b)
	if err != nil {
		return nil, 0, err
	}
	// Every element takes at least one byte (its constructor).
	if uint64(count) > uint64(len(body)) {
		return nil, 0, fmt.Errorf("amqp: list count %d exceeds its size", count)
	}
	out := make([]any, count)
	off := 0
	for i := range out {
		v, m, err := decodeValue(body[off:], depth+1)
		if err != nil {
			return nil, 0, err
		}
		out[i] = v
		off += m
	}
	if off != len(body) {
		return nil, 0, errListSize
	}
	return out, n, nil
}

func decodeMap(code byte, b []byte, depth int) (any, int, error) {
	body, count, n, err := compoundHeader(code == codeMap32, b)
	if err != nil {
		return nil, 0, err
	}
	if count%2 != 0 {
		return nil, 0, fmt.Errorf("amqp: map with odd element count %d", count)
	}
	if uint64(count) > uint64(len(body)) {
		return nil, 0, fmt.Errorf("amqp: map count %d exceeds its size", count)
	}
	m := &Map{Pairs: make([]MapPair, count/2)}
	off := 0
	for i := range m.Pairs {
		k, kn, err := decodeValue(body[off:], depth+1)
		if err != nil {
			return nil, 0, err
		}
		off += kn
		v, vn, err := decodeValue(body[off:], depth+1)
		if err != nil {
			return nil, 0, err
		}
		off += vn
		m.Pairs[i] = MapPair{k, v}
	}
	if off != len(body) {
		return nil, 0, fmt.Errorf("amqp: map size mismatch")
	}
	return m, n, nil
}

func decodeArray(code byte, b []byte, depth int) (any, int, error) {
	body, count, n, err := compoundHeader(code == codeArray32, b)
	if err != nil {
		return nil, 0, err
	}
	a, used, err := decodeArrayBody(body, count, depth)
	if err != nil {
		return nil, 0, err
	}
	if used != len(body) {
		return nil, 0, fmt.Errorf("amqp: array size mismatch")
	}
	return a, n, nil
}

// decodeArrayBody decodes the element constructor and count elements.
func decodeArrayBody(b []byte, count uint32, depth int) (Array, int, error) {
	if depth > maxDepth {
		return Array{}, 0, fmt.Errorf("amqp: value nested deeper than %d levels", maxDepth)
	}
	if err := need(b, 1); err != nil {
		return Array{}, 0, err
	}
	code := b[0]
	off := 1
	var descriptor any
	if code == codeDescribed {
		d, dn, err := decodeValue(b[1:], depth+1)
		if err != nil {
			return Array{}, 0, err
		}
		off += dn
		if err := need(b[off:], 1); err != nil {
			return Array{}, 0, err
		}
		descriptor = d
		code = b[off]
		off++
		if code == codeDescribed {
			return Array{}, 0, fmt.Errorf("amqp: nested described array constructor")
		}
	}
	if zeroWidth(code) {
		if count > maxZeroWidthElems {
			return Array{}, 0, fmt.Errorf("amqp: array of %d zero-width elements", count)
		}
	} else if uint64(count) > uint64(len(b)-off) {
		return Array{}, 0, fmt.Errorf("amqp: array count %d exceeds its size", count)
	}
	elems := make([]any, count)
	for i := range elems {
		var v any
		var m int
		var err error
		if code == codeArray8 || code == codeArray32 {
			// Nested arrays carry their own size, count and constructor.
			v, m, err = decodeArray(code, b[off:], depth+1)
		} else {
			v, m, err = decodeByCode(code, b[off:], depth+1)
		}
		if err != nil {
			return Array{}, 0, err
		}
		if descriptor != nil {
			v = Described{Descriptor: descriptor, Value: v}
		}
		elems[i] = v
		off += m
	}
	a := Array{Elems: elems, Code: code}
	if descriptor != nil {
		a.Code = codeDescribed
	}
	return a, off, nil
}

func zeroWidth(code byte) bool {
	switch code {
	case codeNull, codeBoolTrue, codeBoolFalse, codeUint0, codeUlong0, codeList0:
		return true
	}
	return false
}
