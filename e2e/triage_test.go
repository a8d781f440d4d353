package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUITriageResubmitOneReason runs sbx against the demo emulator: the
// orders dead-letter queue is narrowed to one reason, everything with it is
// selected and resubmitted, the summary says how many moved, and the
// entity list's counts agree (dead letters down, active up by as many).
func TestTUITriageResubmitOneReason(t *testing.T) {
	needTmux(t)
	bin := buildSbx(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	work := t.TempDir()
	p := startPane(t, work, isolatedEnv(t, work), 120, 40, shellQuote(bin))

	p.waitFor(ctx, "the demo namespace to connect", func(s string) bool {
		return strings.Contains(cursorLine(s), "sbx-demo") && strings.Contains(s, "● connected")
	})
	p.send("Enter")
	p.waitFor(ctx, "orders with 4 dead letters", func(s string) bool {
		return strings.Contains(lineWithField(s, "orders"), "● 4")
	})
	before := strings.Fields(lineWithField(p.screen(), "orders"))
	selectRow(ctx, t, p, "orders")

	p.send("Enter")
	p.waitForText(ctx, "[Active]", "loaded")
	p.send("Tab")
	p.waitForText(ctx, "[Dead-letter]", "ORD-1007", "ORD-1008", "ORD-1009")

	// Narrow to one reason and select everything that matches.
	p.send("/")
	p.send("-l", "SchemaValidationFailed")
	p.send("Enter")
	p.waitFor(ctx, "only the SchemaValidationFailed messages", func(s string) bool {
		return strings.Contains(s, "ORD-1007") && strings.Contains(s, "ORD-1008") && !strings.Contains(s, "ORD-1009")
	})
	p.send("C-a")
	p.waitForText(ctx, "2 selected")

	p.send("R")
	p.waitForText(ctx, "Resubmit from orders › dead-letter", "2 selected messages", "duplicate detection", "message ids: [x] keep", "get new ids")
	p.send("Enter")
	s := p.waitFor(ctx, "the summary", func(s string) bool {
		return strings.Contains(squash(s), "moved: 2") && strings.Contains(s, "enter or esc to close")
	})
	for _, want := range []string{"failed: 0", "possible duplicates: 0", "audit file: " + filepath.Join(work, "home", ".state", "sbx", "audit.jsonl")} {
		if !strings.Contains(squash(s), want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	audit, err := os.ReadFile(filepath.Join(work, "home", ".state", "sbx", "audit.jsonl"))
	if err != nil || strings.Count(string(audit), "\n") != 2 || !strings.Contains(string(audit), "ORD-1007") || !strings.Contains(string(audit), "ORD-1008") {
		t.Errorf("audit file (%v):\n%s", err, audit)
	}

	// Back to the entity list: its counts come from the admin API again.
	for range 6 {
		if strings.Contains(p.screen(), "auto-refresh") {
			break
		}
		p.send("Escape")
		time.Sleep(300 * time.Millisecond)
	}
	p.send("r")
	s = p.waitFor(ctx, "orders with 2 dead letters", func(s string) bool {
		return strings.Contains(lineWithField(s, "orders"), "● 2")
	})
	after := strings.Fields(lineWithField(s, "orders"))
	if ba, aa := fieldAfter(before, "active"), fieldAfter(after, "active"); ba == "" || aa == "" || atoi(aa) != atoi(ba)+2 {
		t.Errorf("active count went from %q to %q, want +2:\n%s", ba, aa, s)
	}
	p.send("q")
}

// fieldAfter is the field following word in fields ("active" → its count).
func fieldAfter(fields []string, word string) string {
	for i := 0; i+1 < len(fields); i++ {
		if fields[i] == word {
			return fields[i+1]
		}
	}
	return ""
}

// squash collapses runs of spaces, so aligned columns read as words.
func squash(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}
