package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

const sampleJSON = `{
  "orderId": 4711,
  "customer": "Zoë Ünal",
  "paid": true,
  "note": null,
  "items": [ { "sku": "ABC-1", "qty": 2, "price": -1.5e3 } ],
  "comment": "a long line that will not fit in a narrow window without wrapping or scrolling sideways"
}`

const sampleXML = `<?xml version="1.0"?>
<order id="4711" xmlns:x="urn:x">
  <!-- a comment
       spanning lines -->
  <customer
      name="Zoë"
      vip='yes'>Zoë &amp; co</customer>
  <![CDATA[raw <stuff>]]>
</order>`

func classesOf(line string, spans []span) string {
	var parts []string
	names := map[tokenClass]string{tokPlain: "p", tokKey: "key", tokString: "str", tokNumber: "num",
		tokLiteral: "lit", tokPunct: "pun", tokTag: "tag", tokAttr: "attr", tokComment: "com"}
	for _, s := range spans {
		text := strings.TrimSpace(line[s.start:s.end])
		if s.class == tokPlain && text == "" {
			continue
		}
		parts = append(parts, names[s.class]+":"+text)
	}
	return strings.Join(parts, " ")
}

func TestHighlightJSON(t *testing.T) {
	cases := map[string]string{
		`  "orderId": 4711,`:               `key:"orderId" pun:: num:4711 pun:,`,
		`"a\"b" : "c\\"`:                   `key:"a\"b" pun:: str:"c\\"`,
		`[true, false, null, -1.5e3, bad]`: `pun:[ lit:true pun:, lit:false pun:, lit:null pun:, num:-1.5e3 pun:, p:bad pun:]`,
		`"unterminated`:                    `str:"unterminated`,
		``:                                 ``,
	}
	for in, want := range cases {
		if got := classesOf(in, highlightJSON(in)); got != want {
			t.Errorf("%q:\n got %s\nwant %s", in, got, want)
		}
	}
}

func TestHighlightXMLAcrossLines(t *testing.T) {
	v := NewBodyView(plainStyles())
	v.SetContent(sampleXML, KindXML)
	want := []string{
		`pun:<? tag:xml attr:version pun:= str:"1.0" pun:?>`,
		`pun:< tag:order attr:id pun:= str:"4711" attr:xmlns:x pun:= str:"urn:x" pun:>`,
		`com:<!-- a comment`,
		`com:spanning lines -->`, // the state carried from the line above
		`pun:< tag:customer`,
		`attr:name pun:= str:"Zoë"`, // still inside the tag
		`attr:vip pun:= str:'yes' pun:> p:Zoë lit:&amp; p:co pun:</ tag:customer pun:>`,
		`pun:<![CDATA[ str:raw <stuff>]]>`,
		`pun:</ tag:order pun:>`,
	}
	// Ask from the bottom up: states must be computed on demand.
	for i := len(want) - 1; i >= 0; i-- {
		line := v.line(i)
		if got := classesOf(line, v.spansFor(i, line)); got != want[i] {
			t.Errorf("line %d %q:\n got %s\nwant %s", i, line, got, want[i])
		}
	}
}

func TestBodyViewGolden(t *testing.T) {
	v := NewBodyView(plainStyles())
	v.SetContent(sampleJSON, KindJSON)
	golden(t, "body_json_40x6", v.Render(40, 6))

	v.SetLineNumbers(true)
	v.SetWrap(true)
	v.Bottom()
	golden(t, "body_json_wrap_numbers_40x6", v.Render(40, 6))

	v.SetWrap(false)
	v.Top()
	v.ScrollRight(20)
	golden(t, "body_json_right20_40x6", v.Render(40, 6))

	x := NewBodyView(plainStyles())
	x.SetContent(sampleXML, KindXML)
	x.SetQuery("zoë")
	x.NextMatch()
	golden(t, "body_xml_50x9", x.Render(50, 9))
}

func TestBodyViewRectangularAndWideChars(t *testing.T) {
	doc := "注文キュー処理待ちメッセージです。\n👩‍💻 dev 🚀🚀🚀🚀\ncafe\u0301 e\u0301e\u0301 combining\nplain"
	v := NewBodyView(NewStyles(true, false))
	v.SetContent(doc, KindText)
	check := func(name, out string, w, h int) {
		t.Helper()
		lines := strings.Split(out, "\n")
		if len(lines) != h {
			t.Fatalf("%s: %d lines, want %d", name, len(lines), h)
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw != w {
				t.Errorf("%s line %d %q: width %d, want %d", name, i, ansi.Strip(l), lw, w)
			}
		}
	}
	for _, x := range []int{0, 1, 2, 3, 7} {
		v.SetWrap(false)
		v.ScrollLeft(100)
		v.ScrollRight(x)
		check(fmt.Sprintf("x=%d", x), v.Render(11, 5), 11, 5)
	}
	v.SetWrap(true)
	out := v.Render(11, 12)
	check("wrap", out, 11, 12)
	if !strings.Contains(ansi.Strip(out), "注文キュー") || !strings.Contains(ansi.Strip(out), "処理待ちメ") {
		t.Errorf("CJK line not wrapped on character boundaries:\n%s", ansi.Strip(out))
	}
}

func TestBodyViewSanitises(t *testing.T) {
	doc := "a\x1b[2Jb\n\x1b]52;c;SGVsbG8=\x07\n\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\\n\u009b31m \u202Eevil\ttab"
	for _, st := range []*Styles{NewStyles(true, false), NewStyles(false, false), plainStyles()} {
		v := NewBodyView(st)
		v.SetContent(doc, KindText)
		out := ansi.Strip(v.Render(60, 4)) // removes only sequences; injected ESC would be cut too, so:
		if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
			t.Fatalf("control survived: %q", out)
		}
		raw := v.Render(60, 4)
		if st.NoColor && hasEscape(raw) {
			t.Fatalf("no-colour render has an escape: %q", raw)
		}
		if !strings.Contains(out, "a␛[2Jb") || !strings.Contains(out, "␛]52;c;SGVsbG8=␇") {
			t.Fatalf("controls not shown as pictures: %q", out)
		}
		// "31m ‮evil" is 10 columns once neutralised: the tab pads to 12.
		if !strings.Contains(out, "evil  tab") {
			t.Fatalf("tab not expanded: %q", out)
		}
	}
}

func TestBodyViewScrolling(t *testing.T) {
	var sb strings.Builder
	for i := range 100 {
		fmt.Fprintf(&sb, "line %d %s\n", i, strings.Repeat("x", i%30))
	}
	v := NewBodyView(plainStyles())
	v.SetContent(strings.TrimSuffix(sb.String(), "\n"), KindText)
	if v.Lines() != 100 {
		t.Fatalf("lines %d", v.Lines())
	}
	v.Render(20, 10)
	v.PageDown()
	if v.TopLine() != 9 {
		t.Fatalf("PageDown top %d", v.TopLine())
	}
	v.ScrollDown(1000)
	if v.TopLine() != 90 {
		t.Fatalf("scrolled past the end: top %d", v.TopLine())
	}
	v.Top()
	v.ScrollUp(5)
	if v.TopLine() != 0 {
		t.Fatalf("scrolled before the start: top %d", v.TopLine())
	}
	// Wrapped: line 29 is "line 29 " + 29 x = 37 cells = 2 rows at 20.
	v.SetWrap(true)
	v.Bottom()
	out := strings.Split(v.Render(20, 10), "\n")
	if !strings.HasPrefix(out[9], "line 99") {
		t.Fatalf("Bottom in wrap mode does not end with the last line:\n%s", strings.Join(out, "\n"))
	}
	before := v.TopLine()
	v.ScrollDown(3)
	if v.TopLine() != before {
		t.Fatalf("scrolled past the end when wrapping")
	}
	v.ScrollRight(5) // ignored when wrapping
	if v.XOffset() != 0 {
		t.Fatal("horizontal offset moved while wrapping")
	}
	// A last line of 50 cells takes 3 rows at width 20: Bottom shows its tail
	// on the last row, and scrolling up walks back through its rows.
	v.SetContent(sb.String()+strings.Repeat("y", 45)+"tail.", KindText)
	v.SetWrap(true)
	v.Render(20, 10)
	v.Bottom()
	out = strings.Split(v.Render(20, 10), "\n")
	if out[9] != "yyyyytail.          " || out[7] != strings.Repeat("y", 20) {
		t.Fatalf("wrapped tail wrong:\n%s", strings.Join(out, "\n"))
	}
	v.ScrollUp(2)
	out = strings.Split(v.Render(20, 10), "\n")
	if out[9] != strings.Repeat("y", 20) || !strings.HasPrefix(out[8], "line 99") {
		t.Fatalf("ScrollUp inside a wrapped line:\n%s", strings.Join(out, "\n"))
	}
}

func TestBodyViewSearch(t *testing.T) {
	var sb strings.Builder
	for i := range 200 {
		if i%50 == 7 {
			fmt.Fprintf(&sb, "%s NEEDLE here\n", strings.Repeat(".", 60))
		} else {
			fmt.Fprintf(&sb, "row %d\n", i)
		}
	}
	v := NewBodyView(plainStyles())
	v.SetContent(sb.String(), KindText)
	v.Render(40, 10)
	v.SetQuery("needle")
	if v.MatchCount() != 4 || v.CurrentMatch() != 1 {
		t.Fatalf("matches %d current %d", v.MatchCount(), v.CurrentMatch())
	}
	line, col, ok := v.MatchPosition()
	if !ok || line != 7 || col != 61 {
		t.Fatalf("first hit at %d:%d", line, col)
	}
	out := v.Render(40, 10)
	if !strings.Contains(out, "NEEDLE") {
		t.Fatalf("current hit not scrolled into view horizontally:\n%s", out)
	}
	v.NextMatch()
	v.NextMatch()
	if line, _, _ := v.MatchPosition(); line != 107 || v.TopLine() > 107 || v.TopLine()+10 <= 107 {
		t.Fatalf("third hit line %d, top %d", line, v.TopLine())
	}
	v.PrevMatch()
	v.PrevMatch()
	v.PrevMatch() // wraps to the last
	if v.CurrentMatch() != 4 {
		t.Fatalf("PrevMatch did not wrap: %d", v.CurrentMatch())
	}
	v.SetQuery("")
	if v.MatchCount() != 0 || v.CurrentMatch() != 0 {
		t.Fatal("empty query did not clear")
	}
	v.SetQuery("absent")
	v.NextMatch() // no hits: must not panic
	if v.MatchCount() != 0 {
		t.Fatal("phantom match")
	}
	// Search highlights are drawn in colour.
	c := NewBodyView(NewStyles(true, false))
	c.SetContent("find me, find me", KindText)
	c.SetQuery("FIND")
	out = c.Render(30, 1)
	if strings.Count(out, c.styles.codes.tok[tokMatch]) != 1 || strings.Count(out, c.styles.codes.tok[tokCurrent]) != 1 {
		t.Fatalf("want one current and one other hit highlighted: %q", out)
	}
}

// A 20 MB body: SetContent is linear once; renders and scrolls touch only
// the screen.
func TestBodyViewHugeDocumentTouchesOnlyScreen(t *testing.T) {
	doc := strings.Repeat(`  {"id": 12345, "name": "something fairly long here", "ok": true},`+"\n", 300_000)
	v := NewBodyView(NewStyles(true, false))
	v.SetContent(doc, KindJSON)
	v.Render(120, 40)
	v.GotoLine(150_000)
	v.Render(120, 40)
	v.Bottom()
	v.Render(120, 40)
	if n := len(v.spans); n > 3*40 {
		t.Fatalf("highlighted %d lines for three screens", n)
	}
}

func TestBodyViewSearchCap(t *testing.T) {
	v := NewBodyView(plainStyles())
	v.SetContent(strings.Repeat("ab\n", 60_000), KindText)
	v.SetQuery("B") // ASCII: either case
	if v.MatchCount() != 60_000 || v.MatchesTruncated() {
		t.Fatalf("matches %d truncated %v", v.MatchCount(), v.MatchesTruncated())
	}
	v.SetContent(strings.Repeat("a", maxMatches+10), KindText)
	v.SetQuery("a")
	if v.MatchCount() != maxMatches || !v.MatchesTruncated() {
		t.Fatalf("cap: matches %d truncated %v", v.MatchCount(), v.MatchesTruncated())
	}
	// A query survives SetContent (the decode mode switched, same search).
	v.SetContent("xx a xx", KindText)
	if v.Query() != "a" || v.MatchCount() != 1 {
		t.Fatalf("query not re-run on new content: %q %d", v.Query(), v.MatchCount())
	}
	// Non-ASCII queries match exactly.
	v.SetContent("Zoë ZOË zoë", KindText)
	v.SetQuery("zoë")
	if v.MatchCount() != 1 {
		t.Fatalf("non-ASCII query matched %d", v.MatchCount())
	}
}

// A minified multi-MB body on one line: shown plain (not highlighted into
// millions of spans), wrapped and scrolled without trouble.
func TestBodyViewHugeSingleLine(t *testing.T) {
	doc := "[" + strings.Repeat(`{"k":"注文","n":1},`, 400_000) + "{}]"
	v := NewBodyView(NewStyles(true, false))
	v.SetContent(doc, KindJSON)
	v.Render(100, 20)
	if s := v.spans[0]; s != nil {
		t.Fatalf("a %d-byte line was highlighted into %d spans", len(doc), len(s))
	}
	v.SetWrap(true)
	v.Bottom()
	out := ansi.Strip(v.Render(100, 20))
	if !strings.HasSuffix(strings.TrimRight(out, " "), `"n":1},{}]`) {
		t.Fatalf("bottom of the wrapped line: %q", out[len(out)-120:])
	}
	v.SetWrap(false)
	v.ScrollRight(5_000)
	if lines := strings.Split(v.Render(100, 20), "\n"); Width(lines[0]) != 100 {
		t.Fatalf("scrolled frame is %d wide", Width(lines[0]))
	}
}
