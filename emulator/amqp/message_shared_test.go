package amqp

import (
	"bytes"
	"reflect"
	"testing"
)

// DecodeMessageShared decodes the same message as DecodeMessage; only its
// body and footer alias the input, and changing the input shows through
// them and nowhere else.
func TestDecodeMessageShared(t *testing.T) {
	m := sampleMessage()
	footer, err := appendMapSection(nil, descFooter, &Map{Pairs: []MapPair{{Symbol("f"), "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	m.Footer = footer
	enc, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := DecodeMessage(enc)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := DecodeMessageShared(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(copied, shared) {
		t.Fatalf("shared decode differs:\n got %#v\nwant %#v", shared, copied)
	}
	bodyAt := bytes.Index(enc, m.Body)
	footerAt := bytes.Index(enc, m.Footer)
	if bodyAt < 0 || footerAt < 0 {
		t.Fatal("body or footer not found in the encoding")
	}
	enc[bodyAt+len(m.Body)-1] ^= 0xff
	enc[footerAt+len(m.Footer)-1] ^= 0xff
	if bytes.Equal(shared.Body, copied.Body) || bytes.Equal(shared.Footer, copied.Footer) {
		t.Fatal("the shared body and footer do not alias the input")
	}
	if !bytes.Equal(copied.Body, m.Body) || !bytes.Equal(copied.Footer, m.Footer) {
		t.Fatal("the copied body or footer changed with the input")
	}
	// Appending to a shared body must not write over the following bytes.
	before := append([]byte(nil), enc...)
	_ = append(shared.Body, 0)
	if !bytes.Equal(before, enc) {
		t.Fatal("appending to the shared body overwrote the input")
	}
}

// Body sections separated by another section still form one body, in
// order, with or without sharing.
func TestDecodeMessageSplitBody(t *testing.T) {
	var enc []byte
	enc = appendBinary(appendUlongDescriptor(enc, descData), []byte("one"))
	enc, _ = appendMapSection(enc, descAppProperties, &Map{Pairs: []MapPair{{"k", "v"}}})
	enc = appendBinary(appendUlongDescriptor(enc, descData), []byte("two"))
	enc = appendBinary(appendUlongDescriptor(enc, descData), []byte("three"))
	for _, decode := range []func([]byte) (*Message, error){DecodeMessage, DecodeMessageShared} {
		m, err := decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		data, err := m.DataSections()
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 3 || string(data[0]) != "one" || string(data[1]) != "two" || string(data[2]) != "three" {
			t.Fatalf("data sections %q", data)
		}
		if v, _ := m.ApplicationProperties.Get("k"); v != "v" {
			t.Fatalf("application property k = %v", v)
		}
	}
}
