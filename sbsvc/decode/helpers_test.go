package decode

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func init() { panicSafetyNet = false } // let tests and fuzzing see panics

// unsafeRune reports a rune that must never reach a terminal raw.
func unsafeRune(r rune, line bool) bool {
	switch {
	case r == '\t':
		return false
	case r == '\n':
		return line
	case r < 0x20 || r == 0x7f:
		return true
	}
	return isInvisibleControl(r)
}

// assertInert fails if s holds anything a terminal could act on.
func assertInert(t testing.TB, what, s string, line bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s: output is not valid UTF-8: %q", what, s)
	}
	for i, r := range s {
		if unsafeRune(r, line) {
			t.Fatalf("%s: raw %U at byte %d in %q", what, r, i, s)
		}
	}
}

// cat builds test bytes from bytes, ints (one byte each), strings and slices.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case byte:
			b = append(b, v)
		case int:
			b = append(b, byte(v))
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("cat: %T", p))
		}
	}
	return b
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zlibbed(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflated(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func hasWarning(r Result, sub string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// hostile strings used against every output path.
var hostile = []string{
	"\x1b[2J",
	"\x1b]52;c;aGVsbG8=\x07",
	"\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
	"\u009b31m",
	"abc\u202edcba",
}
