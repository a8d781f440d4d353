package decode

import (
	"encoding/base64"
	"testing"
)

var fuzzContentTypes = []string{"", "application/json", "application/xml", "text/plain",
	"application/msbin1", "application/soap+msbinsession1", "application/x-protobuf",
	"application/cloudevents+json", "application/octet-stream", "bogus;;="}

func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		nil, []byte(`{"a":[1,2,{"b":"\u001b"}]}`), []byte(`<a x="1"><b>t</b></a>`),
		[]byte("plain text \x1b[2J"), nbfsEnvelope, gzipped(f, []byte(`{"z":1}`)),
		zlibbed(f, []byte("<a/>")), deflated(f, []byte(`[1,2,3,4,5,6,7,8,9,10]`)),
		[]byte(base64.StdEncoding.EncodeToString([]byte(`{"q":true}`))),
		append([]byte{0xff, 0xfe}, utf16le("<a>wide</a>")...),
		cat(0x08, 0x96, 0x01, 0x12, 0x02, "hi", 0x1a, 0x02, 0x08, 0x01),
		cat(0x03, 0x40, 0x03, "arr", 0x01, 0x8B, 0x03, 0x33, 0x33, 0x88, 0x88, 0xDD, 0xDD),
		[]byte(`{"specversion":"1.0","data_base64":"PGE+PC9hPg==","datacontenttype":"text/xml"}`),
		{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2},
	}
	return seeds
}

// assertFuzzOutput: the result is always sanitised, whatever came in.
func assertFuzzOutput(t *testing.T, r Result) {
	assertInert(t, "text", r.Text, false)
	assertInert(t, "why", r.Why, true)
	assertInert(t, "note", r.Note, true)
	for _, w := range r.Warnings {
		assertInert(t, "warning", w, true)
	}
	if r.Kind == "" || len(r.Chain) == 0 {
		t.Fatalf("no kind/chain: %+v", r)
	}
}

func FuzzDecode(f *testing.F) {
	for i, s := range fuzzSeeds(f) {
		f.Add(s, uint8(i), uint8(i%6))
	}
	f.Fuzz(func(t *testing.T, body []byte, ct, mode uint8) {
		in := Input{Body: body, ContentType: fuzzContentTypes[int(ct)%len(fuzzContentTypes)]}
		if ct%7 == 3 {
			in.Properties = map[string]any{"Content-Encoding": "deflate"}
		}
		r := Decode(in, Options{Mode: Mode(mode % 6), MaxBytes: 8 << 10})
		assertFuzzOutput(t, r)
		if len(r.Text) > 8<<10 {
			t.Fatalf("output %d bytes over the cap", len(r.Text))
		}
	})
}

func FuzzNBFX(f *testing.F) {
	f.Add(nbfsEnvelope)
	f.Add(cat(0x40, 0x06, "string", 0x08, len(serNS), serNS, 0x99, 0x05, "Hello"))
	f.Add(cat(0x40, 0x01, "v", 0x04, 0x01, "n", 0xA4, 0x86, 0x84, 0xA6, 0x97, le64(1<<62)))
	f.Add(cat(0x03, 0x40, 0x01, "a", 0x01, 0xB1, 0x01, guidBytes))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = looksNBFX(body)
		_ = looksNBFXSession(body)
		r := Decode(Input{Body: body, ContentType: "application/msbin1"}, Options{Mode: XML, MaxBytes: 8 << 10})
		assertFuzzOutput(t, r)
	})
}

func FuzzProtobuf(f *testing.F) {
	f.Add(cat(0x08, 0x96, 0x01, 0x12, 0x07, "testing", 0x1a, 0x03, 0x08, 0x96, 0x01))
	f.Add(cat(0x33, 0x08, 0x01, 0x34, 0x21, le64(1)))
	f.Add(cat(0x0b, 0x0b, 0x0b, 0x0c, 0x0c, 0x0c))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = looksProtobuf(body, false)
		r := Decode(Input{Body: body, ContentType: "application/x-protobuf"}, Options{MaxBytes: 8 << 10})
		assertFuzzOutput(t, r)
	})
}

func FuzzPreview(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, body []byte, width int) {
		width = width%300 - 10 // include zero and negative widths
		p := Preview(Input{Body: body}, width)
		assertInert(t, "preview", p, true)
		limit := width
		if limit <= 0 {
			limit = DefaultPreviewRunes
		}
		if n := len([]rune(p)); n > limit {
			t.Fatalf("preview %d runes, limit %d", n, limit)
		}
	})
}
