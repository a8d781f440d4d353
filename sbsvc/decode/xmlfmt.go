package decode

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

type xmlAttr struct{ name, value string }

// xmlWriter pretty-prints a stream of XML events: one element per line,
// two-space indent, an element holding only text kept on one line
// (<a>text</a>), an empty one as <a/>. Both the XML and the .NET binary XML
// renderers feed it.
type xmlWriter struct {
	out     *capBuf
	depth   int
	open    bool // a start tag is written without its '>'
	text    strings.Builder
	hasText bool
	started bool // anything written yet
}

func (w *xmlWriter) line() {
	if w.started {
		w.out.byte1('\n')
	}
	w.started = true
	w.out.indent(w.depth)
}

// flush closes a pending start tag and writes pending text on its own line.
func (w *xmlWriter) flush() {
	if !w.open {
		return
	}
	w.out.byte1('>')
	w.open = false
	if w.hasText {
		w.line()
		w.out.str(w.text.String())
		w.text.Reset()
		w.hasText = false
	}
}

func (w *xmlWriter) start(name string, attrs []xmlAttr) {
	w.flush()
	w.line()
	w.out.byte1('<')
	w.out.str(name)
	for _, a := range attrs {
		w.out.byte1(' ')
		w.out.str(a.name)
		w.out.str(`="`)
		w.out.str(escapeXML(a.value, true))
		w.out.byte1('"')
	}
	w.open = true
	w.depth++
}

func (w *xmlWriter) chars(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	esc := escapeXML(s, false)
	if w.open {
		w.text.WriteString(esc)
		w.hasText = true
		return
	}
	w.line()
	w.out.str(esc)
}

func (w *xmlWriter) end(name string) {
	if w.depth > 0 {
		w.depth--
	}
	if w.open {
		w.open = false
		if w.hasText {
			w.out.byte1('>')
			w.out.str(w.text.String())
			w.text.Reset()
			w.hasText = false
		} else {
			w.out.str("/>")
			return
		}
	} else {
		w.line()
	}
	w.out.str("</")
	w.out.str(name)
	w.out.byte1('>')
}

// other writes a comment, processing instruction or directive on a line.
func (w *xmlWriter) other(s string) {
	w.flush()
	w.line()
	w.out.str(s)
}

// escapeXML escapes markup characters, and characters XML does not allow
// as &#N; (the .NET binary XML rule); quotes only in attribute values.
func escapeXML(s string, attr bool) string {
	if !strings.ContainsAny(s, "&<>\"") && !hasXMLIllegal(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasXMLIllegal(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

func xmlName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// xmlWalk tokenizes b with encoding/xml, checking that tags nest, and feeds
// w (which may be nil for detection). cut says b is a prefix of the body:
// running out of input is then not an error.
func xmlWalk(b []byte, w *xmlWriter, cut bool) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []string
	roots := 0
	for {
		if w != nil && w.out.full {
			return errOutputFull
		}
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		var syn *xml.SyntaxError
		if cut && errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF") {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				roots++
			}
			name := xmlName(t.Name)
			stack = append(stack, name)
			if w != nil {
				attrs := make([]xmlAttr, len(t.Attr))
				for i, a := range t.Attr {
					attrs[i] = xmlAttr{xmlName(a.Name), a.Value}
				}
				w.start(name, attrs)
			}
		case xml.EndElement:
			name := xmlName(t.Name)
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("unexpected </%s> at byte %d", name, dec.InputOffset())
			}
			stack = stack[:len(stack)-1]
			if w != nil {
				w.end(name)
			}
		case xml.CharData:
			if len(stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("text outside the root element at byte %d", dec.InputOffset())
			}
			if w != nil {
				w.chars(string(t))
			}
		case xml.Comment:
			if w != nil {
				w.other("<!--" + string(t) + "-->")
			}
		case xml.ProcInst:
			if w != nil {
				w.other("<?" + t.Target + " " + string(t.Inst) + "?>")
			}
		case xml.Directive:
			if w != nil {
				w.other("<!" + string(t) + ">")
			}
		}
	}
	if roots == 0 {
		return errors.New("no element")
	}
	if len(stack) > 0 && !cut {
		return fmt.Errorf("unexpected end inside <%s>", stack[len(stack)-1])
	}
	return nil
}

func looksXML(b []byte) bool {
	c, ok := firstNonSpace(b)
	if !ok || c != '<' {
		return false
	}
	s, cut := sample(b, sampleXML)
	return xmlWalk(s, nil, cut) == nil
}

func (d *decoder) renderXML(b []byte) error {
	w := &xmlWriter{out: d.out}
	err := xmlWalk(trimUTF8BOM(b), w, d.inputCut)
	if err != nil && !errors.Is(err, errOutputFull) {
		return err
	}
	d.setKind("xml")
	return nil
}
