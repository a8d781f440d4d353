package emulator

import (
	"encoding/hex"
	"math/rand/v2"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Stored messages keep the sender's bare message (properties, application
// properties, body, footer) in wire form, so a delivery or a peek only
// encodes the header and annotations afresh and appends the rest unchanged.
// The parsed fields stay alongside for the broker's filters, limits and
// rule actions; the broker drops an encoded section whenever it changes a
// field the section carries, and the section is then encoded from the
// fields again.

// assignedIDRoom is what a properties section grows by when it gets an
// assigned message id: the 32 digits, a string header, and the list header
// growing to reach the id's field.
const assignedIDRoom = 48

// keepWireSections keeps the sections bm stores in wire form: the
// properties section (encoded afresh, with the id the broker would assign,
// when the sender gave no message id), the application-properties section
// when it maps one-to-one onto bm.ApplicationProperties, then the body and
// footer (bm.Body). When m may alias a reused buffer (owned is false) they
// are copied, in one allocation; when its buffer is owned they alias it
// wherever they can be sliced from it as they are.
func keepWireSections(bm *broker.Message, m *amqp.Message, owned bool) error {
	appProps := m.EncodedApplicationProperties
	if !sameAsProps(m.ApplicationProperties, bm.ApplicationProperties) {
		appProps = nil
	}
	props := m.EncodedProperties
	if bm.MessageID != nil && m.EncodedBare != nil {
		keepBare(bm, m, appProps != nil, owned)
		return nil
	}
	size := len(props) + len(appProps) + len(m.Body) + len(m.Footer)
	if bm.MessageID == nil {
		size += assignedIDRoom
	}
	buf := make([]byte, 0, size)
	if bm.MessageID == nil {
		// Encoded straight into the stored buffer, with the new id.
		p := amqp.Properties{}
		if m.Properties != nil {
			p = *m.Properties
		}
		p.MessageID = newMessageID()
		var err error
		if buf, err = amqp.AppendMessage(buf, &amqp.Message{Properties: &p}); err != nil {
			return err
		}
		bm.MessageID = p.MessageID
		bm.EncodedProperties = buf[:len(buf):len(buf)]
	} else {
		buf = append(buf, props...)
		if props != nil {
			bm.EncodedProperties = buf[:len(buf):len(buf)]
		}
	}
	start := len(buf)
	buf = append(buf, appProps...)
	if appProps != nil {
		bm.EncodedApplicationProperties = buf[start:len(buf):len(buf)]
	}
	start = len(buf)
	buf = append(buf, m.Body...)
	bm.Body = append(buf, m.Footer...)[start:]
	return nil
}

// keepBare is keepWireSections for a message whose kept sections lie back
// to back in m.EncodedBare: the sections are sliced from it when it is
// owned, else from one copy made by an append (into memory that is not
// zeroed first, unlike a make followed by copies). keepAppProps is false
// when the broker's map must be encoded afresh; its old wire form is then
// kept along unused.
func keepBare(bm *broker.Message, m *amqp.Message, keepAppProps, owned bool) {
	buf := m.EncodedBare
	if !owned {
		buf = append([]byte(nil), buf...)
	}
	end := len(buf)
	p := len(m.EncodedProperties)
	a := p + len(m.EncodedApplicationProperties)
	if m.EncodedProperties != nil {
		bm.EncodedProperties = buf[:p:p]
	}
	if keepAppProps {
		bm.EncodedApplicationProperties = buf[p:a:a]
	}
	bm.Body = buf[a:end:end]
}

// sameAsProps reports whether the sender's application-properties map reads
// back exactly as the broker's map: string keys (not symbols, which the
// broker would hand out as strings) and no key twice.
func sameAsProps(sent *amqp.Map, stored map[string]any) bool {
	if sent == nil || sent.Len() != len(stored) {
		return sent == nil
	}
	for _, p := range sent.Pairs {
		if _, isString := p.Key.(string); !isString {
			return false
		}
	}
	return true
}

// newMessageID makes the 32-hex-digit id the service gives a message sent
// without one.
func newMessageID() string {
	var b [16]byte
	x, y := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		b[i] = byte(x >> (8 * i))
		b[8+i] = byte(y >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}
