package decode

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// AMQP value and sequence bodies arrive as Go values from the SDK (go-amqp
// types such as Symbol or UUID included); they are rendered by reflection,
// JSON-like, with named types shown as Name(value). A value that is bytes
// or a string is decoded like a data body.

const (
	maxAMQPNesting  = 32
	maxAMQPSortKeys = 10000
)

func (d *decoder) amqpValue(v any) {
	d.chain = append(d.chain, "amqp-value")
	d.addWhy("the message has an AMQP value body")
	switch x := v.(type) {
	case []byte:
		d.body(x, d.claim, "")
		return
	case string:
		d.body([]byte(x), d.claim, "")
		return
	}
	writeAMQP(d.out, reflect.ValueOf(v), 0)
	d.kind = "amqp-value"
}

func (d *decoder) amqpSequence(seq [][]any) {
	d.chain = append(d.chain, "amqp-sequence")
	d.addWhy("the message has an AMQP sequence body")
	for i, section := range seq {
		if i > 0 {
			d.out.byte1('\n')
		}
		d.out.str(fmt.Sprintf("sequence section %d of %d:\n", i+1, len(seq)))
		writeAMQP(d.out, reflect.ValueOf(section), 0)
		d.out.byte1('\n')
	}
	if len(seq) == 0 {
		d.out.str("(empty sequence)")
	}
	d.kind = "amqp-sequence"
}

var timeType = reflect.TypeFor[time.Time]()

// named wraps a rendering in the type's name for types other than the
// built-in ones (amqp.Symbol("x"), UUID(…)).
func named(t reflect.Type, s string) string {
	if t.PkgPath() == "" || t.Name() == "" {
		return s
	}
	return t.Name() + "(" + s + ")"
}

func writeAMQP(out *capBuf, v reflect.Value, depth int) {
	if out.full {
		return
	}
	if depth > maxAMQPNesting {
		out.str("…")
		return
	}
	// Interfaces and pointers are followed without adding indentation; the
	// bound stops a pointer that leads back to itself.
	for hops := 0; v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer); hops++ {
		if v.IsNil() || hops > maxAMQPNesting {
			out.str("null")
			return
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		out.str("null")
		return
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Bool:
		out.str(named(t, strconv.FormatBool(v.Bool())))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		out.str(named(t, strconv.FormatInt(v.Int(), 10)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		out.str(named(t, strconv.FormatUint(v.Uint(), 10)))
	case reflect.Float32, reflect.Float64:
		out.str(named(t, strconv.FormatFloat(v.Float(), 'g', -1, t.Bits())))
	case reflect.Complex64, reflect.Complex128:
		out.str(named(t, strconv.FormatComplex(v.Complex(), 'g', -1, t.Bits())))
	case reflect.String:
		out.str(named(t, strconv.Quote(v.String())))
	case reflect.Slice:
		if v.IsNil() {
			out.str("null")
			return
		}
		if t.Elem().Kind() == reflect.Uint8 {
			out.str(named(t, amqpBinary(v)))
			return
		}
		writeAMQPList(out, v, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			if v.Len() == 16 {
				out.str(named(t, uuidString(v)))
			} else {
				out.str(named(t, amqpBinary(v)))
			}
			return
		}
		writeAMQPList(out, v, depth)
	case reflect.Map:
		writeAMQPMap(out, v, depth)
	case reflect.Struct:
		if t == timeType && v.CanInterface() {
			out.str(v.Interface().(time.Time).Format(time.RFC3339Nano))
			return
		}
		writeAMQPStruct(out, v, depth)
	default:
		out.str("<" + t.String() + ">")
	}
}

func amqpBinary(v reflect.Value) string {
	n := v.Len()
	b := make([]byte, min(n, 33))
	for i := range b {
		b[i] = byte(v.Index(i).Uint())
	}
	return fmt.Sprintf("binary(%d) %s", n, hexPreview(b, 32))
}

func uuidString(v reflect.Value) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(v.Index(i).Uint())
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func writeAMQPList(out *capBuf, v reflect.Value, depth int) {
	if v.Len() == 0 {
		out.str("[]")
		return
	}
	out.byte1('[')
	for i := 0; i < v.Len() && !out.full; i++ {
		if i > 0 {
			out.byte1(',')
		}
		out.byte1('\n')
		out.indent(depth + 1)
		writeAMQP(out, v.Index(i), depth+1)
	}
	out.byte1('\n')
	out.indent(depth)
	out.byte1(']')
}

// writeAMQPMap renders keys in sorted order (of their rendering), unless
// the map is too large to sort cheaply.
func writeAMQPMap(out *capBuf, v reflect.Value, depth int) {
	if v.IsNil() {
		out.str("null")
		return
	}
	if v.Len() == 0 {
		out.str("{}")
		return
	}
	type entry struct {
		key string
		val reflect.Value
	}
	var entries []entry
	iter := v.MapRange()
	for iter.Next() && len(entries) < maxAMQPSortKeys {
		kb := newCapBuf(256)
		writeAMQP(kb, iter.Key(), depth+1)
		entries = append(entries, entry{string(kb.b), iter.Value()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	out.byte1('{')
	for i, e := range entries {
		if out.full {
			return
		}
		if i > 0 {
			out.byte1(',')
		}
		out.byte1('\n')
		out.indent(depth + 1)
		out.str(e.key)
		out.str(": ")
		writeAMQP(out, e.val, depth+1)
	}
	if v.Len() > len(entries) {
		out.str(fmt.Sprintf(",\n%s… %d more entries", spaces[:min(2*(depth+1), len(spaces))], v.Len()-len(entries)))
	}
	out.byte1('\n')
	out.indent(depth)
	out.byte1('}')
}

func writeAMQPStruct(out *capBuf, v reflect.Value, depth int) {
	t := v.Type()
	out.str(t.Name() + "{")
	wrote := false
	for i := 0; i < t.NumField() && !out.full; i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if wrote {
			out.byte1(',')
		}
		wrote = true
		out.byte1('\n')
		out.indent(depth + 1)
		out.str(f.Name + ": ")
		writeAMQP(out, v.Field(i), depth+1)
	}
	if wrote {
		out.byte1('\n')
		out.indent(depth)
	}
	out.byte1('}')
}
