package amqp

import (
	"bytes"
	"testing"
)

// FuzzDecodeFrame feeds arbitrary bytes to the frame decoder. It must never
// panic, and whatever it accepts must re-encode and decode to the same
// performative.
func FuzzDecodeFrame(f *testing.F) {
	for _, p := range samplePerformatives() {
		b, err := appendFrame(nil, frameTypeAMQP, 1, p, []byte("pl"))
		if err == nil {
			f.Add(b)
		}
		if b, err = appendFrame(nil, frameTypeAMQP, 0, p, nil); err == nil {
			f.Add(b)
		}
	}
	f.Add(append([]byte(nil), emptyFrame...))
	f.Add([]byte{0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x99, 0x45})
	f.Add([]byte{0, 0, 0, 16, 2, 0, 0, 0, 0x00, 0x53, 0x10, 0xf0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		h, p, payload, err := decodeFrame(in, 1<<20)
		if err != nil || p == nil {
			return
		}
		if _, ok := p.(*transferFrame); !ok {
			payload = nil
		}
		again, err := appendFrame(nil, h.Type, h.Channel, p, payload)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", p, err)
		}
		_, p2, payload2, err := decodeFrame(again, 0)
		if err != nil {
			t.Fatalf("decoding re-encoded %#v: %v", p, err)
		}
		if !bytes.Equal(payload, payload2) {
			t.Fatal("payload changed")
		}
		b1, _ := p.appendTo(nil)
		b2, _ := p2.appendTo(nil)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("performative not stable:\n% x\n% x", b1, b2)
		}
	})
}

// FuzzDecodeMessage checks DecodeMessage never panics and that an accepted
// message survives EncodeMessage → DecodeMessage unchanged.
func FuzzDecodeMessage(f *testing.F) {
	if b, err := EncodeMessage(sampleMessage()); err == nil {
		f.Add(b)
	}
	m := &Message{}
	_ = m.SetBodyValue(&Map{Pairs: []MapPair{{"k", []any{int32(1), Array{Elems: []any{"a"}}}}}})
	if b, err := EncodeMessage(m); err == nil {
		f.Add(b)
	}
	f.Add([]byte{0x00, 0x53, 0x76, 0xc0, 3, 2, 0x40, 0x41})
	f.Add([]byte{0x00, 0x53, 0x78, 0xc1, 1, 0})
	f.Add([]byte{0x00, 0x53, 0x70, 0xd0, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := DecodeMessage(in)
		raw, rawErr := DecodeMessageRaw(in)
		if (err == nil) != (rawErr == nil) {
			t.Fatalf("DecodeMessage: %v, DecodeMessageRaw: %v", err, rawErr)
		}
		if err != nil {
			return
		}
		// The bare part, when kept, is the kept sections back to back.
		if raw.EncodedBare != nil && !bytes.Equal(raw.EncodedBare, bytes.Join([][]byte{raw.EncodedProperties,
			raw.EncodedApplicationProperties, raw.Body, raw.Footer}, nil)) {
			t.Fatal("EncodedBare is not the sections it should hold")
		}
		// Kept sections re-encode to a message that decodes the same.
		rawEnc, err := EncodeMessage(raw)
		if err != nil {
			t.Fatalf("re-encoding with kept sections: %v", err)
		}
		again, err := DecodeMessage(rawEnc)
		if err != nil {
			t.Fatalf("decoding a message with kept sections: %v", err)
		}
		bare := func(x *Message) []byte {
			b, _ := EncodeMessage(&Message{Properties: x.Properties, ApplicationProperties: x.ApplicationProperties})
			return b
		}
		if !bytes.Equal(bare(again), bare(m)) {
			t.Fatal("kept sections changed the properties")
		}
		enc, err := EncodeMessage(m)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		m2, err := DecodeMessage(enc)
		if err != nil {
			t.Fatalf("decoding re-encoded message: %v", err)
		}
		enc2, err := EncodeMessage(m2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("message not stable (err %v)", err)
		}
		_, _ = m.DataSections()
		_, _ = m.BodyValue()
	})
}
