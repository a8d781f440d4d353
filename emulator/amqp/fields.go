package amqp

import (
	"fmt"
	"time"
)

// listWriter encodes a described list (a performative, terminus, error…)
// field by field. Trailing null fields are dropped, as the spec allows and as
// peers expect for optional fields.
type listWriter struct {
	buf       []byte
	start     int
	count     uint32
	trimLen   int
	trimCount uint32
	depth     int
	err       error
}

func newListWriter(buf []byte, descriptor uint64) listWriter {
	buf = appendUlongDescriptor(buf, descriptor)
	buf, start := startCompound(buf, codeList32)
	return listWriter{buf: buf, start: start, trimLen: len(buf)}
}

func appendUlongDescriptor(buf []byte, d uint64) []byte {
	return appendUlong(append(buf, codeDescribed), d)
}

func (w *listWriter) mark(nonNull bool) {
	w.count++
	if nonNull {
		w.trimLen = len(w.buf)
		w.trimCount = w.count
	}
}

func (w *listWriter) null() {
	w.buf = append(w.buf, codeNull)
	w.mark(false)
}

func (w *listWriter) uint(v uint32) {
	w.buf = appendUint(w.buf, v)
	w.mark(true)
}

func (w *listWriter) uintp(v *uint32) {
	if v == nil {
		w.null()
		return
	}
	w.uint(*v)
}

func (w *listWriter) ulong(v uint64) {
	w.buf = appendUlong(w.buf, v)
	w.mark(true)
}

func (w *listWriter) ushort(v uint16) {
	w.buf = append(w.buf, codeUshort, byte(v>>8), byte(v))
	w.mark(true)
}

func (w *listWriter) ubytep(v *uint8) {
	if v == nil {
		w.null()
		return
	}
	w.buf = append(w.buf, codeUbyte, *v)
	w.mark(true)
}

func (w *listWriter) bool(v bool) {
	w.buf = appendBool(w.buf, v)
	w.mark(true)
}

// boolOpt writes false as absent (the default of every boolean field used here).
func (w *listWriter) boolOpt(v bool) {
	if !v {
		w.null()
		return
	}
	w.bool(true)
}

func (w *listWriter) boolp(v *bool) {
	if v == nil {
		w.null()
		return
	}
	w.bool(*v)
}

func (w *listWriter) str(s string) {
	w.buf = appendString(w.buf, s)
	w.mark(true)
}

func (w *listWriter) strOpt(s string) {
	if s == "" {
		w.null()
		return
	}
	w.str(s)
}

func (w *listWriter) strp(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *listWriter) sym(s Symbol) {
	w.buf = appendSymbol(w.buf, s)
	w.mark(true)
}

func (w *listWriter) symOpt(s Symbol) {
	if s == "" {
		w.null()
		return
	}
	w.sym(s)
}

func (w *listWriter) symp(s *Symbol) {
	if s == nil {
		w.null()
		return
	}
	w.sym(*s)
}

func (w *listWriter) syms(s []Symbol) {
	if len(s) == 0 {
		w.null()
		return
	}
	w.buf = appendSymbolArray(w.buf, s)
	w.mark(true)
}

func (w *listWriter) binary(b []byte) {
	if b == nil {
		w.null()
		return
	}
	w.buf = appendBinary(w.buf, b)
	w.mark(true)
}

func (w *listWriter) timep(t *time.Time) {
	if t == nil {
		w.null()
		return
	}
	w.buf = appendTimestamp(w.buf, *t)
	w.mark(true)
}

// value writes any encodable value; nil (including typed nil pointers) is null.
func (w *listWriter) value(v any) {
	if w.err != nil {
		return
	}
	if isNil(v) {
		w.null()
		return
	}
	w.buf, w.err = appendValue(w.buf, v, w.depth+1)
	w.mark(true)
}

func isNil(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case *Map:
		return x == nil
	case *Error:
		return x == nil
	case *Source:
		return x == nil
	case *Target:
		return x == nil
	case *Accepted:
		return x == nil
	case *Rejected:
		return x == nil
	case *Released:
		return x == nil
	case *Modified:
		return x == nil
	case *Received:
		return x == nil
	}
	return false
}

func (w *listWriter) finish() ([]byte, error) {
	if w.err != nil {
		return w.buf, w.err
	}
	buf := w.buf[:w.trimLen]
	return finishCompound(buf, w.start, w.trimCount, codeList8, codeList0), nil
}

// fieldReader reads the fields of a decoded described list, remembering the
// first type error so callers can read every field and check once.
type fieldReader struct {
	f    []any
	what string
	err  error
}

// newFieldReader returns the reader by value so it can live on the caller's
// stack: composites are decoded for every message.
func newFieldReader(v any, what string) (fieldReader, error) {
	l, ok := v.([]any)
	if !ok {
		return fieldReader{}, notAList(what, v)
	}
	return fieldReader{f: l, what: what}, nil
}

func notAList(what string, v any) error {
	return fmt.Errorf("amqp: %s is %T, not a list", what, v)
}

func (r *fieldReader) get(i int) any {
	if i < len(r.f) {
		return r.f[i]
	}
	return nil
}

func (r *fieldReader) fail(i int, v any, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("amqp: %s field %d is %T, want %s", r.what, i, v, want)
	}
}

func asUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	}
	return 0, false
}

func (r *fieldReader) uintp(i int) *uint32 {
	v := r.get(i)
	if v == nil {
		return nil
	}
	if n, ok := asUint64(v); ok && n <= 0xffffffff {
		u := uint32(n)
		return &u
	}
	r.fail(i, v, "uint")
	return nil
}

func (r *fieldReader) uint(i int, def uint32) uint32 {
	if p := r.uintp(i); p != nil {
		return *p
	}
	return def
}

func (r *fieldReader) ulong(i int) uint64 {
	v := r.get(i)
	if v == nil {
		return 0
	}
	if n, ok := asUint64(v); ok {
		return n
	}
	r.fail(i, v, "ulong")
	return 0
}

func (r *fieldReader) ushortp(i int) *uint16 {
	v := r.get(i)
	if v == nil {
		return nil
	}
	if n, ok := asUint64(v); ok && n <= 0xffff {
		u := uint16(n)
		return &u
	}
	r.fail(i, v, "ushort")
	return nil
}

func (r *fieldReader) ubytep(i int) *uint8 {
	v := r.get(i)
	if v == nil {
		return nil
	}
	if n, ok := asUint64(v); ok && n <= 0xff {
		u := uint8(n)
		return &u
	}
	r.fail(i, v, "ubyte")
	return nil
}

func (r *fieldReader) boolp(i int) *bool {
	v := r.get(i)
	if v == nil {
		return nil
	}
	if b, ok := v.(bool); ok {
		return &b
	}
	r.fail(i, v, "boolean")
	return nil
}

func (r *fieldReader) bool(i int) bool {
	if p := r.boolp(i); p != nil {
		return *p
	}
	return false
}

// str reads a string field; symbols are accepted too (addresses may be either).
func (r *fieldReader) strp(i int) *string {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case string:
		return &v
	case Symbol:
		s := string(v)
		return &s
	default:
		r.fail(i, v, "string")
		return nil
	}
}

func (r *fieldReader) str(i int) string {
	if p := r.strp(i); p != nil {
		return *p
	}
	return ""
}

func (r *fieldReader) symp(i int) *Symbol {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case Symbol:
		return &v
	case string:
		s := Symbol(v)
		return &s
	default:
		r.fail(i, v, "symbol")
		return nil
	}
}

func (r *fieldReader) sym(i int) Symbol {
	if p := r.symp(i); p != nil {
		return *p
	}
	return ""
}

// syms reads a multiple-symbol field: a single symbol or an array of them.
func (r *fieldReader) syms(i int) []Symbol {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case Symbol:
		return []Symbol{v}
	case Array:
		out := make([]Symbol, 0, len(v.Elems))
		for _, e := range v.Elems {
			s, ok := e.(Symbol)
			if !ok {
				r.fail(i, e, "symbol array")
				return nil
			}
			out = append(out, s)
		}
		return out
	default:
		r.fail(i, v, "symbol array")
		return nil
	}
}

func (r *fieldReader) binary(i int) []byte {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case []byte:
		return v
	default:
		r.fail(i, v, "binary")
		return nil
	}
}

func (r *fieldReader) mapv(i int) *Map {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case *Map:
		return v
	default:
		r.fail(i, v, "map")
		return nil
	}
}

func (r *fieldReader) errorv(i int) *Error {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case *Error:
		return v
	default:
		r.fail(i, v, "error")
		return nil
	}
}

func (r *fieldReader) state(i int) DeliveryState {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case DeliveryState:
		return v
	default:
		r.fail(i, v, "delivery-state")
		return nil
	}
}

func (r *fieldReader) timep(i int) *time.Time {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case time.Time:
		return &v
	default:
		r.fail(i, v, "timestamp")
		return nil
	}
}
