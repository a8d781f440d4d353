package amqp

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	goamqp "github.com/Azure/go-amqp"
)

func sampleMessage() *Message {
	ts := time.UnixMilli(1700000000000).UTC()
	to, subj, reply, group, rgroup := "to", "subject", "reply", "g", "rg"
	ct, ce := Symbol("application/json"), Symbol("gzip")
	prio, ttl, seq := uint8(7), uint32(60000), uint32(3)
	m := &Message{
		Header:              &Header{Durable: true, Priority: &prio, TTL: &ttl, FirstAcquirer: true, DeliveryCount: 2},
		DeliveryAnnotations: &Map{Pairs: []MapPair{{Symbol("x-opt-lock-token"), UUID{1, 2, 3}}}},
		MessageAnnotations: &Map{Pairs: []MapPair{
			{Symbol("x-opt-sequence-number"), int64(42)},
			{Symbol("x-opt-enqueued-time"), ts},
			{Symbol("x-opt-partition-key"), "pk"},
		}},
		Properties: &Properties{
			MessageID: "id-1", UserID: []byte("u"), To: &to, Subject: &subj, ReplyTo: &reply,
			CorrelationID: uint64(9), ContentType: &ct, ContentEncoding: &ce,
			AbsoluteExpiryTime: &ts, CreationTime: &ts, GroupID: &group, GroupSequence: &seq, ReplyToGroupID: &rgroup,
		},
		ApplicationProperties: &Map{Pairs: []MapPair{{"DeadLetterReason", "r"}, {"n", int32(-5)}, {"b", true}}},
	}
	m.SetBodyData([]byte("hello"), []byte("world"))
	return m
}

func TestMessageRoundTrip(t *testing.T) {
	m := sampleMessage()
	enc, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMessage(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, m)
	}
	again, err := EncodeMessage(got)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("re-encoding changed the bytes (err %v)", err)
	}
	data, err := got.DataSections()
	if err != nil || len(data) != 2 || string(data[0]) != "hello" || string(data[1]) != "world" {
		t.Fatalf("data sections %q %v", data, err)
	}
	if _, err := got.BodyValue(); err == nil {
		t.Fatal("BodyValue on a data body: want error")
	}
}

func TestMessageBodyValue(t *testing.T) {
	m := &Message{}
	req := &Map{Pairs: []MapPair{{"lock-tokens", []UUID{{1}}}, {"server-timeout", uint64(60000)}}}
	if err := m.SetBodyValue(req); err != nil {
		t.Fatal(err)
	}
	v, err := m.BodyValue()
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*Map)
	if tok, _ := got.Get("lock-tokens"); !reflect.DeepEqual(tok, Array{Elems: []any{UUID{1}}, Code: codeUUID}) {
		t.Fatalf("lock-tokens %#v", tok)
	}
	if _, err := m.DataSections(); err == nil {
		t.Fatal("DataSections on an amqp-value body: want error")
	}
	if err := m.SetBodyValue(make(chan int)); err == nil {
		t.Fatal("SetBodyValue of an unencodable value: want error")
	}
}

// TestMessageInteropWithGoAMQP checks the codec against the client's own
// message encoding in both directions.
func TestMessageInteropWithGoAMQP(t *testing.T) {
	ts := time.UnixMilli(1700000000000).UTC()
	to, ct := "dest", "text/plain"
	in := &goamqp.Message{
		Header:                &goamqp.MessageHeader{Durable: true, Priority: 5, TTL: 10 * time.Second, DeliveryCount: 1},
		Annotations:           goamqp.Annotations{"x-opt-scheduled-enqueue-time": ts, "x-opt-partition-key": "p"},
		Properties:            &goamqp.MessageProperties{MessageID: "m1", To: &to, ContentType: &ct, CorrelationID: goamqp.UUID{7}, CreationTime: &ts},
		ApplicationProperties: map[string]any{"k": "v", "n": int64(3), "t": ts},
		Data:                  [][]byte{[]byte("payload")},
		Footer:                goamqp.Annotations{"f": "x"},
	}
	wire, err := in.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeMessage(wire)
	if err != nil {
		t.Fatal(err)
	}
	if m.Properties == nil || m.Properties.MessageID != "m1" || m.Properties.CorrelationID != (UUID{7}) || *m.Properties.To != "dest" {
		t.Fatalf("properties %#v", m.Properties)
	}
	if v, _ := m.MessageAnnotations.Get("x-opt-scheduled-enqueue-time"); v != ts {
		t.Fatalf("annotation %#v", v)
	}
	if m.Header == nil || *m.Header.TTL != 10000 || m.Header.DeliveryCount != 1 || m.Footer == nil {
		t.Fatalf("header %#v footer %v", m.Header, m.Footer)
	}
	// Change something and hand it back to the client's decoder.
	m.MessageAnnotations.Set(Symbol("x-opt-sequence-number"), int64(77))
	m.ApplicationProperties.Set("DeadLetterReason", "because")
	out, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	var back goamqp.Message
	if err := back.UnmarshalBinary(out); err != nil {
		t.Fatal(err)
	}
	if back.Annotations["x-opt-sequence-number"] != int64(77) || back.ApplicationProperties["DeadLetterReason"] != "because" {
		t.Fatalf("annotations %#v app %#v", back.Annotations, back.ApplicationProperties)
	}
	if string(back.GetData()) != "payload" || back.Header.TTL != 10*time.Second || *back.Properties.ContentType != "text/plain" {
		t.Fatalf("message %#v", back)
	}
	if bt, ok := back.ApplicationProperties["t"].(time.Time); !ok || !bt.Equal(ts) || back.Footer["f"] != "x" {
		t.Fatalf("app props %#v footer %#v", back.ApplicationProperties, back.Footer)
	}
}

func TestDecodeMessageMalformed(t *testing.T) {
	good, _ := EncodeMessage(sampleMessage())
	cases := map[string][]byte{
		"not described":          {0x40},
		"unknown section":        {0x00, 0x53, 0x10, 0x45},
		"descriptor truncated":   {0x00},
		"header not a list":      {0x00, 0x53, 0x70, 0x40 + 1},
		"header wrong field":     {0x00, 0x53, 0x70, 0xc0, 2, 1, 0xa1},
		"duplicate header":       {0x00, 0x53, 0x70, 0x45, 0x00, 0x53, 0x70, 0x45},
		"map section not map":    {0x00, 0x53, 0x74, 0x45},
		"data not binary":        {0x00, 0x53, 0x75, 0xa1, 1, 'a'},
		"data truncated":         {0x00, 0x53, 0x75, 0xa0, 5, 1},
		"sequence not list":      {0x00, 0x53, 0x76, 0x40},
		"section after footer":   {0x00, 0x53, 0x78, 0xc1, 1, 0, 0x00, 0x53, 0x75, 0xa0, 0},
		"truncated real message": good[:len(good)-3],
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if m, err := DecodeMessage(in); err == nil {
				t.Fatalf("decoded %#v, want error", m)
			}
		})
	}
}

// A raw decode leaves out empty annotation maps (both widths), keeps full
// ones, and still refuses a section sent twice.
func TestDecodeMessageRawEmptyAnnotations(t *testing.T) {
	props := []byte{0x00, 0x53, 0x73, codeList8, 2, 1, codeUint0}
	empty8 := []byte{0x00, 0x53, 0x72, codeMap8, 1, 0}
	empty32 := []byte{0x00, 0x53, 0x71, codeMap32, 0, 0, 0, 4, 0, 0, 0, 0}
	full := []byte{0x00, 0x53, 0x72, codeMap8, 5, 2, codeSym8, 1, 'k', codeUint0}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	m, err := DecodeMessageRaw(cat(empty32, empty8, props))
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageAnnotations != nil || m.DeliveryAnnotations != nil || m.Properties.MessageID != uint32(0) {
		t.Fatalf("decoded %+v", m)
	}
	if !bytes.Equal(m.EncodedBare, props) {
		t.Fatalf("bare part %x", m.EncodedBare)
	}
	// Other decodes keep the empty map as sent.
	if m, err := DecodeMessage(cat(empty8, props)); err != nil || m.MessageAnnotations == nil {
		t.Fatalf("DecodeMessage: %+v %v", m, err)
	}
	if m, err := DecodeMessageRaw(cat(full, props)); err != nil || m.MessageAnnotations.Len() != 1 {
		t.Fatalf("full map: %+v %v", m, err)
	}
	if _, err := DecodeMessageRaw(cat(empty8, full, props)); err == nil {
		t.Fatal("a duplicate annotations section decoded")
	}
}
