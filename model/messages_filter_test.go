package model

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
)

// filterFake holds one active message per field the filter looks at, so
// each query below matches exactly one message.
func filterFake() *fakeConn {
	f := newFake()
	f.msgs[sbsvc.Active] = []sbsvc.Message{
		{SequenceNumber: 1, MessageID: "ID-Alpha", BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 2, MessageID: "m2", Subject: "Invoice.Paid", BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 3, MessageID: "m3", ContentType: "application/vnd.weird", BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 4, MessageID: "m4", DeadLetterReason: "QuotaBlown", BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 5, MessageID: "m5", DeadLetterDescription: "stack overflow in parser", BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 6, MessageID: "m6", Properties: map[string]any{"TenantKey": "v"}, BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 7, MessageID: "m7", Properties: map[string]any{"k": "Globex-Corp"}, BodyKind: sbsvc.BodyData, Body: []byte("x")},
		{SequenceNumber: 8, MessageID: "m8", Properties: map[string]any{"amount": int64(987654)}, BodyKind: sbsvc.BodyData, Body: []byte("x")},
		// gzip of {"deep":"Zanzibar"}: only the decoded preview holds the word.
		{SequenceNumber: 9, MessageID: "m9", BodyKind: sbsvc.BodyData, Body: gz(`{"deep":"Zanzibar"}`)},
		{SequenceNumber: 10, MessageID: "m10", BodyKind: sbsvc.BodyData, Body: []byte(`{"customer":"Müller-Lüdenscheid"}`)},
		{SequenceNumber: 11, MessageID: "m11", CorrelationID: "corr-Quokka", BodyKind: sbsvc.BodyData, Body: []byte("x")},
	}
	return f
}

func TestMessagesFilterMatchesEveryField(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", filterFake()))
	mv := messagesOf(t, h)
	for _, c := range []struct{ query, want string }{
		{"id-alpha", "ID-Alpha"},      // message id, any case
		{"INVOICE.paid", "m2"},        // subject
		{"vnd.weird", "m3"},           // content type
		{"quotablown", "m4"},          // dead-letter reason
		{"Overflow In", "m5"},         // description
		{"tenantkey", "m6"},           // property key
		{"globex-corp", "m7"},         // property value (string)
		{"87654", "m8"},               // property value (number)
		{"zanzibar", "m9"},            // decoded preview of a gzip body
		{"müller-lüdenscheid", "m10"}, // raw body, non-ASCII query
		{"quokka", "m11"},             // correlation id
	} {
		h.press("/")
		h.send(specialKey("ctrl+u"))
		h.typeText(c.query)
		h.press("enter")
		if got := shownIDs(mv); !slices.Equal(got, []string{c.want}) {
			t.Fatalf("filter %q shows %v, want [%s]", c.query, got, c.want)
		}
		h.mustSee("1 of 11 match", "filter: "+c.query)
	}
	h.press("esc") // clears the kept filter, stays
	if h.depth() != 3 || len(shownIDs(mv)) != 11 {
		t.Fatalf("esc: depth %d, %d rows; want the unfiltered list still open", h.depth(), len(shownIDs(mv)))
	}
	h.mustNotSee("match")
	h.press("esc")
	if h.depth() != 2 {
		t.Fatalf("a second esc did not leave the view")
	}
}

func TestMessagesFilterEditingKeys(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", filterFake()))
	mv := messagesOf(t, h)
	h.press("/")
	if !mv.typing() {
		t.Fatalf("/ did not focus the filter line")
	}
	h.typeText("qm") // q types, it does not quit
	if h.quit {
		t.Fatalf("q quit while typing a filter")
	}
	h.mustSee("/qm")
	h.press("backspace", "backspace")
	h.typeText("m1")
	if got := shownIDs(mv); !slices.Equal(got, []string{"m10", "m11"}) {
		t.Fatalf("m1 shows %v", got)
	}
	h.press("down") // arrows move the list while typing
	if mv.table.Cursor() != 1 {
		t.Fatalf("down while typing: cursor %d", mv.table.Cursor())
	}
	h.press("esc") // esc while typing drops the filter and the focus
	if mv.typing() || mv.tab().filter.active() || len(shownIDs(mv)) != 11 {
		t.Fatalf("esc while typing left typing=%v filter=%+v", mv.typing(), mv.tab().filter)
	}
	if h.depth() != 3 {
		t.Fatalf("esc while typing left the view")
	}
	// The cursor stays on the message it was on when the filter goes.
	if m, _ := mv.cursorMessage(); m.MessageID != "m11" {
		t.Fatalf("cursor on %q after clearing, want m11", m.MessageID)
	}
}

// Rows that arrive after the filter was set are matched as they come.
func TestMessagesFilterCoversLaterPages(t *testing.T) {
	f := newFake()
	f.msgs[sbsvc.Active] = nil
	for i := int64(1); i <= 250; i++ {
		id := "plain"
		if i%50 == 0 {
			id = "needle"
		}
		f.msgs[sbsvc.Active] = append(f.msgs[sbsvc.Active], sbsvc.Message{SequenceNumber: i, MessageID: id})
	}
	h := newHarness(t, fakeTarget("alpha", f))
	mv := messagesOf(t, h)
	h.press("/")
	h.typeText("needle")
	h.press("enter")
	if n := len(mv.tab().shown); n != 2 {
		t.Fatalf("first page: %d matches, want 2", n)
	}
	h.mustSee("2 of 100 match")
	h.press("G") // the cursor at the end of the matches asks for more
	for !mv.tab().end {
		h.press("G")
	}
	if n := len(mv.tab().shown); n != 5 {
		t.Fatalf("all pages: %d matches, want 5", n)
	}
}

func TestContainsFoldASCII(t *testing.T) {
	for _, c := range []struct {
		s, q string
		want bool
	}{
		{"Hello World", "world", true},
		{"Hello World", "hello w", true},
		{"HELLO", "hello", true},
		{"hell", "hello", false},
		{"", "a", false},
		{"abc", "", true},
		{"xAxAxAB", "ab", true},
		{"aaaaa", "aab", false},
		{"12,50", "2,5", true},
		{"[{}]", "{}", true},
		{strings.Repeat("x", 100) + "HeLLo", "hello", true}, // long: IndexByte path
		{strings.Repeat("h", 100) + "hell", "hello", false}, // long, a near miss
		{"Hello" + strings.Repeat("x", 100), "hello", true}, // long, at the start
		{strings.Repeat("xA", 60) + "aB" + strings.Repeat("y", 10), "ab", true}, // upper-case first byte before lower
	} {
		if got := containsFoldASCII(c.s, c.q); got != c.want {
			t.Fatalf("containsFoldASCII(%q, %q) = %v", c.s, c.q, got)
		}
		if got := containsFoldASCII(bytesView([]byte(c.s)), c.q); got != c.want {
			t.Fatalf("containsFoldASCII(bytesView %q, %q) = %v", c.s, c.q, got)
		}
	}
}

// A query that extends the last one scans only its matches, and gets the
// same answer as a full scan.
func TestMessagesFilterNarrowing(t *testing.T) {
	if !(msgFilter{query: "abc"}).narrows(msgFilter{query: "AB"}) {
		t.Fatalf("abc should narrow ab")
	}
	g := &groupKey{"r", "d"}
	for _, c := range []struct{ next, prev msgFilter }{
		{msgFilter{query: "ab"}, msgFilter{query: "abc"}},
		{msgFilter{query: "ab"}, msgFilter{}},
		{msgFilter{query: "abc"}, msgFilter{query: "ab", group: g}},
	} {
		if c.next.narrows(c.prev) {
			t.Fatalf("%+v must not narrow %+v", c.next, c.prev)
		}
	}
	msgs := make([]sbsvc.Message, 1000)
	previews := make([]string, len(msgs))
	for i := range msgs {
		msgs[i] = sbsvc.Message{MessageID: strings.Repeat("x", i%7) + "ab" + strings.Repeat("c", i%3)}
	}
	ctx := context.Background()
	first, _ := filterRows(ctx, msgs, previews, msgFilter{query: "xab"}.matcher(), nil)
	narrow, _ := filterRows(ctx, msgs, previews, msgFilter{query: "xabc"}.matcher(), first)
	full, _ := filterRows(ctx, msgs, previews, msgFilter{query: "xabc"}.matcher(), nil)
	if !slices.Equal(narrow, full) || len(full) == 0 {
		t.Fatalf("narrowed scan %d rows, full scan %d", len(narrow), len(full))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := filterRows(cancelled, msgs, previews, msgFilter{query: "x"}.matcher(), nil); err == nil {
		t.Fatalf("a cancelled scan finished")
	}
}

// The filter runs in a tea.Cmd: a keystroke returns at once, a newer
// keystroke supersedes an older scan, and the stale result is dropped.
func TestMessagesFilterRunsOffTheEventLoop(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", filterFake()))
	mv := messagesOf(t, h)
	h.press("/")
	_, older := h.app.Update(tea.KeyPressMsg{Code: 'm', Text: "m"})
	if !mv.tab().filtering.active {
		t.Fatalf("the keystroke did not start a scan")
	}
	h.mustSee("filtering…")
	_, newer := h.app.Update(tea.KeyPressMsg{Code: '9', Text: "9"})
	h.run(newer)
	h.run(older) // arrives late: ignored
	if got := shownIDs(mv); !slices.Equal(got, []string{"m9"}) {
		t.Fatalf("after the stale scan: %v, want [m9]", got)
	}
}

func TestMessagesAbsoluteTimeToggle(t *testing.T) {
	f := triageFake(3)
	h := newHarness(t, fakeTarget("alpha", f))
	messagesOf(t, h)
	h.mustSee("4m ago")
	h.press("t")
	h.mustSee("ENQUEUED (UTC)", "2026-01-02 03:00:00")
	h.mustNotSee("4m ago")
	h.press("t")
	h.mustSee("4m ago")
}

func TestMessagesScheduledAndDeferredMarked(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", triageFake(3)))
	messagesOf(t, h)
	h.mustSee("⏲2", "⏸3", "3 of 4 loaded")
}

func TestMessagesDeletedEntityShowsAPanel(t *testing.T) {
	fp := &failingPeek{fakeConn: newFake()}
	h := newHarness(t, fakeTarget("alpha", fp))
	mv := messagesOf(t, h)
	fp.err = &sbsvc.Error{Kind: sbsvc.KindNotFound, Op: "peek", Remedy: "Check the entity name."}
	h.press("r")
	h.mustSee("is gone", "not found")
	for _, k := range []string{"j", "k", "G", "/", "x", "enter", "esc", "tab", "v", "space", "t", "enter"} {
		h.pressAll(k)
	}
	_ = mv
	if h.depth() != 3 {
		t.Fatalf("keys on a gone entity changed the stack: depth %d", h.depth())
	}
	fp.err = nil
	h.press("shift+tab", "r")
	h.mustNotSee("is gone")
}

// timeUpdate measures one Update without running its command.
func timeUpdate(h *harness, msg tea.Msg) (time.Duration, tea.Cmd) {
	start := time.Now()
	_, cmd := h.app.Update(msg)
	return time.Since(start), cmd
}

// The mouse: a click puts the cursor on a row (through the filter), a
// double click opens it.
func TestMessagesMouse(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", filterFake()))
	mv := messagesOf(t, h)
	// Screen line 0 is the breadcrumbs; the view starts on line 1: tab
	// bar, filter line, table header, then rows.
	h.click(10, 1+tableTop+1+2)
	if mv.table.Cursor() != 2 {
		t.Fatalf("click on the third row: cursor %d", mv.table.Cursor())
	}
	h.wheel(true, 10)
	if mv.table.Cursor() != 2+wheelRows {
		t.Fatalf("wheel: cursor %d", mv.table.Cursor())
	}
	h.click(10, 1+tableTop+1+1)
	h.click(10, 1+tableTop+1+1)
	dv, ok := h.app.top().(*detailView)
	if !ok || dv.msg.MessageID != "m2" {
		t.Fatalf("double click opened %T", h.app.top())
	}
}
