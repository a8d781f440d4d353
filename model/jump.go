package model

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// jumpCandidates is how many completions the jump prompt lists.
const jumpCandidates = 5

// jumpPrompt is the `:` command line: type part of a queue or
// subscription name of the namespace being browsed, Enter opens its
// messages. It draws over the bottom of the screen, k9s-style.
type jumpPrompt struct {
	input   lineInput
	ev      *entitiesView // the namespace whose entities complete the name
	matches []sbsvc.Entity
	sel     int
	err     string
}

// jumpName is how an entity is typed and listed in the prompt: the queue
// name, or topic/subscription.
func jumpName(e sbsvc.Entity) string {
	if e.Kind == sbsvc.SubscriptionEntity {
		return e.Topic + "/" + e.Name
	}
	return e.Name
}

// openJump starts the prompt on the namespace browsed deepest in the
// stack; without one there is nothing to jump to.
func (a *App) openJump() tea.Cmd {
	var ev *entitiesView
	for i := len(a.stack) - 1; i >= 0 && ev == nil; i-- {
		ev, _ = a.stack[i].(*entitiesView)
	}
	if ev == nil {
		return toast(ui.ToastWarn, "Nothing to jump to yet: open a namespace first (enter), then press %s.", a.sh.keys.Jump.Help().Key)
	}
	if len(ev.all) == 0 {
		return toast(ui.ToastWarn, "The entities of %s are not loaded yet.", ev.nsName)
	}
	a.jump = &jumpPrompt{ev: ev, input: lineInput{prompt: ":"}}
	a.jump.refresh()
	return nil
}

// refresh ranks the namespace's queues and subscriptions against the text.
func (j *jumpPrompt) refresh() {
	j.err, j.sel = "", 0
	query := strings.ToLower(strings.TrimSpace(j.input.text()))
	type ranked struct {
		e     sbsvc.Entity
		score int
	}
	var found []ranked
	for _, e := range j.ev.all {
		if e.Kind == sbsvc.TopicEntity {
			continue
		}
		best, ok := fuzzyScore(query, jumpName(e))
		if s, ok2 := fuzzyScore(query, e.Name); ok2 && (!ok || s < best) {
			best, ok = s, true
		}
		if ok || query == "" {
			found = append(found, ranked{e, best})
		}
	}
	slices.SortStableFunc(found, func(a, b ranked) int { return a.score - b.score })
	j.matches = j.matches[:0]
	for _, r := range found {
		j.matches = append(j.matches, r.e)
	}
}

// jumpKey handles a key while the prompt is open.
func (a *App) jumpKey(msg tea.KeyPressMsg) tea.Cmd {
	j := a.jump
	switch msg.String() {
	case "esc":
		a.jump = nil
	case "up", "shift+tab":
		j.sel = max(j.sel-1, 0)
	case "down":
		j.sel = min(j.sel+1, max(min(len(j.matches), jumpCandidates)-1, 0))
	case "tab":
		if len(j.matches) > 0 {
			j.input.set(jumpName(j.matches[j.sel]))
			j.refresh()
		}
	case "enter":
		return a.jumpTo()
	default:
		if j.input.handle(msg) {
			j.refresh()
		}
	}
	return nil
}

// jumpTo opens the chosen entity's messages above its entities view,
// leaving whatever was above that view (views that hold locks ask first).
func (a *App) jumpTo() tea.Cmd {
	j := a.jump
	typed := strings.TrimSpace(j.input.text())
	if typed == "" {
		j.err = "Type part of a queue or subscription name."
		return nil
	}
	if len(j.matches) == 0 {
		j.err = "No queue or subscription in " + j.ev.nsName + " matches " + typed + "."
		return nil
	}
	e := j.matches[min(j.sel, len(j.matches)-1)]
	base := -1
	for i, v := range a.stack {
		if v == j.ev {
			base = i
		}
	}
	if base < 0 { // the namespace was left while the prompt was open
		a.jump = nil
		return nil
	}
	for i := len(a.stack) - 1; i > base; i-- {
		if g, ok := a.stack[i].(leaveGuard); ok {
			if cmd, leave := g.beforeLeave(); !leave {
				a.jump = nil
				return cmd
			}
		}
	}
	for _, v := range a.stack[base+1:] {
		v.cancel()
	}
	a.stack = a.stack[:base+1]
	a.jump = nil
	j.ev.selectPath(e.Path())
	mv := newMessagesView(a.sh, j.ev.conn, e)
	return a.navigate(j.ev, &navigation{push: mv, cmd: mv.load()})
}

// render draws the prompt: the best candidates, an error, the input line.
func (j *jumpPrompt) render(st *ui.Styles, width int) string {
	var lines []string
	for i, e := range j.matches {
		if i == jumpCandidates {
			lines = append(lines, st.Subtle.Render(ui.Fit("   … and more: keep typing", width)))
			break
		}
		kind := "queue"
		if e.Kind == sbsvc.SubscriptionEntity {
			kind = "subscription"
		}
		text := "  " + ui.Sanitize(jumpName(e)) + "  " + st.Subtle.Render(kind)
		if i == j.sel {
			text = "▸ " + st.Title.Render(ui.Sanitize(jumpName(e))) + "  " + st.Subtle.Render(kind)
		}
		lines = append(lines, ui.Fit(text, width))
	}
	if len(j.matches) == 0 && j.input.text() != "" {
		lines = append(lines, st.Subtle.Render(ui.Fit("  no match", width)))
	}
	if j.err != "" {
		lines = append(lines, st.ErrorTitle.Render(ui.Fit("  "+ui.Sanitize(j.err), width)))
	}
	hint := st.Subtle.Render("  enter open · tab complete · ↑/↓ choose · esc close")
	lines = append(lines, ui.Fit(hint, width))
	lines = append(lines, j.input.render(st, width))
	return strings.Join(lines, "\n")
}
