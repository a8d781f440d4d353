package model

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/sbsvc/decode"
	"github.com/sbx-tui/sbx/ui"
)

// detailView shows one message: its properties, then its decoded body,
// scrolled as one page.
type detailView struct {
	sh     *shared
	vid    uint64
	msg    sbsvc.Message
	header []string // property lines, sanitised and styled
	mode   decode.Mode
	body   *ui.BodyView
	result decode.Result
	err    error
	work   inflight
	at     time.Time
	// headerTop is how many header lines are scrolled off; once all are,
	// further scrolling moves the body.
	headerTop int
	width     int
	height    int
}

type decodedMsg struct {
	view, req uint64
	result    decode.Result
	body      *ui.BodyView
}

func (m decodedMsg) target() uint64 { return m.view }

func newDetailView(sh *shared, m sbsvc.Message) *detailView {
	v := &detailView{sh: sh, vid: sh.nextID(), msg: m, body: ui.NewBodyView(sh.styles)}
	v.header = detailHeader(sh.styles, &v.msg, sh.now())
	return v
}

func (v *detailView) id() uint64             { return v.vid }
func (v *detailView) crumb() string          { return fmt.Sprintf("#%d", v.msg.SequenceNumber) }
func (v *detailView) busy() bool             { return v.work.active }
func (v *detailView) cancel()                { v.work.cancel() }
func (v *detailView) refreshedAt() time.Time { return v.at }

func (v *detailView) setSize(w, h int) { v.width, v.height = w, h }

// decode renders the body in the current mode off the UI goroutine: a
// 20 MB body is decoded and indexed in the command, not in Update.
func (v *detailView) decode() tea.Cmd {
	req, _, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	in, opts := decodeInput(&v.msg), decode.Options{Mode: v.mode, Width: max(v.width, 40)}
	styles, view := v.sh.styles, v.vid
	return func() tea.Msg {
		res := decode.Decode(in, opts)
		bv := ui.NewBodyView(styles)
		bv.SetContent(res.Text, bodyKind(res.Kind))
		return decodedMsg{view: view, req: req, result: res, body: bv}
	}
}

// bodyKind maps a decoder kind to the viewer's highlighter.
func bodyKind(kind string) string {
	switch kind {
	case "json", "cloudevent":
		return ui.KindJSON
	case "xml", "nbfx":
		return ui.KindXML
	case "hex":
		return ui.KindHex
	}
	return ui.KindText
}

func (v *detailView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case decodedMsg:
		if !v.work.accept(msg.req) {
			return nil, nil
		}
		v.result, v.body, v.at = msg.result, msg.body, v.sh.now()
	case tea.KeyPressMsg:
		return v.key(msg), nil
	}
	return nil, nil
}

func (v *detailView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.sh.keys
	switch {
	case key.Matches(msg, k.Down):
		v.scroll(1)
	case key.Matches(msg, k.Up):
		v.scroll(-1)
	case key.Matches(msg, k.PageDown):
		v.scroll(max(v.height-3, 1))
	case key.Matches(msg, k.PageUp):
		v.scroll(-max(v.height-3, 1))
	case key.Matches(msg, k.Top):
		v.headerTop = 0
		v.body.Top()
	case key.Matches(msg, k.Bottom):
		v.headerTop = len(v.header)
		v.body.Bottom()
	case key.Matches(msg, k.Mode):
		v.mode = v.mode.Next()
		return v.decode()
	case key.Matches(msg, k.Refresh):
		return v.decode()
	}
	return nil
}

// scroll moves the combined page: header lines first, then the body.
func (v *detailView) scroll(n int) {
	for ; n > 0; n-- {
		if v.headerTop < len(v.header) {
			v.headerTop++
		} else {
			v.body.ScrollDown(1)
		}
	}
	for ; n < 0; n++ {
		switch {
		case v.headerTop < len(v.header):
			v.headerTop = max(v.headerTop-1, 0)
		case v.body.TopLine() > 0:
			v.body.ScrollUp(1)
		default:
			v.headerTop--
		}
	}
}

func (v *detailView) render() string {
	st := v.sh.styles
	bodyTitle := "Body · mode " + v.mode.String()
	switch {
	case v.work.active:
		bodyTitle += " · decoding…"
	case v.result.Kind != "":
		bodyTitle += " · detected " + v.result.Describe()
	}
	lines := append([]string(nil), v.header[min(v.headerTop, len(v.header)):]...)
	lines = append(lines, st.Title.Render(bodyTitle))
	if v.result.Note != "" {
		lines = append(lines, st.Subtle.Render(ui.Sanitize(v.result.Note)))
	}
	for _, w := range v.result.Warnings {
		lines = append(lines, st.CellWarn.Render("! "+ui.Sanitize(w)))
	}
	if len(lines) >= v.height {
		return strings.Join(lines[:v.height], "\n")
	}
	room := v.height - len(lines)
	return strings.Join(lines, "\n") + "\n" + v.body.Render(v.width, room)
}

// detailHeader lays out the system properties, the dead-letter fields and
// the application properties, every value sanitised to one line.
func detailHeader(st *ui.Styles, m *sbsvc.Message, now time.Time) []string {
	var out []string
	section := func(title string) { out = append(out, st.Title.Render(title)) }
	field := func(name, value string) {
		if value == "" {
			return
		}
		out = append(out, "  "+st.Subtle.Render(ui.Fit(decode.SanitizeLine(name), 22))+" "+decode.SanitizeLine(value))
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339) + " (" + relative(now, t) + ")"
	}
	if m.IsDeadLettered() || m.DeadLetterReason != "" {
		section("Dead-letter")
		field("reason", m.DeadLetterReason)
		field("description", m.DeadLetterDescription)
		field("source", m.DeadLetterSource)
		out = append(out, "")
	}
	section("System properties")
	field("sequence number", fmt.Sprint(m.SequenceNumber))
	field("message id", m.MessageID)
	field("state", m.State.String())
	field("subject", m.Subject)
	field("content type", m.ContentType)
	field("content encoding", m.ContentEncoding)
	field("correlation id", m.CorrelationID)
	if m.HasSessionID {
		field("session id", m.SessionID)
	}
	field("partition key", m.PartitionKey)
	field("to", m.To)
	field("reply to", m.ReplyTo)
	field("reply to session id", m.ReplyToSessionID)
	field("delivery count", fmt.Sprint(m.DeliveryCount))
	field("enqueued", when(m.EnqueuedAt))
	field("scheduled enqueue", when(m.ScheduledEnqueueAt))
	field("expires", when(m.ExpiresAt))
	if m.TimeToLive > 0 {
		field("time to live", m.TimeToLive.String())
	}
	field("body", fmt.Sprintf("%s, %d bytes", m.BodyKind, len(m.Body)))
	out = append(out, "")
	section(fmt.Sprintf("Application properties (%d)", len(m.Properties)))
	names := make([]string, 0, len(m.Properties))
	for k := range m.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		field(k, fmt.Sprintf("%v", m.Properties[k]))
	}
	return append(out, "")
}
