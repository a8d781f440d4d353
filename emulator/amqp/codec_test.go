package amqp

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func roundTrip(t *testing.T, v any) any {
	t.Helper()
	enc, err := AppendValue(nil, v)
	if err != nil {
		t.Fatalf("encode %#v: %v", v, err)
	}
	got, n, err := DecodeValue(enc)
	if err != nil {
		t.Fatalf("decode %#v (% x): %v", v, enc, err)
	}
	if n != len(enc) {
		t.Fatalf("decode %#v consumed %d of %d bytes", v, n, len(enc))
	}
	// Re-encoding what was decoded must give the same bytes.
	again, err := AppendValue(nil, got)
	if err != nil {
		t.Fatalf("re-encode %#v: %v", got, err)
	}
	if !bytes.Equal(enc, again) {
		t.Fatalf("re-encoding %#v changed bytes:\n% x\n% x", v, enc, again)
	}
	return got
}

func TestPrimitiveRoundTrip(t *testing.T) {
	ts := time.UnixMilli(1700000000123).UTC()
	long := strings.Repeat("x", 300)
	cases := []struct {
		name string
		in   any
		want any
		code byte // expected constructor
	}{
		{"null", nil, nil, codeNull},
		{"true", true, true, codeBoolTrue},
		{"false", false, false, codeBoolFalse},
		{"ubyte", uint8(200), uint8(200), codeUbyte},
		{"ushort", uint16(60000), uint16(60000), codeUshort},
		{"uint0", uint32(0), uint32(0), codeUint0},
		{"smalluint", uint32(7), uint32(7), codeSmallUint},
		{"uint", uint32(70000), uint32(70000), codeUint},
		{"ulong0", uint64(0), uint64(0), codeUlong0},
		{"smallulong", uint64(255), uint64(255), codeSmallUlong},
		{"ulong", uint64(1) << 40, uint64(1) << 40, codeUlong},
		{"go uint", uint(300), uint64(300), codeUlong},
		{"byte", int8(-5), int8(-5), codeByte},
		{"short", int16(-3000), int16(-3000), codeShort},
		{"smallint", int32(-100), int32(-100), codeSmallInt},
		{"int", int32(-100000), int32(-100000), codeInt},
		{"smalllong", int64(127), int64(127), codeSmallLong},
		{"long", int64(-1) << 50, int64(-1) << 50, codeLong},
		{"go int", 1000, int64(1000), codeLong},
		{"float", float32(1.5), float32(1.5), codeFloat},
		{"double", 2.25, 2.25, codeDouble},
		{"char", Char('é'), Char('é'), codeChar},
		{"timestamp", ts, ts, codeTimestamp},
		{"uuid", UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, codeUUID},
		{"decimal32", Decimal32{1, 2, 3, 4}, Decimal32{1, 2, 3, 4}, codeDecimal32},
		{"decimal64", Decimal64{1, 2, 3, 4, 5, 6, 7, 8}, Decimal64{1, 2, 3, 4, 5, 6, 7, 8}, codeDecimal64},
		{"decimal128", Decimal128{15: 9}, Decimal128{15: 9}, codeDecimal128},
		{"vbin8", []byte{1, 2}, []byte{1, 2}, codeVbin8},
		{"empty binary", []byte{}, []byte{}, codeVbin8},
		{"vbin32", []byte(long), []byte(long), codeVbin32},
		{"str8", "héllo", "héllo", codeStr8},
		{"str32", long, long, codeStr32},
		{"sym8", Symbol("com.microsoft:x"), Symbol("com.microsoft:x"), codeSym8},
		{"sym32", Symbol(long), Symbol(long), codeSym32},
		{"list0", []any{}, []any{}, codeList0},
		{"list8", []any{uint32(1), "a", nil}, []any{uint32(1), "a", nil}, codeList8},
		{"list32", []any{long}, []any{long}, codeList32},
		{"map8", &Map{Pairs: []MapPair{{Symbol("k"), int64(1)}, {"s", []byte{9}}}}, &Map{Pairs: []MapPair{{Symbol("k"), int64(1)}, {"s", []byte{9}}}}, codeMap8},
		{"map32", &Map{Pairs: []MapPair{{"k", long}}}, &Map{Pairs: []MapPair{{"k", long}}}, codeMap32},
		{"empty map", &Map{}, &Map{Pairs: []MapPair{}}, codeMap8},
		{"go map", map[string]any{"b": int32(2), "a": int32(1)}, &Map{Pairs: []MapPair{{"a", int32(1)}, {"b", int32(2)}}}, codeMap8},
		{"symbol map", map[Symbol]any{"x": true}, &Map{Pairs: []MapPair{{Symbol("x"), true}}}, codeMap8},
		{"array8 long", []int64{1, -2}, Array{Elems: []any{int64(1), int64(-2)}, Code: codeLong}, codeArray8},
		{"array strings", []string{"a", long}, Array{Elems: []any{"a", long}, Code: codeStr32}, codeArray32},
		{"array symbols", []Symbol{"a", "b"}, Array{Elems: []any{Symbol("a"), Symbol("b")}, Code: codeSym8}, codeArray8},
		{"array timestamps", []time.Time{ts}, Array{Elems: []any{ts}, Code: codeTimestamp}, codeArray8},
		{"array uuids", []UUID{{1}}, Array{Elems: []any{UUID{1}}, Code: codeUUID}, codeArray8},
		{"empty array keeps type", Array{Code: codeUint}, Array{Elems: []any{}, Code: codeUint}, codeArray8},
		{"array of bool", Array{Elems: []any{true, false}}, Array{Elems: []any{true, false}, Code: codeBool}, codeArray8},
		{"array of maps", Array{Elems: []any{&Map{Pairs: []MapPair{{"a", nil}}}}}, Array{Elems: []any{&Map{Pairs: []MapPair{{"a", nil}}}}, Code: codeMap32}, codeArray8},
		{"array of lists", Array{Elems: []any{[]any{uint8(1)}}}, Array{Elems: []any{[]any{uint8(1)}}, Code: codeList32}, codeArray8},
		{"nested arrays", Array{Elems: []any{Array{Elems: []any{int32(1)}}}}, Array{Elems: []any{Array{Elems: []any{int32(1)}, Code: codeInt}}, Code: codeArray32}, codeArray8},
		{"described", Described{Descriptor: uint64(0x137000000c), Value: "s1"}, Described{Descriptor: uint64(0x137000000c), Value: "s1"}, codeDescribed},
		{"symbol described", Described{Descriptor: Symbol("x:y"), Value: nil}, Described{Descriptor: Symbol("x:y"), Value: nil}, codeDescribed},
		{"described array", Array{Elems: []any{Described{uint64(0x99), "a"}, Described{uint64(0x99), "b"}}}, Array{Elems: []any{Described{uint64(0x99), "a"}, Described{uint64(0x99), "b"}}, Code: codeDescribed}, codeArray8},
		{"error", &Error{Condition: ErrNotFound, Description: "gone", Info: &Map{Pairs: []MapPair{{"k", "v"}}}}, &Error{Condition: ErrNotFound, Description: "gone", Info: &Map{Pairs: []MapPair{{"k", "v"}}}}, codeDescribed},
		{"accepted", &Accepted{}, &Accepted{}, codeDescribed},
		{"released", &Released{}, &Released{}, codeDescribed},
		{"rejected", &Rejected{Error: &Error{Condition: ErrDeadLetter}}, &Rejected{Error: &Error{Condition: ErrDeadLetter}}, codeDescribed},
		{"modified", &Modified{UndeliverableHere: ptr(true), MessageAnnotations: &Map{Pairs: []MapPair{{Symbol("a"), "b"}}}}, &Modified{UndeliverableHere: ptr(true), MessageAnnotations: &Map{Pairs: []MapPair{{Symbol("a"), "b"}}}}, codeDescribed},
		{"received", &Received{SectionNumber: 3, SectionOffset: 1 << 33}, &Received{SectionNumber: 3, SectionOffset: 1 << 33}, codeDescribed},
		{"source", &Source{Address: "q", Durable: 1, ExpiryPolicy: "never", Timeout: 5, Dynamic: true, Filter: &Map{Pairs: []MapPair{{Symbol("f"), Described{uint64(1), nil}}}}, Outcomes: []Symbol{"a"}, Capabilities: []Symbol{"c"}}, &Source{Address: "q", Durable: 1, ExpiryPolicy: "never", Timeout: 5, Dynamic: true, Filter: &Map{Pairs: []MapPair{{Symbol("f"), Described{uint64(1), nil}}}}, Outcomes: []Symbol{"a"}, Capabilities: []Symbol{"c"}}, codeDescribed},
		{"target", &Target{Address: "t", Capabilities: []Symbol{"x", "y"}}, &Target{Address: "t", Capabilities: []Symbol{"x", "y"}}, codeDescribed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := AppendValue(nil, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if enc[0] != tc.code {
				t.Errorf("constructor 0x%02x, want 0x%02x", enc[0], tc.code)
			}
			got := roundTrip(t, tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %#v, want %#v", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestDecodeAlternativeEncodings feeds encodings our encoder never produces
// (but peers may) and checks the Go value they map to.
func TestDecodeAlternativeEncodings(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want any
	}{
		{"bool octet true", []byte{0x56, 1}, true},
		{"bool octet false", []byte{0x56, 0}, false},
		{"wide uint", []byte{0x70, 0, 0, 0, 1}, uint32(1)},
		{"wide ulong", []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 1}, uint64(1)},
		{"wide int", []byte{0x71, 0xff, 0xff, 0xff, 0xff}, int32(-1)},
		{"wide long", []byte{0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}, int64(-2)},
		{"vbin32 short", []byte{0xb0, 0, 0, 0, 1, 7}, []byte{7}},
		{"str32 short", []byte{0xb1, 0, 0, 0, 1, 'a'}, "a"},
		{"sym32 short", []byte{0xb3, 0, 0, 0, 1, 'a'}, Symbol("a")},
		{"list32", []byte{0xd0, 0, 0, 0, 5, 0, 0, 0, 1, 0x40}, []any{nil}},
		{"map32", []byte{0xd1, 0, 0, 0, 6, 0, 0, 0, 2, 0x40, 0x40}, &Map{Pairs: []MapPair{{nil, nil}}}},
		{"array32 smalluint", []byte{0xf0, 0, 0, 0, 7, 0, 0, 0, 2, 0x52, 1, 2}, Array{Elems: []any{uint32(1), uint32(2)}, Code: codeSmallUint}},
		{"array uint0", []byte{0xe0, 2, 3, 0x43}, Array{Elems: []any{uint32(0), uint32(0), uint32(0)}, Code: codeUint0}},
		{"symbolic descriptor error", append([]byte{0x00, 0xa3, 15}, append([]byte("amqp:error:list"), 0x45)...), &Error{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, n, err := DecodeValue(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tc.in) {
				t.Fatalf("consumed %d of %d", n, len(tc.in))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
			roundTrip(t, got)
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	deep := bytes.Repeat([]byte{0xc0, 0xff, 1}, 100) // lists nested 100 deep
	cases := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"unknown constructor", []byte{0x01}},
		{"reserved constructor", []byte{0xff}},
		{"truncated uint", []byte{0x70, 0, 0}},
		{"truncated ulong", []byte{0x80, 1}},
		{"truncated uuid", []byte{0x98, 1, 2}},
		{"truncated timestamp", []byte{0x83}},
		{"bad bool octet", []byte{0x56, 2}},
		{"vbin8 too long", []byte{0xa0, 5, 1}},
		{"vbin32 huge", []byte{0xb0, 0xff, 0xff, 0xff, 0xff, 1}},
		{"str32 truncated length", []byte{0xb1, 0, 0}},
		{"list8 size beyond input", []byte{0xc0, 10, 1, 0x40}},
		{"list8 zero size", []byte{0xc0, 0, 0}},
		{"list32 huge count", []byte{0xd0, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff}},
		{"list count larger than content", []byte{0xc0, 2, 3, 0x40}},
		{"list content left over", []byte{0xc0, 3, 1, 0x40, 0x40}},
		{"map odd count", []byte{0xc1, 2, 1, 0x40}},
		{"map32 huge count", []byte{0xd1, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe}},
		{"array zero width huge", []byte{0xf0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0x40}},
		{"array count beyond input", []byte{0xf0, 0, 0, 0, 5, 0x10, 0, 0, 0, 0x70}},
		{"array no constructor", []byte{0xe0, 1, 0}},
		{"array nested described", []byte{0xe0, 4, 0, 0x00, 0x44, 0x00}},
		{"array element mismatch", []byte{0xe0, 3, 1, 0x70, 1}},
		{"described without value", []byte{0x00, 0x53, 0x10}},
		{"descriptor of wrong type", []byte{0x00, 0xa1, 1, 'a', 0x40}},
		{"performative not a list", []byte{0x00, 0x53, 0x10, 0x40}},
		{"open without container", []byte{0x00, 0x53, 0x10, 0x45}},
		{"open field wrong type", []byte{0x00, 0x53, 0x10, 0xc0, 3, 2, 0x40, 0x43}},
		{"error condition wrong type", []byte{0x00, 0x53, 0x1d, 0xc0, 2, 1, 0x43}},
		{"nesting too deep", append(deep, 0x40)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if v, _, err := DecodeValue(tc.in); err == nil {
				t.Fatalf("decoded %#v, want an error", v)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []any{
		struct{}{},
		[]any{make(chan int)},
		Array{Elems: []any{int32(1), "mixed"}},
		Array{Elems: []any{Described{uint64(1), nil}, Described{uint64(2), nil}}},
		&Map{Pairs: []MapPair{{"k", func() {}}}},
	}
	for _, v := range cases {
		if _, err := AppendValue(nil, v); err == nil {
			t.Errorf("encoding %#v: want error", v)
		}
	}
	deep := any(nil)
	for range 100 {
		deep = []any{deep}
	}
	if _, err := AppendValue(nil, deep); err == nil {
		t.Error("encoding a value nested 100 deep: want error")
	}
}

func TestMapHelpers(t *testing.T) {
	m := &Map{}
	m.Set(Symbol("a"), 1)
	m.Set("a", 2) // same key as the symbol
	m.Set([]byte{1}, 3)
	if v, ok := m.Get("a"); !ok || v != 2 {
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	if v, ok := m.Get([]byte{1}); !ok || v != 3 {
		t.Fatalf("Get(binary key) = %v, %v", v, ok)
	}
	m.Delete(Symbol("a"))
	if m.Len() != 1 {
		t.Fatalf("Len after delete = %d", m.Len())
	}
	var nilMap *Map
	if _, ok := nilMap.Get("x"); ok || nilMap.Len() != 0 {
		t.Fatal("nil map must be empty")
	}
}
