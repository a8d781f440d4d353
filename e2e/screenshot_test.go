package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// screenshotEnv names the directory screenshots are written to. Unset (the
// normal case, and CI) means no screenshots, so test runs never rewrite the
// committed PNGs. Rendering needs the freeze tool:
//
//	go install github.com/charmbracelet/freeze@v0.2.2
//	SBX_SCREENSHOTS=$PWD/screenshots go test ./e2e -run TUI -count=1
const screenshotEnv = "SBX_SCREENSHOTS"

// screenshotter renders the pane's coloured screen to <dir>/<name>.png.
type screenshotter struct {
	dir    string
	freeze string
}

// newScreenshotter returns nil when screenshots are not wanted.
func newScreenshotter(t *testing.T) *screenshotter {
	t.Helper()
	dir := os.Getenv(screenshotEnv)
	if dir == "" {
		return nil
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("%s: %v", screenshotEnv, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("%s: %v", screenshotEnv, err)
	}
	freeze, err := findFreeze()
	if err != nil {
		t.Fatalf("%s is set but freeze was not found (go install github.com/charmbracelet/freeze@v0.2.2): %v", screenshotEnv, err)
	}
	return &screenshotter{dir: dir, freeze: freeze}
}

// findFreeze looks on PATH, then in the Go bin directory where go install puts it.
func findFreeze() (string, error) {
	if path, err := exec.LookPath("freeze"); err == nil {
		return path, nil
	}
	gobin, err := exec.Command("go", "env", "GOBIN").Output()
	if err != nil {
		return "", err
	}
	dir := strings.TrimSpace(string(gobin))
	if dir == "" {
		gopath, err := exec.Command("go", "env", "GOPATH").Output()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(strings.TrimSpace(strings.Split(string(gopath), string(os.PathListSeparator))[0]), "bin")
	}
	return exec.LookPath(filepath.Join(dir, "freeze"))
}

// shoot captures the pane with colours and renders it; a nil receiver does nothing.
func (s *screenshotter) shoot(t *testing.T, p *pane, name string) {
	t.Helper()
	if s == nil {
		return
	}
	ansi := filepath.Join(t.TempDir(), name+".ansi")
	if err := os.WriteFile(ansi, []byte(p.screenANSI()), 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	png := filepath.Join(s.dir, name+".png")
	out, err := exec.Command(s.freeze, ansi, "--output", png).CombinedOutput()
	if err != nil {
		t.Fatalf("freeze %s: %v\n%s", name, err, out)
	}
	// freeze writes 0600; the committed pictures are for everyone to read.
	if err := os.Chmod(png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	t.Logf("wrote %s", png)
}
