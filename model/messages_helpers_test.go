package model

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// specialKey builds the keys keyMsg does not know: space, shift+arrows,
// ctrl+letters.
func specialKey(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "shift+down":
		return tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModShift}
	case "shift+up":
		return tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModShift}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok && len(rest) == 1 {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	return keyMsg(k)
}

// pressAll sends keys, special ones included.
func (h *harness) pressAll(keys ...string) {
	for _, k := range keys {
		h.send(specialKey(k))
	}
}

// mustNotSee fails when the screen holds any of parts.
func (h *harness) mustNotSee(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			h.t.Fatalf("screen holds %q:\n%s", p, s)
		}
	}
}

// toastText is the notice on screen ("" when none).
func (h *harness) toastText() string {
	if h.app.toast == nil {
		return ""
	}
	return h.app.toast.text
}

// messagesOf opens the first queue of a harness on the fake and returns
// its messages view.
func messagesOf(t *testing.T, h *harness) *messagesView {
	t.Helper()
	h.press("enter", "enter")
	mv, ok := h.app.top().(*messagesView)
	if !ok {
		t.Fatalf("top view is %T, want *messagesView", h.app.top())
	}
	return mv
}

// shownIDs are the message ids the current tab's table shows, in order.
func shownIDs(mv *messagesView) []string {
	t := mv.tab()
	var out []string
	for i := 0; i < t.rowCount(); i++ {
		idx, _ := t.rowIndex(i)
		out = append(out, t.msgs[idx].MessageID)
	}
	return out
}

// runCmd runs cmd (and batches) and returns every message it produced.
func runCmd(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case nil:
		default:
			out = append(out, msg)
		}
	}
	return out
}

// clipboardOf finds what a command would put on the clipboard (Bubble
// Tea's OSC 52 message is unexported: it is a string type by that name).
func clipboardOf(msgs []tea.Msg) (string, bool) {
	for _, m := range msgs {
		rv := reflect.ValueOf(m)
		if rv.Kind() == reflect.String && strings.HasSuffix(fmt.Sprintf("%T", m), "setClipboardMsg") {
			return rv.String(), true
		}
	}
	return "", false
}

// toastOf finds the first toast among msgs.
func toastOf(msgs []tea.Msg) (toastMsg, bool) {
	for _, m := range msgs {
		if t, ok := m.(toastMsg); ok {
			return t, true
		}
	}
	return toastMsg{}, false
}

// triageFake is a queue whose dead-letter queue holds n messages in three
// reason groups, and whose active tab holds scheduled and deferred ones.
func triageFake(n int) *fakeConn {
	f := newFake()
	f.listing.Queues[0].Counts = sbsvc.Counts{Active: 3, DeadLetter: int64(n), Scheduled: 1}
	enq := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	f.msgs[sbsvc.Active] = []sbsvc.Message{
		{SequenceNumber: 1, MessageID: "A-1", EnqueuedAt: enq, BodyKind: sbsvc.BodyData, Body: []byte(`{"n":1}`)},
		{SequenceNumber: 2, MessageID: "A-2", State: sbsvc.StateScheduled, EnqueuedAt: enq, BodyKind: sbsvc.BodyData, Body: []byte("s")},
		{SequenceNumber: 3, MessageID: "A-3", State: sbsvc.StateDeferred, EnqueuedAt: enq, BodyKind: sbsvc.BodyData, Body: []byte("d")},
	}
	reasons := []groupKey{{"Poison", "bad json"}, {"Poison", "bad xml"}, {"Timeout", ""}}
	f.msgs[sbsvc.DeadLetter] = nil
	for i := 0; i < n; i++ {
		g := reasons[i%3]
		if i%3 == 2 && i%2 == 0 {
			g = reasons[0] // make the groups unequal: Poison/bad json biggest
		}
		f.msgs[sbsvc.DeadLetter] = append(f.msgs[sbsvc.DeadLetter], sbsvc.Message{
			SequenceNumber: int64(100 + i), MessageID: fmt.Sprintf("D-%03d", i), EnqueuedAt: enq,
			DeadLetterReason: g.reason, DeadLetterDescription: g.description,
			BodyKind: sbsvc.BodyData, Body: []byte(fmt.Sprintf(`{"i":%d}`, i)),
		})
	}
	return f
}

// failingPeek is a fake whose Peek fails with err (an entity deleted
// while viewed answers "not found").
type failingPeek struct {
	*fakeConn
	err error
}

func (f *failingPeek) Peek(ctx context.Context, ref sbsvc.EntityRef, from int64, n int) (sbsvc.Page, error) {
	if f.err != nil {
		return sbsvc.Page{}, f.err
	}
	return f.fakeConn.Peek(ctx, ref, from, n)
}

// pasteOf is a bracketed paste of s.
func pasteOf(s string) tea.PasteMsg { return tea.PasteMsg{Content: s} }

// gz compresses s, for bodies only the decoder can read.
func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.Bytes()
}

var _ = ui.ToastInfo
