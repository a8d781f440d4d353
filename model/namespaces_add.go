package model

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// addPrompt is the namespaces view's "add a namespace" line: paste a
// connection string or type a namespace name; it is checked as it is
// typed, and Enter stores it in the config file and connects it.
type addPrompt struct {
	input  lineInput
	check  string // what the input would add, or why it cannot
	ok     bool
	err    string // the last save's failure
	saving bool
	work   inflight
}

// namespaceAddedMsg is the result of storing a new namespace.
type namespaceAddedMsg struct {
	view, req uint64
	src       sbsvc.Source
	err       error
}

func (m namespaceAddedMsg) target() uint64 { return m.view }

// secretValue finds the values of SAS keys and signatures in what was
// typed so far, complete or not, to hide them on screen.
var secretValue = regexp.MustCompile(`(?i)(SharedAccessKey|SharedAccessSignature)=[^;]*`)

// maskSecrets hides keys while they are pasted or typed.
func maskSecrets(s string) string {
	s = secretValue.ReplaceAllStringFunc(s, func(m string) string {
		name := m[:strings.IndexByte(m, '=')+1]
		if len(m) == len(name) {
			return m
		}
		return name + sbsvc.Mask
	})
	return sbsvc.Redact(s)
}

func (v *namespacesView) openAdd() {
	v.adding = &addPrompt{input: lineInput{prompt: "add namespace: ", mask: maskSecrets}}
	v.adding.validate()
}

// validate checks the text as typed (a pure parse, no I/O).
func (p *addPrompt) validate() {
	p.err = ""
	text := strings.TrimSpace(p.input.text())
	if text == "" {
		p.check, p.ok = "Paste a connection string, or type a namespace name (contoso or contoso.servicebus.windows.net).", false
		return
	}
	cfg, secret, err := sbsvc.ValidateNamespaceInput(text)
	if err != nil {
		p.check, p.ok = err.Error(), false
		return
	}
	how := "signs in with Microsoft Entra ID (" + cfg.Auth + ")"
	if secret != "" {
		how = "connection string; its key is stored in a file beside the config, not in it"
	}
	p.check, p.ok = fmt.Sprintf("Adds %q: %s.", cfg.Name, how), true
}

// addKey edits the prompt; Enter saves, Esc closes.
func (v *namespacesView) addKey(msg tea.KeyPressMsg) tea.Cmd {
	p := v.adding
	switch msg.String() {
	case "esc":
		p.work.cancel()
		v.adding = nil
		return nil
	case "enter":
		if p.saving {
			return nil
		}
		return v.saveAdd()
	}
	if !p.saving && p.input.handle(msg) {
		p.validate()
	}
	return nil
}

func (v *namespacesView) pasteAdd(text string) {
	if v.adding.saving {
		return
	}
	v.adding.input.insert(text)
	v.adding.validate()
}

// saveAdd stores the namespace in the config file in a command, then
// reads it back from there so the new row connects exactly as it will
// at the next start.
func (v *namespacesView) saveAdd() tea.Cmd {
	p := v.adding
	cfg, secret, err := sbsvc.ValidateNamespaceInput(strings.TrimSpace(p.input.text()))
	if err != nil {
		p.check, p.ok = err.Error(), false
		return nil
	}
	path := v.sh.configPath
	if path == "" {
		p.err = "There is no config file to store it in (start sbx with --config PATH)."
		return nil
	}
	for _, r := range v.rows {
		if strings.EqualFold(r.target.Name, cfg.Name) {
			p.err = fmt.Sprintf("A namespace named %q is already listed.", cfg.Name)
			return nil
		}
	}
	if secret != "" {
		sbsvc.RegisterSecret(secret) // never to be logged, even by mistake
	}
	req, _, stop := v.sh.call(v.sh.timeout)
	p.work.start(req, stop)
	p.saving = true
	view := v.vid
	return func() tea.Msg {
		if err := sbsvc.AddConfigNamespace(path, cfg, secret); err != nil {
			return namespaceAddedMsg{view: view, req: req, err: err}
		}
		sources, _, err := sbsvc.LoadConfig(path, os.Getenv)
		if err != nil {
			return namespaceAddedMsg{view: view, req: req, err: err}
		}
		for _, src := range sources {
			if strings.EqualFold(src.Name, cfg.Name) {
				return namespaceAddedMsg{view: view, req: req, src: src}
			}
		}
		return namespaceAddedMsg{view: view, req: req, err: fmt.Errorf("%q was written to %s but is not read back from it", cfg.Name, path)}
	}
}

// added puts the stored namespace in the list, selects and connects it.
func (v *namespacesView) added(msg namespaceAddedMsg) tea.Cmd {
	p := v.adding
	if p == nil || !p.work.accept(msg.req) {
		return nil
	}
	p.saving = false
	if msg.err != nil {
		p.err = sbsvc.Redact(msg.err.Error())
		return nil
	}
	v.adding = nil
	src := msg.src
	if v.sh.readOnly {
		src.ReadOnly = true
	}
	r := &nsRow{target: v.sh.targetFor(src)}
	v.rows = append(v.rows, r)
	v.table.Invalidate()
	v.table.SetCursor(len(v.rows) - 1)
	return tea.Batch(v.connect(r), toast(ui.ToastSuccess, "Added %s to %s.", r.target.Name, v.sh.configPath))
}

// renderAdd draws the prompt and, under it, what it would add or why not.
func (v *namespacesView) renderAdd() string {
	p := v.adding
	st := v.sh.styles
	lines := []string{p.input.render(st, v.width)}
	switch {
	case p.saving:
		lines = append(lines, st.Subtle.Render("  saving…"))
	case p.err != "":
		lines = append(lines, wrapError(st, v.width, "✗ "+p.err))
	case p.ok:
		lines = append(lines, st.CellOK.Render(ui.Fit("  ✓ "+ui.Sanitize(p.check), v.width)))
	default:
		lines = append(lines, wrapError(st, v.width, "✗ "+p.check))
	}
	help := "  enter add and connect · esc cancel"
	if v.sh.configPath != "" {
		help += " · stored in " + v.sh.configPath
	}
	lines = append(lines, st.Subtle.Render(ui.Fit(ui.Sanitize(help), v.width)))
	return strings.Join(lines, "\n")
}

// wrapError word-wraps a problem under an input, indented.
func wrapError(st *ui.Styles, width int, text string) string {
	return st.CellError.Render(wrapPlain(ui.Sanitize(text), width))
}

func wrapPlain(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		ww := ui.Width(w)
		if i > 0 && line+1+ww > width {
			b.WriteString("\n    ")
			line = 4
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		} else {
			b.WriteString("  ")
			line = 2
		}
		b.WriteString(w)
		line += ww
	}
	return b.String()
}

// addHints are the status bar's hints while the prompt is open.
func addHints() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
