package model

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// detailPrompt is the question line at the bottom of the detail view.
type detailPrompt struct {
	kind  promptKind
	input lineInput
	path  string // promptOverwrite: the file that exists
	// before is the search the user had when the search line opened, so
	// Esc can put it back.
	before string
}

type promptKind int

const (
	promptSearch promptKind = iota
	promptSaveAs
	promptOverwrite
)

func (p *detailPrompt) render(st *ui.Styles, width int) string {
	if p.kind == promptOverwrite {
		return ui.Fit(st.CellWarn.Render(ui.Sanitize(p.path)+" exists. Overwrite it? y / n"), width)
	}
	return p.input.render(st, width)
}

func (p *detailPrompt) hints() []key.Binding {
	b := func(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }
	switch p.kind {
	case promptSearch:
		return []key.Binding{b("enter", "keep search"), b("esc", "clear search")}
	case promptSaveAs:
		return []key.Binding{b("enter", "save"), b("esc", "cancel")}
	}
	return []key.Binding{b("y", "overwrite"), b("n", "keep the file")}
}

// openSearch opens the search line; the body is searched as the user
// types (the viewer caps the hits, and the body is at most 1 MiB).
func (v *detailView) openSearch() {
	v.prompt = &detailPrompt{kind: promptSearch, before: v.body.Query()}
	v.prompt.input.prompt = "search: "
	v.prompt.input.set(v.body.Query())
}

func (v *detailView) openSave() {
	v.prompt = &detailPrompt{kind: promptSaveAs}
	v.prompt.input.prompt = "save body as: "
	_, ext := v.saveContent()
	v.prompt.input.set(defaultBodyFile(v.source, v.msg.SequenceNumber, ext))
}

func (v *detailView) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := v.prompt
	switch p.kind {
	case promptOverwrite:
		switch msg.String() {
		case "y", "Y":
			v.prompt = nil
			return v.save(p.path, true)
		case "n", "N", "esc":
			v.prompt = nil
			return toast(ui.ToastInfo, "not saved: %s is kept", p.path)
		}
		return nil
	case promptSearch:
		switch msg.String() {
		case "enter":
			v.prompt = nil
			return nil
		case "esc":
			v.prompt = nil
			v.body.SetQuery("")
			return nil
		}
		if p.input.handle(msg) {
			v.body.SetQuery(p.input.text())
			if v.body.MatchCount() > 0 {
				v.headerTop = len(v.header) // the match is in the body
			}
		}
		return nil
	}
	switch msg.String() {
	case "enter":
		path := strings.TrimSpace(p.input.text())
		v.prompt = nil
		if path == "" {
			return toast(ui.ToastWarn, "not saved: no file name")
		}
		return v.save(path, false)
	case "esc":
		v.prompt = nil
		return nil
	}
	p.input.handle(msg)
	return nil
}

// savedMsg is the end of a save: done, or the file exists (ask), or an
// error.
type savedMsg struct {
	view, req uint64
	path      string
	n         int
	exists    bool
	err       error
}

func (m savedMsg) target() uint64 { return m.view }

// save writes the body in a tea.Cmd. Without overwrite the file is
// created exclusively, so an existing file is never replaced unasked.
func (v *detailView) save(path string, overwrite bool) tea.Cmd {
	data, _ := v.saveContent()
	req, _, stop := v.sh.call(v.sh.timeout)
	v.io.start(req, stop)
	view := v.vid
	return func() tea.Msg {
		path := absFilePath(path)
		flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if overwrite {
			flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(path, flags, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return savedMsg{view: view, req: req, path: path, exists: true}
		}
		if err != nil {
			return savedMsg{view: view, req: req, path: path, err: err}
		}
		n, err := f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return savedMsg{view: view, req: req, path: path, n: n, err: err}
	}
}

func (v *detailView) saved(msg savedMsg) tea.Cmd {
	if !v.io.accept(msg.req) {
		return nil
	}
	switch {
	case msg.exists:
		v.prompt = &detailPrompt{kind: promptOverwrite, path: msg.path}
		return nil
	case msg.err != nil:
		return toast(ui.ToastError, "could not save: %v", msg.err)
	}
	return toast(ui.ToastSuccess, "saved %s to %s", bytesText(int64(msg.n)), msg.path)
}

// saveContent is what a save writes: the decoded text when it is a text
// format and whole, else the body's own bytes (binary, hex and raw modes,
// or a rendering cut at its cap).
func (v *detailView) saveContent() (data []byte, ext string) {
	r := v.result
	textual := map[string]string{"json": "json", "cloudevent": "json", "xml": "xml", "nbfx": "xml", "text": "txt"}
	if e, ok := textual[r.Kind]; ok && !r.Truncated {
		return []byte(r.Text), e
	}
	if len(v.msg.Body) == 0 && r.Text != "" {
		return []byte(r.Text), "txt"
	}
	return v.msg.Body, "bin"
}

// defaultBodyFile is "<entity>-<seq>.<ext>" in the current directory, the
// entity's path made safe for a file name.
func defaultBodyFile(source string, seq int64, ext string) string {
	name := "message"
	if source != "" {
		name = strings.Trim(strings.NewReplacer("/", "-", "\\", "-", "$", "", " ", "-", ":", "-").Replace(source), "-.")
	}
	if name == "" {
		name = "message"
	}
	return ui.Sanitize(name) + "-" + strconv.FormatInt(seq, 10) + "." + ext
}
