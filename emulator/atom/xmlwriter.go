package atom

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"time"
)

// XML namespaces of the ATOM management documents.
const (
	nsAtom     = "http://www.w3.org/2005/Atom"
	nsConnect  = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"
	nsInstance = "http://www.w3.org/2001/XMLSchema-instance"
	nsSchema   = "http://www.w3.org/2001/XMLSchema"
	nsCounts   = "http://schemas.microsoft.com/netservices/2011/06/servicebus"
)

// neverTime is how the service prints a time that has not happened yet
// (AccessedAt of an entity nobody touched); the SDK special-cases it.
const neverTime = "0001-01-01T00:00:00"

// docWriter builds a response document by hand. The service's documents use
// fixed prefixes (i:type, d2p1:) that encoding/xml's marshaller would not
// produce, so elements are written explicitly; every text and attribute value
// goes through escaping.
type docWriter struct{ buf bytes.Buffer }

// open writes <name attr="value" ...>; attrs alternate name, value.
func (w *docWriter) open(name string, attrs ...string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.attrs(attrs)
	w.buf.WriteByte('>')
}

// empty writes <name attr="value" .../>.
func (w *docWriter) empty(name string, attrs ...string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.attrs(attrs)
	w.buf.WriteString("/>")
}

func (w *docWriter) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteByte(' ')
		w.buf.WriteString(attrs[i])
		w.buf.WriteString(`="`)
		_ = xml.EscapeText(&w.buf, []byte(attrs[i+1]))
		w.buf.WriteByte('"')
	}
}

func (w *docWriter) close(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

// text writes <name>escaped value</name>.
func (w *docWriter) text(name, value string, attrs ...string) {
	w.open(name, attrs...)
	_ = xml.EscapeText(&w.buf, []byte(value))
	w.close(name)
}

// optText writes the element only when value is non-empty: the SDK's tests
// compare whole property structs, so unset strings must stay absent.
func (w *docWriter) optText(name, value string) {
	if value != "" {
		w.text(name, value)
	}
}

// raw writes already well-formed XML (passed-through client content).
func (w *docWriter) raw(s string) { w.buf.WriteString(s) }

func (w *docWriter) bool(name string, v bool) { w.text(name, strconv.FormatBool(v)) }

func (w *docWriter) int(name string, v int64) { w.text(name, strconv.FormatInt(v, 10)) }

func (w *docWriter) duration(name string, d time.Duration) { w.text(name, formatDuration(d)) }

func (w *docWriter) time(name string, t time.Time) { w.text(name, formatTime(t)) }

// formatTime prints an RFC 3339 UTC time, or the service's "never" value for
// the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return neverTime
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// clampInt32 keeps counts inside the int32 the SDK decodes them into; an
// overflowing value would make the whole document unreadable to it.
func clampInt32(v int64) int64 {
	const maxInt32 = 1<<31 - 1
	if v > maxInt32 {
		return maxInt32
	}
	if v < 0 {
		return 0
	}
	return v
}
