package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// pane drives one program inside a private tmux server, so the test sees the
// screen exactly as a user's terminal would and never touches the user's tmux.
type pane struct {
	t       *testing.T
	socket  string // tmux -L name, unique per test
	target  string // session name
	env     []string
	verbose bool
}

// startPane starts command in a detached width x height session on a fresh
// tmux server. remain-on-exit keeps the pane after the program ends so the
// test can still read its last screen and exit line.
func startPane(t *testing.T, dir string, env []string, width, height int, command string) *pane {
	t.Helper()
	p := &pane{
		t:      t,
		socket: fmt.Sprintf("sbx-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()),
		target: "sbx",
		env:    env,
	}
	t.Cleanup(func() {
		// Ends the server and anything still running in it, even if the test failed midway.
		_ = p.tmuxCmd("kill-server").Run()
	})
	out, err := p.tmuxCmd("new-session", "-d", "-s", p.target,
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-c", dir, command,
		";", "set-option", "-t", p.target, "remain-on-exit", "on").CombinedOutput()
	if err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return p
}

func (p *pane) tmuxCmd(args ...string) *exec.Cmd {
	// -f /dev/null: the user's ~/.tmux.conf must not change keys or sizes.
	cmd := exec.Command("tmux", append([]string{"-L", p.socket, "-f", "/dev/null"}, args...)...)
	cmd.Env = p.env
	return cmd
}

// send types tmux key names (e.g. "Enter", "Tab", "j") into the pane.
func (p *pane) send(keys ...string) {
	p.t.Helper()
	args := append([]string{"send-keys", "-t", p.target}, keys...)
	if out, err := p.tmuxCmd(args...).CombinedOutput(); err != nil {
		p.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// screen is the pane's visible text without colours.
func (p *pane) screen() string {
	p.t.Helper()
	out, err := p.tmuxCmd("capture-pane", "-p", "-t", p.target).Output()
	if err != nil {
		p.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// screenANSI is the visible screen with its colour escape sequences, for screenshots.
func (p *pane) screenANSI() string {
	p.t.Helper()
	out, err := p.tmuxCmd("capture-pane", "-e", "-p", "-t", p.target).Output()
	if err != nil {
		p.t.Fatalf("tmux capture-pane -e: %v", err)
	}
	return string(out)
}

// history is the pane's scrollback plus visible screen, without colours.
func (p *pane) history() string {
	p.t.Helper()
	out, err := p.tmuxCmd("capture-pane", "-p", "-S", "-", "-t", p.target).Output()
	if err != nil {
		p.t.Fatalf("tmux capture-pane -S -: %v", err)
	}
	return string(out)
}

// format reads one tmux format variable of the pane, e.g. "#{pane_dead}".
func (p *pane) format(f string) string {
	p.t.Helper()
	out, err := p.tmuxCmd("display-message", "-p", "-t", p.target, f).Output()
	if err != nil {
		p.t.Fatalf("tmux display-message %s: %v", f, err)
	}
	return strings.TrimSpace(string(out))
}

// waitFor polls the screen until ok accepts it or ctx ends; on timeout it
// fails the test and prints the last screen so the failure explains itself.
func (p *pane) waitFor(ctx context.Context, what string, ok func(screen string) bool) string {
	p.t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		select {
		case <-ctx.Done():
			p.t.Fatalf("timed out waiting for %s; last screen:\n%s", what, s)
			return ""
		case <-tick.C:
		}
	}
}

// waitForText waits until every one of texts is on the screen.
func (p *pane) waitForText(ctx context.Context, texts ...string) string {
	p.t.Helper()
	return p.waitFor(ctx, fmt.Sprintf("%q", texts), func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// cursorLine is the screen line carrying the selection marker, or "".
func cursorLine(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "▸") {
			return line
		}
	}
	return ""
}

// hasField reports whether line has a whitespace-separated field equal to word.
func hasField(line, word string) bool {
	for _, f := range strings.Fields(line) {
		if f == word {
			return true
		}
	}
	return false
}
