package emulator

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// sentMessage encodes a message as a client would send it.
func sentMessage(t *testing.T, m *amqp.Message) []byte {
	t.Helper()
	enc, err := amqp.EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// A stored message goes out with the sender's property sections byte for
// byte, the broker's stamps freshly encoded in front, and its fields intact.
func TestWireSectionsPassThrough(t *testing.T) {
	subject := "s"
	props := &amqp.Properties{MessageID: "id-1", Subject: &subject}
	app := &amqp.Map{Pairs: []amqp.MapPair{{Key: "z", Value: int32(1)}, {Key: "a", Value: "x"}}}
	var body amqp.Message
	body.SetBodyData([]byte("hello"))
	wire := sentMessage(t, &amqp.Message{Properties: props, ApplicationProperties: app, Body: body.Body})

	msgs, err := decodeTransfer(0, wire)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("decode: %v %v", msgs, err)
	}
	bm := msgs[0]
	if bm.MessageID != "id-1" || *bm.Subject != "s" || bm.ApplicationProperties["z"] != int32(1) {
		t.Fatalf("parsed fields: %+v", bm)
	}
	// The stored copy does not alias the transfer buffer.
	for i := range wire {
		wire[i] = 0
	}
	if !bytes.Equal(bm.EncodedProperties, sentMessage(t, &amqp.Message{Properties: props})) ||
		!bytes.Equal(bm.EncodedApplicationProperties, sentMessage(t, &amqp.Message{ApplicationProperties: app})) {
		t.Fatal("the stored sections are not the sender's")
	}
	bm.SequenceNumber = 7
	var enc deliveryEncoder
	out, err := enc.encode(bm, &lockInfo{token: [16]byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	// Application properties keep the sender's order (z before a): they
	// were not re-encoded.
	if !bytes.HasSuffix(out, append(append(append([]byte{}, bm.EncodedProperties...), bm.EncodedApplicationProperties...), bm.Body...)) {
		t.Fatal("the delivery does not end with the sender's bare message")
	}
	got, err := amqp.DecodeMessage(out)
	if err != nil {
		t.Fatal(err)
	}
	if seq, _ := got.MessageAnnotations.Get(amqp.Symbol(annSequenceNumber)); seq != int64(7) {
		t.Fatalf("sequence number annotation %v", seq)
	}
	if got.Properties.MessageID != "id-1" || got.ApplicationProperties.Pairs[0].Key != "z" {
		t.Fatalf("delivered %+v %+v", got.Properties, got.ApplicationProperties)
	}
}

// Sections the stored fields cannot reproduce are re-encoded from the
// fields: a missing message id (assigned here), symbol property keys and
// properties the broker changed afterwards.
func TestWireSectionsReencoded(t *testing.T) {
	app := &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol("k"), Value: "v"}}}
	wire := sentMessage(t, &amqp.Message{Properties: &amqp.Properties{}, ApplicationProperties: app})
	msgs, err := decodeTransfer(0, wire)
	if err != nil {
		t.Fatal(err)
	}
	bm := msgs[0]
	id, isString := bm.MessageID.(string)
	if !isString || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("assigned message id %#v", bm.MessageID)
	}
	if bm.EncodedApplicationProperties != nil {
		t.Fatal("symbol-keyed properties kept as sent")
	}
	var enc deliveryEncoder
	out, err := enc.encode(bm, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := amqp.DecodeMessage(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Properties.MessageID != id {
		t.Fatalf("delivered id %v, want the assigned %s", got.Properties.MessageID, id)
	}
	if got.ApplicationProperties.Pairs[0].Key != "k" {
		t.Fatalf("property key %#v, want the string k", got.ApplicationProperties.Pairs[0].Key)
	}

	// The broker dropped the encoding after a change: the fields win.
	bm.ApplicationProperties = map[string]any{"k": "changed"}
	bm.EncodedApplicationProperties = nil
	out, _ = enc.encode(bm, nil)
	got, _ = amqp.DecodeMessage(out)
	if v, _ := got.ApplicationProperties.Get("k"); v != "changed" {
		t.Fatalf("delivered property %v", v)
	}
}

// A message kept through its bare part in one copy: symbol-keyed
// properties are still re-encoded, the body keeps its footer, and nothing
// aliases the transfer.
func TestWireSectionsKeptInOneCopy(t *testing.T) {
	app := &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol("k"), Value: "v"}}}
	var body amqp.Message
	body.SetBodyData([]byte("payload"))
	footer := sentMessage(t, &amqp.Message{DeliveryAnnotations: &amqp.Map{}})
	footer[2] = 0x78 // the same map, as a footer section
	wire := sentMessage(t, &amqp.Message{Properties: &amqp.Properties{MessageID: "id-2"},
		ApplicationProperties: app, Body: body.Body, Footer: footer})
	msgs, err := decodeTransfer(0, wire)
	if err != nil {
		t.Fatal(err)
	}
	bm := msgs[0]
	want := append(append([]byte{}, body.Body...), footer...)
	if bm.EncodedApplicationProperties != nil || !bytes.Equal(bm.Body, want) || cap(bm.Body) != len(bm.Body) {
		t.Fatalf("kept app %x body %x (cap %d), want no app section and body %x",
			bm.EncodedApplicationProperties, bm.Body, cap(bm.Body), want)
	}
	props := sentMessage(t, &amqp.Message{Properties: &amqp.Properties{MessageID: "id-2"}})
	for i := range wire {
		wire[i] = 0
	}
	if !bytes.Equal(bm.EncodedProperties, props) || !bytes.Equal(bm.Body, want) {
		t.Fatal("the stored sections alias the transfer")
	}
	var enc deliveryEncoder
	out, err := enc.encode(bm, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := amqp.DecodeMessage(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.ApplicationProperties.Pairs[0].Key != "k" || got.Properties.MessageID != "id-2" || !bytes.Equal(got.Footer, footer) {
		t.Fatalf("delivered %+v %+v footer %x", got.Properties, got.ApplicationProperties, got.Footer)
	}
}

// A batch's messages are kept from one copy of the transfer: the engine's
// buffer can be reused at once, each message keeps its own sections (capped,
// so nothing appended to one reaches the next), and ids, properties and
// annotations come through.
func TestBatchKeptFromOneCopy(t *testing.T) {
	var inner [][]byte
	for i, id := range []string{"a", "b", "c"} {
		var m amqp.Message
		m.Properties = &amqp.Properties{MessageID: id}
		m.MessageAnnotations = &amqp.Map{} // as the SDK sends it
		if i == 1 {
			m.ApplicationProperties = &amqp.Map{Pairs: []amqp.MapPair{{Key: "k", Value: int64(i)}}}
		}
		m.SetBodyData([]byte("body-" + id))
		inner = append(inner, sentMessage(t, &m))
	}
	var env amqp.Message
	env.Properties = &amqp.Properties{MessageID: "batch"}
	env.SetBodyData(inner...)
	payload := sentMessage(t, &env)

	msgs, err := decodeTransfer(amqp.MessageFormatBatch, payload)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("decode: %d messages, %v", len(msgs), err)
	}
	clear(payload) // the engine reuses its buffer
	for i, id := range []string{"a", "b", "c"} {
		bm := msgs[i]
		var body amqp.Message
		body.SetBodyData([]byte("body-" + id))
		if bm.MessageID != id || !bytes.Equal(bm.Body, body.Body) || cap(bm.Body) != len(bm.Body) {
			t.Fatalf("message %d: id %v body %q (cap %d)", i, bm.MessageID, bm.Body, cap(bm.Body))
		}
		if bm.Annotations != nil {
			t.Fatalf("message %d kept annotations %v", i, bm.Annotations)
		}
		got, err := amqp.DecodeMessage(toWire(t, bm))
		if err != nil || got.Properties.MessageID != id {
			t.Fatalf("message %d delivered as %+v, %v", i, got, err)
		}
	}
	if v := msgs[1].ApplicationProperties["k"]; v != int64(1) || msgs[1].EncodedApplicationProperties == nil {
		t.Fatalf("application properties %v (encoded %x)", msgs[1].ApplicationProperties, msgs[1].EncodedApplicationProperties)
	}
}

// toWire encodes a stored message as a delivery.
func toWire(t *testing.T, bm *broker.Message) []byte {
	t.Helper()
	bm.SequenceNumber = 1
	var enc deliveryEncoder
	out, err := enc.encode(bm, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
