package amqp

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// DecodeMessageRaw keeps the two property sections in wire form, and an
// encoder given them writes them back unchanged in place of the fields.
func TestDecodeMessageRawKeepsSections(t *testing.T) {
	m := sampleMessage()
	enc, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := DecodeMessageRaw(enc)
	if err != nil {
		t.Fatal(err)
	}
	props, _ := EncodeMessage(&Message{Properties: m.Properties})
	app, _ := EncodeMessage(&Message{ApplicationProperties: m.ApplicationProperties})
	if !bytes.Equal(raw.EncodedProperties, props) || !bytes.Equal(raw.EncodedApplicationProperties, app) {
		t.Fatal("the kept sections differ from the sent ones")
	}
	// The other decoders keep nothing extra.
	for _, decode := range []func([]byte) (*Message, error){DecodeMessage, DecodeMessageShared} {
		other, _ := decode(enc)
		if other.EncodedProperties != nil || other.EncodedApplicationProperties != nil {
			t.Fatal("a non-raw decode kept encoded sections")
		}
	}
	// The encoding wins over the fields it stands for.
	raw.Properties = &Properties{MessageID: "other"}
	raw.ApplicationProperties = nil
	again, err := EncodeMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, enc) {
		t.Fatal("re-encoding with the kept sections changed the message")
	}
}

// A MessageBinary encodes as the binary holding the message's encoding.
func TestMessageBinary(t *testing.T) {
	m := sampleMessage()
	want, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	list := []any{&Map{Pairs: []MapPair{{"message", MessageBinary{Message: m}}}}, "after"}
	enc, err := appendValue(nil, list, 0)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := decodeValue(enc, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := v.([]any)
	inner, _ := got[0].(*Map).Get("message")
	if !bytes.Equal(inner.([]byte), want) || got[1] != "after" {
		t.Fatalf("decoded %#v", got)
	}
	if _, err := appendValue(nil, MessageBinary{}, 0); err == nil {
		t.Fatal("a MessageBinary without a message encoded")
	}
}

// EncodeMessageWithValue is SetBodyValue then EncodeMessage, in one buffer.
func TestEncodeMessageWithValue(t *testing.T) {
	m := sampleMessage()
	value := []any{MessageBinary{Message: sampleMessage()}, strings.Repeat("x", 300)}
	got, err := EncodeMessageWithValue(m, value)
	if err != nil {
		t.Fatal(err)
	}
	want := *m
	if err := want.SetBodyValue(value); err != nil {
		t.Fatal(err)
	}
	wantEnc, _ := EncodeMessage(&want)
	if !bytes.Equal(got, wantEnc) {
		t.Fatal("EncodeMessageWithValue differs from SetBodyValue + EncodeMessage")
	}
	if !reflect.DeepEqual(m, sampleMessage()) {
		t.Fatal("the message was modified")
	}
	if _, err := EncodeMessageWithValue(m, make(chan int)); err == nil {
		t.Fatal("an unencodable value encoded")
	}
}

// DecodeMessageRawInto decodes like DecodeMessageRaw while reusing the
// message and its Properties struct, never the values they point to.
func TestDecodeMessageRawInto(t *testing.T) {
	first, _ := EncodeMessage(sampleMessage())
	other := sampleMessage()
	to := "elsewhere"
	other.Properties.To = &to
	other.Properties.MessageID = "id-2"
	other.ApplicationProperties = nil
	second, _ := EncodeMessage(other)

	var m Message
	if err := DecodeMessageRawInto(&m, first); err != nil {
		t.Fatal(err)
	}
	props, firstTo := m.Properties, m.Properties.To
	if err := DecodeMessageRawInto(&m, second); err != nil {
		t.Fatal(err)
	}
	want, _ := DecodeMessageRaw(second)
	if !reflect.DeepEqual(&m, want) {
		t.Fatalf("decoded into:\n got %+v\nwant %+v", m, want)
	}
	if m.Properties != props {
		t.Error("the Properties struct was not reused")
	}
	if *firstTo != "to" {
		t.Fatalf("a value of the first message changed to %q", *firstTo)
	}
}
