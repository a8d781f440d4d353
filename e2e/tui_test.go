// Package e2e runs the real sbx binary in a real terminal (tmux) against the
// embedded demo emulator, the way a user would.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTUIWalkToDeadLetter builds sbx, opens the demo namespace, walks to the
// first dead-lettered message of orders (through the reason summary),
// checks its decoded body, peek-locks two dead letters and watches their
// countdown, abandons them and quits.
func TestTUIWalkToDeadLetter(t *testing.T) {
	needTmux(t)

	bin := buildSbx(t)
	shots := newScreenshotter(t)

	// Generous: rendering each screenshot takes seconds on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	work := t.TempDir()
	// After sbx returns, the shell prints its exit status and asks tmux (TMUX
	// is set inside the pane) whether the terminal is back to normal: main
	// screen, cursor visible. Reading that from inside the live pane avoids
	// racing tmux's own dead-pane handling.
	p := startPane(t, work, isolatedEnv(t, work), 120, 40, shellQuote(bin)+
		`; echo "sbx exited: $?"; tmux display-message -p 'after sbx: alternate_on=#{alternate_on} cursor_flag=#{cursor_flag}'`)

	p.waitFor(ctx, "the demo namespace to connect", func(s string) bool {
		return strings.Contains(cursorLine(s), "sbx-demo") && strings.Contains(s, "● connected")
	})
	shots.shoot(t, p, "namespaces")

	p.send("Enter")
	p.waitFor(ctx, "orders with 4 dead-lettered messages", func(s string) bool {
		return strings.Contains(lineWithField(s, "orders"), "● 4")
	})
	selectRow(ctx, t, p, "orders")
	shots.shoot(t, p, "entities")

	p.send("Enter")
	p.waitForText(ctx, "sbx-demo › orders › Active", "[Active]", "loaded")
	p.send("Tab")
	s := p.waitFor(ctx, "the dead-letter tab with ORD-1007 selected", func(s string) bool {
		return strings.Contains(s, "[Dead-letter]") && strings.Contains(cursorLine(s), "ORD-1007")
	})
	if !strings.Contains(s, "orders › Dead-letter") {
		t.Errorf("breadcrumb does not show the dead-letter tab:\n%s", s)
	}
	shots.shoot(t, p, "messages-dlq")

	// The reason summary groups the dead letters; v closes it again.
	p.send("v")
	s = p.waitForText(ctx, "COUNT", "REASON", "DESCRIPTION", "SchemaValidationFailed")
	if !strings.Contains(s, "All 4 messages loaded") {
		t.Errorf("the reason summary does not cover every dead letter:\n%s", s)
	}
	shots.shoot(t, p, "reason-summary")
	p.send("v")
	p.waitFor(ctx, "the list back with ORD-1007 selected", func(s string) bool {
		return !strings.Contains(s, "COUNT") && strings.Contains(cursorLine(s), "ORD-1007")
	})

	p.send("Enter")
	s = p.waitForText(ctx, `"amount": "12,50"`)
	for _, want := range []string{
		"orders › Dead-letter › #1",
		"ORD-1007",
		"SchemaValidationFailed",
		`$.amount: expected number, got string "12,50"`,
		"detected JSON",
		`"orderId": "ORD-1007",`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("detail view lacks %q:\n%s", want, s)
		}
	}
	shots.shoot(t, p, "detail")

	p.send("?")
	p.waitForText(ctx, "Navigation", "body mode")
	shots.shoot(t, p, "help")
	p.send("Escape")
	p.waitForText(ctx, "detected JSON")

	// Peek-lock two dead letters: the locked view counts their locks down.
	p.send("Escape")
	p.waitForText(ctx, "[Dead-letter]", "ORD-1007")
	p.send("l")
	p.waitForText(ctx, "lock how many?")
	p.send("BSpace", "BSpace", "2", "Enter")
	s = p.waitForText(ctx, "2 messages locked from orders", "auto-renew off", "ORD-1007")
	first := lockClock.FindString(lineWithField(s, "ORD-1007"))
	if first == "" {
		t.Fatalf("no lock countdown on the ORD-1007 row:\n%s", s)
	}
	p.waitFor(ctx, "the countdown to tick from "+first, func(s string) bool {
		now := lockClock.FindString(lineWithField(s, "ORD-1007"))
		return now != "" && now < first
	})
	// Let the "locked 2 messages" notice go before the picture.
	p.waitFor(ctx, "the notice to go", func(s string) bool { return !strings.Contains(s, "✓ locked") })
	shots.shoot(t, p, "locked")
	p.send("Escape")
	p.waitForText(ctx, "still locked. Leave how?")
	p.send("a")
	p.waitForText(ctx, "abandoned 2 messages", "[Dead-letter]")

	p.send("q")
	quitCtx, quitCancel := context.WithTimeout(ctx, 5*time.Second)
	defer quitCancel()
	p.waitFor(quitCtx, "sbx to exit after q", func(string) bool {
		return p.format("#{pane_dead}") == "1"
	})
	s = p.history()
	for _, want := range []string{
		"sbx exited: 0",
		"after sbx: alternate_on=0 cursor_flag=1",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("after quit, the pane lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "namespaces ›") || strings.Contains(s, "detected JSON") {
		t.Errorf("TUI output left on the normal screen after quit:\n%s", s)
	}
}

// lockClock is a lock countdown cell ("00:59").
var lockClock = regexp.MustCompile(`\b\d\d:\d\d\b`)

// buildSbx compiles the module's main package into a temporary directory.
func buildSbx(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sbx")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/sbx-tui/sbx").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// isolatedEnv keeps the user's config, state, namespaces and tmux session out
// of the run: sbx sees only the demo namespace and writes only under dir.
func isolatedEnv(t *testing.T, dir string) []string {
	t.Helper()
	drop := map[string]bool{
		"TMUX": true, "TMUX_PANE": true, "NO_COLOR": true,
		"SERVICEBUS_CONNECTION_STRING":               true,
		"AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE": true,
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case drop[name], name == "HOME", strings.HasPrefix(name, "XDG_"):
			continue
		}
		env = append(env, kv)
	}
	home := filepath.Join(dir, "home")
	for _, d := range []string{home, filepath.Join(home, ".config"), filepath.Join(home, ".state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_STATE_HOME="+filepath.Join(home, ".state"),
	)
}

// selectRow presses j until the selected row is name, reading the screen
// after each key instead of assuming the list's order.
func selectRow(ctx context.Context, t *testing.T, p *pane, name string) {
	t.Helper()
	for range 30 {
		line := cursorLine(p.screen())
		if hasField(line, name) {
			return
		}
		p.send("j")
		p.waitFor(ctx, "the cursor to move off "+strings.TrimSpace(line), func(s string) bool {
			return cursorLine(s) != line
		})
	}
	t.Fatalf("never reached row %q; screen:\n%s", name, p.screen())
}

// lineWithField is the first screen line having name as a whole field, or "".
func lineWithField(screen, name string) string {
	for _, line := range strings.Split(screen, "\n") {
		if hasField(line, name) {
			return line
		}
	}
	return ""
}

// shellQuote quotes s for the POSIX shell tmux runs the command with.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// needTmux skips an end-to-end test in -short mode or without tmux, except
// on CI: CI installs tmux in .ci/run, so a missing tmux there is a broken
// CI script, not a reason to pass without testing.
func needTmux(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed, but CI must run the end-to-end TUI test")
		}
		t.Skip("tmux is not installed; the end-to-end TUI test needs it (CI installs it in .ci/run)")
	}
}
