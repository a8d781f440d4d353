package sqlfilter

import (
	"bytes"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Values flowing through the evaluator are plain Go values: nil is SQL NULL
// (also "unknown" for conditions), bool is a known truth value. Property
// values arrive in whatever Go type the message holds and are only
// normalized when compared or computed with, so SET a = b copies b as is.

// number is a numeric value after promotion: an exact integer (signed, or
// unsigned above MaxInt64) or a float.
type number struct {
	kind numKind
	i    int64
	u    uint64
	f    float64
}

type numKind int

const (
	numInt numKind = iota
	numUint
	numFloat
)

// toNumber normalizes every Go integer and float kind.
func toNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{kind: numInt, i: x}, true
	case int:
		return number{kind: numInt, i: int64(x)}, true
	case int32:
		return number{kind: numInt, i: int64(x)}, true
	case int16:
		return number{kind: numInt, i: int64(x)}, true
	case int8:
		return number{kind: numInt, i: int64(x)}, true
	case uint64:
		return fromUint(x), true
	case uint:
		return fromUint(uint64(x)), true
	case uint32:
		return number{kind: numInt, i: int64(x)}, true
	case uint16:
		return number{kind: numInt, i: int64(x)}, true
	case uint8:
		return number{kind: numInt, i: int64(x)}, true
	case float64:
		return number{kind: numFloat, f: x}, true
	case float32:
		// Widen through the shortest decimal form so float32(0.1) equals the
		// literal 0.1 instead of 0.10000000149011612.
		f, err := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		if err != nil {
			f = float64(x)
		}
		return number{kind: numFloat, f: f}, true
	}
	return number{}, false
}

func fromUint(u uint64) number {
	if u <= math.MaxInt64 {
		return number{kind: numInt, i: int64(u)}
	}
	return number{kind: numUint, u: u}
}

func (n number) float() float64 {
	switch n.kind {
	case numInt:
		return float64(n.i)
	case numUint:
		return float64(n.u)
	}
	return n.f
}

// value turns a number back into the Go value actions store.
func (n number) value() any {
	switch n.kind {
	case numInt:
		return n.i
	case numUint:
		return n.u
	}
	return n.f
}

// compareNumbers orders a and b exactly for integers; ok is false for NaN.
func compareNumbers(a, b number) (int, bool) {
	if a.kind != numFloat && b.kind != numFloat {
		switch {
		case a.kind == numUint && b.kind == numUint:
			return cmp3(a.u < b.u, a.u > b.u), true
		case a.kind == numUint: // a > MaxInt64 >= b
			return 1, true
		case b.kind == numUint:
			return -1, true
		}
		return cmp3(a.i < b.i, a.i > b.i), true
	}
	x, y := a.float(), b.float()
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	return cmp3(x < y, x > y), true
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// order compares two non-NULL values of compatible types: numbers with
// numbers, strings with strings, times with times, bools with bools (false
// before true). ok is false for a type mismatch.
func order(a, b any) (int, bool) {
	if na, ok := toNumber(a); ok {
		nb, ok := toNumber(b)
		if !ok {
			return 0, false
		}
		return compareNumbers(na, nb)
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return cmp3(x < y, x > y), true
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return 0, false
		}
		return x.Compare(y), true
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		return cmp3(!x && y, x && !y), true
	}
	return 0, false
}

// equal reports whether two non-NULL values are equal. Values of different
// types are simply not equal; types order cannot handle (uuids, byte slices,
// …) compare by deep equality so an odd value can never panic the filter.
func equal(a, b any) bool {
	if c, ok := order(a, b); ok {
		return c == 0
	}
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return reflect.DeepEqual(a, b)
}

// arith applies + - * / % to two non-NULL values. Integer arithmetic stays
// integral (7 / 2 = 3) and yields NULL on overflow or division by zero, as
// does any type mismatch. + also concatenates two strings.
func arith(op string, a, b any) any {
	if op == "+" {
		if x, ok := a.(string); ok {
			if y, ok := b.(string); ok {
				return x + y
			}
			return nil
		}
	}
	na, ok := toNumber(a)
	if !ok {
		return nil
	}
	nb, ok := toNumber(b)
	if !ok {
		return nil
	}
	if na.kind == numInt && nb.kind == numInt {
		r, ok := intArith(op, na.i, nb.i)
		if !ok {
			return nil
		}
		return r
	}
	x, y := na.float(), nb.float()
	var r float64
	switch op {
	case "+":
		r = x + y
	case "-":
		r = x - y
	case "*":
		r = x * y
	case "/":
		if y == 0 {
			return nil
		}
		r = x / y
	case "%":
		if y == 0 {
			return nil
		}
		r = math.Mod(x, y)
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil
	}
	return r
}

func intArith(op string, x, y int64) (int64, bool) {
	switch op {
	case "+":
		r := x + y
		return r, (x >= 0) != (y >= 0) || (r >= 0) == (x >= 0)
	case "-":
		r := x - y
		return r, (x >= 0) == (y >= 0) || (r >= 0) == (x >= 0)
	case "*":
		if x == 0 || y == 0 {
			return 0, true
		}
		r := x * y
		if r/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
			return 0, false
		}
		return r, true
	case "/":
		if y == 0 || (x == math.MinInt64 && y == -1) {
			return 0, false
		}
		return x / y, true
	case "%":
		if y == 0 {
			return 0, false
		}
		if y == -1 {
			return 0, true
		}
		return x % y, true
	}
	return 0, false
}

// negate is unary minus; NULL for non-numbers and for -MinInt64.
func negate(v any) any {
	n, ok := toNumber(v)
	if !ok {
		return nil
	}
	switch n.kind {
	case numInt:
		if n.i == math.MinInt64 {
			return nil
		}
		return -n.i
	case numUint:
		return -n.float()
	}
	return -n.f
}
