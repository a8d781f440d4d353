// Package model is sbx's Bubble Tea model tree: the App root owns the view
// stack (namespaces → entities → messages → detail), breadcrumbs, the status
// bar, help and the error panels. Views never call the SDK: they ask sbsvc
// through tea.Cmds with deadlines and receive typed, tagged results.
package model

import (
	"context"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// App is the root model.
type App struct {
	sh       *shared
	stack    []view
	ns       *namespacesView
	width    int
	height   int
	showHelp bool
	helpTop  int // help lines scrolled past (a help taller than the screen)
	spin     spinner.Model
	spinning bool
	toast    *shownToast
	jump     *jumpPrompt // the `:` prompt, when open
	noMouse  bool

	sendMu sync.Mutex // send is set by main while timers may read it
	send   func(tea.Msg)
}

// shownToast is the notice on screen and its number (to expire only it).
type shownToast struct {
	id   uint64
	kind ui.ToastKind
	text string
}

// toastFor is how long a notice stays.
const toastFor = 4 * time.Second

// New builds the App on the namespaces view.
func New(opts Options) *App {
	sh := &shared{
		keys: DefaultKeyMap(), styles: opts.Styles, now: opts.Now,
		timeout: opts.Timeout, connectTimeout: opts.ConnectTimeout,
		readOnly: opts.ReadOnly, pageSize: opts.PageSize, after: opts.After,
		configPath: opts.ConfigPath, targetFor: opts.TargetFor,
	}
	if sh.targetFor == nil {
		co := opts.ConnectOptions
		sh.targetFor = func(src sbsvc.Source) Target { return SourceTarget(src, co) }
	}
	a := &App{sh: sh, noMouse: opts.NoMouse}
	if sh.after == nil {
		sh.after = a.timer
	}
	if opts.Keys != nil {
		sh.keys = *opts.Keys
	}
	if sh.styles == nil {
		sh.styles = ui.NewStyles(true, false)
	}
	if sh.now == nil {
		sh.now = time.Now
	}
	if sh.timeout <= 0 {
		sh.timeout = 30 * time.Second
	}
	if sh.connectTimeout <= 0 {
		sh.connectTimeout = 90 * time.Second
	}
	if sh.pageSize <= 0 {
		sh.pageSize = 100
	}
	ns := newNamespacesView(sh, opts.Targets, opts.Selected)
	a.stack, a.ns = []view{ns}, ns
	a.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	return a
}

// SetProgram gives the App the running program's Send, which its timers
// (toast expiry, auto-refresh, the age clock, lock countdowns) deliver
// through when Options.After is nil. Without it those timers never fire:
// code that drives the App by hand without a program (benchmarks) must
// not block on a sleeping command.
func (a *App) SetProgram(send func(tea.Msg)) {
	a.sendMu.Lock()
	a.send = send
	a.sendMu.Unlock()
}

// timer is the default Options.After: a runtime timer that sends fn's
// message to the program, and a command that returns at once.
func (a *App) timer(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	a.sendMu.Lock()
	send := a.send
	a.sendMu.Unlock()
	if send == nil {
		return nil
	}
	time.AfterFunc(d, func() { send(fn(time.Now())) })
	return nil
}

// Init connects every namespace (the demo starts its emulator) in the
// background, asks the terminal for its background colour (light or dark
// styles), and starts the once-a-second clock that keeps "updated 7s ago"
// current.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.withSpinner(a.ns.connectAll()), tea.RequestBackgroundColor, a.ageTick())
}

// ageTickMsg redraws the data's age once a second.
type ageTickMsg struct{}

func (a *App) ageTick() tea.Cmd {
	return a.sh.after(time.Second, func(time.Time) tea.Msg { return ageTickMsg{} })
}

// Close closes every connected namespace (and the demo's emulator); main
// calls it after the program ends.
func (a *App) Close(ctx context.Context) {
	for _, v := range a.stack {
		v.cancel()
	}
	a.ns.closeAll(ctx)
}

func (a *App) top() view { return a.stack[len(a.stack)-1] }

// Update routes messages: global keys first, tagged results to the view
// that asked, everything else to the top view.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		for _, v := range a.stack {
			v.setSize(a.bodyWidth(), a.bodyHeight())
		}
		return a, nil
	case tea.BackgroundColorMsg:
		// Views and tables hold the same *Styles: replacing it in place
		// recolours everything at the next frame.
		a.sh.styles.Replace(ui.NewStyles(msg.IsDark(), a.sh.styles.NoColor))
		return a, nil
	case ageTickMsg:
		return a, a.ageTick()
	case tea.MouseClickMsg:
		m := tea.Mouse(msg)
		return a, a.mouse(tea.MouseClickMsg(m), m)
	case tea.MouseWheelMsg:
		m := tea.Mouse(msg)
		return a, a.mouse(tea.MouseWheelMsg(m), m)
	case tea.PasteMsg:
		if a.jump != nil {
			a.jump.input.insert(msg.Content)
			a.jump.refresh()
			return a, nil
		}
	case spinner.TickMsg:
		if !a.anyBusy() {
			a.spinning = false
			return a, nil
		}
		var cmd tea.Cmd
		a.spin, cmd = a.spin.Update(msg)
		return a, cmd
	case toastMsg:
		id := a.sh.nextID()
		a.toast = &shownToast{id: id, kind: msg.kind, text: msg.text}
		return a, a.sh.after(toastFor, func(time.Time) tea.Msg { return toastExpiredMsg{id: id} })
	case toastExpiredMsg:
		if a.toast != nil && a.toast.id == msg.id {
			a.toast = nil
		}
		return a, nil
	case targeted:
		for _, v := range a.stack {
			if v.id() == msg.target() {
				cmd, nav := v.update(msg)
				return a, a.withSpinner(tea.Batch(cmd, a.navigate(v, nav)))
			}
		}
		return a, nil // the view was left: drop the stale result
	case broadcast:
		var cmds []tea.Cmd
		for _, v := range a.stack {
			cmd, _ := v.update(msg) // a broadcast never navigates
			cmds = append(cmds, cmd)
		}
		return a, a.withSpinner(tea.Batch(cmds...))
	case tea.KeyPressMsg:
		return a, a.withSpinner(a.key(msg))
	}
	top := a.top()
	cmd, nav := top.update(msg)
	return a, a.withSpinner(tea.Batch(cmd, a.navigate(top, nav)))
}

// mouse sends a wheel or click to the top view with Y made relative to
// the view's body (the breadcrumbs take the first line). Nothing under
// the help screen or the jump prompt is clickable.
func (a *App) mouse(msg tea.Msg, m tea.Mouse) tea.Cmd {
	if w, ok := msg.(tea.MouseWheelMsg); ok && a.showHelp && !ui.TooSmall(a.width, a.height) {
		switch w.Button {
		case tea.MouseWheelDown:
			a.scrollHelp(wheelRows)
		case tea.MouseWheelUp:
			a.scrollHelp(-wheelRows)
		}
		return nil
	}
	if a.showHelp || a.jump != nil || ui.TooSmall(a.width, a.height) || m.Y < 1 || m.Y > a.bodyHeight() {
		return nil
	}
	m.Y--
	switch msg.(type) {
	case tea.MouseClickMsg:
		msg = tea.MouseClickMsg(m)
	case tea.MouseWheelMsg:
		msg = tea.MouseWheelMsg(m)
	}
	top := a.top()
	cmd, nav := top.update(msg)
	return a.withSpinner(tea.Batch(cmd, a.navigate(top, nav)))
}

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := a.sh.keys
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if a.jump != nil {
		return a.jumpKey(msg)
	}
	if t, ok := a.top().(typing); ok && t.typing() {
		top := a.top()
		cmd, nav := top.update(msg)
		return tea.Batch(cmd, a.navigate(top, nav))
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		a.showHelp, a.helpTop = !a.showHelp, 0
		return nil
	case a.showHelp && key.Matches(msg, k.Back):
		a.showHelp = false
		return nil
	case ui.TooSmall(a.width, a.height) && a.width > 0:
		return nil // nothing is visible to act on
	case a.showHelp && !key.Matches(msg, k.Jump):
		// The help covers the view: keys move the help, never act unseen.
		a.helpKey(msg)
		return nil
	case key.Matches(msg, k.Jump):
		a.showHelp = false
		return a.openJump()
	case key.Matches(msg, k.Back):
		// Esc cancels the top view's work; above the root it also leaves,
		// unless the view holds something it must ask about first.
		top := a.top()
		if g, ok := top.(leaveGuard); ok {
			if cmd, leave := g.beforeLeave(); !leave {
				return cmd
			}
		}
		top.cancel()
		if len(a.stack) == 1 {
			return nil
		}
		a.stack = a.stack[:len(a.stack)-1]
		return nil
	}
	top := a.top()
	cmd, nav := top.update(msg)
	return tea.Batch(cmd, a.navigate(top, nav))
}

// navigate applies what view from asked for: pop from (and anything
// above it), then push.
func (a *App) navigate(from view, nav *navigation) tea.Cmd {
	if nav == nil {
		return nil
	}
	if nav.pop {
		for i := len(a.stack) - 1; i > 0; i-- {
			if a.stack[i] == from {
				for _, v := range a.stack[i:] {
					v.cancel()
				}
				a.stack = a.stack[:i]
				break
			}
		}
	}
	if nav.push == nil {
		return nav.cmd
	}
	nav.push.setSize(a.bodyWidth(), a.bodyHeight())
	a.stack = append(a.stack, nav.push)
	a.showHelp = false
	return nav.cmd
}

// withSpinner starts the spinner's tick chain when work is in flight and
// no chain is running; the chain stops itself when nothing is busy.
func (a *App) withSpinner(cmd tea.Cmd) tea.Cmd {
	if a.spinning || !a.anyBusy() {
		return cmd
	}
	a.spinning = true
	return tea.Batch(cmd, a.spin.Tick)
}

func (a *App) anyBusy() bool {
	for _, v := range a.stack {
		if v.busy() {
			return true
		}
	}
	return false
}

// Layout: one line of breadcrumbs, the body, one status line.
func (a *App) bodyWidth() int  { return max(a.width, 0) }
func (a *App) bodyHeight() int { return max(a.height-2, 0) }

// View draws the whole screen.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "sbx"
	if !a.noMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (a *App) render() string {
	st := a.sh.styles
	if a.width <= 0 || a.height <= 0 {
		return ""
	}
	if ui.TooSmall(a.width, a.height) {
		return st.TooSmallView(a.width, a.height)
	}
	crumbs := make([]string, 0, len(a.stack))
	for _, v := range a.stack {
		crumbs = append(crumbs, v.crumb())
	}
	var body string
	if a.showHelp {
		body = a.helpPage()
	} else {
		body = a.top().render()
	}
	body = fitLines(body, a.bodyWidth(), a.bodyHeight())
	// A toast never hides a prompt being typed into: it is drawn just
	// above the view's prompt line(s), or above the jump box.
	keep := 0
	if p, ok := a.top().(bottomPrompt); ok && !a.showHelp {
		keep = p.promptLines()
	}
	if a.jump != nil {
		box := a.jump.render(st, a.bodyWidth())
		body = overlayBottom(body, box, 0)
		keep = lineCount(box)
	}
	if a.toast != nil {
		body = overlayBottom(body, st.Toast(a.toast.kind, a.toast.text, min(a.width, 80)), keep)
	}
	return strings.Join([]string{
		ui.Fit(st.Breadcrumbs(crumbs, a.width), a.width),
		body,
		a.statusBar(),
	}, "\n")
}

// overlayBottom replaces lines of body with box's lines (a toast over the
// bottom of the view), ending keep lines above the last, keeping the line
// count. A box with no room above the kept lines is not drawn.
func overlayBottom(body, box string, keep int) string {
	if box == "" {
		return body
	}
	lines := strings.Split(body, "\n")
	boxLines := strings.Split(box, "\n")
	end := len(lines) - max(keep, 0)
	if len(boxLines) > end {
		return body
	}
	copy(lines[end-len(boxLines):end], boxLines)
	return strings.Join(lines, "\n")
}

func (a *App) helpGroups() []ui.HelpGroup {
	hidden := map[string]bool{}
	if _, readOnly := a.ns.current(); readOnly || a.sh.readOnly {
		for _, b := range a.sh.keys.writeBindings() {
			hidden[b.Help().Key+"\x00"+b.Help().Desc] = true
		}
	}
	var groups []ui.HelpGroup
	for i, col := range a.sh.keys.FullHelp() {
		g := ui.HelpGroup{Title: helpGroupTitles[min(i, len(helpGroupTitles)-1)]}
		for _, b := range col {
			if b.Enabled() && !hidden[b.Help().Key+"\x00"+b.Help().Desc] {
				g.Keys = append(g.Keys, ui.KeyHelp{Keys: b.Help().Key, Desc: b.Help().Desc})
			}
		}
		if len(g.Keys) > 0 { // a column all of write keys is left out in read-only mode
			groups = append(groups, g)
		}
	}
	return groups
}

func (a *App) statusBar() string {
	st := a.sh.styles
	bar := ui.StatusBar{Badges: []string{st.Badge(ui.BadgePeek, "PEEK")}}
	if b, ok := a.top().(accessBadger); ok {
		bar.Badges[0] = st.Badge(ui.BadgeInfo, b.accessBadge())
	}
	name, readOnly := a.ns.current()
	if readOnly || a.sh.readOnly {
		bar.Badges = append(bar.Badges, st.Badge(ui.BadgeReadOnly, "READ-ONLY"))
	}
	if name != "" {
		bar.Left = append(bar.Left, name)
	}
	if t := a.top().refreshedAt(); !t.IsZero() {
		bar.Left = append(bar.Left, "updated "+relative(a.sh.now(), t))
	}
	if a.anyBusy() {
		bar.Left = append(bar.Left, a.spin.View()+" working (esc cancels)")
	}
	bindings := a.sh.keys.ShortHelp()
	if h, ok := a.top().(hinter); ok && !a.showHelp {
		bindings = h.hints()
	}
	if a.showHelp {
		bindings = a.helpHints()
	}
	for _, b := range bindings {
		if b.Enabled() {
			bar.Hints = append(bar.Hints, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return bar.Render(st, a.width)
}
