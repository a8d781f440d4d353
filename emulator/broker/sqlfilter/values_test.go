package sqlfilter

import (
	"math"
	"testing"
)

func TestIntArith(t *testing.T) {
	cases := []struct {
		op     string
		x, y   int64
		want   int64
		wantOK bool
	}{
		{"+", 2, 3, 5, true},
		{"+", math.MaxInt64, 1, 0, false},
		{"+", math.MinInt64, -1, 0, false},
		{"+", math.MaxInt64, math.MinInt64, -1, true},
		{"-", 2, 5, -3, true},
		{"-", math.MinInt64, 1, 0, false},
		{"-", math.MaxInt64, -1, 0, false},
		{"-", -1, math.MaxInt64, math.MinInt64, true},
		{"*", 1 << 31, 1 << 31, 1 << 62, true},
		{"*", 1 << 32, 1 << 32, 0, false},
		{"*", -1, math.MinInt64, 0, false},
		{"*", math.MinInt64, -1, 0, false},
		{"*", 0, math.MinInt64, 0, true},
		{"/", 7, 2, 3, true},
		{"/", -7, 2, -3, true},
		{"/", 1, 0, 0, false},
		{"/", math.MinInt64, -1, 0, false},
		{"%", 7, 3, 1, true},
		{"%", -7, 3, -1, true},
		{"%", 7, 0, 0, false},
		{"%", math.MinInt64, -1, 0, true},
	}
	for _, c := range cases {
		got, ok := intArith(c.op, c.x, c.y)
		if ok != c.wantOK || (ok && got != c.want) {
			t.Errorf("%d %s %d = %d, %v; want %d, %v", c.x, c.op, c.y, got, ok, c.want, c.wantOK)
		}
	}
}

func TestOrderAcrossKinds(t *testing.T) {
	cases := []struct {
		a, b   any
		want   int
		wantOK bool
	}{
		{int8(-1), uint64(math.MaxUint64), -1, true},
		{uint64(math.MaxUint64), int64(math.MaxInt64), 1, true},
		{uint64(math.MaxUint64), uint64(math.MaxUint64 - 1), 1, true},
		{uint(3), int16(3), 0, true},
		{float32(2.5), 2.5, 0, true},
		{math.NaN(), 1.0, 0, false},
		{"a", "b", -1, true},
		{"a", 1, 0, false},
		{true, false, 1, true},
		{struct{}{}, struct{}{}, 0, false},
	}
	for _, c := range cases {
		got, ok := order(c.a, c.b)
		if ok != c.wantOK || (ok && got != c.want) {
			t.Errorf("order(%v, %v) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.wantOK)
		}
	}
}

func TestArithResults(t *testing.T) {
	cases := []struct {
		op   string
		a, b any
		want any
	}{
		{"+", int32(2), uint8(3), int64(5)},
		{"+", 1, 0.5, 1.5},
		{"/", 1.0, 0.0, nil},
		{"%", 7.5, 2, 1.5},
		{"+", "a", "b", "ab"},
		{"+", "a", 1, nil},
		{"-", "a", "b", nil},
		{"*", uint64(math.MaxUint64), 2, float64(math.MaxUint64) * 2},
		{"*", 1e308, 10.0, nil}, // overflow to infinity is NULL
	}
	for _, c := range cases {
		if got := arith(c.op, c.a, c.b); got != c.want {
			t.Errorf("%v %s %v = %#v, want %#v", c.a, c.op, c.b, got, c.want)
		}
	}
	if got := negate(int64(math.MinInt64)); got != nil {
		t.Errorf("-MinInt64 = %v, want NULL", got)
	}
	if got := negate("x"); got != nil {
		t.Errorf("-'x' = %v, want NULL", got)
	}
}
