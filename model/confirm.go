package model

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// formView is the one dialog every action uses: a title, what will happen
// (intro lines, warnings), a few fields (one-line text, multi-line text,
// on/off toggles) and a submit step. Confirmations, prompts, the resubmit
// options and the compose form are all formViews, so they share keys:
// tab / ↑↓ move between fields, space flips a toggle, enter submits (a
// newline inside a multi-line field; ctrl+s submits from there), esc
// cancels. Destructive forms start with the focus on a field, never on a
// "yes", so a key already being typed cannot confirm them.
type formView struct {
	sh        *shared
	vid       uint64
	title     string
	crumbText string
	intro     []string // what the action will do, plain text
	warn      []string // what the user must know (fan-out, delivery counts)
	fields    []*formField
	focus     int
	rowField  []int // per drawn line, the field it shows (-1: none); set by render
	errText   string
	submitKey string // the words after "enter" in the footer

	// submit reads the fields; it returns what to do next or an error that
	// is shown in the form (the user fixes the field and tries again).
	submit func(f *formView) (formStep, error)
	// onMsg sees the form's own tagged results (a fan-out lookup).
	onMsg func(f *formView, msg tea.Msg) tea.Cmd

	work          inflight
	width, height int
}

// formStep is what a submit asks for: replace the form with another view,
// or run work in the background and close the form when it succeeds.
type formStep struct {
	next    view
	nextCmd tea.Cmd
	// async, when set, runs in a tea.Cmd with the form's deadline; an error
	// keeps the form open with the error shown.
	async func(ctx context.Context) (tea.Cmd, error)
}

type fieldKind int

const (
	fieldLine fieldKind = iota
	fieldText           // multi-line
	fieldToggle
)

type formField struct {
	key, label string
	kind       fieldKind
	value      string
	on         bool
	onText     string // a toggle's words when on / off
	offText    string
	note       string // dim help after the field
}

// formDoneMsg is the answer of a form's async work.
type formDoneMsg struct {
	view, req uint64
	after     tea.Cmd
	err       error
}

func (m formDoneMsg) target() uint64 { return m.view }

func newFormView(sh *shared, title, crumb string) *formView {
	return &formView{sh: sh, vid: sh.nextID(), title: title, crumbText: crumb, submitKey: "confirm"}
}

func (f *formView) line(key, label, value, note string) *formField {
	fd := &formField{key: key, label: label, kind: fieldLine, value: value, note: note}
	f.fields = append(f.fields, fd)
	return fd
}

func (f *formView) text(key, label, value, note string) *formField {
	fd := &formField{key: key, label: label, kind: fieldText, value: value, note: note}
	f.fields = append(f.fields, fd)
	return fd
}

func (f *formView) toggle(key, label string, on bool, onText, offText string) *formField {
	fd := &formField{key: key, label: label, kind: fieldToggle, on: on, onText: onText, offText: offText}
	f.fields = append(f.fields, fd)
	return fd
}

func (f *formView) field(key string) *formField {
	for _, fd := range f.fields {
		if fd.key == key {
			return fd
		}
	}
	return &formField{}
}

func (f *formView) value(key string) string { return strings.TrimSpace(f.field(key).value) }
func (f *formView) isOn(key string) bool    { return f.field(key).on }

func (f *formView) id() uint64             { return f.vid }
func (f *formView) crumb() string          { return f.crumbText }
func (f *formView) setSize(w, h int)       { f.width, f.height = w, h }
func (f *formView) busy() bool             { return f.work.active }
func (f *formView) cancel()                { f.work.cancel() }
func (f *formView) refreshedAt() time.Time { return time.Time{} }

// typing hands every key to the form while a text field has the focus, so
// q, ? and backspace edit the field instead of quitting or leaving.
func (f *formView) typing() bool {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return false
	}
	return f.fields[f.focus].kind != fieldToggle
}

func (f *formView) hints() []key.Binding {
	submit := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", f.submitKey))
	if cur := f.current(); cur != nil && cur.kind == fieldText {
		// enter breaks the line in a text field: say the key that sends.
		submit = key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", f.submitKey))
	}
	return []key.Binding{
		submit,
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (f *formView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	switch msg := msg.(type) {
	case formDoneMsg:
		if !f.work.accept(msg.req) {
			return nil, nil
		}
		if msg.err != nil {
			f.errText = errorLine(msg.err)
			return nil, nil
		}
		return msg.after, &navigation{pop: true}
	case tea.PasteMsg:
		f.insert(msg.Content)
		return nil, nil
	case formEditedMsg:
		if msg.err != nil {
			f.errText = "editor: " + msg.err.Error()
		} else if fd := f.field(msg.key); fd.kind == fieldText {
			fd.value = strings.TrimSuffix(string(msg.data), "\n")
		}
		return nil, nil
	case tea.KeyPressMsg:
		return f.key(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		f.mouse(msg)
		return nil, nil
	}
	if f.onMsg != nil {
		return f.onMsg(f, msg), nil
	}
	return nil, nil
}

// current is the focused field, nil when there is none.
func (f *formView) current() *formField {
	if f.focus >= 0 && f.focus < len(f.fields) {
		return f.fields[f.focus]
	}
	return nil
}

func (f *formView) key(msg tea.KeyPressMsg) (tea.Cmd, *navigation) {
	cur := f.current()
	switch msg.String() {
	case "esc":
		f.work.cancel()
		return nil, &navigation{pop: true}
	case "tab", "down":
		f.move(1)
	case "shift+tab", "up":
		f.move(-1)
	case "ctrl+s":
		return f.doSubmit()
	case "enter":
		if cur != nil && cur.kind == fieldText {
			cur.value += "\n"
			return nil, nil
		}
		return f.doSubmit()
	case "space":
		if cur != nil && cur.kind == fieldToggle {
			cur.on = !cur.on
			return nil, nil
		}
		f.insert(" ")
	case "backspace":
		if cur != nil && cur.kind != fieldToggle && cur.value != "" {
			_, size := utf8.DecodeLastRuneInString(cur.value)
			cur.value = cur.value[:len(cur.value)-size]
		}
	case "ctrl+e":
		if cur != nil && cur.kind == fieldText {
			return f.openEditor(cur), nil
		}
	case "ctrl+u":
		if cur != nil && cur.kind != fieldToggle {
			cur.value = ""
		}
	default:
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			f.insert(msg.Text)
		}
	}
	return nil, nil
}

func (f *formView) move(d int) {
	if len(f.fields) == 0 {
		return
	}
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
}

func (f *formView) insert(s string) {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return
	}
	cur := f.fields[f.focus]
	switch cur.kind {
	case fieldLine:
		cur.value += strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", " ")
	case fieldText:
		cur.value += strings.ReplaceAll(s, "\r\n", "\n")
	}
}

func (f *formView) doSubmit() (tea.Cmd, *navigation) {
	if f.work.active {
		return nil, nil
	}
	step, err := f.submit(f)
	if err != nil {
		f.errText = errorLine(err)
		return nil, nil
	}
	f.errText = ""
	if step.async != nil {
		req, ctx, stop := f.sh.call(f.sh.timeout)
		f.work.start(req, stop)
		work, vid := step.async, f.vid
		return func() tea.Msg {
			after, err := work(ctx)
			return formDoneMsg{view: vid, req: req, after: after, err: err}
		}, nil
	}
	if step.next != nil {
		return nil, &navigation{pop: true, push: step.next, cmd: step.nextCmd}
	}
	return nil, &navigation{pop: true}
}

func (f *formView) render() string {
	st := f.sh.styles
	w := max(f.width, 20)
	var head, body, foot []string
	head = append(head, st.Title.Render(ui.Fit(ui.Sanitize(f.title), w)), "")
	for _, l := range f.intro {
		head = append(head, strings.Split(ansiWrap(ui.Sanitize(l), w), "\n")...)
	}
	for _, l := range f.warn {
		for _, wl := range strings.Split(ansiWrap("! "+ui.Sanitize(l), w), "\n") {
			head = append(head, st.CellWarn.Render(wl))
		}
	}
	if len(f.intro)+len(f.warn) > 0 {
		head = append(head, "")
	}
	focusLine := 0
	var owner []int // the field each body line belongs to, for clicks
	for i, fd := range f.fields {
		start := len(body)
		marker := "  "
		if i == f.focus {
			marker = "› "
			focusLine = len(body)
		}
		label := marker + fd.label + ": "
		switch fd.kind {
		case fieldToggle:
			// The box always carries the words of "on", so "[ ] drop it"
			// can never be read the wrong way round; what "off" means
			// follows it.
			line := label + "[x] " + ui.Sanitize(fd.onText)
			if !fd.on {
				line = label + "[ ] " + ui.Sanitize(fd.onText)
				if fd.offText != "" {
					line += " — " + ui.Sanitize(fd.offText)
				}
			}
			body = append(body, ui.Fit(line, w))
		case fieldLine:
			val := ui.Sanitize(fd.value)
			if i == f.focus {
				val += "▏"
			}
			body = append(body, ui.Fit(label+val, w))
		case fieldText:
			body = append(body, label)
			lines := strings.Split(fd.value, "\n")
			if len(lines) > 8 {
				lines = append([]string{fmt.Sprintf("… %d lines above", len(lines)-8)}, lines[len(lines)-8:]...)
			}
			for j, l := range lines {
				text := "    " + ui.Sanitize(l)
				if i == f.focus && j == len(lines)-1 {
					text += "▏"
				}
				body = append(body, ui.Fit(text, w))
			}
		}
		if fd.note != "" && i == f.focus {
			body = append(body, st.Subtle.Render(ui.Fit("    "+ui.Sanitize(fd.note), w)))
		}
		for range len(body) - start {
			owner = append(owner, i)
		}
	}
	if f.errText != "" {
		foot = append(foot, "")
		for _, l := range strings.Split(ansiWrap("✗ "+ui.Sanitize(f.errText), w), "\n") {
			foot = append(foot, st.CellError.Render(l))
		}
	}
	hint := "enter " + f.submitKey + " · tab next field · esc cancel"
	for _, fd := range f.fields {
		if fd.kind == fieldText {
			hint = "ctrl+s " + f.submitKey + " · enter new line · ctrl+e $EDITOR · tab next field · esc cancel"
			break
		}
	}
	for _, fd := range f.fields {
		if fd.kind == fieldToggle {
			hint = strings.Replace(hint, " · tab next field", " · space toggles · tab next field", 1)
			break
		}
	}
	if f.work.active {
		hint = "working… (esc cancels)"
	}
	foot = append(foot, "", st.Subtle.Render(ui.Fit(hint, w)))
	// Too tall for the screen: the title, the error and the footer stay,
	// what is left is a window on the rest that keeps the focused field in
	// sight (the intro scrolls away first).
	all := append(append([]string{}, head[2:]...), body...)
	rows := make([]int, len(head)-2, len(all))
	for i := range rows {
		rows[i] = -1
	}
	rows = append(rows, owner...)
	focusLine += len(head) - 2
	room := f.height - 2 - len(foot)
	if f.height > 0 && len(all) > room && room > 0 {
		from := max(0, min(focusLine-room/2, len(all)-room))
		all = all[from : from+room]
		rows = rows[from : from+room]
	}
	f.rowField = append([]int{-1, -1}, rows...) // the title and the blank line under it
	return strings.Join(append(append(head[:2:2], all...), foot...), "\n")
}

// formEditedMsg brings a multi-line field back from $EDITOR.
type formEditedMsg struct {
	view uint64
	key  string
	data []byte
	err  error
}

func (m formEditedMsg) target() uint64 { return m.view }

// openEditor edits a multi-line field in $EDITOR (a 0600 temporary file,
// removed afterwards).
func (f *formView) openEditor(fd *formField) tea.Cmd {
	file, err := os.CreateTemp("", "sbx-field-*.txt")
	if err != nil {
		f.errText = "cannot create a temporary file: " + err.Error()
		return nil
	}
	path := file.Name()
	_, werr := file.WriteString(fd.value)
	if cerr := file.Close(); werr != nil || cerr != nil {
		os.Remove(path)
		f.errText = "cannot write the temporary file"
		return nil
	}
	vid, k := f.vid, fd.key
	return runEditor(path, func(err error) tea.Msg {
		data, rerr := os.ReadFile(path)
		os.Remove(path)
		if err == nil {
			err = rerr
		}
		return formEditedMsg{view: vid, key: k, data: data, err: err}
	})
}

// errorLine is an error as one line with its remedy, for a form or toast.
func errorLine(err error) string {
	info := errorInfo("", err)
	text := strings.Join(strings.Fields(info.Message), " ") // SDK errors span lines
	if info.Remedy != "" && !strings.Contains(text, info.Remedy) {
		text += " — " + info.Remedy
	}
	return text
}
