package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestLockStatusThresholds(t *testing.T) {
	until := t0.Add(60 * time.Second)
	cases := []struct {
		before time.Duration // until - now
		state  LockState
		text   string
	}{
		{60 * time.Second, LockOK, "01:00"},
		{10 * time.Second, LockOK, "00:10"},
		{10*time.Second - time.Millisecond, LockWarn, "00:10 !"}, // rounds up
		{9 * time.Second, LockWarn, "00:09 !"},
		{3 * time.Second, LockWarn, "00:03 !"},
		{3*time.Second - time.Nanosecond, LockCritical, "00:03 !!"},
		{1500 * time.Millisecond, LockCritical, "00:02 !!"},
		{time.Millisecond, LockCritical, "00:01 !!"},
		{0, LockLost, "lock lost"},
		{-time.Hour, LockLost, "lock lost"},
	}
	plain := plainStyles()
	for _, c := range cases {
		now := until.Add(-c.before)
		if st, _ := LockStatus(now, until); st != c.state {
			t.Errorf("%v before expiry: state %d, want %d", c.before, st, c.state)
		}
		if got := plain.LockBadge(now, until); got != c.text {
			t.Errorf("%v before expiry: %q, want %q", c.before, got, c.text)
		}
	}
	for _, c := range []struct {
		left time.Duration
		cell Cell
	}{
		{time.Minute, Cell{Text: "01:00", Hint: HintOK}},
		{5 * time.Second, Cell{Text: "00:05 !", Hint: HintWarn}},
		{time.Second, Cell{Text: "00:01 !!", Hint: HintError}},
		{-time.Second, Cell{Text: "lock lost", Hint: HintError}},
	} {
		if got := LockCell(until.Add(-c.left), until); got != c.cell {
			t.Errorf("LockCell %v before expiry: %+v, want %+v", c.left, got, c.cell)
		}
	}
	if st, _ := LockStatus(t0, time.Time{}); st != LockNone || plain.LockBadge(t0, time.Time{}) != "" {
		t.Error("a zero LockedUntil is no lock")
	}
	if got := plain.LockBadge(t0, t0.Add(90*time.Minute)); got != "1:30:00" {
		t.Errorf("long lock: %q", got)
	}
	// Each state has its own colour in a coloured theme.
	dark := NewStyles(true, false)
	seen := map[string]bool{}
	for _, d := range []time.Duration{30 * time.Second, 5 * time.Second, time.Second, 0} {
		seen[sgrOpen(lockStyle(dark, until.Add(-d), until))] = true
	}
	if len(seen) != 4 {
		t.Errorf("lock states share colours: %d distinct", len(seen))
	}
}

func lockStyle(s *Styles, now, until time.Time) (st lipgloss.Style) {
	switch state, _ := LockStatus(now, until); state {
	case LockOK:
		return s.LockOK
	case LockWarn:
		return s.LockWarn
	case LockCritical:
		return s.LockCritical
	}
	return s.LockLost
}

func TestProgressMaths(t *testing.T) {
	p := Progress{Done: 4200, Total: 10000, Started: t0, Now: t0.Add(4 * time.Second)}
	if r := p.Rate(); r != 1050 {
		t.Fatalf("rate %v", r)
	}
	// 5,800 left at 1,050/s is 5.5238 s.
	if d, ok := p.ETA(); !ok || (d-5523809*time.Microsecond).Abs() > time.Millisecond {
		t.Fatalf("eta %v %v", d, ok)
	}
	if got := p.Text(); got != "4,200/10,000 · 1,050/s · ETA 0:06" {
		t.Fatalf("text %q", got)
	}
	// 33 cells of text leave a 16-cell bar: 42% of it is 6 full cells.
	if got := plainStyles().ProgressBar(p, 50); got != "██████░░░░░░░░░░ 4,200/10,000 · 1,050/s · ETA 0:06" {
		t.Fatalf("bar %q (%d wide)", got, Width(got))
	}
	golden(t, "progress_60", plainStyles().ProgressBar(p, 60))

	cases := []struct {
		p    Progress
		text string
	}{
		{Progress{Done: 0, Total: 10, Started: t0, Now: t0}, "0/10 · 0.0/s · ETA -:--"},
		{Progress{Done: 5, Total: 10, Started: t0, Now: t0.Add(2 * time.Second)}, "5/10 · 2.5/s · ETA 0:02"},
		{Progress{Done: 10, Total: 10, Started: t0, Now: t0.Add(75 * time.Second)}, "10/10 · 0.1/s · done in 1:15"},
		{Progress{Done: 12, Total: 10, Started: t0, Now: t0.Add(time.Second)}, "12/10 · 12/s · done in 0:01"},
		{Progress{Done: 1234567, Total: 0, Started: t0, Now: t0.Add(time.Second)}, "1,234,567 · 1,234,567/s"},
		{Progress{Done: 3, Total: 10, Started: t0, Now: t0.Add(-time.Second)}, "3/10 · 0.0/s · ETA -:--"}, // clock went back
	}
	for _, c := range cases {
		if got := c.p.Text(); got != c.text {
			t.Errorf("%+v: %q, want %q", c.p, got, c.text)
		}
		for _, w := range []int{1, 10, 30, 80} {
			if got := NewStyles(true, false).ProgressBar(c.p, w); Width(got) > w {
				t.Errorf("width %d: %q is %d wide", w, ansi.Strip(got), Width(got))
			}
		}
	}
	if f := (Progress{Done: 15, Total: 10}).Fraction(); f != 1 {
		t.Errorf("fraction not clamped: %v", f)
	}
}

func TestBreadcrumbs(t *testing.T) {
	s := plainStyles()
	parts := []string{"sbx-demo.servicebus.windows.net", "orders", "$deadletterqueue", "#1042"}
	cases := []struct {
		width int
		want  string
	}{
		{100, "sbx-demo.servicebus.windows.net › orders › $deadletterqueue › #1042"},
		{50, "… › orders › $deadletterqueue › #1042"},
		{30, "… › $deadletterqueue › #1042"},
		{12, "… › #1042"},
		{4, "…042"},
	}
	for _, c := range cases {
		got := s.Breadcrumbs(parts, c.width)
		if got != c.want {
			t.Errorf("width %d: %q, want %q", c.width, got, c.want)
		}
		if Width(got) > c.width {
			t.Errorf("width %d: %q overflows", c.width, got)
		}
	}
	if got := s.Breadcrumbs([]string{"ns", "キュー\x1b[31m"}, 40); got != "ns › キュー␛[31m" {
		t.Errorf("untrusted crumb: %q", got)
	}
	golden(t, "breadcrumbs_dark", NewStyles(true, false).Breadcrumbs(parts, 50))
}

func TestStatusBar(t *testing.T) {
	s := plainStyles()
	bar := StatusBar{
		Badges: []string{s.Badge(BadgeReadOnly, "READ-ONLY"), s.Badge(BadgePeek, "PEEK")},
		Left:   []string{"connected", "refreshed 3s ago"},
		Right:  []string{"? help", "q quit"},
	}
	for _, w := range []int{80, 50, 30, 20, 8, 1} {
		got := bar.Render(s, w)
		if Width(got) != w {
			t.Errorf("width %d: %q is %d wide", w, got, Width(got))
		}
		if w >= 30 && !strings.HasPrefix(got, "[READ-ONLY] [PEEK]") {
			t.Errorf("width %d: badges must come first and survive: %q", w, got)
		}
	}
	golden(t, "statusbar_80", bar.Render(s, 80))
	golden(t, "statusbar_50", bar.Render(s, 50))
	dark := NewStyles(true, false)
	bar.Badges = []string{dark.Badge(BadgeReadOnly, "READ-ONLY")}
	if got := bar.Render(dark, 80); Width(got) != 80 || !strings.Contains(got, " READ-ONLY ") || strings.Contains(got, "[READ-ONLY]") {
		t.Errorf("coloured bar: %q", got)
	}
}

func TestToastAndErrorPanel(t *testing.T) {
	s := plainStyles()
	golden(t, "toast_success", s.Toast(ToastSuccess, "Resubmitted 3 messages to orders", 60))
	golden(t, "toast_error_wrapped", s.Toast(ToastError, "Lock lost on message 1042: it was released to the queue again", 30))
	e := ErrorInfo{
		Title:   "Could not peek orders/$deadletterqueue",
		Kind:    "unauthorized",
		Message: "The token does not grant Listen on 'orders'.\x1b]52;c;ZXZpbA==\x07 Status 401.",
		Remedy:  "Give your identity the Azure Service Bus Data Receiver role on the namespace, or use a connection string with a Listen claim.",
	}
	panel := s.ErrorPanel(e, 50)
	golden(t, "error_panel_50", panel)
	for i, l := range strings.Split(panel, "\n") {
		if Width(l) != 50 {
			t.Errorf("panel line %d is %d wide: %q", i, Width(l), l)
		}
	}
	if hasEscape(panel) {
		t.Error("escape in a no-colour error panel")
	}
	for _, w := range []int{0, 7, 8, 9, 12} {
		for _, l := range strings.Split(s.ErrorPanel(e, w), "\n") {
			if Width(l) > w {
				t.Errorf("panel at %d: line %q too wide", w, l)
			}
		}
		for _, l := range strings.Split(s.Toast(ToastWarn, e.Remedy, w), "\n") {
			if Width(l) > w {
				t.Errorf("toast at %d: line %q too wide", w, l)
			}
		}
	}
}

func TestHelp(t *testing.T) {
	s := plainStyles()
	groups := []HelpGroup{
		{Title: "Navigation", Keys: []KeyHelp{{"j/↓", "down"}, {"k/↑", "up"}, {"g/G", "top / bottom"}, {"enter", "open"}, {"esc", "back"}}},
		{Title: "Messages", Keys: []KeyHelp{{"space", "select"}, {"/", "filter"}, {"r", "refresh"}}},
		{Title: "Dead letters", Keys: []KeyHelp{{"R", "resubmit selected"}, {"D", "delete selected"}}},
		{Title: "General", Keys: []KeyHelp{{"?", "help"}, {"q", "quit"}}},
	}
	golden(t, "help_100", s.Help(groups, 100))
	golden(t, "help_60", s.Help(groups, 60))
	for _, w := range []int{10, 25, 60} {
		for _, l := range strings.Split(s.Help(groups, w), "\n") {
			if Width(l) > w {
				t.Errorf("help at %d: %q too wide", w, l)
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	if !TooSmall(59, 40) || !TooSmall(120, 14) || TooSmall(60, 15) {
		t.Fatal("TooSmall thresholds")
	}
	s := plainStyles()
	out := s.TooSmallView(50, 12)
	golden(t, "toosmall_50x12", out)
	lines := strings.Split(out, "\n")
	if len(lines) != 12 || !strings.Contains(out, "50×12") || !strings.Contains(out, "60×15") {
		t.Fatalf("too-small screen:\n%s", out)
	}
	for _, l := range lines {
		if Width(l) != 50 {
			t.Fatalf("line %q is %d wide", l, Width(l))
		}
	}
	for _, wh := range [][2]int{{1, 1}, {10, 2}, {0, 0}, {20, 5}} {
		for _, l := range strings.Split(s.TooSmallView(wh[0], wh[1]), "\n") {
			if Width(l) > max(wh[0], 0) {
				t.Errorf("%v: %q too wide", wh, l)
			}
		}
	}
}

// Every widget in a NO_COLOR theme writes plain text only.
func TestNoColorHasNoEscapes(t *testing.T) {
	s := plainStyles()
	tb := NewTable(s, demoColumns(), demoRows{n: 30})
	tb.SetSort(1, false)
	tb.Mark(1, true)
	bv := NewBodyView(s)
	bv.SetContent(sampleJSON, KindJSON)
	bv.SetQuery("sku")
	bv.SetLineNumbers(true)
	outs := map[string]string{
		"table":    tb.Render(80, 10),
		"body":     bv.Render(80, 10),
		"lock":     s.LockBadge(t0, t0.Add(2*time.Second)) + s.LockBadge(t0, t0),
		"progress": s.ProgressBar(Progress{Done: 5, Total: 10, Started: t0, Now: t0.Add(time.Second)}, 60),
		"crumbs":   s.Breadcrumbs([]string{"a", "b"}, 20),
		"status":   StatusBar{Badges: []string{s.Badge(BadgeReadOnly, "READ-ONLY")}, Left: []string{"x"}}.Render(s, 40),
		"toast":    s.Toast(ToastError, "boom", 40),
		"error":    s.ErrorPanel(ErrorInfo{Title: "t", Kind: "k", Message: "m", Remedy: "r"}, 40),
		"help":     s.Help([]HelpGroup{{Title: "G", Keys: []KeyHelp{{"q", "quit"}}}}, 40),
		"small":    s.TooSmallView(30, 5),
	}
	for name, out := range outs {
		if hasEscape(out) {
			t.Errorf("%s: escape in NO_COLOR output: %q", name, out)
		}
		if out == "" {
			t.Errorf("%s: empty", name)
		}
	}
}

func TestLightAndDarkDiffer(t *testing.T) {
	dark, light := NewStyles(true, false), NewStyles(false, false)
	if dark.NoColor || light.NoColor {
		t.Fatal("coloured themes flagged NoColor")
	}
	for name, pair := range map[string][2]string{
		"selected": {dark.codes.selected, light.codes.selected},
		"key":      {dark.codes.tok[tokKey], light.codes.tok[tokKey]},
		"dlq":      {dark.codes.hint(HintDeadLetter), light.codes.hint(HintDeadLetter)},
		"lock":     {sgrOpen(dark.LockWarn), sgrOpen(light.LockWarn)},
		"header":   {dark.codes.header, light.codes.header},
		"marked":   {dark.codes.marked, light.codes.marked},
		"lineno":   {dark.codes.lineNumber, light.codes.lineNumber},
	} {
		if pair[0] == "" || pair[1] == "" || pair[0] == pair[1] {
			t.Errorf("%s: dark %q light %q", name, pair[0], pair[1])
		}
	}
	// Every hot-path code must exist in a coloured theme (a style that
	// lipgloss renders rune by rune once produced an empty code here).
	for _, st := range []*Styles{dark, light} {
		for c := tokKey; c < tokCount; c++ {
			if st.codes.tok[c] == "" {
				t.Errorf("token class %d has no colour", c)
			}
		}
		for h := HintNone; h <= HintError; h++ {
			if st.codes.hint(h) == "" {
				t.Errorf("hint %d has no colour", h)
			}
		}
	}
	tb := func(s *Styles) string { return NewTable(s, demoColumns(), demoRows{n: 5}).Render(60, 6) }
	if tb(dark) == tb(light) {
		t.Error("the same table renders identically on dark and light")
	}
	if ansi.Strip(tb(dark)) != ansi.Strip(tb(light)) {
		t.Error("themes changed the text, not just the colours")
	}
}

func TestFormatCount(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := FormatCount(in); got != want {
			t.Errorf("%d: %q", in, got)
		}
	}
}

func TestNoColorFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"NO_COLOR": "1"}, true},
		{map[string]string{"NO_COLOR": ""}, false}, // set but empty does not count
		{map[string]string{"TERM": "dumb"}, true},
		{map[string]string{"TERM": "xterm-256color"}, false},
	}
	for _, c := range cases {
		if got := NoColorFromEnv(env(c.env)); got != c.want {
			t.Errorf("%v: %v", c.env, got)
		}
	}
	if NoColorFromEnv(nil) {
		t.Error("nil getenv")
	}
}

// visibleEscapes makes a coloured golden readable: ESC shows as \e.
func visibleEscapes(s string) string { return strings.ReplaceAll(s, "\x1b", `\e`) }

// Coloured goldens pin where colour goes (cursor row, dead-letter counts,
// JSON tokens, search hits), not just the text.
func TestColouredGoldens(t *testing.T) {
	dark := NewStyles(true, false)
	tb := NewTable(dark, demoColumns(), demoRows{n: 6})
	tb.SetCursor(1)
	tb.Mark(2, true)
	golden(t, "table_dark_60x7", visibleEscapes(tb.Render(60, 7)))
	bv := NewBodyView(NewStyles(false, false))
	bv.SetContent(`{"sku": "ABC-1", "qty": 2, "ok": true, "x": null}`, KindJSON)
	bv.SetQuery("abc")
	golden(t, "body_json_light_60x1", visibleEscapes(bv.Render(60, 1)))
}
