// Package ui holds sbx's look and feel: the semantic styles built from the
// terminal's background and NO_COLOR, and render-only widgets (a virtualised
// table, a body viewer with highlighting, badges, progress, breadcrumbs,
// status bar, toasts, the error panel, help and the "too small" screen).
//
// Nothing here talks to Service Bus or keeps a state machine: the model/
// package owns state and calls these functions from View.
package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is the whole palette by role. Views never use colour literals; they
// ask for a role here. Build it once per background change with NewStyles.
type Styles struct {
	// NoColor is true when the styles carry no SGR at all; widgets then lean
	// on markers and words (which they always add anyway).
	NoColor bool

	Title      lipgloss.Style
	Subtle     lipgloss.Style
	Breadcrumb lipgloss.Style // earlier crumbs
	Crumb      lipgloss.Style // the current (last) crumb
	CrumbSep   lipgloss.Style

	StatusBar     lipgloss.Style
	StatusSegment lipgloss.Style
	BadgeReadOnly lipgloss.Style
	BadgePeek     lipgloss.Style
	BadgeInfo     lipgloss.Style

	TableHeader   lipgloss.Style
	TableRow      lipgloss.Style
	TableSelected lipgloss.Style // the cursor row
	TableMarked   lipgloss.Style // rows in the multi-selection
	TableDim      lipgloss.Style
	DeadLetter    lipgloss.Style // a dead-letter count above zero
	CellOK        lipgloss.Style
	CellWarn      lipgloss.Style
	CellError     lipgloss.Style

	ErrorBorder lipgloss.Style
	ErrorTitle  lipgloss.Style
	ErrorKind   lipgloss.Style
	ErrorRemedy lipgloss.Style

	ToastInfo    lipgloss.Style
	ToastSuccess lipgloss.Style
	ToastWarn    lipgloss.Style
	ToastError   lipgloss.Style

	HelpTitle lipgloss.Style
	HelpKey   lipgloss.Style
	HelpDesc  lipgloss.Style

	// Body viewer tokens.
	TokKey         lipgloss.Style // JSON object keys
	TokString      lipgloss.Style
	TokNumber      lipgloss.Style
	TokLiteral     lipgloss.Style // true / false / null
	TokPunct       lipgloss.Style
	TokTag         lipgloss.Style // XML element names
	TokAttr        lipgloss.Style // XML attribute names
	TokComment     lipgloss.Style
	TokMatch       lipgloss.Style // a search hit
	TokCurrent     lipgloss.Style // the search hit the user is on
	LineNumber     lipgloss.Style
	LockOK         lipgloss.Style
	LockWarn       lipgloss.Style
	LockCritical   lipgloss.Style
	LockLost       lipgloss.Style
	ProgressFilled lipgloss.Style
	ProgressEmpty  lipgloss.Style
	ProgressText   lipgloss.Style

	// codes caches the raw SGR open sequence of each token style so the body
	// viewer can colour thousands of spans without a lipgloss Render each.
	codes tokenCodes

	// gen changes every time Replace swaps the palette, so widgets that
	// cache rendered text know to drop it.
	gen uint64
}

// Replace switches s in place to the palette of n (the terminal's
// background became known, or NO_COLOR changed). Every widget and view
// holding s sees the new colours at its next render; caches are dropped.
func (s *Styles) Replace(n *Styles) {
	if n == nil || n == s {
		return
	}
	gen := s.gen + 1
	*s = *n
	s.gen = gen
}

// palette is the handful of colours a theme is made of.
type palette struct {
	fg, subtle, dim, accent, accentFg  color.Color
	selBG, selFG, markBG               color.Color
	danger, warn, ok, info             color.Color
	key, str, num, lit, punct, comment color.Color
	matchBG, currentBG, matchFG        color.Color
}

func darkPalette() palette {
	c := lipgloss.Color
	return palette{
		fg: c("#E4E4E7"), subtle: c("#A1A1AA"), dim: c("#71717A"),
		accent: c("#7C6CF2"), accentFg: c("#FFFFFF"),
		selBG: c("#3F3A72"), selFG: c("#FFFFFF"), markBG: c("#2A2F45"),
		danger: c("#F87171"), warn: c("#FBBF24"), ok: c("#4ADE80"), info: c("#60A5FA"),
		key: c("#93C5FD"), str: c("#A7F3D0"), num: c("#FCA5A5"), lit: c("#C4B5FD"),
		punct: c("#A1A1AA"), comment: c("#71717A"),
		matchBG: c("#854D0E"), currentBG: c("#F59E0B"), matchFG: c("#000000"),
	}
}

func lightPalette() palette {
	c := lipgloss.Color
	return palette{
		fg: c("#18181B"), subtle: c("#52525B"), dim: c("#A1A1AA"),
		accent: c("#5B4BD5"), accentFg: c("#FFFFFF"),
		selBG: c("#DDD6FE"), selFG: c("#18181B"), markBG: c("#E0E7FF"),
		danger: c("#B91C1C"), warn: c("#B45309"), ok: c("#15803D"), info: c("#1D4ED8"),
		key: c("#1D4ED8"), str: c("#047857"), num: c("#B91C1C"), lit: c("#6D28D9"),
		punct: c("#52525B"), comment: c("#A1A1AA"),
		matchBG: c("#FDE68A"), currentBG: c("#F59E0B"), matchFG: c("#000000"),
	}
}

// NoColorFromEnv reports whether colour should be off: NO_COLOR set to
// anything non-empty (https://no-color.org) or TERM=dumb. getenv is
// os.Getenv in main and a map lookup in tests.
func NoColorFromEnv(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	return getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
}

// NewStyles builds the styles for a dark or light terminal background. With
// noColor (NO_COLOR set, or a dumb terminal) every style is plain: no SGR
// sequence at all, so state must be (and is) readable from text alone.
func NewStyles(hasDarkBG bool, noColor bool) *Styles {
	if noColor {
		s := &Styles{NoColor: true}
		s.codes = buildTokenCodes(s)
		return s
	}
	p := lightPalette()
	if hasDarkBG {
		p = darkPalette()
	}
	n := lipgloss.NewStyle
	fg := func(c color.Color) lipgloss.Style { return n().Foreground(c) }
	badge := func(bg color.Color) lipgloss.Style {
		return n().Foreground(p.accentFg).Background(bg).Bold(true)
	}
	s := &Styles{
		Title:      fg(p.accent).Bold(true),
		Subtle:     fg(p.subtle),
		Breadcrumb: fg(p.subtle),
		Crumb:      fg(p.fg).Bold(true),
		CrumbSep:   fg(p.dim),

		StatusBar:     fg(p.subtle),
		StatusSegment: fg(p.fg),
		BadgeReadOnly: badge(p.danger),
		BadgePeek:     badge(p.info),
		BadgeInfo:     badge(p.accent),

		TableHeader:   fg(p.subtle).Bold(true).Underline(true),
		TableRow:      fg(p.fg),
		TableSelected: n().Foreground(p.selFG).Background(p.selBG).Bold(true),
		TableMarked:   fg(p.fg).Background(p.markBG),
		TableDim:      fg(p.dim),
		DeadLetter:    fg(p.danger).Bold(true),
		CellOK:        fg(p.ok),
		CellWarn:      fg(p.warn),
		CellError:     fg(p.danger),

		ErrorBorder: fg(p.danger),
		ErrorTitle:  fg(p.danger).Bold(true),
		ErrorKind:   fg(p.subtle).Italic(true),
		ErrorRemedy: fg(p.ok),

		ToastInfo:    fg(p.info),
		ToastSuccess: fg(p.ok),
		ToastWarn:    fg(p.warn),
		ToastError:   fg(p.danger).Bold(true),

		HelpTitle: fg(p.accent).Bold(true),
		HelpKey:   fg(p.fg).Bold(true),
		HelpDesc:  fg(p.subtle),

		TokKey:     fg(p.key),
		TokString:  fg(p.str),
		TokNumber:  fg(p.num),
		TokLiteral: fg(p.lit),
		TokPunct:   fg(p.punct),
		TokTag:     fg(p.key),
		TokAttr:    fg(p.lit),
		TokComment: fg(p.comment).Italic(true),
		TokMatch:   n().Foreground(p.matchFG).Background(p.matchBG),
		TokCurrent: n().Foreground(p.matchFG).Background(p.currentBG).Bold(true),
		LineNumber: fg(p.dim),

		LockOK:       fg(p.ok),
		LockWarn:     fg(p.warn).Bold(true),
		LockCritical: fg(p.danger).Bold(true),
		LockLost:     fg(p.danger).Bold(true).Reverse(true),

		ProgressFilled: fg(p.accent),
		ProgressEmpty:  fg(p.dim),
		ProgressText:   fg(p.subtle),
	}
	s.codes = buildTokenCodes(s)
	return s
}
