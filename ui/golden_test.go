package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/<name>.golden, or rewrites it with
// -update. Golden files are meant to be read: most use NO_COLOR styles.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden %s (run go test ./ui -update): %v", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// hasEscape reports any ESC or C1 CSI byte sequence in s.
func hasEscape(s string) bool {
	return strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x9b)
}

func plainStyles() *Styles { return NewStyles(true, true) }
