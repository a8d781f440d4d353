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
// scrolled as one page. It searches the body, copies the body or a
// property (OSC 52), saves the body and opens it in $PAGER / $EDITOR.
type detailView struct {
	sh     *shared
	vid    uint64
	msg    sbsvc.Message
	source string   // the entity path, for a file name ("" = unknown)
	header []string // property lines, sanitised and styled
	mode   decode.Mode
	body   *ui.BodyView
	result decode.Result
	work   inflight
	at     time.Time
	// headerTop is how many header lines are scrolled off; once all are,
	// further scrolling moves the body.
	headerTop int
	width     int
	height    int

	// prompt is the one-line question open at the bottom (search, save
	// as, overwrite?); picker the property list for copying.
	prompt *detailPrompt
	picker *propertyPicker
	io     inflight // a save or a temp file for the pager in flight
	clicks mouseClicks
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
func (v *detailView) busy() bool             { return v.work.active || v.io.active }
func (v *detailView) refreshedAt() time.Time { return v.at }
func (v *detailView) typing() bool           { return v.prompt != nil || v.picker != nil }

// promptLines: the search / save / overwrite line is the last one.
func (v *detailView) promptLines() int {
	if v.prompt != nil && v.picker == nil {
		return 1
	}
	return 0
}

func (v *detailView) cancel() {
	v.work.cancel()
	v.io.cancel()
}

func (v *detailView) setSize(w, h int) { v.width, v.height = w, h }

// decode renders the body in the current mode off the UI goroutine: a
// 20 MB body is decoded (and cut at 1 MiB with a note) and indexed in the
// command, not in Update.
func (v *detailView) decode() tea.Cmd {
	req, _, stop := v.sh.call(v.sh.timeout)
	v.work.start(req, stop)
	in, opts := decodeInput(&v.msg), decode.Options{Mode: v.mode, Width: max(v.width, 40)}
	styles, view, wrap, query := v.sh.styles, v.vid, v.body.Wrap(), v.body.Query()
	return func() tea.Msg {
		res := decode.Decode(in, opts)
		bv := ui.NewBodyView(styles)
		bv.SetWrap(wrap)
		bv.SetContent(res.Text, bodyKind(res.Kind))
		if query != "" {
			bv.SetQuery(query)
		}
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
	case savedMsg:
		return v.saved(msg), nil
	case execReadyMsg:
		return v.execReady(msg), nil
	case execDoneMsg:
		if msg.err != nil {
			return toast(ui.ToastError, "the program ended with an error: %v", msg.err), nil
		}
	case tea.PasteMsg:
		if v.prompt != nil && v.prompt.kind != promptOverwrite {
			v.prompt.input.insert(msg.Content)
			if v.prompt.kind == promptSearch {
				v.body.SetQuery(v.prompt.input.text())
			}
		}
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return v.mouse(msg), nil
	case tea.KeyPressMsg:
		return v.key(msg), nil
	}
	return nil, nil
}

func (v *detailView) key(msg tea.KeyPressMsg) tea.Cmd {
	if v.picker != nil {
		return v.pickerKey(msg)
	}
	if v.prompt != nil {
		return v.promptKey(msg)
	}
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
	case key.Matches(msg, k.Wrap):
		v.body.SetWrap(!v.body.Wrap())
	case key.Matches(msg, k.Search):
		v.openSearch()
	case key.Matches(msg, k.NextMatch):
		v.body.NextMatch()
		v.headerTop = len(v.header)
	case key.Matches(msg, k.PrevMatch):
		v.body.PrevMatch()
		v.headerTop = len(v.header)
	case key.Matches(msg, k.CopyBody):
		return v.copyBody()
	case key.Matches(msg, k.CopyProperty):
		v.openPicker()
	case key.Matches(msg, k.SaveBody):
		v.openSave()
	case key.Matches(msg, k.Pager):
		return v.openExternal(externalPager)
	case key.Matches(msg, k.Editor):
		return v.openExternal(externalEditor)
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
	if v.picker != nil {
		return v.picker.render(st, v.width, v.height)
	}
	bodyTitle := "Body · mode " + v.mode.String()
	switch {
	case v.work.active:
		bodyTitle += " · decoding…"
	case v.result.Kind != "":
		bodyTitle += " · detected " + v.result.Describe()
	}
	if v.body.Wrap() {
		bodyTitle += " · wrap"
	}
	if v.body.Query() != "" {
		bodyTitle += " · " + v.body.PositionText()
	}
	lines := append([]string(nil), v.header[min(v.headerTop, len(v.header)):]...)
	lines = append(lines, st.Title.Render(ui.Sanitize(bodyTitle)))
	if v.result.Note != "" {
		lines = append(lines, st.Subtle.Render(ui.Sanitize(v.result.Note)))
	}
	for _, w := range v.result.Warnings {
		lines = append(lines, st.CellWarn.Render("! "+ui.Sanitize(w)))
	}
	height := v.height
	var bottom string
	if v.prompt != nil {
		bottom = v.prompt.render(st, v.width)
		height--
	}
	var out string
	if len(lines) >= height {
		out = strings.Join(lines[:max(height, 0)], "\n")
	} else {
		out = strings.Join(lines, "\n") + "\n" + v.body.Render(v.width, height-len(lines))
	}
	if bottom != "" {
		out += "\n" + bottom
	}
	return out
}

// hints: the detail keys, or the open prompt's.
func (v *detailView) hints() []key.Binding {
	k := v.sh.keys
	switch {
	case v.picker != nil:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "copy value")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		}
	case v.prompt != nil:
		return v.prompt.hints()
	}
	return []key.Binding{k.Back, k.Mode, k.Wrap, k.Search, k.CopyBody, k.SaveBody, k.Pager, k.Help}
}

// detailHeader lays out the dead-letter fields, the system properties, the
// application properties and the annotations, every value sanitised to
// one line.
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
	if m.IsDeadLettered() || m.DeadLetterReason != "" || m.DeadLetterSource != "" {
		section("Dead-letter")
		field("reason", m.DeadLetterReason)
		field("description", m.DeadLetterDescription)
		field("source", m.DeadLetterSource)
		out = append(out, "")
	}
	section("System properties")
	field("sequence number", fmt.Sprint(m.SequenceNumber))
	if m.EnqueuedSequenceNumber != 0 && m.EnqueuedSequenceNumber != m.SequenceNumber {
		field("enqueued seq. number", fmt.Sprint(m.EnqueuedSequenceNumber))
	}
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
	field("locked until", when(m.LockedUntil))
	if m.TimeToLive > 0 {
		field("time to live", m.TimeToLive.String())
	}
	if m.Priority != 0 {
		field("priority", fmt.Sprint(m.Priority))
	}
	field("body", fmt.Sprintf("%s, %d bytes", m.BodyKind, len(m.Body)))
	out = append(out, "")
	section(fmt.Sprintf("Application properties (%d)", len(m.Properties)))
	for _, k := range sortedKeys(m.Properties) {
		field(k, fmt.Sprintf("%v", m.Properties[k]))
	}
	if len(m.Annotations) > 0 {
		out = append(out, "")
		section(fmt.Sprintf("Annotations (%d)", len(m.Annotations)))
		for _, k := range sortedKeys(m.Annotations) {
			field(k, fmt.Sprintf("%v", m.Annotations[k]))
		}
	}
	return append(out, "")
}

func sortedKeys(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
