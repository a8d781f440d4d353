package model

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// sizeScenarios put an App in each view (and each prompt or dialog drawn
// inside one) at the default size; the size test then resizes it.
var sizeScenarios = []struct {
	name string
	open func(t *testing.T) *harness
}{
	{"namespaces", func(t *testing.T) *harness { return newHarness(t, fakeTarget("alpha", newFake())) }},
	{"entities", func(t *testing.T) *harness { h, _ := openEntities(t, treeFake(), Options{}); return h }},
	{"entities-filter", func(t *testing.T) *harness {
		h, _ := openEntities(t, treeFake(), Options{})
		h.press("/")
		h.typeText("ord")
		return h
	}},
	{"messages-active", func(t *testing.T) *harness {
		h := newHarness(t, fakeTarget("alpha", triageFake(30)))
		messagesOf(t, h)
		return h
	}},
	{"messages-deadletter-filter", func(t *testing.T) *harness {
		h := newHarness(t, fakeTarget("alpha", triageFake(30)))
		messagesOf(t, h)
		h.press("tab", "/")
		h.typeText("D-0")
		return h
	}},
	{"reason-summary", func(t *testing.T) *harness {
		h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", triageFake(250))}, PageSize: 40})
		messagesOf(t, h)
		h.press("tab", "v")
		return h
	}},
	{"sessions-list", func(t *testing.T) *harness {
		h := newHarness(t, fakeTarget("alpha", newSessionFake()))
		messagesOf(t, h)
		return h
	}},
	{"detail", func(t *testing.T) *harness { h, _ := openDetail(t); return h }},
	{"detail-search", func(t *testing.T) *harness {
		h, _ := openDetail(t)
		h.press("/")
		h.typeText("amount")
		return h
	}},
	{"detail-picker", func(t *testing.T) *harness { h, _ := openDetail(t); h.press("Y"); return h }},
	{"help", func(t *testing.T) *harness {
		h := newHarness(t, fakeTarget("alpha", newFake()))
		h.press("?")
		return h
	}},
	{"jump", func(t *testing.T) *harness {
		h, _ := openEntities(t, treeFake(), Options{})
		h.press(":")
		h.typeText("o")
		return h
	}},
	{"confirm-delete", func(t *testing.T) *harness {
		h := newHarness(t, fakeTarget("alpha", triageFake(30)))
		messagesOf(t, h)
		h.press("tab", "D")
		return h
	}},
	{"bulk", func(t *testing.T) *harness {
		h := newHarness(t)
		bv, cmd := newBulkView(h.app.sh, bulkJob{title: "Deleting 3 messages of a-very-long-queue-name › Dead-letter", crumb: "delete", total: 3,
			run: func(_ context.Context, c *bulkCounter) bulkSummary {
				c.done.Add(2)
				c.failed.Add(1)
				return bulkSummary{lines: []string{"deleted: 2", "failed: 1"}, errors: []string{strings.Repeat("a long error ", 12)}, warn: true, toast: "deleted 2, 1 failed"}
			}})
		h.run(h.app.navigate(h.app.top(), &navigation{push: bv}))
		h.run(cmd)
		return h
	}},
	{"locked", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{LockDuration: 30 * time.Second}, 3)
		e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 3})
		return e.h
	}},
	{"locked-leave-question", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{LockDuration: 30 * time.Second}, 2)
		e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 2})
		e.h.press("esc")
		return e.h
	}},
	{"session", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{RequiresSession: true, LockDuration: 30 * time.Second}, 2)
		e.act(actionRequest{kind: actAcceptSession, entity: q, sub: sbsvc.Active, session: "s1"})
		return e.h
	}},
	{"lock-form", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{}, 1)
		e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active})
		if _, ok := e.h.app.top().(*formView); !ok {
			t.Fatalf("lock without a count opened %T", e.h.app.top())
		}
		return e.h
	}},
	{"dead-letter-dialog", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{}, 1)
		e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, count: 1})
		e.h.press("d")
		if v := e.h.app.top().(*lockedView); v.mode != modeDeadLetter {
			t.Fatalf("d did not open the dead-letter dialog")
		}
		return e.h
	}},
	{"locked-detail", func(t *testing.T) *harness {
		e := newActionEnv(t, Options{})
		q := e.queue(broker.Properties{}, 1)
		e.act(actionRequest{kind: actLock, entity: q, sub: sbsvc.Active, seqs: []int64{1}})
		e.h.press("enter")
		return e.h
	}},
}

// Every view, at sizes from far too small to large: no panic, exactly
// the terminal's height in lines, no line wider than the terminal; too
// small a terminal says so; and the keys and the mouse do nothing harmful
// there.
func TestEveryViewFitsEverySize(t *testing.T) {
	sizes := []struct{ w, h int }{{20, 5}, {40, 10}, {59, 24}, {60, 15}, {80, 24}, {200, 50}}
	for _, sc := range sizeScenarios {
		t.Run(sc.name, func(t *testing.T) {
			h := sc.open(t)
			for _, sz := range sizes {
				h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				screen := h.screen()
				lines := strings.Split(screen, "\n")
				if len(lines) != sz.h {
					t.Errorf("%dx%d: %d lines", sz.w, sz.h, len(lines))
				}
				for i, l := range lines {
					if w := lipgloss.Width(l); w > sz.w {
						t.Errorf("%dx%d: line %d is %d cells wide: %q", sz.w, sz.h, i, w, l)
					}
				}
				// The App cuts what a view draws to the screen as a last
				// resort; a view that relies on the cut is laid out for
				// another size (a line ending in "…" that should not).
				if !ui.TooSmall(sz.w, sz.h) && !h.app.showHelp {
					for i, l := range strings.Split(h.app.top().render(), "\n") {
						if w := lipgloss.Width(l); w > sz.w {
							t.Errorf("%dx%d: the view's line %d is %d cells wide: %q", sz.w, sz.h, i, w, l)
						}
					}
				}
				small := sz.w < 60 || sz.h < 15
				if small != strings.Contains(screen, "too small") {
					t.Errorf("%dx%d: says too small: %v\n%s", sz.w, sz.h, !small, screen)
				}
				if small {
					// Nothing is visible to act on: keys and clicks are
					// dropped, nothing panics.
					depth := h.depth()
					h.press("j", "G", "enter")
					h.click(1, 1)
					h.wheel(true, 1)
					if h.depth() != depth {
						t.Errorf("%dx%d: keys acted on a screen too small to show", sz.w, sz.h)
					}
				}
			}
		})
	}
}

// On a terminal too short for the whole help, the help scrolls (keys and
// wheel), says there is more, and every enabled binding can be reached.
// Keys under the help move the help, not the view hidden beneath it.
func TestHelpScrollsWhenTallerThanTheScreen(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("?")
	h.mustSee("Navigation", "↓ more below", "esc/? close help", "j/k scroll")
	h.mustNotSee("↑ more above", "Message detail")
	seen := h.screen()
	h.press("G")
	h.mustSee("Message detail", "open in $EDITOR", "↑ more above")
	seen += h.screen()
	if ev.table.Cursor() != 0 {
		t.Fatalf("G under the help moved the list to %d", ev.table.Cursor())
	}
	for _, col := range h.app.sh.keys.FullHelp() {
		for _, b := range col {
			if b.Enabled() && !strings.Contains(seen, b.Help().Desc) {
				t.Errorf("%q never shows in the scrolled help", b.Help().Desc)
			}
		}
	}
	h.wheel(false, 5)
	top := h.app.helpTop
	h.press("g")
	if top == 0 || h.app.helpTop != 0 {
		t.Fatalf("wheel up left %d; g left %d", top, h.app.helpTop)
	}
	h.wheel(true, 5)
	if h.app.helpTop != wheelRows {
		t.Fatalf("a notch down scrolled to %d", h.app.helpTop)
	}
	h.press("esc")
	h.mustNotSee("Navigation")
	// At the default size everything fits: no scrolling note.
	h.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	h.press("?")
	h.mustSee("Message detail", "esc/? close help")
	h.mustNotSee("more below", "j/k scroll")
}
