package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// readLines reads a JSON Lines file's non-empty lines.
func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// exportedIDs reads the message ids of a JSON Lines export.
func exportedIDs(t *testing.T, path string) []string {
	t.Helper()
	lines, err := readLines(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range lines {
		var r sbsvc.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("export line %q: %v", l, err)
		}
		ids = append(ids, r.MessageID)
	}
	sort.Strings(ids)
	return ids
}

// Purge with "export first" (on by default): typing the wrong name is
// refused; the export file then holds every purged message.
func TestPurgeWithAndWithoutExportOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 5)
	path := filepath.Join(t.TempDir(), "purged.jsonl")
	e.act(actionRequest{kind: actPurge, entity: q, sub: sbsvc.Active, all: true})
	e.h.mustSee("Purge "+q.Name, "every message (5 messages)", "type "+q.Name+" to confirm", "[x] write every message")
	f := e.h.app.top().(*formView)
	if !strings.HasPrefix(f.value("path"), q.Name+"-active-") || !strings.HasSuffix(f.value("path"), ".jsonl") {
		t.Fatalf("default export file %q", f.value("path"))
	}
	e.h.typeText("wrong")
	e.h.press("enter")
	e.h.mustSee("exactly to confirm")
	if c := e.counts(q.Name); c.Active != 5 {
		t.Fatalf("a refused confirmation purged: %+v", c)
	}
	f.field("name").value = ""
	e.h.typeText(q.Name)
	f.field("path").value = path
	e.h.press("enter")
	e.h.mustSee("purged:    5", "exported:  5 to "+path)
	if c := e.counts(q.Name); c.Active != 0 {
		t.Fatalf("after purge: %+v", c)
	}
	if got := exportedIDs(t, path); strings.Join(got, ",") != "m-0,m-1,m-2,m-3,m-4" {
		t.Fatalf("export holds %v", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("export file mode %v", st.Mode().Perm())
	}
	e.h.press("esc")

	// Without export: no file.
	q2 := e.queue(broker.Properties{}, 3)
	e.act(actionRequest{kind: actPurge, entity: q2, sub: sbsvc.Active, all: true})
	f = e.h.app.top().(*formView)
	e.h.typeText(q2.Name)
	e.h.press("tab", "space") // export first: off
	none := filepath.Join(t.TempDir(), "none.jsonl")
	f.field("path").value = none
	e.h.press("enter")
	e.h.mustSee("purged:    3")
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Fatalf("an export file was written with export off")
	}
	if c := e.counts(q2.Name); c.Active != 0 {
		t.Fatalf("after purge: %+v", c)
	}
}

// Delete the selected messages (by sequence number), export selected ones.
func TestDeleteAndExportSelectedOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 5)
	msgs := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	sel := []int64{msgs[1].SequenceNumber, msgs[3].SequenceNumber}

	path := filepath.Join(t.TempDir(), "sel.jsonl")
	e.act(actionRequest{kind: actExport, entity: q, sub: sbsvc.Active, seqs: sel})
	e.h.mustSee("Export 2 selected messages")
	e.h.app.top().(*formView).field("path").value = path
	e.h.press("enter")
	e.h.mustSee("exported: 2 to " + path)
	if got := exportedIDs(t, path); strings.Join(got, ",") != "m-1,m-3" {
		t.Fatalf("export holds %v", got)
	}
	e.h.press("enter")

	e.act(actionRequest{kind: actDelete, entity: q, sub: sbsvc.Active, seqs: sel})
	e.h.mustSee("Delete 2 messages", seqList(sel))
	e.h.press("enter")
	e.h.mustSee("tick")
	e.h.press("space", "enter")
	e.h.mustSee("deleted:   2 of 2")
	left := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	var ids []string
	for _, m := range left {
		ids = append(ids, m.MessageID)
	}
	if strings.Join(ids, ",") != "m-0,m-2,m-4" {
		t.Fatalf("left %v", ids)
	}
}
