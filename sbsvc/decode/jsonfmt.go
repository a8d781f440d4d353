package decode

import (
	"bytes"
	"errors"
	"fmt"
)

// maxJSONNesting bounds recursion; deeper documents are not shown as JSON.
const maxJSONNesting = 512

// jsonScanner validates JSON and, when out is set, pretty-prints it as it
// goes (two-space indent, one member per line, strings copied verbatim so
// escapes such as \u001b stay escaped). It never builds a tree, so a huge
// document costs only as much as the output it writes.
type jsonScanner struct {
	src    []byte
	pos    int
	out    *capBuf // nil: validate only
	stopAt int     // validate only: success once pos reaches it (0 = none)
	depth  int
}

var errJSONSample = errors.New("sample end")

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

func (p *jsonScanner) fail(format string, args ...any) error {
	return &jsonError{off: p.pos, msg: fmt.Sprintf(format, args...)}
}

func (p *jsonScanner) emit(s string) {
	if p.out != nil {
		p.out.str(s)
	}
}

func (p *jsonScanner) emitBytes(b []byte) {
	if p.out != nil {
		p.out.bytes(b)
	}
}

func (p *jsonScanner) newline() {
	if p.out != nil {
		p.out.byte1('\n')
		p.out.indent(p.depth)
	}
}

func (p *jsonScanner) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// document scans one or more top-level values. Several values are accepted
// only when each is an object or array (JSON lines).
func (p *jsonScanner) document() error {
	for n := 0; ; n++ {
		p.skipSpace()
		if p.pos >= len(p.src) {
			if n == 0 {
				return p.fail("no JSON value")
			}
			return nil
		}
		if n > 0 {
			if c := p.src[p.pos]; c != '{' && c != '[' {
				return p.fail("unexpected %q after the JSON value", c)
			}
			p.emit("\n")
		}
		if err := p.value(); err != nil {
			return err
		}
	}
}

func (p *jsonScanner) value() error {
	p.skipSpace()
	if p.stopAt > 0 && p.pos >= p.stopAt {
		return errJSONSample
	}
	if p.out != nil && p.out.full {
		return errOutputFull
	}
	if p.pos >= len(p.src) {
		return p.fail("unexpected end of JSON")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return p.fail("unexpected %q", c)
	}
}

func (p *jsonScanner) enter() error {
	p.depth++
	if p.depth > maxJSONNesting {
		return p.fail("nested more than %d levels", maxJSONNesting)
	}
	return nil
}

func (p *jsonScanner) object() error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		p.depth--
		p.emit("{}")
		return nil
	}
	p.emit("{")
	for {
		p.newline()
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			if p.pos >= len(p.src) {
				return p.fail("unexpected end of JSON")
			}
			return p.fail("expected a member name, found %q", p.src[p.pos])
		}
		if err := p.str(); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return p.fail("expected ':'")
		}
		p.pos++
		p.emit(": ")
		if err := p.value(); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return p.fail("unexpected end of JSON")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.emit(",")
			continue
		case '}':
			p.pos++
			p.depth--
			p.newline()
			p.emit("}")
			return nil
		default:
			return p.fail("expected ',' or '}', found %q", p.src[p.pos])
		}
	}
}

func (p *jsonScanner) array() error {
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		p.depth--
		p.emit("[]")
		return nil
	}
	p.emit("[")
	for {
		p.newline()
		if err := p.value(); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return p.fail("unexpected end of JSON")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.emit(",")
		case ']':
			p.pos++
			p.depth--
			p.newline()
			p.emit("]")
			return nil
		default:
			return p.fail("expected ',' or ']', found %q", p.src[p.pos])
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (p *jsonScanner) str() error {
	start := p.pos
	i := p.pos + 1
	for {
		if i >= len(p.src) {
			p.pos = i
			return p.fail("unterminated string")
		}
		c := p.src[i]
		switch {
		case c == '"':
			i++
			p.emitBytes(p.src[start:i])
			p.pos = i
			return nil
		case c == '\\':
			if i+1 >= len(p.src) {
				p.pos = i
				return p.fail("unterminated string")
			}
			switch p.src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(p.src) || !isHex(p.src[i+2]) || !isHex(p.src[i+3]) || !isHex(p.src[i+4]) || !isHex(p.src[i+5]) {
					p.pos = i
					return p.fail("bad \\u escape")
				}
				i += 6
			default:
				p.pos = i
				return p.fail("bad escape \\%c", p.src[i+1])
			}
		case c < 0x20:
			p.pos = i
			return p.fail("control character %q in string", c)
		default:
			i++
		}
	}
}

func (p *jsonScanner) literal(word string) error {
	if !bytes.HasPrefix(p.src[p.pos:], []byte(word)) {
		return p.fail("unexpected %q", p.src[p.pos])
	}
	p.pos += len(word)
	p.emit(word)
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *jsonScanner) number() error {
	start := p.pos
	i := p.pos
	digits := func() int {
		n := 0
		for i < len(p.src) && isDigit(p.src[i]) {
			i++
			n++
		}
		return n
	}
	if p.src[i] == '-' {
		i++
	}
	if i < len(p.src) && p.src[i] == '0' {
		i++
	} else if digits() == 0 {
		p.pos = i
		return p.fail("bad number")
	}
	if i < len(p.src) && p.src[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return p.fail("bad number")
		}
	}
	if i < len(p.src) && (p.src[i] == 'e' || p.src[i] == 'E') {
		i++
		if i < len(p.src) && (p.src[i] == '+' || p.src[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return p.fail("bad number")
		}
	}
	p.pos = i
	p.emitBytes(p.src[start:i])
	return nil
}

// looksJSON validates a prefix of b. Without a content type only objects
// and arrays count (a bare number or word is text); with one, any value.
func looksJSON(b []byte, claimed bool) bool {
	c, ok := firstNonSpace(b)
	if !ok {
		return false
	}
	if !claimed && c != '{' && c != '[' {
		return false
	}
	p := &jsonScanner{src: b}
	if len(b) > sampleJSON {
		p.stopAt = sampleJSON
	}
	err := p.document()
	return err == nil || errors.Is(err, errJSONSample)
}

// renderJSON pretty-prints b into the output.
func (d *decoder) renderJSON(b []byte) error {
	if d.out.len() == 0 { // pretty JSON is about twice its compact size
		d.out.b = make([]byte, 0, min(d.out.max, 2*len(b)+64))
	}
	p := &jsonScanner{src: trimUTF8BOM(b), out: d.out}
	err := p.document()
	var je *jsonError
	switch {
	case err == nil, errors.Is(err, errOutputFull):
	case d.inputCut && errors.As(err, &je) && je.off >= len(p.src)-1:
		d.note("the JSON is cut where the decoded input was capped")
	default:
		return err
	}
	d.setKind("json")
	return nil
}
