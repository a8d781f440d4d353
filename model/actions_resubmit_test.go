package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// Resubmit three selected dead letters, then a whole reason group: the
// admin API's counts show them moved, and the copies carry the original
// properties and message ids (without the dead-letter reason).
func TestResubmitSelectedAndReasonGroupOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 8)
	e.deadLetter(q.Name, 8, func(i int) string {
		if i < 5 {
			return "Poison"
		}
		return "Expired"
	})
	dlq := sbsvc.EntityRef{Queue: q.Name, SubQueue: sbsvc.DeadLetter}
	dead := e.peekAll(dlq)
	if len(dead) != 8 {
		t.Fatalf("%d dead letters, want 8", len(dead))
	}
	if c := e.counts(q.Name); c.Active != 0 || c.DeadLetter != 8 {
		t.Fatalf("before: %+v", c)
	}
	q = e.entity(q.Name)

	// Three selected (the first three Poison ones).
	seqs := []int64{dead[0].SequenceNumber, dead[1].SequenceNumber, dead[2].SequenceNumber}
	e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.DeadLetter, seqs: seqs, messages: dead[:3]})
	e.h.mustSee("Resubmit from", "3 selected messages", "message ids", "keep", "DeadLetterReason")
	e.h.press("enter")
	if _, ok := e.h.app.top().(*bulkView); !ok {
		t.Fatalf("enter opened %T, want the progress view", e.h.app.top())
	}
	e.h.mustSee("moved:               3", "failed:              0", "audit file: "+filepath.Join(os.Getenv("XDG_STATE_HOME"), "sbx"))
	if c := e.counts(q.Name); c.Active != 3 || c.DeadLetter != 5 {
		t.Fatalf("after 3 selected: %+v, want active 3, DLQ 5", c)
	}
	copies := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	for i, m := range copies {
		o := dead[i]
		if m.MessageID != o.MessageID || m.Properties["n"] != o.Properties["n"] || m.Properties["tenant"] != "acme" || string(m.Body) != string(o.Body) {
			t.Fatalf("copy %d = %s %v %q, original %s %v %q", i, m.MessageID, m.Properties, m.Body, o.MessageID, o.Properties, o.Body)
		}
		if m.DeadLetterReason != "" || m.Properties["DeadLetterReason"] != nil {
			t.Fatalf("copy %s kept the dead-letter reason", m.MessageID)
		}
	}
	e.h.press("enter") // close the summary

	// The reason group "Expired" (3), with new ids.
	q = e.entity(q.Name)
	e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.DeadLetter,
		group: &reasonGroup{Reason: "Expired", Description: "desc", Count: 3}})
	e.h.mustSee(`reason group "Expired"`)
	e.h.press("up", "space") // the ids toggle: new ids
	e.h.press("enter")
	e.h.mustSee("moved:               3")
	if c := e.counts(q.Name); c.Active != 6 || c.DeadLetter != 2 {
		t.Fatalf("after the group: %+v, want active 6, DLQ 2", c)
	}
	for _, m := range e.peekAll(dlq) {
		if m.DeadLetterReason != "Poison" {
			t.Fatalf("a %s message is still dead-lettered", m.DeadLetterReason)
		}
	}
	ids := map[string]bool{}
	for _, m := range dead {
		ids[m.MessageID] = true
	}
	fresh := 0
	for _, m := range e.peekAll(sbsvc.EntityRef{Queue: q.Name})[3:] {
		if !ids[m.MessageID] {
			fresh++
		}
	}
	if fresh != 3 {
		t.Fatalf("%d of the group's copies got new ids, want 3", fresh)
	}
	audit, err := readLines(filepath.Join(os.Getenv("XDG_STATE_HOME"), "sbx", "audit.jsonl"))
	if err != nil || len(audit) != 6 {
		t.Fatalf("audit file has %d lines (%v), want 6", len(audit), err)
	}
}

// Resubmit refuses on the active tab, and a target override sends copies
// elsewhere.
func TestResubmitTargetOverride(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 2)
	other := e.queue(broker.Properties{}, 0)
	e.deadLetter(q.Name, 2, func(int) string { return "x" })
	q = e.entity(q.Name)
	depth := e.h.depth()
	e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.Active, all: true})
	if e.h.depth() != depth {
		t.Fatal("resubmit from the active tab opened a view")
	}
	e.h.mustSee("dead-letter queue")
	e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.DeadLetter, all: true})
	e.h.mustSee("every message (2 messages)")
	e.h.typeText(other.Name)
	e.h.press("enter")
	e.h.mustSee("moved:               2", "→ "+other.Name)
	e.h.mustNotSee("fan-out")
	if c := e.counts(other.Name); c.Active != 2 {
		t.Fatalf("target holds %d, want 2", c.Active)
	}
	if c := e.counts(q.Name); c.Active != 0 || c.DeadLetter != 0 {
		t.Fatalf("source %+v, want empty", c)
	}
}

// Edit one message in $EDITOR (here: a function writing the file), confirm,
// and the copy carries the edited body and properties.
func TestEditResubmitOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 1)
	e.deadLetter(q.Name, 1, func(int) string { return "bad amount" })
	q = e.entity(q.Name)
	dead := e.peekAll(sbsvc.EntityRef{Queue: q.Name, SubQueue: sbsvc.DeadLetter})

	var seen, tmp string
	old := runEditor
	t.Cleanup(func() { runEditor = old })
	runEditor = func(path string, done func(error) tea.Msg) tea.Cmd {
		return func() tea.Msg {
			data, _ := os.ReadFile(path)
			seen, tmp = string(data), path
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("temp file mode %v (%v), want 0600", st.Mode().Perm(), err)
			}
			edited := strings.Replace(string(data), `{\"n\":0}`, `{\"n\":42}`, 1)
			edited = strings.Replace(edited, `"tenant": "acme"`, `"tenant": "globex"`, 1)
			os.WriteFile(path, []byte(edited), 0o600)
			return done(nil)
		}
	}
	e.act(actionRequest{kind: actEditResubmit, entity: q, sub: sbsvc.DeadLetter, seqs: []int64{dead[0].SequenceNumber}, messages: dead})
	if !strings.Contains(seen, `"body": "{\"n\":0}"`) {
		t.Fatalf("the editor saw:\n%s", seen)
	}
	e.h.mustSee("edited: body (8 bytes), property tenant")
	e.h.press("enter")
	e.h.mustSee("moved:               1")
	got := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	if len(got) != 1 || string(got[0].Body) != `{"n":42}` || got[0].Properties["tenant"] != "globex" || got[0].Properties["n"] != int64(0) {
		t.Fatalf("copy %q %v", got[0].Body, got[0].Properties)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatalf("temp file %s left behind (%v)", tmp, err)
	}
}

// parseMessageDoc explains bad edits instead of sending them.
func TestParseMessageDocErrors(t *testing.T) {
	orig := sbsvc.Message{BodyKind: sbsvc.BodyData, Body: []byte("x"), Properties: map[string]any{"a": int64(1)}}
	for _, tc := range []struct{ doc, want string }{
		{``, "empty"},
		{`{"body": 1}`, "body must be a JSON string"},
		{`{"body": "a", "bodyBase64": "YQ=="}`, "not both"},
		{`{"subject": "x"}`, `unknown field "subject"`},
		{`{"properties": {"a": [1]}}`, "strings, numbers and booleans"},
		{`{"properties": {"a": null}}`, "remove it instead"},
		{`{"body": "x"`, "not valid JSON"},
	} {
		_, err := parseMessageDoc(orig, []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.doc, err, tc.want)
		}
	}
	ed, err := parseMessageDoc(orig, []byte(`{"_note":"x","body":"x","properties":{"a":1,"b":1.5,"c":true}}`))
	if err != nil || ed.body != nil || ed.props["a"] != int64(1) || ed.props["b"] != 1.5 || ed.props["c"] != true {
		t.Fatalf("parsed %+v %v", ed, err)
	}
	if strings.Join(ed.changes, ",") != "property b,property c" && strings.Join(ed.changes, ",") != "property c,property b" {
		t.Fatalf("changes %v", ed.changes)
	}
}

// On a queue with duplicate detection, kept ids would make the service drop
// the copies silently (it saw those ids when the originals were sent) while
// the originals are completed. Ids are kept by default all the same: sbsvc
// gives the copies of recent messages new ids, the form says so, the
// summary counts them, and the copies arrive.
func TestResubmitToDuplicateDetectingQueueRenamesRecentMessages(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresDuplicateDetection: true}, 2)
	e.deadLetter(q.Name, 2, func(int) string { return "x" })
	q = e.entity(q.Name)
	if !q.RequiresDuplicateDetection {
		t.Fatal("the listing does not report duplicate detection")
	}
	dead := e.peekAll(sbsvc.EntityRef{Queue: q.Name, SubQueue: sbsvc.DeadLetter})
	e.act(actionRequest{kind: actResubmit, entity: q, sub: sbsvc.DeadLetter, all: true})
	e.h.mustSee("[x] keep (new ids only where duplicate detection would drop them)",
		q.Name+" has duplicate detection", "enqueued within its window get new ids")
	e.h.press("enter")
	e.h.mustSee("moved:               2", "new ids:             2 (the target's duplicate detection")
	e.h.mustNotSee("fan-out", "may be dropped")
	if c := e.counts(q.Name); c.Active != 2 || c.DeadLetter != 0 {
		t.Fatalf("after resubmit: %+v, want the 2 copies active", c)
	}
	for _, m := range e.peekAll(sbsvc.EntityRef{Queue: q.Name}) {
		for _, d := range dead {
			if m.MessageID == d.MessageID {
				t.Fatalf("copy %s kept its id: the queue would have dropped it", m.MessageID)
			}
		}
	}
}

// The summary tells of renamed copies, copies that may have been dropped
// and the assumptions sbsvc made; a copy that may be dropped is a warning.
func TestResubmitSummaryReportsIDsAndNotes(t *testing.T) {
	note := "the duplicate detection settings of q could not be read (authentication: reading them needs Manage rights): " +
		"it was assumed to detect duplicates over 7 days, the service maximum"
	res := sbsvc.ResubmitResult{Moved: []sbsvc.ResubmitItem{{SequenceNumber: 1}, {SequenceNumber: 2}},
		Renamed: 1, MayBeDropped: 1, Notes: []string{note}}
	s := resubmitSummary(res, nil, "/tmp/audit.jsonl")
	text := strings.Join(s.lines, "\n")
	for _, want := range []string{"new ids:             1", "may be dropped:      1", "note: the duplicate detection settings of q", "the service maximum"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	// The note is wrapped to fit 80 columns, not cut.
	for _, l := range s.lines {
		if strings.Contains(l, "duplicate detection settings") || strings.Contains(l, "service maximum") {
			if len(l) > 80 {
				t.Errorf("note line of %d columns: %q", len(l), l)
			}
		}
	}
	if !s.warn {
		t.Error("a copy that may have been dropped is not a warning")
	}
	s = resubmitSummary(sbsvc.ResubmitResult{Moved: res.Moved}, nil, "/tmp/audit.jsonl")
	if text := strings.Join(s.lines, "\n"); strings.Contains(text, "new ids") || strings.Contains(text, "note:") || s.warn {
		t.Errorf("a plain resubmit's summary:\n%s (warn %v)", text, s.warn)
	}
}

// From a subscription's DLQ the copy goes to the topic: the confirmation
// names the subscriptions it reaches (true filter) and may reach (SQL),
// and the copies land in each.
func TestResubmitFromSubscriptionWarnsOfFanOut(t *testing.T) {
	e := newActionEnv(t, Options{})
	b := e.em.Broker
	if _, err := b.CreateTopic("news", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		rule *broker.Rule
	}{
		{"all", &broker.Rule{Name: "$Default", Filter: broker.Filter{Kind: broker.FilterTrue}}},
		{"eu", &broker.Rule{Name: "eu", Filter: broker.Filter{Kind: broker.FilterSQL, SQLExpression: "region = 'eu'"}}},
	} {
		if _, err := b.CreateSubscription("news", s.name, broker.Properties{}, s.rule); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ns.Send(e.ctx(), sbsvc.EntityRef{Topic: "news"}, []sbsvc.OutgoingMessage{{Body: []byte("x"), MessageID: "n-1"}}); err != nil {
		t.Fatal(err)
	}
	ref := sbsvc.EntityRef{Topic: "news", Subscription: "all"}
	ls, err := e.ns.ReceiveLocked(e.ctx(), ref, 1)
	if err != nil || len(ls) != 1 {
		t.Fatalf("receive %d %v", len(ls), err)
	}
	if err := e.ns.DeadLetter(e.ctx(), ls[0], sbsvc.DeadLetterOptions{Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	subs, err := e.ns.ListSubscriptions(e.ctx(), "news")
	if err != nil {
		t.Fatal(err)
	}
	var all sbsvc.Entity
	for _, s := range subs {
		if s.Name == "all" {
			all = s
		}
	}
	e.act(actionRequest{kind: actResubmit, entity: all, sub: sbsvc.DeadLetter, all: true})
	e.h.mustSee("copies go to topic news", "reaches: all", "may also reach (their filters depend on each message): eu", "to:    topic news")
	e.h.press("enter")
	e.h.mustSee("moved:               1")
	if got := e.peekAll(ref); len(got) != 1 || got[0].MessageID != "n-1" {
		t.Fatalf("subscription all holds %+v", got)
	}
}
