package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/sbsvc/decode"
	"github.com/sbx-tui/sbx/ui"
)

// view is one level of the navigation stack. Views are plain structs with
// methods; only the App returns a tea.View.
type view interface {
	id() uint64
	crumb() string
	setSize(width, height int)
	update(msg tea.Msg) (tea.Cmd, *navigation)
	render() string
	busy() bool
	// cancel stops the view's in-flight work (Esc, or leaving the view).
	cancel()
	// refreshedAt is when the view's data last arrived (zero: never).
	refreshedAt() time.Time
}

// navigation is what a view asks the App to do with the stack: push a view
// on top (a drill-down, a dialog, a progress view), or pop itself first and
// then push (replace: a confirmation becoming a progress view), or just pop.
type navigation struct {
	push view
	cmd  tea.Cmd // the pushed view's first load
	pop  bool    // remove the asking view (and anything above it) first
}

// leaveGuard is implemented by views that must not be left silently (locks
// held): the App calls beforeLeave on Esc; when it returns ok=false the view
// stays and cmd runs (typically it opens a question). Views leave for good
// through a navigation with pop.
type leaveGuard interface {
	beforeLeave() (cmd tea.Cmd, ok bool)
}

// typing is implemented by views that can have a text field focused (a
// filter line, a prompt). While typing() is true the App hands the view
// every key, so q, ? and esc edit the field instead of quitting, opening
// help or leaving; only ctrl+c still quits.
type typing interface{ typing() bool }

// bottomPrompt is implemented by views that draw a prompt being typed
// into on the last lines of their body (a search or save-as line, a
// filter line): promptLines says how many, 0 when none is open, and the
// App draws toasts above them.
type bottomPrompt interface{ promptLines() int }

// hinter is implemented by views that offer their own one-line key hints
// for the status bar; other views get the key map's ShortHelp.
type hinter interface{ hints() []key.Binding }

// accessBadger is a view that holds something other than a peek (message
// locks, a session lock): the status bar names it instead of PEEK, so a user
// always knows whether looking can change anything.
type accessBadger interface{ accessBadge() string }

// mouseClicks gives a view built on a ui.Table the mouse: the App sends the
// top view tea.MouseWheelMsg and tea.MouseClickMsg with Y relative to the
// view's body; mouseTable maps them onto the table drawn from line
// tableTop. The wheel moves the cursor three rows; a click selects the row
// under the pointer, and a second click on it within doubleClick opens it.
// It remembers the last click to tell a double click.
type mouseClicks struct {
	lastRow int
	lastAt  time.Time
}

// doubleClick is how close two clicks must be to count as one double click.
const doubleClick = 500 * time.Millisecond

// wheelRows is how far one wheel notch moves the cursor.
const wheelRows = 3

// mouseTable applies msg to t. moved reports a cursor change, open a
// double click on a row.
func (c *mouseClicks) mouseTable(t *ui.Table, msg tea.Msg, tableTop int, now time.Time) (moved, open bool) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			t.SetCursor(t.Cursor() - wheelRows)
		case tea.MouseWheelDown:
			t.SetCursor(t.Cursor() + wheelRows)
		default:
			return false, false
		}
		return true, false
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return false, false
		}
		row := t.RowAt(msg.Y - tableTop)
		if row < 0 {
			return false, false
		}
		open = row == c.lastRow && !c.lastAt.IsZero() && now.Sub(c.lastAt) <= doubleClick
		t.SetCursor(row)
		c.lastRow, c.lastAt = row, now
		if open {
			c.lastAt = time.Time{} // a third click starts over
		}
		return true, open
	}
	return false, false
}

// broadcast is implemented by messages every view on the stack should see
// (an entity changed: its counts and rows are stale everywhere).
type broadcast interface{ broadcast() }

// entityChangedMsg tells every view that a write changed an entity, so
// lists reload and counts refresh.
type entityChangedMsg struct {
	Path string // the entity's path, as EntityRef.Path() without sub-queue
}

func (entityChangedMsg) broadcast() {}

// entitiesListedMsg hands every view the entities' fresh counts after the
// entities view (re)loaded them, so a messages view's "N of M loaded" does
// not keep the count from when it opened.
type entitiesListedMsg struct{ rows []sbsvc.Entity }

func (entitiesListedMsg) broadcast() {}

// toastMsg shows a transient notice above the status bar for a few seconds.
// Any view may return it from a tea.Cmd, or call toast().
type toastMsg struct {
	kind ui.ToastKind
	text string
}

// toast makes a tea.Cmd that shows a notice.
func toast(kind ui.ToastKind, format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return toastMsg{kind: kind, text: text} }
}

// toastExpiredMsg removes the toast numbered id if it is still showing.
type toastExpiredMsg struct{ id uint64 }

// targeted is implemented by result messages: the id of the view that
// asked. A result whose view is no longer on the stack is dropped.
type targeted interface{ target() uint64 }

// inflight is the bookkeeping for one view's outstanding request.
type inflight struct {
	req    uint64
	stop   context.CancelFunc
	active bool
}

func (f *inflight) start(req uint64, stop context.CancelFunc) {
	f.cancel()
	f.req, f.stop, f.active = req, stop, true
}

// accept reports whether a result with id req is the one awaited, and
// marks it done.
func (f *inflight) accept(req uint64) bool {
	if !f.active || req != f.req {
		return false
	}
	f.active = false
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	return true
}

func (f *inflight) cancel() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	f.active = false
}

// errorInfo turns any error into what the error panel shows: sbsvc's kind
// and remedy when it is classified.
func errorInfo(title string, err error) ui.ErrorInfo {
	info := ui.ErrorInfo{Title: title, Message: err.Error()}
	var se *sbsvc.Error
	switch {
	case errors.As(err, &se):
		info.Kind, info.Remedy = se.Kind.String(), se.Remedy
		if info.Remedy == "" {
			info.Remedy = se.Kind.Remedy()
		}
	case errors.Is(err, context.DeadlineExceeded):
		info.Kind = sbsvc.KindTimeout.String()
		info.Remedy = sbsvc.KindTimeout.Remedy()
	case errors.Is(err, context.Canceled):
		info.Kind = sbsvc.KindCancelled.String()
		info.Remedy = "Press r to try again."
	}
	return info
}

// errorClass is the short class shown in a table cell.
func errorClass(err error) string {
	if info := errorInfo("", err); info.Kind != "" {
		return info.Kind
	}
	return "error"
}

// fitLines cuts or pads text to exactly height lines of at most width
// cells, so a view never pushes the status bar off the screen.
func fitLines(text string, width, height int) string {
	if height <= 0 {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ui.Width(l) > width {
			lines[i] = ui.Fit(l, width)
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// relative says how long ago t was, briefly ("42s", "3m", "5h", "2d").
func relative(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh", int(d.Hours()))
	default:
		s = fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// bytesText formats a size in bytes for a column.
func bytesText(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
}

// wrapSubtle word-wraps a note to width in the subtle style.
func wrapSubtle(st *ui.Styles, width int, text string) string {
	return st.Subtle.Render(ansi.Wrap(ui.Sanitize(text), max(width, 1), " "))
}

// decodeInput hands a message's body to the decoder.
func decodeInput(m *sbsvc.Message) decode.Input {
	in := decode.Input{Body: m.Body, ContentType: m.ContentType, Properties: m.Properties}
	switch m.BodyKind {
	case sbsvc.BodyValue:
		in.AMQPValue, in.HasValue = m.BodyValue, true
	case sbsvc.BodySequence:
		if seq, ok := m.BodyValue.([][]any); ok {
			in.AMQPSequence, in.HasSequence = seq, true
		}
	}
	return in
}

// scrollDelta maps the navigation keys onto a scroll by lines for a text
// that scrolls as a whole (a summary, the help): a line, a page, or all
// the way (callers clamp). ok is false for any other key.
func scrollDelta(k KeyMap, msg tea.KeyPressMsg, page int) (delta int, ok bool) {
	const all = 1 << 30
	switch {
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.Top):
		return -all, true
	case key.Matches(msg, k.Bottom):
		return all, true
	}
	return 0, false
}
