package model

import (
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// maxClipboard bounds what one OSC 52 copy sends: most terminals drop
// (or choke on) much larger sequences.
const maxClipboard = 256 << 10

// copyBody puts the decoded body (what the screen shows, inert) on the
// clipboard through the terminal (OSC 52), so it works over SSH too.
func (v *detailView) copyBody() tea.Cmd {
	if v.work.active {
		return toast(ui.ToastWarn, "the body is still decoding")
	}
	text := v.result.Text
	if text == "" {
		return toast(ui.ToastWarn, "the body is empty: nothing copied")
	}
	note := ""
	if len(text) > maxClipboard {
		text = cutUTF8(text, maxClipboard)
		note = " (the first " + bytesText(maxClipboard) + ": save with o for all of it)"
	}
	return tea.Batch(tea.SetClipboard(text),
		toast(ui.ToastSuccess, "copied the body, %s%s", bytesText(int64(len(text))), note))
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// externalProgram says which program opens the body.
type externalProgram struct {
	env      string // PAGER or EDITOR
	fallback string // used only when found on PATH
}

var (
	externalPager  = externalProgram{env: "PAGER", fallback: "less"}
	externalEditor = externalProgram{env: "EDITOR", fallback: "vi"}
)

// lookupEnv and lookPath are swapped by tests.
var (
	lookupEnv = os.Getenv
	lookPath  = exec.LookPath
)

// execReadyMsg: the temp file is written; run the program on it.
type execReadyMsg struct {
	view, req uint64
	argv      []string
	path      string
	note      string
	err       error
}

func (m execReadyMsg) target() uint64 { return m.view }

// execDoneMsg comes back when the program exits.
type execDoneMsg struct {
	path string
	err  error
}

// openExternal writes the decoded body to a private temp file (0600) in a
// tea.Cmd, then hands the terminal to $PAGER or $EDITOR; the file is
// removed when the program exits.
func (v *detailView) openExternal(p externalProgram) tea.Cmd {
	if v.work.active {
		return toast(ui.ToastWarn, "the body is still decoding")
	}
	argv := strings.Fields(lookupEnv(p.env))
	note := ""
	if len(argv) == 0 {
		path, err := lookPath(p.fallback)
		if err != nil {
			return toast(ui.ToastWarn, "$%s is not set and %s is not on PATH: set %s to open the body", p.env, p.fallback, p.env)
		}
		argv = []string{path}
		note = "$" + p.env + " is not set: using " + p.fallback
	}
	if p.env == "EDITOR" {
		if note != "" {
			note += "; "
		}
		note += "edits here are not sent (E edits and resubmits from the list)"
	}
	_, ext := v.saveContent()
	if ext == "bin" {
		ext = "txt" // the rendering (hex) is what opens
	}
	text := v.result.Text
	req, _, stop := v.sh.call(v.sh.timeout)
	v.io.start(req, stop)
	view := v.vid
	return func() tea.Msg {
		f, err := os.CreateTemp("", "sbx-body-*."+ext) // CreateTemp makes it 0600
		if err != nil {
			return execReadyMsg{view: view, req: req, err: err}
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
			return execReadyMsg{view: view, req: req, err: err}
		}
		return execReadyMsg{view: view, req: req, argv: argv, path: f.Name(), note: note}
	}
}

func (v *detailView) execReady(msg execReadyMsg) tea.Cmd {
	if !v.io.accept(msg.req) {
		if msg.path != "" {
			os.Remove(msg.path)
		}
		return nil
	}
	if msg.err != nil {
		return toast(ui.ToastError, "could not write a temporary file: %v", msg.err)
	}
	cmd := exec.Command(msg.argv[0], append(msg.argv[1:], msg.path)...)
	path := msg.path
	run := tea.ExecProcess(cmd, func(err error) tea.Msg {
		os.Remove(path)
		return execDoneMsg{path: path, err: err}
	})
	if msg.note != "" {
		return tea.Batch(toast(ui.ToastInfo, "%s", msg.note), run)
	}
	return run
}
