package ui

import "strings"

// CrumbSeparator joins breadcrumb parts.
const CrumbSeparator = " › "

// Breadcrumbs renders "namespace › entity › subqueue › #seq" in at most
// width cells. When too narrow, the leading parts go first ("… › entity ›
// #seq"), then the last part is cut from the left: the most specific part
// is the one worth keeping.
func (s *Styles) Breadcrumbs(parts []string, width int) string {
	if width <= 0 || len(parts) == 0 {
		return ""
	}
	clean := make([]string, len(parts))
	for i, p := range parts {
		clean[i] = Sanitize(p)
	}
	sepW := Width(CrumbSeparator)
	lead := Ellipsis + CrumbSeparator
	for drop := 0; drop < len(clean); drop++ {
		kept := clean[drop:]
		w := 0
		for i, p := range kept {
			if i > 0 {
				w += sepW
			}
			w += Width(p)
		}
		if drop > 0 {
			w += Width(lead)
		}
		if w <= width {
			return s.renderCrumbs(kept, drop > 0)
		}
	}
	last := clean[len(clean)-1]
	return s.Crumb.Render(TruncateLeft(last, width))
}

func (s *Styles) renderCrumbs(parts []string, elided bool) string {
	var b strings.Builder
	if elided {
		b.WriteString(s.Subtle.Render(Ellipsis))
		b.WriteString(s.CrumbSep.Render(CrumbSeparator))
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteString(s.CrumbSep.Render(CrumbSeparator))
		}
		if i == len(parts)-1 {
			b.WriteString(s.Crumb.Render(p))
		} else {
			b.WriteString(s.Breadcrumb.Render(p))
		}
	}
	return b.String()
}

// BadgeKind picks a badge's colours.
type BadgeKind uint8

const (
	BadgeInfo BadgeKind = iota
	BadgeReadOnly
	BadgePeek
)

// Badge renders a short label that must stand out: " READ-ONLY " on a
// coloured background, or "[READ-ONLY]" without colour.
func (s *Styles) Badge(kind BadgeKind, label string) string {
	label = Sanitize(label)
	if s.NoColor {
		return "[" + label + "]"
	}
	st := s.BadgeInfo
	switch kind {
	case BadgeReadOnly:
		st = s.BadgeReadOnly
	case BadgePeek:
		st = s.BadgePeek
	}
	return st.Render(" " + label + " ")
}

// StatusBar is the bottom line: badges, then left segments (connection,
// mode, last refresh …), and right segments pushed to the right edge.
type StatusBar struct {
	Badges []string // already rendered with Styles.Badge
	Left   []string // untrusted text, sanitised here
	Right  []string
	// Hints are key hints ("enter open"), shown right after Right, as
	// many as fit beside the left text, in order: the first matter most.
	Hints []string
}

// hintSep separates key hints.
const hintSep = "  "

// segmentSep joins status segments.
const segmentSep = " · "

// Render draws the bar in exactly width cells. When space runs out the left
// text is cut first, then the right segments, and the badges last.
func (b StatusBar) Render(s *Styles, width int) string {
	if width <= 0 {
		return ""
	}
	badges := strings.Join(b.Badges, " ")
	left := joinClean(b.Left)
	right := joinClean(b.Right)
	if len(b.Hints) > 0 {
		right = b.fitHints(right, width-Width(badges)-Width(left)-2)
	}
	bw, rw := Width(badges), Width(right)
	gap := 0
	if bw > 0 && left != "" {
		gap = 1
	}
	if bw+gap+rw+1 > width { // no room for the right side
		right, rw = "", 0
	}
	if bw > width {
		return Fit(badges, width)
	}
	room := width - bw - gap - rw
	if rw > 0 {
		room-- // keep a space before the right side
	}
	if room < 0 {
		room = 0
	}
	leftFit := Fit(left, room)
	var out strings.Builder
	out.WriteString(badges)
	if gap > 0 && room > 0 {
		out.WriteByte(' ')
	}
	out.WriteString(s.StatusSegment.Render(leftFit))
	if rw > 0 {
		out.WriteByte(' ')
		out.WriteString(s.StatusBar.Render(right))
	}
	// Any remaining cells (no left text, or a dropped gap) are filled so the
	// bar is always exactly width wide.
	res := out.String()
	if pad := width - Width(res); pad > 0 {
		res += strings.Repeat(" ", pad)
	}
	return res
}

func joinClean(parts []string) string {
	var kept []string
	for _, p := range parts {
		if p = Sanitize(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, segmentSep)
}

// fitHints appends to right the hints that fit in room cells.
func (b StatusBar) fitHints(right string, room int) string {
	used := Width(right)
	for _, h := range b.Hints {
		h = Sanitize(h)
		w := Width(h)
		if used > 0 {
			w += Width(hintSep)
		}
		if used+w > room {
			break
		}
		if used > 0 {
			right += hintSep
		}
		right += h
		used += w
	}
	return right
}
