package decode

import (
	"encoding/base64"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestProtobuf(t *testing.T) {
	body := cat(
		0x08, 0x96, 0x01, // 1: 150
		0x12, 0x07, "testing", // 2: "testing"
		0x1a, 0x03, 0x08, 0x96, 0x01, // 3 { 1: 150 }
		0x21, le64(math.Float64bits(1)), // 4: fixed64
		0x2d, le32(math.Float32bits(1.5)), // 5: fixed32
		0x33, 0x08, 0x01, 0x34, // 6: group { 1: 1 }
		0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // 7: -1 as int64
		0x42, 0x04, 0xde, 0xad, 0xbe, 0xef, // 8: bytes
	)
	want := `1: 150
2: "testing"
3 {
  1: 150
}
4: 0x3ff0000000000000 (fixed64; double 1)
5: 0x3fc00000 (fixed32; float 1.5; int32 1069547520)
6 (group) {
  1: 1
}
7: 18446744073709551615 (int64 -1)
8: bytes(4) de ad be ef`
	for _, ct := range []string{"", "application/x-protobuf"} {
		r := Decode(Input{Body: body, ContentType: ct}, Options{})
		if r.Kind != "protobuf" || r.Text != want {
			t.Fatalf("ct %q: kind %q\n%s", ct, r.Kind, r.Text)
		}
	}
	// Hostile strings inside fields stay inert.
	for _, h := range hostile {
		b := cat(0x0a, len(h), h)
		r := Decode(Input{Body: b, ContentType: "application/protobuf"}, Options{})
		if r.Kind != "protobuf" {
			t.Fatalf("%q: kind %s", h, r.Kind)
		}
		assertInert(t, "protobuf", r.Text, false)
	}
	// Broken protobuf with a protobuf content type: warned, shown as bytes.
	r := Decode(Input{Body: []byte{0x0a, 0x09, 0x01, 0x02, 0x00}, ContentType: "application/x-protobuf"}, Options{})
	if r.Kind != "hex" || !hasWarning(r, "protobuf") {
		t.Fatalf("kind %q warnings %v", r.Kind, r.Warnings)
	}
}

type fakeSymbol string
type fakeUUID [16]byte

func TestAMQPBodies(t *testing.T) {
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	v := map[any]any{
		fakeSymbol("kind"): "order",
		"count":            int64(3),
		"when":             when,
		"id":               fakeUUID{0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		"raw":              []byte{1, 2, 3},
		"list":             []any{true, nil, 1.5},
		"evil":             "\x1b[2J\u202e",
	}
	r := Decode(Input{HasValue: true, AMQPValue: v}, Options{})
	want := `{
  "count": 3,
  "evil": "\x1b[2J\u202e",
  "id": fakeUUID(12345678-0102-0304-0506-0708090a0b0c),
  "list": [
    true,
    null,
    1.5
  ],
  "raw": binary(3) 01 02 03,
  "when": 2024-05-06T07:08:09Z,
  fakeSymbol("kind"): "order"
}`
	if r.Kind != "amqp-value" || r.Text != want {
		t.Fatalf("kind %q\n%s", r.Kind, r.Text)
	}
	// A string value holding JSON is decoded like a data body.
	r = Decode(Input{HasValue: true, AMQPValue: `{"a":1}`}, Options{})
	if !reflect.DeepEqual(r.Chain, []string{"amqp-value", "json"}) || r.Text != "{\n  \"a\": 1\n}" {
		t.Fatalf("chain %v text %q", r.Chain, r.Text)
	}
	// Sequence bodies.
	r = Decode(Input{HasSequence: true, AMQPSequence: [][]any{{"a", int32(1)}, {}}}, Options{})
	if r.Kind != "amqp-sequence" || !strings.Contains(r.Text, "sequence section 1 of 2:\n[\n  \"a\",\n  1\n]") {
		t.Fatalf("kind %q\n%s", r.Kind, r.Text)
	}
	// A pointer cycle does not hang.
	var loop any
	loop = &loop
	r = Decode(Input{HasValue: true, AMQPValue: loop}, Options{})
	if r.Kind != "amqp-value" {
		t.Fatal(r.Kind)
	}
	if k, _ := Detect(Input{HasValue: true}); k != "amqp-value" {
		t.Fatal(k)
	}
}

func TestCloudEvents(t *testing.T) {
	// Binary mode: attributes in application properties, data in the body.
	in := Input{
		Body:        []byte(`{"orderId":7}`),
		ContentType: "application/json",
		Properties: map[string]any{
			"cloudEvents:specversion": "1.0", "cloudEvents:id": "e-1",
			"cloudEvents:source": "/orders", "cloudEvents:type": "order.created",
			"cloudEvents:time": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "cloudEvents:tenant": "acme",
		},
	}
	r := Decode(in, Options{})
	want := `CloudEvent (binary mode)
  specversion: 1.0
  id: e-1
  source: /orders
  type: order.created
  datacontenttype: application/json
  time: 2024-01-01T00:00:00Z
  tenant: acme

data:
{
  "orderId": 7
}`
	if r.Kind != "cloudevent" || r.Text != want || !reflect.DeepEqual(r.Chain, []string{"cloudevent", "json"}) {
		t.Fatalf("kind %q chain %v\n%s", r.Kind, r.Chain, r.Text)
	}
	if k, _ := Detect(in); k != "cloudevent" {
		t.Fatal(k)
	}
	// ce_ prefix (Kafka style) works too.
	r = Decode(Input{Body: []byte("hi"), Properties: map[string]any{"ce_specversion": "1.0", "ce_id": "x"}}, Options{})
	if r.Kind != "cloudevent" || !strings.Contains(r.Text, "id: x") {
		t.Fatalf("ce_: %q %q", r.Kind, r.Text)
	}

	// Structured mode with JSON data, and with base64 data holding XML.
	structured := `{"specversion":"1.0","id":"2","source":"s","type":"t","datacontenttype":"application/json","data":{"k":[1]}}`
	r = Decode(Input{Body: []byte(structured), ContentType: "application/cloudevents+json; charset=utf-8"}, Options{})
	if r.Kind != "cloudevent" || !strings.Contains(r.Text, "data:\n{\n  \"k\": [\n    1\n  ]\n}") || len(r.Warnings) != 0 {
		t.Fatalf("structured: %q %v\n%s", r.Kind, r.Warnings, r.Text)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte("<a>x</a>"))
	structured = `{"specversion":"1.0","id":"3","source":"s","type":"t","datacontenttype":"application/xml","data_base64":"` + b64 + `"}`
	r = Decode(Input{Body: []byte(structured)}, Options{})
	if r.Kind != "cloudevent" || !strings.HasSuffix(r.Text, "data (base64):\n<a>x</a>") ||
		!reflect.DeepEqual(r.Chain, []string{"cloudevent", "base64", "xml"}) {
		t.Fatalf("base64 data: %q %v\n%s", r.Kind, r.Chain, r.Text)
	}
	// Hostile attribute values stay inert.
	r = Decode(Input{Body: []byte("x"), Properties: map[string]any{"ce-specversion": "1.0", "ce-type": "\x1b]52;c;aGk=\x07"}}, Options{})
	assertInert(t, "cloudevent", r.Text, false)
}
