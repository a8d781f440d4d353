package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Schemaless protobuf: the wire format rendered as a field tree, the way
// `protoc --decode_raw` does, with numbers shown in their likely readings.

const (
	maxProtoField   = 1<<29 - 1
	maxProtoNesting = 16
	// Without a content type, field numbers above this are taken as a sign
	// that the bytes are not protobuf.
	likelyProtoField = 1 << 16
	// A length-delimited field larger than this is not tried as a message.
	maxProtoSubTry = 1 << 20
)

type pbReader struct {
	b   []byte
	pos int
}

var errProtoTruncated = errors.New("truncated")

func (r *pbReader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if r.pos >= len(r.b) {
			return 0, errProtoTruncated
		}
		c := r.b[r.pos]
		r.pos++
		if i == 9 && c > 1 {
			return 0, fmt.Errorf("varint overflows 64 bits at byte %d", r.pos-1)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return v, nil
}

type pbField struct {
	num   uint64
	wire  int
	value uint64 // varint, fixed32, fixed64
	bytes []byte // length-delimited payload or group body
}

// next reads one field. Groups (wire types 3/4) are returned whole, with
// their body in bytes.
func (r *pbReader) next(strict bool, depth int) (pbField, error) {
	start := r.pos
	key, err := r.varint()
	if err != nil {
		return pbField{}, err
	}
	f := pbField{num: key >> 3, wire: int(key & 7)}
	if f.num == 0 || f.num > maxProtoField || strict && f.num > likelyProtoField {
		return f, fmt.Errorf("field number %d at byte %d", f.num, start)
	}
	switch f.wire {
	case 0:
		f.value, err = r.varint()
	case 1:
		if len(r.b)-r.pos < 8 {
			return f, errProtoTruncated
		}
		f.value = binary.LittleEndian.Uint64(r.b[r.pos:])
		r.pos += 8
	case 5:
		if len(r.b)-r.pos < 4 {
			return f, errProtoTruncated
		}
		f.value = uint64(binary.LittleEndian.Uint32(r.b[r.pos:]))
		r.pos += 4
	case 2:
		var n uint64
		if n, err = r.varint(); err != nil {
			return f, err
		}
		if n > uint64(len(r.b)-r.pos) {
			return f, errProtoTruncated
		}
		f.bytes = r.b[r.pos : r.pos+int(n)]
		r.pos += int(n)
	case 3:
		if depth >= maxProtoNesting {
			return f, errors.New("groups nested too deeply")
		}
		bodyStart := r.pos
		for {
			if r.pos >= len(r.b) {
				return f, errProtoTruncated
			}
			save := r.pos
			k, err := r.varint()
			if err != nil {
				return f, err
			}
			if k&7 == 4 {
				if k>>3 != f.num {
					return f, fmt.Errorf("group %d closed by %d", f.num, k>>3)
				}
				f.bytes = r.b[bodyStart:save]
				break
			}
			r.pos = save
			if _, err := r.next(strict, depth+1); err != nil {
				return f, err
			}
		}
	default:
		return f, fmt.Errorf("wire type %d at byte %d", f.wire, start)
	}
	return f, err
}

// validProto reports whether b parses completely as fields. limit > 0 stops
// successfully after that many bytes (detection of a prefix).
func validProto(b []byte, strict bool, limit int) bool {
	r := &pbReader{b: b}
	fields := 0
	for r.pos < len(b) {
		if limit > 0 && r.pos >= limit {
			return fields > 0
		}
		if _, err := r.next(strict, 0); err != nil {
			return limit > 0 && errors.Is(err, errProtoTruncated) && r.pos > limit
		}
		fields++
	}
	return fields > 0
}

func looksProtobuf(b []byte, claimed bool) bool {
	if len(b) < 2 && !claimed {
		return false
	}
	limit := 0
	if len(b) > sampleProtobuf {
		limit = sampleProtobuf
	}
	return validProto(b, !claimed, limit)
}

func (d *decoder) renderProtobuf(b []byte) error {
	if len(b) > d.inflateCap {
		b = b[:d.inflateCap]
		d.note("showing fields from the first %s only", humanBytes(d.inflateCap))
		d.inputCut = true
	}
	r := &pbReader{b: b}
	for r.pos < len(b) {
		if _, err := r.next(false, 0); err != nil {
			if d.inputCut && errors.Is(err, errProtoTruncated) {
				break
			}
			return fmt.Errorf("protobuf: %w", err)
		}
	}
	writeProtoFields(d.out, b, 0)
	d.setKind("protobuf")
	return nil
}

func writeProtoFields(out *capBuf, b []byte, depth int) {
	r := &pbReader{b: b}
	first := true
	for r.pos < len(b) && !out.full {
		f, err := r.next(false, depth)
		if err != nil {
			return
		}
		if !first || depth > 0 {
			out.byte1('\n')
		}
		first = false
		out.indent(depth)
		out.str(strconv.FormatUint(f.num, 10))
		writeProtoValue(out, f, depth)
	}
}

func writeProtoValue(out *capBuf, f pbField, depth int) {
	switch f.wire {
	case 0:
		out.str(": " + strconv.FormatUint(f.value, 10))
		if int64(f.value) < 0 {
			out.str(" (int64 " + strconv.FormatInt(int64(f.value), 10) + ")")
		}
	case 1:
		out.str(fmt.Sprintf(": 0x%016x (fixed64; double %s)", f.value,
			strconv.FormatFloat(math.Float64frombits(f.value), 'g', -1, 64)))
	case 5:
		out.str(fmt.Sprintf(": 0x%08x (fixed32; float %s; int32 %d)", f.value,
			strconv.FormatFloat(float64(math.Float32frombits(uint32(f.value))), 'g', -1, 32), int32(f.value)))
	case 3:
		out.str(" (group) {")
		writeProtoFields(out, f.bytes, depth+1)
		out.byte1('\n')
		out.indent(depth)
		out.byte1('}')
	case 2:
		writeProtoBytes(out, f.bytes, depth)
	}
}

// writeProtoBytes shows a length-delimited field as a string if it is clean
// text, else as a nested message if it parses as one, else as bytes.
func writeProtoBytes(out *capBuf, b []byte, depth int) {
	switch {
	case len(b) == 0:
		out.str(`: ""`)
	case utf8.Valid(b) && looksCleanText(b):
		out.str(": " + strconv.Quote(string(b)))
	case depth+1 < maxProtoNesting && len(b) <= maxProtoSubTry && validProto(b, false, 0):
		out.str(" {")
		writeProtoFields(out, b, depth+1)
		out.byte1('\n')
		out.indent(depth)
		out.byte1('}')
	default:
		out.str(fmt.Sprintf(": bytes(%d) %s", len(b), hexPreview(b, 32)))
	}
}
