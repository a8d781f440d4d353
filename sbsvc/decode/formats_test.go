package decode

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeFormats(t *testing.T) {
	order := []byte(`{"orderId":"A-1001","items":[{"sku":"X1","qty":2},{"sku":"Y2","qty":1}],"total":19.5e0,"paid":true,"note":null,"tags":[],"meta":{}}`)
	prettyOrder := `{
  "orderId": "A-1001",
  "items": [
    {
      "sku": "X1",
      "qty": 2
    },
    {
      "sku": "Y2",
      "qty": 1
    }
  ],
  "total": 19.5e0,
  "paid": true,
  "note": null,
  "tags": [],
  "meta": {}
}`
	xmlDoc := []byte(`<?xml version="1.0" encoding="utf-8"?><Order id="7" xmlns:x="urn:x"><!-- c --><x:Item qty="2">Widget &amp; Co</x:Item><Empty/><Mixed>a<b>bold</b></Mixed></Order>`)
	prettyXML := `<?xml version="1.0" encoding="utf-8"?>
<Order id="7" xmlns:x="urn:x">
  <!-- c -->
  <x:Item qty="2">Widget &amp; Co</x:Item>
  <Empty/>
  <Mixed>
    a
    <b>bold</b>
  </Mixed>
</Order>`
	tests := []struct {
		name      string
		in        Input
		chain     []string
		want      string // exact Text, or "" to skip
		contains  string
		warnings  int
		warnMatch string
	}{
		{name: "json object", in: Input{Body: order, ContentType: "application/json"}, chain: []string{"json"}, want: prettyOrder},
		{name: "json without content type", in: Input{Body: order}, chain: []string{"json"}, want: prettyOrder},
		{name: "json lines", in: Input{Body: []byte("{\"a\":1}\n{\"a\":2}\n")}, chain: []string{"json"}, want: "{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}"},
		{name: "json scalar needs content type", in: Input{Body: []byte(`"just a string"`), ContentType: "application/json"}, chain: []string{"json"}, want: `"just a string"`},
		{name: "bare number is text", in: Input{Body: []byte(`42`)}, chain: []string{"text"}, want: "42"},
		{name: "json with BOM", in: Input{Body: append([]byte{0xef, 0xbb, 0xbf}, `[1]`...)}, chain: []string{"json"}, want: "[\n  1\n]"},
		{name: "xml", in: Input{Body: xmlDoc, ContentType: "application/xml"}, chain: []string{"xml"}, want: prettyXML},
		{name: "xml without content type", in: Input{Body: xmlDoc}, chain: []string{"xml"}, want: prettyXML},
		{name: "text", in: Input{Body: []byte("Order 1001 shipped\n\tto Berlin"), ContentType: "text/plain"}, chain: []string{"text"}, want: "Order 1001 shipped\n\tto Berlin"},
		{name: "text with crlf", in: Input{Body: []byte("line1\r\nline2")}, chain: []string{"text"}, want: "line1\nline2"},
		{name: "empty", in: Input{Body: nil, ContentType: "application/json"}, chain: []string{"empty"}, want: ""},
		{name: "gzip json", in: Input{Body: gzipped(t, order)}, chain: []string{"gzip", "json"}, want: prettyOrder},
		{name: "zlib xml", in: Input{Body: zlibbed(t, xmlDoc)}, chain: []string{"zlib", "xml"}, want: prettyXML},
		{name: "deflate by content-encoding", in: Input{Body: deflated(t, order), Properties: map[string]any{"Content-Encoding": "deflate"}}, chain: []string{"deflate", "json"}, want: prettyOrder},
		{name: "raw deflate guessed", in: Input{Body: deflated(t, order)}, chain: []string{"deflate", "json"}, want: prettyOrder},
		{name: "base64 json", in: Input{Body: []byte(base64.StdEncoding.EncodeToString(order))}, chain: []string{"base64", "json"}, want: prettyOrder},
		{name: "base64 url unpadded", in: Input{Body: []byte(base64.RawURLEncoding.EncodeToString([]byte(`{"k":"??>>"}`)))}, chain: []string{"base64", "json"}, contains: `"k": "??>>"`},
		{name: "base64 gzip json", in: Input{Body: []byte(base64.StdEncoding.EncodeToString(gzipped(t, order)))}, chain: []string{"base64", "gzip", "json"}, want: prettyOrder},
		{name: "base64 wrapped lines", in: Input{Body: []byte(wrap76(base64.StdEncoding.EncodeToString(xmlDoc)))}, chain: []string{"base64", "xml"}, want: prettyXML},
		{name: "base64 text", in: Input{Body: []byte("SGVsbG8sIHdvcmxkIQ==")}, chain: []string{"base64", "text"}, want: "Hello, world!"},
		{name: "word is not base64", in: Input{Body: []byte("Testing1")}, chain: []string{"text"}, want: "Testing1"},
		{name: "utf16le bom json", in: Input{Body: append([]byte{0xff, 0xfe}, utf16le(`{"a":"ü"}`)...)}, chain: []string{"utf-16le", "json"}, want: "{\n  \"a\": \"ü\"\n}"},
		{name: "utf16le no bom xml", in: Input{Body: utf16le(`<?xml version="1.0" encoding="utf-16"?><a>x</a>`)}, chain: []string{"utf-16le", "xml"}, want: "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<a>x</a>"},
		{name: "utf16be bom text", in: Input{Body: []byte{0xfe, 0xff, 0, 'h', 0, 'i', 0x00, 0xe9}}, chain: []string{"utf-16be", "text"}, want: "hié"},
		{name: "binary", in: Input{Body: []byte{0x00, 0x01, 0x02, 0xfe, 0xff, 0x10, 0x80}}, chain: []string{"hex"},
			want: "00000000  00 01 02 fe ff 10 80                              |.......|"},
		{name: "latin1 mostly text", in: Input{Body: []byte("caf\xe9 au lait, tr\xe8s bien, merci beaucoup pour tout ceci mon ami")}, chain: []string{"text"}, contains: `caf\xe9 au lait`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Decode(tt.in, Options{})
			if !reflect.DeepEqual(r.Chain, tt.chain) {
				t.Fatalf("chain %v, want %v (why: %s; warnings %v)", r.Chain, tt.chain, r.Why, r.Warnings)
			}
			if r.Kind != tt.chain[len(tt.chain)-1] {
				t.Errorf("kind %q", r.Kind)
			}
			if tt.want != "" && r.Text != tt.want {
				t.Errorf("text:\n%s\nwant:\n%s", r.Text, tt.want)
			}
			if tt.contains != "" && !strings.Contains(r.Text, tt.contains) {
				t.Errorf("text %q lacks %q", r.Text, tt.contains)
			}
			if len(r.Warnings) != tt.warnings {
				t.Errorf("warnings %v", r.Warnings)
			}
			if r.Why == "" {
				t.Error("no reason given")
			}
			assertInert(t, tt.name, r.Text, false)
		})
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func TestDescribe(t *testing.T) {
	r := Result{Chain: []string{"base64", "gzip", "json"}}
	if got := r.Describe(); got != "base64 → gzip → JSON" {
		t.Fatalf("got %q", got)
	}
	if got := (Result{Chain: []string{"nbfx"}}).Describe(); got != ".NET binary XML" {
		t.Fatalf("got %q", got)
	}
}

// A content type that lies gets a warning and the real rendering.
func TestContentTypeLies(t *testing.T) {
	tests := []struct {
		name, ct string
		body     []byte
		kind     string
		warn     string
	}{
		{"json type, text body", "application/json", []byte("hello there, not json"), "text", "content type says application/json but the body is text"},
		{"json type, broken json", "application/json; charset=utf-8", []byte(`{"a": 1,`), "text", "but the body is text"},
		{"json type, xml body", "application/json", []byte(`<a>1</a>`), "xml", "but the body is XML"},
		{"xml type, json body", "text/xml", []byte(`{"a":1}`), "json", "content type says text/xml but the body is JSON"},
		{"text type, binary body", "text/plain", []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0}, "hex", "content type says text/plain but the body is hex"},
		{"protobuf type, text body", "application/x-protobuf", []byte("hello world"), "text", "but the body is text"},
		{"cloudevents type, plain json", "application/cloudevents+json", []byte(`{"a":1}`), "json", "but the body is JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Decode(Input{Body: tt.body, ContentType: tt.ct}, Options{})
			if r.Kind != tt.kind {
				t.Fatalf("kind %q want %q (%v)", r.Kind, tt.kind, r.Warnings)
			}
			if !hasWarning(r, tt.warn) {
				t.Fatalf("warnings %v lack %q", r.Warnings, tt.warn)
			}
		})
	}
	// Honest content types give no warning.
	for _, ok := range []Input{
		{Body: []byte(`{"a":1}`), ContentType: "application/json"},
		{Body: []byte(`{"a":1}`), ContentType: "application/vnd.api+json"},
		{Body: []byte(`<a/>`), ContentType: "application/soap+xml"},
		{Body: []byte(`{"a":1}`), ContentType: "text/plain"},
		{Body: []byte{0, 1, 2, 3}, ContentType: "application/octet-stream"},
	} {
		if r := Decode(ok, Options{}); len(r.Warnings) != 0 {
			t.Errorf("%s: unexpected warnings %v", ok.ContentType, r.Warnings)
		}
	}
}

func TestModes(t *testing.T) {
	order := []byte(`{"a":[1,2]}`)
	gz := gzipped(t, order)
	tests := []struct {
		name  string
		in    Input
		mode  Mode
		kind  string
		chain []string
		check func(t *testing.T, r Result)
	}{
		{"text mode keeps json flat", Input{Body: order}, Text, "text", []string{"text"}, func(t *testing.T, r Result) {
			if r.Text != string(order) {
				t.Errorf("text %q", r.Text)
			}
		}},
		{"text mode still gunzips", Input{Body: gz}, Text, "text", []string{"gzip", "text"}, nil},
		{"text mode keeps base64", Input{Body: []byte(base64.StdEncoding.EncodeToString(order))}, Text, "text", []string{"text"}, nil},
		{"json mode decodes base64", Input{Body: []byte(base64.StdEncoding.EncodeToString(order)), ContentType: "text/plain"}, JSON, "json", []string{"base64", "json"}, nil},
		{"json mode on non-json", Input{Body: []byte("nope")}, JSON, "text", []string{"text"}, func(t *testing.T, r Result) {
			if !hasWarning(r, "not valid JSON") {
				t.Errorf("warnings %v", r.Warnings)
			}
		}},
		{"xml mode on non-xml binary", Input{Body: []byte{0, 1, 2}}, XML, "hex", []string{"hex"}, func(t *testing.T, r Result) {
			if !hasWarning(r, "not valid XML") {
				t.Errorf("warnings %v", r.Warnings)
			}
		}},
		{"hex mode does not unwrap", Input{Body: gz}, Hex, "hex", []string{"hex"}, func(t *testing.T, r Result) {
			if !strings.HasPrefix(r.Text, "00000000  1f 8b 08") {
				t.Errorf("text %q", r.Text)
			}
		}},
		{"raw mode shows bytes", Input{Body: []byte("a\x1b[2Jb\xff")}, Raw, "raw", []string{"raw"}, func(t *testing.T, r Result) {
			if r.Text != `a␛[2Jb\xff` {
				t.Errorf("text %q", r.Text)
			}
		}},
		{"hex of amqp binary value", Input{HasValue: true, AMQPValue: []byte{1, 2}}, Hex, "hex", []string{"hex"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Decode(tt.in, Options{Mode: tt.mode})
			if r.Kind != tt.kind || !reflect.DeepEqual(r.Chain, tt.chain) {
				t.Fatalf("kind %q chain %v, want %q %v (why %s)", r.Kind, r.Chain, tt.kind, tt.chain, r.Why)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	if m, ok := ParseMode("JSON"); !ok || m != JSON || m.String() != "json" || Raw.Next() != Auto || Auto.Next() != Text {
		t.Fatal("mode helpers")
	}
}

func TestHexWidth(t *testing.T) {
	body := bytes.Repeat([]byte{0xab}, 40)
	for _, tc := range []struct{ width, per int }{{80, 16}, {200, 32}, {40, 8}} {
		r := Decode(Input{Body: body}, Options{Mode: Hex, Width: tc.width})
		first := strings.SplitN(r.Text, "\n", 2)[0]
		if n := strings.Count(first, "ab"); n != tc.per {
			t.Errorf("width %d: %d bytes on a line, want %d", tc.width, n, tc.per)
		}
		if tc.width >= 77 && len(first) > tc.width {
			t.Errorf("width %d: line is %d wide", tc.width, len(first))
		}
	}
}

func TestNestingLimit(t *testing.T) {
	body := []byte(`{"deep":true}`)
	for i := 0; i < 3; i++ {
		body = gzipped(t, body)
	}
	r := Decode(Input{Body: body}, Options{MaxDepth: 2})
	if r.Kind != "hex" || !hasWarning(r, "stopped after 2 nested layers") {
		t.Fatalf("kind %q chain %v warnings %v", r.Kind, r.Chain, r.Warnings)
	}
	r = Decode(Input{Body: body}, Options{})
	if !reflect.DeepEqual(r.Chain, []string{"gzip", "gzip", "gzip", "json"}) {
		t.Fatalf("chain %v", r.Chain)
	}
}
