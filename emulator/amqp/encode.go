package amqp

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"time"
)

// maxDepth bounds the nesting of compound values in both directions, so a
// hostile peer cannot exhaust the stack.
const maxDepth = 64

// AppendValue appends the AMQP encoding of v (see types.go for the mapping).
func AppendValue(buf []byte, v any) ([]byte, error) {
	return appendValue(buf, v, 0)
}

func appendValue(buf []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return buf, fmt.Errorf("amqp: value nested deeper than %d levels", maxDepth)
	}
	switch v := v.(type) {
	case nil:
		return append(buf, codeNull), nil
	case bool:
		return appendBool(buf, v), nil
	case uint8:
		return append(buf, codeUbyte, v), nil
	case uint16:
		return binary.BigEndian.AppendUint16(append(buf, codeUshort), v), nil
	case uint32:
		return appendUint(buf, v), nil
	case uint64:
		return appendUlong(buf, v), nil
	case uint:
		return appendUlong(buf, uint64(v)), nil
	case int8:
		return append(buf, codeByte, byte(v)), nil
	case int16:
		return binary.BigEndian.AppendUint16(append(buf, codeShort), uint16(v)), nil
	case int32:
		return appendInt(buf, v), nil
	case int64:
		return appendLong(buf, v), nil
	case int:
		return appendLong(buf, int64(v)), nil
	case float32:
		return binary.BigEndian.AppendUint32(append(buf, codeFloat), math.Float32bits(v)), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(buf, codeDouble), math.Float64bits(v)), nil
	case Char:
		return binary.BigEndian.AppendUint32(append(buf, codeChar), uint32(v)), nil
	case time.Time:
		return appendTimestamp(buf, v), nil
	case *time.Time:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendTimestamp(buf, *v), nil
	case UUID:
		return append(append(buf, codeUUID), v[:]...), nil
	case Decimal32:
		return append(append(buf, codeDecimal32), v[:]...), nil
	case Decimal64:
		return append(append(buf, codeDecimal64), v[:]...), nil
	case Decimal128:
		return append(append(buf, codeDecimal128), v[:]...), nil
	case []byte:
		return appendBinary(buf, v), nil
	case string:
		return appendString(buf, v), nil
	case Symbol:
		return appendSymbol(buf, v), nil
	case []any:
		return appendList(buf, v, depth)
	case *Map:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendMap(buf, v, depth)
	case Map:
		return appendMap(buf, &v, depth)
	case map[string]any:
		return appendGoMap(buf, v, func(k string) any { return k }, depth)
	case map[Symbol]any:
		return appendGoMap(buf, v, func(k Symbol) any { return k }, depth)
	case Array:
		return appendArray(buf, &v, depth)
	case *Array:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendArray(buf, v, depth)
	case []string:
		return appendArray(buf, &Array{Elems: toAnySlice(v), Code: codeStr32}, depth)
	case []Symbol:
		return appendSymbolArray(buf, v), nil
	case []int64:
		return appendArray(buf, &Array{Elems: toAnySlice(v), Code: codeLong}, depth)
	case []time.Time:
		return appendArray(buf, &Array{Elems: toAnySlice(v), Code: codeTimestamp}, depth)
	case []UUID:
		return appendArray(buf, &Array{Elems: toAnySlice(v), Code: codeUUID}, depth)
	case Described:
		return appendDescribed(buf, &v, depth)
	case *Described:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendDescribed(buf, v, depth)
	case *Error:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendError(buf, v, depth)
	case DeliveryState:
		return appendDeliveryState(buf, v, depth)
	case *Source:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendSource(buf, v, depth)
	case *Target:
		if v == nil {
			return append(buf, codeNull), nil
		}
		return appendTarget(buf, v, depth)
	case performative:
		return v.appendTo(buf)
	case MessageBinary:
		return appendMessageBinary(buf, v)
	}
	return buf, fmt.Errorf("amqp: cannot encode Go type %T", v)
}

func toAnySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func appendBool(buf []byte, v bool) []byte {
	if v {
		return append(buf, codeBoolTrue)
	}
	return append(buf, codeBoolFalse)
}

func appendUint(buf []byte, v uint32) []byte {
	switch {
	case v == 0:
		return append(buf, codeUint0)
	case v < 256:
		return append(buf, codeSmallUint, byte(v))
	}
	return binary.BigEndian.AppendUint32(append(buf, codeUint), v)
}

func appendUlong(buf []byte, v uint64) []byte {
	switch {
	case v == 0:
		return append(buf, codeUlong0)
	case v < 256:
		return append(buf, codeSmallUlong, byte(v))
	}
	return binary.BigEndian.AppendUint64(append(buf, codeUlong), v)
}

func appendInt(buf []byte, v int32) []byte {
	if v >= -128 && v <= 127 {
		return append(buf, codeSmallInt, byte(int8(v)))
	}
	return binary.BigEndian.AppendUint32(append(buf, codeInt), uint32(v))
}

func appendLong(buf []byte, v int64) []byte {
	if v >= -128 && v <= 127 {
		return append(buf, codeSmallLong, byte(int8(v)))
	}
	return binary.BigEndian.AppendUint64(append(buf, codeLong), uint64(v))
}

func appendTimestamp(buf []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(append(buf, codeTimestamp), uint64(t.UnixMilli()))
}

func appendVariable(buf []byte, code8, code32 byte, b []byte, s string) []byte {
	n := len(b) + len(s)
	if n < 256 {
		buf = append(buf, code8, byte(n))
	} else {
		buf = binary.BigEndian.AppendUint32(append(buf, code32), uint32(n))
	}
	buf = append(buf, b...)
	return append(buf, s...)
}

func appendBinary(buf []byte, b []byte) []byte {
	return appendVariable(buf, codeVbin8, codeVbin32, b, "")
}

func appendString(buf []byte, s string) []byte {
	return appendVariable(buf, codeStr8, codeStr32, nil, s)
}

func appendSymbol(buf []byte, s Symbol) []byte {
	return appendVariable(buf, codeSym8, codeSym32, nil, string(s))
}

// compound starts a list or map body: a 32-bit size and count placeholder
// that finishCompound fills in (and shrinks to the 8-bit form when it fits).
func startCompound(buf []byte, code32 byte) ([]byte, int) {
	start := len(buf)
	buf = append(buf, code32, 0, 0, 0, 0, 0, 0, 0, 0)
	return buf, start
}

// finishCompound patches the header written by startCompound. count is the
// number of elements (list) or keys plus values (map).
func finishCompound(buf []byte, start int, count uint32, code8, code0 byte) []byte {
	body := len(buf) - start - 9 // encoded elements
	if count == 0 && code0 != 0 {
		buf[start] = code0
		return buf[:start+1]
	}
	if body+1 < 256 && count < 256 {
		buf[start] = code8
		buf[start+1] = byte(body + 1)
		buf[start+2] = byte(count)
		copy(buf[start+3:], buf[start+9:])
		return buf[:len(buf)-6]
	}
	binary.BigEndian.PutUint32(buf[start+1:], uint32(body+4))
	binary.BigEndian.PutUint32(buf[start+5:], count)
	return buf
}

func appendList(buf []byte, l []any, depth int) ([]byte, error) {
	buf, start := startCompound(buf, codeList32)
	var err error
	for _, e := range l {
		if buf, err = appendValue(buf, e, depth+1); err != nil {
			return buf, err
		}
	}
	return finishCompound(buf, start, uint32(len(l)), codeList8, codeList0), nil
}

func appendMap(buf []byte, m *Map, depth int) ([]byte, error) {
	buf, start := startCompound(buf, codeMap32)
	var err error
	for _, p := range m.Pairs {
		if buf, err = appendValue(buf, p.Key, depth+1); err != nil {
			return buf, err
		}
		if buf, err = appendValue(buf, p.Value, depth+1); err != nil {
			return buf, err
		}
	}
	return finishCompound(buf, start, uint32(2*len(m.Pairs)), codeMap8, 0), nil
}

// appendGoMap encodes a Go map with keys sorted so the output is deterministic.
func appendGoMap[K ~string](buf []byte, m map[K]any, key func(K) any, depth int) ([]byte, error) {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	om := &Map{Pairs: make([]MapPair, len(keys))}
	for i, k := range keys {
		om.Pairs[i] = MapPair{key(k), m[k]}
	}
	return appendMap(buf, om, depth)
}

func appendSymbolArray(buf []byte, syms []Symbol) []byte {
	buf, start := startCompound(buf, codeArray32)
	wide := false
	for _, s := range syms {
		wide = wide || len(s) > 255
	}
	if wide {
		buf = append(buf, codeSym32)
	} else {
		buf = append(buf, codeSym8)
	}
	for _, s := range syms {
		if wide {
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
		} else {
			buf = append(buf, byte(len(s)))
		}
		buf = append(buf, s...)
	}
	return finishArray(buf, start, uint32(len(syms)))
}

// finishArray patches an array header; the 8-bit form is used when it fits.
func finishArray(buf []byte, start int, count uint32) []byte {
	body := len(buf) - start - 9 // constructor and elements
	if body+1 < 256 && count < 256 {
		buf[start] = codeArray8
		buf[start+1] = byte(body + 1)
		buf[start+2] = byte(count)
		copy(buf[start+3:], buf[start+9:])
		return buf[:len(buf)-6]
	}
	binary.BigEndian.PutUint32(buf[start+1:], uint32(body+4))
	binary.BigEndian.PutUint32(buf[start+5:], count)
	return buf
}

func appendDescribed(buf []byte, d *Described, depth int) ([]byte, error) {
	buf = append(buf, codeDescribed)
	var err error
	if buf, err = appendValue(buf, d.Descriptor, depth+1); err != nil {
		return buf, err
	}
	return appendValue(buf, d.Value, depth+1)
}
