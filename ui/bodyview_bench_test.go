package ui

import (
	"fmt"
	"strings"
	"testing"
)

// oneMBJSON is a pretty-printed JSON document of about 1 MB.
func oneMBJSON() string {
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "  {\n    \"orderId\": %d,\n    \"customer\": \"Zoë %d\",\n    \"paid\": %t,\n    \"total\": %d.%02d,\n    \"tags\": [\"a\", \"b\", null]\n  },\n", i, i, i%2 == 0, i*3, i%100)
	}
	b.WriteString("  {}\n]\n")
	return b.String()
}

// BenchmarkBodyScroll is one keypress in the detail view: scroll a page of a
// 1 MB JSON body and render the 120×40 frame (new lines each time, so the
// highlighter runs on every frame).
func BenchmarkBodyScroll(b *testing.B) {
	for _, wrap := range []bool{false, true} {
		b.Run(fmt.Sprintf("wrap=%t", wrap), func(b *testing.B) {
			v := NewBodyView(NewStyles(true, false))
			v.SetContent(oneMBJSON(), KindJSON)
			v.SetLineNumbers(true)
			v.SetWrap(wrap)
			v.Render(120, 40)
			b.ReportAllocs()
			for b.Loop() {
				before := v.TopLine()
				v.PageDown()
				if v.TopLine() == before {
					v.Top()
				}
				_ = v.Render(120, 40)
			}
		})
	}
}

// BenchmarkBodySetContent is the one-off cost of loading a 1 MB body
// (sanitising and indexing lines).
func BenchmarkBodySetContent(b *testing.B) {
	doc := oneMBJSON()
	v := NewBodyView(NewStyles(true, false))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		v.SetContent(doc, KindJSON)
	}
}
