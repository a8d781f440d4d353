package decode

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// .NET binary XML (MC-NBFX records, MC-NBFS dictionary strings, MC-NBFSE
// session string tables). The reader turns records into xmlWriter events,
// so the rendering is ordinary pretty XML.

type nbfxReader struct {
	b       []byte
	pos     int
	session []string // MC-NBFSE string table, indexed by (id-1)/2
}

type nbfxError struct {
	off int
	msg string
}

func (e *nbfxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

func (r *nbfxReader) fail(format string, args ...any) error {
	return &nbfxError{off: r.pos, msg: fmt.Sprintf(format, args...)}
}

func (r *nbfxReader) u8() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.fail("unexpected end of data")
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *nbfxReader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, r.fail("length %d runs past the end of the data", n)
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

// mb31 reads a MultiByteInt31: seven bits a byte, low bits first.
func (r *nbfxReader) mb31() (uint32, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		c, err := r.u8()
		if err != nil {
			return 0, err
		}
		if i == 4 && c > 0x07 {
			return 0, r.fail("MultiByteInt31 too large")
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return v, nil
}

func (r *nbfxReader) str() (string, error) {
	n, err := r.mb31()
	if err != nil {
		return "", err
	}
	b, err := r.take(int(n))
	return string(b), err
}

func (r *nbfxReader) dict() (string, error) {
	id, err := r.mb31()
	if err != nil {
		return "", err
	}
	return nbfsString(id, r.session), nil
}

// readSessionTable reads the MC-NBFSE string table that starts each message
// of a msbinsession1 stream.
func (r *nbfxReader) readSessionTable() error {
	size, err := r.mb31()
	if err != nil {
		return err
	}
	table, err := r.take(int(size))
	if err != nil {
		return err
	}
	sub := &nbfxReader{b: table}
	for sub.pos < len(sub.b) {
		s, err := sub.str()
		if err != nil {
			return err
		}
		r.session = append(r.session, s)
	}
	return nil
}

// nbfxDecoder walks the records. With w nil it only validates (detection);
// strict then also demands well-formed names and no text outside elements.
type nbfxDecoder struct {
	r        nbfxReader
	w        *xmlWriter
	stack    []string
	elements int
	strict   bool
	stopAt   int
}

var errNBFXSample = errors.New("sample end")

func (d *nbfxDecoder) run() error {
	for d.r.pos < len(d.r.b) {
		if d.stopAt > 0 && d.r.pos >= d.stopAt {
			return errNBFXSample
		}
		if d.w != nil && d.w.out.full {
			return errOutputFull
		}
		start := d.r.pos
		rt, _ := d.r.u8()
		var err error
		switch {
		case rt == 0x01:
			err = d.endElement()
		case rt == 0x02:
			var s string
			if s, err = d.r.str(); err == nil && d.w != nil {
				d.w.other("<!--" + s + "-->")
			}
		case rt == 0x03:
			err = d.array()
		case rt >= 0x40 && rt <= 0x77:
			err = d.element(rt)
		case rt >= 0x80 && rt <= 0xbd:
			err = d.textRecord(rt)
		default:
			d.r.pos = start
			err = d.r.fail("unknown record type 0x%02x", rt)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *nbfxDecoder) endElement() error {
	if len(d.stack) == 0 {
		return d.r.fail("end element with no open element")
	}
	name := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	if d.w != nil {
		d.w.end(name)
	}
	return nil
}

func prefixLetter(i byte) string { return string(rune('a' + i)) }

// elementHeader reads an element record's name and its attribute records.
func (d *nbfxDecoder) elementHeader(rt byte) (string, []xmlAttr, error) {
	var name string
	var err error
	switch {
	case rt == 0x40:
		name, err = d.name(d.r.str)
	case rt == 0x41:
		name, err = d.prefixed(d.r.str)
	case rt == 0x42:
		name, err = d.r.dict()
	case rt == 0x43:
		name, err = d.prefixed(d.r.dict)
	case rt <= 0x5d:
		name, err = d.r.dict()
		name = prefixLetter(rt-0x44) + ":" + name
	default:
		name, err = d.name(d.r.str)
		name = prefixLetter(rt-0x5e) + ":" + name
	}
	if err != nil {
		return "", nil, err
	}
	var attrs []xmlAttr
	for d.r.pos < len(d.r.b) {
		at := d.r.b[d.r.pos]
		if at < 0x04 || at > 0x3f {
			break
		}
		d.r.pos++
		a, err := d.attribute(at)
		if err != nil {
			return "", nil, err
		}
		attrs = append(attrs, a)
	}
	return name, attrs, nil
}

func (d *nbfxDecoder) element(rt byte) error {
	name, attrs, err := d.elementHeader(rt)
	if err != nil {
		return err
	}
	d.elements++
	d.stack = append(d.stack, name)
	if d.w != nil {
		d.w.start(name, attrs)
	}
	return nil
}

// name reads a string that must be an XML name in strict mode.
func (d *nbfxDecoder) name(read func() (string, error)) (string, error) {
	start := d.r.pos
	s, err := read()
	if err == nil && d.strict && !isXMLName(s) {
		d.r.pos = start
		return "", d.r.fail("bad name %q", s)
	}
	return s, err
}

// prefixed reads a prefix string followed by a name read by read.
func (d *nbfxDecoder) prefixed(read func() (string, error)) (string, error) {
	prefix, err := d.name(d.r.str)
	if err != nil {
		return "", err
	}
	local, err := d.name(read)
	if err != nil {
		return "", err
	}
	return prefix + ":" + local, nil
}

func (d *nbfxDecoder) attribute(at byte) (xmlAttr, error) {
	var name string
	var err error
	switch {
	case at == 0x04:
		name, err = d.name(d.r.str)
	case at == 0x05:
		name, err = d.prefixed(d.r.str)
	case at == 0x06:
		name, err = d.r.dict()
	case at == 0x07:
		name, err = d.prefixed(d.r.dict)
	case at == 0x08:
		v, err := d.r.str()
		return xmlAttr{"xmlns", v}, err
	case at == 0x09:
		p, err := d.name(d.r.str)
		if err != nil {
			return xmlAttr{}, err
		}
		v, err := d.r.str()
		return xmlAttr{"xmlns:" + p, v}, err
	case at == 0x0a:
		v, err := d.r.dict()
		return xmlAttr{"xmlns", v}, err
	case at == 0x0b:
		p, err := d.name(d.r.str)
		if err != nil {
			return xmlAttr{}, err
		}
		v, err := d.r.dict()
		return xmlAttr{"xmlns:" + p, v}, err
	case at <= 0x25:
		name, err = d.r.dict()
		name = prefixLetter(at-0x0c) + ":" + name
	default:
		name, err = d.name(d.r.str)
		name = prefixLetter(at-0x26) + ":" + name
	}
	if err != nil {
		return xmlAttr{}, err
	}
	vt, err := d.r.u8()
	if err != nil {
		return xmlAttr{}, err
	}
	if vt < 0x80 || vt > 0xbd || vt&1 == 1 {
		d.r.pos--
		return xmlAttr{}, d.r.fail("attribute %s has no text value (record 0x%02x)", name, vt)
	}
	v, err := d.textValue(vt)
	return xmlAttr{name, v}, err
}

func (d *nbfxDecoder) textRecord(rt byte) error {
	if d.strict && len(d.stack) == 0 {
		return d.r.fail("text outside any element")
	}
	s, err := d.textValue(rt &^ 1)
	if err != nil {
		return err
	}
	if d.w != nil {
		d.w.chars(s)
	}
	if rt&1 == 1 {
		return d.endElement()
	}
	return nil
}

// textValue reads the payload of an even text record type.
func (d *nbfxDecoder) textValue(rt byte) (string, error) {
	if rt == 0xa4 { // StartListText: text records up to EndListText, space separated
		var items []string
		for {
			it, err := d.r.u8()
			if err != nil {
				return "", err
			}
			if it == 0xa6 {
				return strings.Join(items, " "), nil
			}
			if it < 0x80 || it > 0xbd || it&1 == 1 || it == 0xa4 {
				d.r.pos--
				return "", d.r.fail("record 0x%02x inside a text list", it)
			}
			s, err := d.textValue(it)
			if err != nil {
				return "", err
			}
			items = append(items, s)
		}
	}
	return nbfxText(&d.r, rt)
}

func (d *nbfxDecoder) array() error {
	rt, err := d.r.u8()
	if err != nil {
		return err
	}
	if rt < 0x40 || rt > 0x77 {
		d.r.pos--
		return d.r.fail("array without an element record")
	}
	name, attrs, err := d.elementHeader(rt)
	if err != nil {
		return err
	}
	if end, err := d.r.u8(); err != nil || end != 0x01 {
		return d.r.fail("array element not followed by an end element")
	}
	vt, err := d.r.u8()
	if err != nil {
		return err
	}
	size := nbfxFixedSize(vt &^ 1)
	if size == 0 || vt&1 == 0 {
		d.r.pos--
		return d.r.fail("array of unsupported record type 0x%02x", vt)
	}
	n, err := d.r.mb31()
	if err != nil {
		return err
	}
	if int64(n)*int64(size) > int64(len(d.r.b)-d.r.pos) {
		return d.r.fail("array of %d items runs past the end of the data", n)
	}
	d.elements++
	for i := 0; i < int(n); i++ {
		v, err := nbfxText(&d.r, vt&^1)
		if err != nil {
			return err
		}
		if d.w != nil {
			if d.w.out.full {
				return errOutputFull
			}
			d.w.start(name, attrs)
			d.w.chars(v)
			d.w.end(name)
		}
	}
	return nil
}

// isXMLName is a practical check (ASCII letters, digits, _ - . and any
// non-ASCII letter), enough to tell real names from random bytes.
func isXMLName(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0xc0:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// hasControlBytes reports whether b holds bytes plain text never has;
// real binary XML always does (lengths, end-element records).
func hasControlBytes(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || c > 0x0d && c < 0x20 && c != 0x1b {
			return true
		}
	}
	return false
}

// looksNBFX parses the first 16 KiB strictly.
func looksNBFX(b []byte) bool {
	if len(b) < 2 || !(b[0] >= 0x40 && b[0] <= 0x77 || b[0] == 0x03) {
		return false
	}
	s := b
	if len(s) > sampleNBFX {
		s = s[:sampleNBFX]
	}
	if !hasControlBytes(s) {
		return false
	}
	d := &nbfxDecoder{r: nbfxReader{b: b}, strict: true}
	if len(b) > sampleNBFX {
		d.stopAt = sampleNBFX
	}
	err := d.run()
	if errors.Is(err, errNBFXSample) {
		return d.elements > 0
	}
	return err == nil && d.elements > 0 && len(d.stack) == 0
}

// nbfxDecodesSome accepts a damaged body whose content type says it is
// binary XML, as long as at least one element decodes before the damage.
func nbfxDecodesSome(b []byte) bool {
	d := &nbfxDecoder{r: nbfxReader{b: b}}
	if len(b) > sampleNBFX {
		d.stopAt = sampleNBFX
	}
	_ = d.run()
	return d.elements > 0
}

// looksNBFXSession accepts a msbinsession1 body: an MC-NBFSE string table
// followed by records. Only tried when the content type says so.
func looksNBFXSession(b []byte) bool {
	d := &nbfxDecoder{r: nbfxReader{b: b}, strict: true}
	if d.r.readSessionTable() != nil {
		return false
	}
	if len(b) > sampleNBFX {
		d.stopAt = sampleNBFX
	}
	err := d.run()
	return (err == nil || errors.Is(err, errNBFXSample)) && d.elements > 0
}

func (d *decoder) renderNBFX(b []byte) error {
	nd := &nbfxDecoder{r: nbfxReader{b: b}, w: &xmlWriter{out: d.out}}
	if strings.Contains(d.media, "msbinsession") && len(b) > 0 && !(b[0] >= 0x40 && b[0] <= 0x77 || b[0] == 0x03) {
		if err := nd.r.readSessionTable(); err != nil {
			return fmt.Errorf("session string table: %w", err)
		}
	}
	err := nd.run()
	switch {
	case err == nil, errors.Is(err, errOutputFull):
	case nd.elements > 0:
		d.warn("the binary XML is damaged (%s); showing what decoded", err)
		nd.stack = nd.stack[:0]
	default:
		return err
	}
	if len(nd.stack) > 0 && !d.out.full {
		if !d.inputCut {
			d.warn("the binary XML ends inside <%s>", nd.stack[len(nd.stack)-1])
		}
		for len(nd.stack) > 0 {
			_ = nd.endElement()
		}
	}
	d.setKind("nbfx")
	return nil
}
