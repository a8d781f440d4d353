package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// ToastKind is the flavour of a transient notice.
type ToastKind uint8

const (
	ToastInfo ToastKind = iota
	ToastSuccess
	ToastWarn
	ToastError
)

// toastMarker names the kind in text, so it survives NO_COLOR.
var toastMarker = [...]string{ToastInfo: "i", ToastSuccess: "✓", ToastWarn: "!", ToastError: "✗"}

// Toast renders a short notice in a rounded box at most width cells wide,
// word-wrapped onto as many lines as it needs.
func (s *Styles) Toast(kind ToastKind, text string, width int) string {
	if width < 6 {
		return ""
	}
	st := s.ToastInfo
	switch kind {
	case ToastSuccess:
		st = s.ToastSuccess
	case ToastWarn:
		st = s.ToastWarn
	case ToastError:
		st = s.ToastError
	}
	marker := "i"
	if int(kind) < len(toastMarker) {
		marker = toastMarker[kind]
	}
	body := marker + " " + Sanitize(text)
	inner := min(Width(body), width-4) // border and one space of padding each side
	body = ansi.Wrap(body, inner, " ")
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !s.NoColor {
		box = box.BorderForeground(st.GetForeground())
	}
	return box.Render(st.Render(body))
}

// ErrorInfo is what the error panel shows: sbsvc's classified error.
type ErrorInfo struct {
	Title   string // what failed: "Could not peek orders/$deadletterqueue"
	Kind    string // the error class: "unauthorized", "not found", "throttled" …
	Message string // the service's message
	Remedy  string // what to do about it
}

// ErrorPanel renders an error in a bordered box exactly width cells wide,
// every field sanitised and word-wrapped.
func (s *Styles) ErrorPanel(e ErrorInfo, width int) string {
	if width < 8 {
		return ""
	}
	inner := width - 4
	wrap := func(t string) string { return ansi.Wrap(Sanitize(t), inner, " ") }
	var lines []string
	title := "✗ " + e.Title
	if e.Title == "" {
		title = "✗ Error"
	}
	lines = append(lines, s.ErrorTitle.Render(wrap(title)))
	if e.Kind != "" {
		lines = append(lines, s.ErrorKind.Render(wrap("kind: "+e.Kind)))
	}
	if e.Message != "" {
		lines = append(lines, "", wrap(e.Message))
	}
	if e.Remedy != "" {
		lines = append(lines, "", s.ErrorRemedy.Render(wrap("What to do: "+e.Remedy)))
	}
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Width(width)
	if !s.NoColor {
		box = box.BorderForeground(s.ErrorBorder.GetForeground())
	}
	return box.Render(strings.Join(lines, "\n"))
}

// Minimum terminal size sbx lays out for.
const (
	MinWidth  = 60
	MinHeight = 15
)

// TooSmall reports whether a terminal is below the minimum size.
func TooSmall(width, height int) bool { return width < MinWidth || height < MinHeight }

// TooSmallView fills width×height with a centred notice giving the current
// and the minimum size.
func (s *Styles) TooSmallView(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	msg := []string{
		s.Title.Render("Terminal too small"),
		fmt.Sprintf("%d×%d — sbx needs at least %d×%d", width, height, MinWidth, MinHeight),
		s.Subtle.Render("Enlarge the window to continue."),
	}
	var lines []string
	for _, m := range msg {
		lines = append(lines, strings.Split(ansi.Wrap(m, width, " "), "\n")...)
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	block := strings.Join(lines, "\n")
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, block)
}
