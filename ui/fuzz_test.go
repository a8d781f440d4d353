package ui

import (
	"strings"
	"testing"
)

// FuzzBodyView drives the viewer with arbitrary documents, kinds, queries
// and scroll operations: it must never panic, and every frame must be
// exactly the size asked for with no raw control byte from the input.
func FuzzBodyView(f *testing.F) {
	f.Add(sampleJSON, uint8(0), "sku", []byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(20), uint8(5))
	f.Add(sampleXML, uint8(1), "zoë", []byte{9, 9, 0, 4}, uint8(7), uint8(3))
	f.Add("注文\x1b[2J\t👩‍💻\u202e\n\n\r\n", uint8(2), "\x1b", []byte{6, 6, 6, 3, 10}, uint8(3), uint8(2))
	kinds := []string{KindJSON, KindXML, KindText, KindHex, "weird"}
	f.Fuzz(func(t *testing.T, doc string, kind uint8, query string, ops []byte, w, h uint8) {
		width, height := int(w%90)+1, int(h%30)+1
		st := NewStyles(kind%2 == 0, kind%3 == 0)
		v := NewBodyView(st)
		v.SetContent(doc, kinds[int(kind)%len(kinds)])
		v.SetQuery(query)
		for _, op := range ops {
			switch op % 11 {
			case 0:
				v.ScrollDown(int(op))
			case 1:
				v.ScrollUp(int(op))
			case 2:
				v.PageDown()
			case 3:
				v.Bottom()
			case 4:
				v.SetWrap(!v.Wrap())
			case 5:
				v.ScrollRight(int(op % 40))
			case 6:
				v.NextMatch()
			case 7:
				v.PrevMatch()
			case 8:
				v.SetLineNumbers(op%2 == 0)
			case 9:
				v.GotoLine(int(op) - 100)
			case 10:
				v.ScrollLeft(int(op % 7))
			}
			out := v.Render(width, height)
			lines := strings.Split(out, "\n")
			if len(lines) != height {
				t.Fatalf("%d lines, want %d", len(lines), height)
			}
			for _, l := range lines {
				if lw := Width(l); lw != width && width > 1 {
					t.Fatalf("line %q is %d wide, want %d", l, lw, width)
				}
			}
			if st.NoColor && hasEscape(out) {
				t.Fatalf("escape in no-colour frame: %q", out)
			}
		}
	})
}

// FuzzTable renders arbitrary cell text: columns must stay aligned.
func FuzzTable(f *testing.F) {
	f.Add("注文キュー", "\x1b]8;;x\x1b\\", "e\u0301\u0301", uint8(40))
	f.Add("", "\t\n\r", "👩‍💻🇯🇵", uint8(3))
	f.Fuzz(func(t *testing.T, a, b, c string, w uint8) {
		width := int(w%100) + 1
		tb := NewTable(plainStyles(), []Column{{Title: a, Width: 5}, {Title: "b", Flex: 1}, {Title: c, MinWidth: 3}}, StringRows{{a, b, c}, {c, a, b}})
		out := tb.Render(width, 3)
		if hasEscape(out) {
			t.Fatalf("escape in plain table: %q", out)
		}
		for _, l := range strings.Split(out, "\n") {
			if lw := Width(l); lw != width {
				t.Fatalf("line %q is %d wide, want %d", l, lw, width)
			}
		}
	})
}
