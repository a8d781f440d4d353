package decode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Every output path, fed every hostile string, must come out inert.
func TestHostileEveryPath(t *testing.T) {
	for _, h := range hostile {
		jsonEscaped, _ := json.Marshal(map[string]string{"m": h}) // \u001b form
		rawJSON := []byte(`{"m":"` + strings.ReplaceAll(h, "\x1b", `\u001b`) + `","raw":"` + strings.Map(func(r rune) rune {
			if r < 0x20 {
				return -1
			}
			return r
		}, h) + `"}`)
		xmlText := []byte("<m a=\"&#x202e;\">" + strings.ReplaceAll(strings.ReplaceAll(h, "\x1b", ""), "\x07", "") + "&#x9b;</m>")
		inputs := map[string]Input{
			"json escaped":   {Body: jsonEscaped, ContentType: "application/json"},
			"json raw C1":    {Body: rawJSON},
			"xml":            {Body: xmlText},
			"xml with esc":   {Body: []byte("<m>" + h + "</m>"), ContentType: "application/xml"},
			"text":           {Body: []byte("log line " + h + " end\n")},
			"hex":            {Body: append([]byte{0, 1, 2, 0xff}, h...)},
			"base64 text":    {Body: []byte(base64.StdEncoding.EncodeToString([]byte("decoded " + h)))},
			"gzip text":      {Body: gzipped(t, []byte("zipped "+h))},
			"protobuf":       {Body: cat(0x0a, len(h), h), ContentType: "application/x-protobuf"},
			"amqp string":    {HasValue: true, AMQPValue: "v " + h},
			"amqp map":       {HasValue: true, AMQPValue: map[string]any{h: h}},
			"cloudevent":     {Body: []byte(h), Properties: map[string]any{"ce-specversion": "1.0", "ce-" + h: h}},
			"content type":   {Body: []byte("x"), ContentType: "application/json" + h},
			"structured ce":  {Body: []byte(`{"specversion":"1.0","type":` + string(must(json.Marshal(h))) + `,"data":` + string(must(json.Marshal(h))) + `,"datacontenttype":"text/plain"}`)},
			"utf16":          {Body: append([]byte{0xff, 0xfe}, utf16le("wide "+h)...)},
			"raw-ish binary": {Body: []byte("\x1b[2J\x00\x00\x00\x01\x02\x03\x9b")},
		}
		for name, in := range inputs {
			for _, mode := range []Mode{Auto, Text, JSON, XML, Hex, Raw} {
				r := Decode(in, Options{Mode: mode})
				assertInert(t, name+"/"+mode.String(), r.Text, false)
				assertInert(t, name+" why", r.Why, true)
				assertInert(t, name+" note", r.Note, true)
				for _, w := range r.Warnings {
					assertInert(t, name+" warning", w, true)
				}
			}
			assertInert(t, name+" preview", Preview(in, 60), true)
			if !strings.Contains(Preview(in, 200)+Decode(in, Options{}).Text, "") {
				t.Fatal("unreachable")
			}
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// bigJSON builds an array of objects of about n bytes.
func bigJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":12345,"name":"widget","tags":["a","b"],"price":9.99}`)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func TestHugeBodiesAreCapped(t *testing.T) {
	big := bigJSON(20 << 20)
	start := time.Now()
	r := Decode(Input{Body: big, ContentType: "application/json"}, Options{})
	if r.Kind != "json" || !r.Truncated || len(r.Text) > DefaultMaxBytes || !strings.Contains(r.Note, "first 1 MiB") {
		t.Fatalf("kind %q truncated %v len %d note %q", r.Kind, r.Truncated, len(r.Text), r.Note)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("20 MB JSON took %v", d)
	}

	// A zip bomb: 64 MiB of zeros compresses to ~64 KiB; decompression stops at the cap.
	bomb := gzipped(t, make([]byte, 64<<20))
	r = Decode(Input{Body: bomb}, Options{MaxBytes: 64 << 10})
	if !r.Truncated || !strings.Contains(r.Note, "zip bombs") || r.Chain[0] != "gzip" {
		t.Fatalf("bomb: chain %v note %q", r.Chain, r.Note)
	}

	// Huge text and hex are capped with notes.
	r = Decode(Input{Body: bytes.Repeat([]byte("text "), 4<<20)}, Options{MaxBytes: 1000})
	if r.Kind != "text" || len(r.Text) > 1000 || !r.Truncated || !strings.Contains(r.Note, "text is 20 MiB") {
		t.Fatalf("text: kind %q len %d note %q", r.Kind, len(r.Text), r.Note)
	}
	r = Decode(Input{Body: make([]byte, 1<<20)}, Options{Mode: Hex, MaxBytes: 10000})
	if len(r.Text) > 10000 || !strings.Contains(r.Note, "as hex") {
		t.Fatalf("hex: len %d note %q", len(r.Text), r.Note)
	}
	// Gzip'd big JSON: capped decompression, still JSON, no false "invalid" warning.
	r = Decode(Input{Body: gzipped(t, big)}, Options{MaxBytes: 32 << 10})
	if r.Kind != "json" || len(r.Warnings) != 0 || !r.Truncated {
		t.Fatalf("gzip big: kind %q warnings %v", r.Kind, r.Warnings)
	}
	// Deeply nested JSON is not a stack problem.
	deep := append(bytes.Repeat([]byte("["), 100000), bytes.Repeat([]byte("]"), 100000)...)
	r = Decode(Input{Body: deep, ContentType: "application/json"}, Options{})
	if r.Kind == "json" {
		t.Fatalf("100000-deep JSON rendered as JSON")
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"json", Input{Body: []byte(`{"a": 1, "b": [true, null]}`)}, `{ "a": 1, "b": [ true, null ] }`},
		{"text multi-line", Input{Body: []byte("line one\n\n  line two\r\n")}, "line one line two"},
		{"empty", Input{}, "(empty)"},
		{"binary", Input{Body: []byte{0, 1, 2, 0xff}}, "binary, 4 B: 00 01 02 ff"},
		{"cut", Input{Body: []byte(strings.Repeat("abcdefghij", 10))}, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghi…"},
		{"escape", Input{Body: []byte("a\x1b[2Jb")}, "a␛[2Jb"},
		{"nbfx", Input{Body: cat(0x40, 0x06, "string", 0x08, len(serNS), serNS, 0x99, 0x05, "Hello")}, "Hello"},
	}
	for _, tt := range tests {
		got := Preview(tt.in, 60)
		if tt.name == "nbfx" {
			got = Preview(tt.in, 200)
		}
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		assertInert(t, tt.name, got, true)
	}
	// Preview of a 20 MB body is cheap.
	big := bigJSON(20 << 20)
	start := time.Now()
	p := Preview(Input{Body: big}, 100)
	if time.Since(start) > 200*time.Millisecond || !strings.HasPrefix(p, `[ { "id": 12345`) {
		t.Fatalf("preview %q took %v", p, time.Since(start))
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in   Input
		kind string
	}{
		{Input{Body: gzipped(t, []byte("x"))}, "gzip"},
		{Input{Body: []byte(`{"a":1}`)}, "json"},
		{Input{Body: []byte(`{"specversion":"1.0"}`)}, "cloudevent"},
		{Input{Body: []byte(base64.StdEncoding.EncodeToString([]byte(`{"a":1}`)))}, "base64"},
		{Input{Body: nbfsEnvelope}, "nbfx"},
		{Input{Body: []byte("hello")}, "text"},
		{Input{Body: []byte{0, 0, 0, 0xff}}, "hex"},
		{Input{HasSequence: true}, "amqp-sequence"},
	}
	for _, tt := range tests {
		if k, why := Detect(tt.in); k != tt.kind || why == "" {
			t.Errorf("%q: %q (%s), want %q", tt.in.Body, k, why, tt.kind)
		}
	}
}
