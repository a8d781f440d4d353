package model

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/ui"
)

// A namespace row drawn while connecting must show "connected" once the
// connection arrives: the table caches rendered rows, so the state change
// has to invalidate them.
func TestNamespaceRowShowsConnectedAfterConnecting(t *testing.T) {
	h := &harness{t: t, clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	app := New(Options{Targets: []Target{fakeTarget("alpha", newFake())}, Styles: ui.NewStyles(true, true),
		Now: h.now, After: h.after})
	h.app = app
	t.Cleanup(func() { app.Close(context.Background()) })
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	connect := app.Init() // marks the row connecting and returns the work
	if s := h.screen(); !strings.Contains(s, "connecting") {
		t.Fatalf("before the connection arrives the row should say connecting:\n%s", s)
	}
	h.run(connect)
	s := h.screen()
	if strings.Contains(s, "connecting") || !strings.Contains(s, "● connected") {
		t.Fatalf("after the connection arrived the row still does not say connected:\n%s", s)
	}
}
