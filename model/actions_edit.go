package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// runEditor opens path in the user's editor and reports back with done. It
// suspends the TUI through tea.ExecProcess; tests replace it with a
// function that edits the file directly.
var runEditor = func(path string, done func(error) tea.Msg) tea.Cmd {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	args := strings.Fields(editor)
	return tea.ExecProcess(exec.Command(args[0], append(args[1:], path)...), done)
}

// editDoc is a message as the editor shows it: only what a resubmit may
// change (body and application properties); the rest is for reference.
type editDoc struct {
	Note       string         `json:"_note"`
	MessageID  string         `json:"_messageId,omitempty"`
	Properties map[string]any `json:"properties"`
	Body       *string        `json:"body,omitempty"`       // UTF-8 text bodies
	BodyBase64 []byte         `json:"bodyBase64,omitempty"` // other data bodies
}

const editNote = "Edit body (or bodyBase64) and properties; fields starting with _ are ignored. Save and quit to continue; an empty file cancels."

// messageDoc renders m as the editor's JSON document.
func messageDoc(m sbsvc.Message) ([]byte, error) {
	d := editDoc{Note: editNote, MessageID: m.MessageID, Properties: map[string]any{}}
	for k, v := range m.Properties {
		d.Properties[k] = v
	}
	switch {
	case m.BodyKind == sbsvc.BodyData && utf8.Valid(m.Body):
		s := string(m.Body)
		d.Body = &s
	case m.BodyKind == sbsvc.BodyData:
		d.BodyBase64 = m.Body
	}
	return json.MarshalIndent(d, "", "  ")
}

// editedMessage is what the editor gave back.
type editedMessage struct {
	body    []byte // nil: keep the original body
	props   map[string]any
	changes []string
}

// parseMessageDoc reads the edited document. Property values keep the
// original's type when the text did not change (a time stays a time);
// new or changed numbers become int64 when whole, else float64.
func parseMessageDoc(orig sbsvc.Message, data []byte) (editedMessage, error) {
	var out editedMessage
	if len(bytes.TrimSpace(data)) == 0 {
		return out, fmt.Errorf("the file is empty: nothing resubmitted")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return out, fmt.Errorf("the edited document is not valid JSON: %v", err)
	}
	for k := range raw {
		if !strings.HasPrefix(k, "_") && k != "properties" && k != "body" && k != "bodyBase64" {
			return out, fmt.Errorf("unknown field %q: only body, bodyBase64 and properties can change", k)
		}
	}
	if _, ok := raw["body"]; ok {
		if _, both := raw["bodyBase64"]; both {
			return out, fmt.Errorf("give body or bodyBase64, not both")
		}
		var s string
		if err := json.Unmarshal(raw["body"], &s); err != nil {
			return out, fmt.Errorf("body must be a JSON string: %v", err)
		}
		out.body = []byte(s)
	} else if b, ok := raw["bodyBase64"]; ok {
		if err := json.Unmarshal(b, &out.body); err != nil {
			return out, fmt.Errorf("bodyBase64 must be base64 text: %v", err)
		}
	}
	if out.body != nil && orig.BodyKind == sbsvc.BodyData && bytes.Equal(out.body, orig.Body) {
		out.body = nil
	} else if out.body != nil {
		out.changes = append(out.changes, fmt.Sprintf("body (%d bytes)", len(out.body)))
	}
	props := map[string]any{}
	if p, ok := raw["properties"]; ok && string(p) != "null" {
		pd := json.NewDecoder(bytes.NewReader(p))
		pd.UseNumber()
		var edited map[string]any
		if err := pd.Decode(&edited); err != nil {
			return out, fmt.Errorf("properties must be a JSON object: %v", err)
		}
		for k, v := range edited {
			val, err := propertyValue(k, v)
			if err != nil {
				return out, err
			}
			if o, had := orig.Properties[k]; had && sameJSON(o, v) {
				val = o
			} else {
				out.changes = append(out.changes, "property "+k)
			}
			props[k] = val
		}
	}
	for k := range orig.Properties {
		if _, ok := props[k]; !ok {
			out.changes = append(out.changes, "removed property "+k)
		}
	}
	out.props = props
	return out, nil
}

func propertyValue(k string, v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("property %s: %v", k, err)
		}
		return f, nil
	case string, bool:
		return v, nil
	case nil:
		return nil, fmt.Errorf("property %s is null: remove it instead", k)
	}
	return nil, fmt.Errorf("property %s: application properties hold strings, numbers and booleans, not %T", k, v)
}

// sameJSON reports whether the original value prints as the edited one.
func sameJSON(orig, edited any) bool {
	a, err1 := json.Marshal(orig)
	b, err2 := json.Marshal(edited)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// editDoneMsg is the editor's return for one message.
type editDoneMsg struct {
	view uint64
	req  actionRequest
	msg  sbsvc.Message
	data []byte
	err  error
}

func startEditResubmit(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	if req.sub == sbsvc.Active {
		return toast(ui.ToastWarn, "edit and resubmit works on a dead-letter queue"), nil
	}
	if len(req.messages) == 0 {
		return toast(ui.ToastWarn, "put the cursor on the message to edit"), nil
	}
	m := req.messages[0]
	if m.BodyKind == sbsvc.BodyValue || m.BodyKind == sbsvc.BodySequence {
		return toast(ui.ToastWarn, "this body is an AMQP %s: only its properties can be edited", m.BodyKind), nil
	}
	doc, err := messageDoc(m)
	if err != nil {
		return toast(ui.ToastError, "cannot edit: %v", err), nil
	}
	file, err := os.CreateTemp("", "sbx-edit-*.json") // 0600 by CreateTemp
	if err != nil {
		return toast(ui.ToastError, "cannot create a temporary file: %v", err), nil
	}
	path := file.Name()
	_, werr := file.Write(doc)
	cerr := file.Close()
	if werr != nil || cerr != nil {
		os.Remove(path)
		return toast(ui.ToastError, "cannot write the temporary file"), nil
	}
	wait := &editWaitView{sh: sh, vid: sh.nextID(), what: fmt.Sprintf("#%d %s", m.SequenceNumber, m.MessageID)}
	vid := wait.vid
	return runEditor(path, func(err error) tea.Msg {
		data, rerr := os.ReadFile(path)
		os.Remove(path)
		if err == nil {
			err = rerr
		}
		return editDoneMsg{view: vid, req: req, msg: m, data: data, err: err}
	}), &navigation{push: wait}
}

func (m editDoneMsg) target() uint64 { return m.view }

// editWaitView stands on the stack while the editor runs, so the editor's
// answer has a view to come back to; it then becomes the confirmation.
type editWaitView struct {
	sh            *shared
	vid           uint64
	what          string
	width, height int
}

func (v *editWaitView) id() uint64             { return v.vid }
func (v *editWaitView) crumb() string          { return "edit" }
func (v *editWaitView) setSize(w, h int)       { v.width, v.height = w, h }
func (v *editWaitView) busy() bool             { return false }
func (v *editWaitView) cancel()                {}
func (v *editWaitView) refreshedAt() time.Time { return time.Time{} }
func (v *editWaitView) render() string {
	return v.sh.styles.Subtle.Render("editing " + ui.Sanitize(v.what) + " in $EDITOR…")
}

func (v *editWaitView) update(msg tea.Msg) (tea.Cmd, *navigation) {
	if m, ok := msg.(editDoneMsg); ok {
		cmd, nav := editedConfirm(v.sh, m)
		if nav == nil {
			nav = &navigation{}
		}
		nav.pop = true
		return cmd, nav
	}
	return nil, nil
}

// editedConfirm is called for editDoneMsg: parse, then the confirmation.
func editedConfirm(sh *shared, m editDoneMsg) (tea.Cmd, *navigation) {
	if m.err != nil {
		return toast(ui.ToastError, "editor: %v", m.err), nil
	}
	wc, ok := m.req.conn.(writeConn)
	if !ok {
		return nil, nil
	}
	ed, err := parseMessageDoc(m.msg, m.data)
	if err != nil {
		return toast(ui.ToastError, "%s", err.Error()), nil
	}
	plan := resubmitPlan{req: m.req, ref: sourceRef(m.req), total: 1,
		what: fmt.Sprintf("message #%d %s, edited", m.msg.SequenceNumber, m.msg.MessageID)}
	plan.opts.SequenceNumbers = []int64{m.msg.SequenceNumber}
	plan.edited = "nothing changed"
	if len(ed.changes) > 0 {
		plan.edited = strings.Join(ed.changes, ", ")
	}
	plan.opts.Edit = func(_ sbsvc.Message, e *sbsvc.Edit) error {
		if ed.body != nil {
			e.Body = ed.body
		}
		e.Properties = ed.props
		return nil
	}
	f := resubmitForm(sh, wc, plan)
	return fanoutLookup(sh, wc, f, m.req), &navigation{push: f}
}
