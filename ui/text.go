package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis marks text cut to fit.
const Ellipsis = "…"

// Width is the display width of s in terminal cells (wide CJK and emoji
// count two, combining marks zero, escape sequences nothing).
func Width(s string) int { return ansi.StringWidth(s) }

// Fit truncates s to at most w cells (adding an ellipsis when it cuts) and
// pads it with spaces to exactly w cells. A wide character that would
// straddle the edge is dropped rather than split, and the gap padded.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, Ellipsis)
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// FitRight is Fit with the text pushed to the right edge (numbers).
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, Ellipsis)
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s = strings.Repeat(" ", w-sw) + s
	}
	return s
}

// TruncateLeft keeps the right-hand end of s within w cells, marking the cut
// with a leading ellipsis (paths and breadcrumbs keep their most specific
// part).
func TruncateLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w == 1 {
		return Ellipsis
	}
	return Ellipsis + ansi.TruncateLeft(s, sw-(w-1), "")
}

// FormatCount writes n with thousands separators: 1234567 → "1,234,567".
func FormatCount(n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	digits := strconv.FormatUint(u, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	lead := len(digits) % 3
	if lead == 0 {
		lead = 3
	}
	b.WriteString(digits[:lead])
	for i := lead; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
