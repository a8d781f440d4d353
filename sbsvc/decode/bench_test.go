package decode

import (
	"testing"
)

func BenchmarkDecodeJSON1MB(b *testing.B) {
	body := bigJSON(1 << 20)
	in := Input{Body: body, ContentType: "application/json"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := Decode(in, Options{MaxBytes: 4 << 20})
		if r.Kind != "json" {
			b.Fatal(r.Kind)
		}
	}
}

func bigText(n int) []byte {
	line := []byte("2024-05-06T07:08:09Z INFO order 1001 processed in 12ms for customer ACME\n")
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, line...)
	}
	return out[:n]
}

func BenchmarkDetect256KB(b *testing.B) {
	cases := map[string][]byte{
		"json": bigJSON(256 << 10),
		"text": bigText(256 << 10),
		"xml":  append(append([]byte("<root>"), bigText(256<<10)...), "</root>"...),
		"hex":  make([]byte, 256<<10),
	}
	for name, body := range cases {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Detect(Input{Body: body})
			}
		})
	}
}
