package model

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
)

// detailFake has one dead letter with a JSON body, properties and
// annotations.
func detailFake() *fakeConn {
	f := newFake()
	f.msgs[sbsvc.DeadLetter] = []sbsvc.Message{{
		SequenceNumber: 4, MessageID: "D-1", CorrelationID: "corr-9", ContentType: "application/json",
		DeadLetterReason: "Poison", DeadLetterDescription: "amount is text", DeadLetterSource: "orders-in",
		Properties:  map[string]any{"tenant": "acme", "attempt": int64(3)},
		Annotations: map[string]any{"x-opt-custom": "ann-value"},
		BodyKind:    sbsvc.BodyData,
		Body:        []byte(`{"amount":"12,50","lines":[{"amount":1},{"amount":2}],"note":"` + strings.Repeat("long ", 60) + `"}`),
	}}
	return f
}

func openDetail(t *testing.T) (*harness, *detailView) {
	t.Helper()
	h := newHarness(t, fakeTarget("alpha", detailFake()))
	messagesOf(t, h)
	h.press("tab", "enter")
	dv, ok := h.app.top().(*detailView)
	if !ok {
		t.Fatalf("top is %T", h.app.top())
	}
	return h, dv
}

func TestDetailShowsEverySection(t *testing.T) {
	h, _ := openDetail(t)
	h.mustSee("Dead-letter", "Poison", "amount is text", "orders-in",
		"System properties", "corr-9", "Application properties (2)", "tenant", "acme",
		"Annotations (1)", "x-opt-custom", "ann-value", "detected JSON")
}

func TestDetailWrapAndSearch(t *testing.T) {
	h, dv := openDetail(t)
	h.press("w")
	if !dv.body.Wrap() {
		t.Fatalf("w did not turn wrapping on")
	}
	h.mustSee("· wrap")
	h.press("w")
	if dv.body.Wrap() {
		t.Fatalf("w did not turn wrapping off")
	}

	h.press("/")
	if !dv.typing() {
		t.Fatalf("/ did not open the search line")
	}
	h.typeText("AMOUNT")
	h.mustSee("search: AMOUNT")
	h.press("enter")
	if dv.body.MatchCount() != 3 || dv.typing() {
		t.Fatalf("search: %d matches (typing %v), want 3", dv.body.MatchCount(), dv.typing())
	}
	h.mustSee("match 1/3")
	h.press("n")
	h.mustSee("match 2/3")
	h.press("N", "N")
	h.mustSee("match 3/3")
	// The match is scrolled into view: the header is out of the way.
	if dv.headerTop != len(dv.header) {
		t.Fatalf("the search did not scroll to the body")
	}
	h.press("/", "esc")
	if dv.body.Query() != "" {
		t.Fatalf("esc in the search line kept %q", dv.body.Query())
	}
	if h.depth() != 4 {
		t.Fatalf("esc in the search line left the view")
	}
	// A mode switch keeps the search.
	h.press("/")
	h.typeText("lines")
	h.press("enter", "m")
	if dv.body.Query() != "lines" || dv.body.MatchCount() == 0 {
		t.Fatalf("after m: query %q, %d matches", dv.body.Query(), dv.body.MatchCount())
	}
}

func TestDetailCopyBodyAndProperty(t *testing.T) {
	h, dv := openDetail(t)
	msgs := runCmd(dv.key(keyMsg("y")))
	got, ok := clipboardOf(msgs)
	if !ok || !strings.Contains(got, `"amount": "12,50"`) {
		t.Fatalf("y copied %q (ok %v)", got, ok)
	}
	if tm, _ := toastOf(msgs); !strings.Contains(tm.text, "copied the body") {
		t.Fatalf("y toast %q", tm.text)
	}

	h.press("Y")
	h.mustSee("Copy a property", "GROUP", "correlation id", "x-opt-custom")
	// Move to the correlation id and copy it.
	for dv.picker.items[dv.picker.table.Cursor()].name != "correlation id" {
		h.press("j")
	}
	msgs = runCmd(dv.key(keyMsg("enter")))
	if got, ok := clipboardOf(msgs); !ok || got != "corr-9" {
		t.Fatalf("enter in the picker copied %q", got)
	}
	if dv.picker != nil {
		t.Fatalf("the picker stays open after copying")
	}
	h.press("Y", "esc")
	if dv.picker != nil || h.depth() != 4 {
		t.Fatalf("esc in the picker: open %v, depth %d", dv.picker != nil, h.depth())
	}
}

func TestDetailSaveBodyNeverOverwritesUnasked(t *testing.T) {
	h, dv := openDetail(t)
	h.press("o")
	h.mustSee("save body as: orders-4.json")
	path := filepath.Join(t.TempDir(), "body.json")
	saveAs := func() {
		h.press("o")
		h.send(specialKey("ctrl+u"))
		h.typeText(path)
		h.press("enter")
	}
	saveAs()
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(data, []byte(`"amount": "12,50"`)) {
		t.Fatalf("saved %q, %v", data, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("saved with mode %v", st.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	saveAs()
	h.advance(toastFor) // the "saved" notice covers the prompt line
	h.mustSee("exists. Overwrite it?")
	h.press("n")
	if data, _ := os.ReadFile(path); string(data) != "keep me" {
		t.Fatalf("n overwrote the file: %q", data)
	}
	saveAs()
	h.press("y")
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte("12,50")) {
		t.Fatalf("y did not overwrite: %q", data)
	}
	// Raw mode saves the body's own bytes.
	for dv.mode.String() != "raw" {
		h.press("m")
	}
	if data, ext := dv.saveContent(); ext != "bin" || !bytes.Equal(data, dv.msg.Body) {
		t.Fatalf("raw mode saves %q as .%s", data, ext)
	}
	h.press("o", "esc")
	if dv.prompt != nil || h.depth() != 4 {
		t.Fatalf("esc in the save prompt: open %v, depth %d", dv.prompt != nil, h.depth())
	}
}

func TestDetailPagerAndEditor(t *testing.T) {
	h, dv := openDetail(t)
	env := map[string]string{}
	oldEnv, oldPath := lookupEnv, lookPath
	t.Cleanup(func() { lookupEnv, lookPath = oldEnv, oldPath })
	lookupEnv = func(k string) string { return env[k] }
	lookPath = func(string) (string, error) { return "", errors.New("not found") }

	h.press("p")
	if !strings.Contains(h.toastText(), "$PAGER is not set and less is not on PATH") {
		t.Fatalf("p without a pager: toast %q", h.toastText())
	}
	h.press("e")
	if !strings.Contains(h.toastText(), "$EDITOR is not set and vi is not on PATH") {
		t.Fatalf("e without an editor: toast %q", h.toastText())
	}

	env["PAGER"] = "less -R"
	msgs := runCmd(dv.key(keyMsg("p")))
	if len(msgs) != 1 {
		t.Fatalf("p produced %d messages", len(msgs))
	}
	ready, ok := msgs[0].(execReadyMsg)
	if !ok || ready.err != nil || strings.Join(ready.argv, " ") != "less -R" {
		t.Fatalf("p: %+v", msgs[0])
	}
	st, err := os.Stat(ready.path)
	if err != nil || st.Mode().Perm() != 0o600 || !strings.HasSuffix(ready.path, ".json") {
		t.Fatalf("temp file %s: %v %v", ready.path, st, err)
	}
	if cmd := dv.execReady(ready); cmd == nil {
		t.Fatalf("no program to run")
	}
	os.Remove(ready.path) // the exec callback removes it in a real run

	// Unset EDITOR with vi on PATH: vi opens, with a note.
	lookPath = func(name string) (string, error) { return "/usr/bin/" + name, nil }
	msgs = runCmd(dv.key(keyMsg("e")))
	ready = msgs[0].(execReadyMsg)
	defer os.Remove(ready.path)
	if ready.argv[0] != "/usr/bin/vi" || !strings.Contains(ready.note, "$EDITOR is not set: using vi") {
		t.Fatalf("e fallback: %+v", ready)
	}
	// A late file for a view that moved on is removed, not run.
	dv.io.cancel()
	if cmd := dv.execReady(ready); cmd != nil {
		t.Fatalf("a stale temp file was opened")
	}
	if _, err := os.Stat(ready.path); !os.IsNotExist(err) {
		t.Fatalf("the stale temp file stays: %v", err)
	}
}

// A 20 MB body: opening it returns at once, the decode runs in the
// command, and the rendering is cut with a note.
func TestDetailHugeBodyDecodesOffTheEventLoop(t *testing.T) {
	f := newFake()
	big := bytes.Repeat([]byte(`{"k":"0123456789abcdef"},`), 20<<20/25)
	big = append(append([]byte("["), big...), []byte(`{}]`)...)
	f.msgs[sbsvc.Active] = []sbsvc.Message{{SequenceNumber: 1, MessageID: "huge", BodyKind: sbsvc.BodyData, Body: big, ContentType: "application/json"}}
	h := newHarness(t, fakeTarget("alpha", f))
	messagesOf(t, h)
	h.mustSee("huge", "20.0 MB")
	took, cmd := timeUpdate(h, keyMsg("enter"))
	if took > 50*time.Millisecond {
		t.Fatalf("opening a 20 MB body took %v in Update", took)
	}
	dv := h.app.top().(*detailView)
	if !dv.work.active || cmd == nil {
		t.Fatalf("the decode does not run in a command")
	}
	h.mustSee("decoding…")
	h.run(cmd)
	if !dv.result.Truncated || dv.result.Note == "" {
		t.Fatalf("a 20 MB body was not cut: %+v", dv.result.Note)
	}
	h.mustSee("showing the first")
	for _, k := range []string{"w", "G", "g", "j"} {
		if took, _ := timeUpdate(h, keyMsg(k)); took > 50*time.Millisecond {
			t.Fatalf("%s on a 20 MB body took %v", k, took)
		}
	}
	took, cmd = timeUpdate(h, keyMsg("m"))
	if took > 50*time.Millisecond || cmd == nil {
		t.Fatalf("m took %v in Update", took)
	}
	_ = tea.Quit
}

func TestDetailScrollKeys(t *testing.T) {
	h, dv := openDetail(t)
	h.press("j", "j")
	if dv.headerTop != 2 {
		t.Fatalf("j j: header scrolled %d lines", dv.headerTop)
	}
	h.press("k")
	if dv.headerTop != 1 {
		t.Fatalf("k: header scrolled %d lines", dv.headerTop)
	}
	h.press("G")
	if dv.headerTop != len(dv.header) {
		t.Fatalf("G did not scroll past the header")
	}
	h.press("g")
	if dv.headerTop != 0 || dv.body.TopLine() != 0 {
		t.Fatalf("g: header %d body %d", dv.headerTop, dv.body.TopLine())
	}
	h.press("pgdown")
	if dv.headerTop == 0 {
		t.Fatalf("pgdown did not scroll")
	}
	h.press("pgup")
	if dv.headerTop != 0 {
		t.Fatalf("pgup: header %d", dv.headerTop)
	}
	took, cmd := timeUpdate(h, keyMsg("r"))
	if cmd == nil || !dv.work.active || took > 50*time.Millisecond {
		t.Fatalf("r did not start a decode in a command")
	}
	h.run(cmd)
	if dv.work.active || dv.result.Kind != "json" {
		t.Fatalf("r: decoded %q", dv.result.Kind)
	}
}
