package model

import (
	"path/filepath"
	"testing"
)

func TestAbsFilePathSaysWhereTheFileGoes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", filepath.Join(dir, "home"))
	cases := map[string]string{
		"out.jsonl":         filepath.Join(dir, "out.jsonl"),
		"sub/../out.jsonl":  filepath.Join(dir, "out.jsonl"),
		"~/exports/x.jsonl": filepath.Join(dir, "home", "exports", "x.jsonl"),
		"/abs/x.jsonl":      "/abs/x.jsonl",
	}
	for in, want := range cases {
		if got := absFilePath(in); got != want {
			t.Errorf("absFilePath(%q) = %q, want %q", in, got, want)
		}
	}
}
