package amqp

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Arrays share one constructor between all elements, so every element must
// be encoded with the same fixed width. The encoder therefore always uses the
// full-width form of fixed types, and picks the 8- or 32-bit form of variable
// types by looking at the longest element.

// canonicalArrayCode maps a constructor to the full-width code of its type.
func canonicalArrayCode(code byte) byte {
	switch code {
	case codeBoolTrue, codeBoolFalse:
		return codeBool
	case codeSmallUint, codeUint0:
		return codeUint
	case codeSmallUlong, codeUlong0:
		return codeUlong
	case codeSmallInt:
		return codeInt
	case codeSmallLong:
		return codeLong
	case codeVbin32:
		return codeVbin8
	case codeStr32:
		return codeStr8
	case codeSym32:
		return codeSym8
	case codeList0, codeList8:
		return codeList32
	case codeMap8:
		return codeMap32
	case codeArray8:
		return codeArray32
	}
	return code
}

// arrayCodeFor infers the element constructor from a Go value.
func arrayCodeFor(v any) (byte, bool) {
	switch v.(type) {
	case nil:
		return codeNull, true
	case bool:
		return codeBool, true
	case uint8:
		return codeUbyte, true
	case uint16:
		return codeUshort, true
	case uint32:
		return codeUint, true
	case uint64, uint:
		return codeUlong, true
	case int8:
		return codeByte, true
	case int16:
		return codeShort, true
	case int32:
		return codeInt, true
	case int64, int:
		return codeLong, true
	case float32:
		return codeFloat, true
	case float64:
		return codeDouble, true
	case Char:
		return codeChar, true
	case time.Time:
		return codeTimestamp, true
	case UUID:
		return codeUUID, true
	case Decimal32:
		return codeDecimal32, true
	case Decimal64:
		return codeDecimal64, true
	case Decimal128:
		return codeDecimal128, true
	case []byte:
		return codeVbin8, true
	case string:
		return codeStr8, true
	case Symbol:
		return codeSym8, true
	case []any:
		return codeList32, true
	case *Map, Map:
		return codeMap32, true
	case Array, *Array:
		return codeArray32, true
	case Described, *Described:
		return codeDescribed, true
	}
	return 0, false
}

func appendArray(buf []byte, a *Array, depth int) ([]byte, error) {
	if depth > maxDepth {
		return buf, fmt.Errorf("amqp: value nested deeper than %d levels", maxDepth)
	}
	buf, start := startCompound(buf, codeArray32)
	var err error
	buf, err = appendArrayBody(buf, a, depth)
	if err != nil {
		return buf, err
	}
	return finishArray(buf, start, uint32(len(a.Elems))), nil
}

// appendArrayBody writes the element constructor and the elements.
func appendArrayBody(buf []byte, a *Array, depth int) ([]byte, error) {
	code := a.Code
	if code == 0 && len(a.Elems) > 0 {
		c, ok := arrayCodeFor(a.Elems[0])
		if !ok {
			return buf, fmt.Errorf("amqp: cannot encode array of %T", a.Elems[0])
		}
		code = c
	}
	if code == 0 && len(a.Elems) == 0 {
		code = codeNull
	}
	if code == codeDescribed {
		return appendDescribedArrayBody(buf, a.Elems, depth)
	}
	code = canonicalArrayCode(code)
	if code == codeVbin8 || code == codeStr8 || code == codeSym8 {
		if maxVariableLen(a.Elems) >= 256 {
			code += 0x10 // the 32-bit form of vbin, str and sym
		}
	}
	buf = append(buf, code)
	var err error
	for _, e := range a.Elems {
		if buf, err = appendArrayElem(buf, code, e, depth+1); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

func maxVariableLen(elems []any) int {
	longest := 0
	for _, e := range elems {
		n := 0
		switch v := e.(type) {
		case []byte:
			n = len(v)
		case string:
			n = len(v)
		case Symbol:
			n = len(v)
		}
		longest = max(longest, n)
	}
	return longest
}

func appendDescribedArrayBody(buf []byte, elems []any, depth int) ([]byte, error) {
	if len(elems) == 0 {
		return append(buf, codeNull), nil
	}
	first, ok := asDescribed(elems[0])
	if !ok {
		return buf, fmt.Errorf("amqp: array element %T is not described", elems[0])
	}
	values := make([]any, len(elems))
	for i, e := range elems {
		d, ok := asDescribed(e)
		if !ok || d.Descriptor != first.Descriptor {
			return buf, fmt.Errorf("amqp: described array elements differ")
		}
		values[i] = d.Value
	}
	buf = append(buf, codeDescribed)
	var err error
	if buf, err = appendValue(buf, first.Descriptor, depth+1); err != nil {
		return buf, err
	}
	return appendArrayBody(buf, &Array{Elems: values}, depth+1)
}

func asDescribed(v any) (*Described, bool) {
	switch d := v.(type) {
	case Described:
		return &d, true
	case *Described:
		return d, d != nil
	}
	return nil, false
}

func elemTypeError(code byte, v any) error {
	return fmt.Errorf("amqp: array element %T does not match constructor 0x%02x", v, code)
}

// appendArrayElem writes one element without its constructor.
func appendArrayElem(buf []byte, code byte, e any, depth int) ([]byte, error) {
	be := binary.BigEndian
	switch code {
	case codeNull:
		if e != nil {
			return buf, elemTypeError(code, e)
		}
		return buf, nil
	case codeBool:
		if v, ok := e.(bool); ok {
			if v {
				return append(buf, 1), nil
			}
			return append(buf, 0), nil
		}
	case codeUbyte:
		if v, ok := e.(uint8); ok {
			return append(buf, v), nil
		}
	case codeUshort:
		if v, ok := e.(uint16); ok {
			return be.AppendUint16(buf, v), nil
		}
	case codeUint:
		if v, ok := e.(uint32); ok {
			return be.AppendUint32(buf, v), nil
		}
	case codeUlong:
		switch v := e.(type) {
		case uint64:
			return be.AppendUint64(buf, v), nil
		case uint:
			return be.AppendUint64(buf, uint64(v)), nil
		}
	case codeByte:
		if v, ok := e.(int8); ok {
			return append(buf, byte(v)), nil
		}
	case codeShort:
		if v, ok := e.(int16); ok {
			return be.AppendUint16(buf, uint16(v)), nil
		}
	case codeInt:
		if v, ok := e.(int32); ok {
			return be.AppendUint32(buf, uint32(v)), nil
		}
	case codeLong:
		switch v := e.(type) {
		case int64:
			return be.AppendUint64(buf, uint64(v)), nil
		case int:
			return be.AppendUint64(buf, uint64(v)), nil
		}
	case codeFloat:
		if v, ok := e.(float32); ok {
			return be.AppendUint32(buf, math.Float32bits(v)), nil
		}
	case codeDouble:
		if v, ok := e.(float64); ok {
			return be.AppendUint64(buf, math.Float64bits(v)), nil
		}
	case codeChar:
		if v, ok := e.(Char); ok {
			return be.AppendUint32(buf, uint32(v)), nil
		}
	case codeTimestamp:
		if v, ok := e.(time.Time); ok {
			return be.AppendUint64(buf, uint64(v.UnixMilli())), nil
		}
	case codeUUID:
		if v, ok := e.(UUID); ok {
			return append(buf, v[:]...), nil
		}
	case codeDecimal32:
		if v, ok := e.(Decimal32); ok {
			return append(buf, v[:]...), nil
		}
	case codeDecimal64:
		if v, ok := e.(Decimal64); ok {
			return append(buf, v[:]...), nil
		}
	case codeDecimal128:
		if v, ok := e.(Decimal128); ok {
			return append(buf, v[:]...), nil
		}
	case codeVbin8, codeStr8, codeSym8, codeVbin32, codeStr32, codeSym32:
		return appendArrayVariable(buf, code, e)
	case codeList32:
		if v, ok := e.([]any); ok {
			return appendCompoundElem(buf, depth, len(v), func(b []byte) ([]byte, error) {
				var err error
				for _, x := range v {
					if b, err = appendValue(b, x, depth+1); err != nil {
						return b, err
					}
				}
				return b, nil
			})
		}
	case codeMap32:
		var m *Map
		switch v := e.(type) {
		case *Map:
			m = v
		case Map:
			m = &v
		}
		if m != nil {
			return appendCompoundElem(buf, depth, 2*len(m.Pairs), func(b []byte) ([]byte, error) {
				var err error
				for _, p := range m.Pairs {
					if b, err = appendValue(b, p.Key, depth+1); err != nil {
						return b, err
					}
					if b, err = appendValue(b, p.Value, depth+1); err != nil {
						return b, err
					}
				}
				return b, nil
			})
		}
	case codeArray32:
		var a *Array
		switch v := e.(type) {
		case *Array:
			a = v
		case Array:
			a = &v
		}
		if a != nil {
			return appendCompoundElem(buf, depth, len(a.Elems), func(b []byte) ([]byte, error) {
				return appendArrayBody(b, a, depth+1)
			})
		}
	}
	return buf, elemTypeError(code, e)
}

func appendArrayVariable(buf []byte, code byte, e any) ([]byte, error) {
	var s string
	var b []byte
	switch code &^ 0x10 {
	case codeVbin8:
		v, ok := e.([]byte)
		if !ok {
			return buf, elemTypeError(code, e)
		}
		b = v
	case codeStr8:
		v, ok := e.(string)
		if !ok {
			return buf, elemTypeError(code, e)
		}
		s = v
	default:
		v, ok := e.(Symbol)
		if !ok {
			return buf, elemTypeError(code, e)
		}
		s = string(v)
	}
	n := len(b) + len(s)
	if code&0x10 == 0 {
		buf = append(buf, byte(n))
	} else {
		buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	}
	return append(append(buf, b...), s...), nil
}

// appendCompoundElem writes a 32-bit size and count followed by body.
func appendCompoundElem(buf []byte, depth, count int, body func([]byte) ([]byte, error)) ([]byte, error) {
	if depth > maxDepth {
		return buf, fmt.Errorf("amqp: value nested deeper than %d levels", maxDepth)
	}
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, 0, 0, 0, 0)
	var err error
	if buf, err = body(buf); err != nil {
		return buf, err
	}
	binary.BigEndian.PutUint32(buf[start:], uint32(len(buf)-start-4))
	binary.BigEndian.PutUint32(buf[start+4:], uint32(count))
	return buf, nil
}
