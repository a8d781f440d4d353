package model

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

func TestParsePropertiesTypes(t *testing.T) {
	p, err := parseProperties("a=42\nb=1.5\nc=true\nd=hello world\ne=\"42\"\n# comment\n\nf = -7 ")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": int64(42), "b": 1.5, "c": true, "d": "hello world", "e": "42", "f": int64(-7)}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %#v, want %#v", k, p[k], v)
		}
	}
	for _, bad := range []string{"novalue", "=x", "a=1\na=2"} {
		if _, err := parseProperties(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// A template's properties come back as the same types.
	back, err := parseProperties(propertyLines(map[string]any{"s": "42", "n": int64(3), "q": `"x"`, "b": false}))
	if err != nil || back["s"] != "42" || back["n"] != int64(3) || back["q"] != `"x"` || back["b"] != false {
		t.Fatalf("round trip %#v %v", back, err)
	}
}

func TestParseComposeValidation(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := composeInput{body: "hi", count: "3", scheduled: "+5m", ttl: "10m"}
	c, err := parseCompose(ok, now, 1024, false)
	if err != nil || c.count != 3 || !c.at.Equal(now.Add(5*time.Minute)) || c.msg.TimeToLive != 10*time.Minute {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = parseCompose(composeInput{body: "x", scheduled: "2026-02-03T04:05:06Z"}, now, 0, false)
	if err != nil || c.at.Format(time.RFC3339) != "2026-02-03T04:05:06Z" || c.count != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	for _, tc := range []struct {
		in      composeInput
		session bool
		want    string
	}{
		{composeInput{body: strings.Repeat("x", 2000)}, false, "at most 1000 B"},
		{composeInput{body: "x"}, true, "requires sessions"},
		{composeInput{props: "a"}, false, "key=value"},
		{composeInput{ttl: "soon"}, false, "time to live"},
		{composeInput{scheduled: "tomorrow"}, false, "RFC 3339"},
		{composeInput{scheduled: "+x"}, false, "+5m"},
		{composeInput{count: "0"}, false, "copies"},
		{composeInput{count: "100001"}, false, "copies"},
	} {
		_, err := parseCompose(tc.in, now, 1000, tc.session)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.in, err, tc.want)
		}
	}
}

// The compose form sends N copies with typed properties; a template
// prefills it; a bad field keeps the form open with the reason.
func TestComposeSendsOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 1)
	tpl := e.peekAll(sbsvc.EntityRef{Queue: q.Name})[0]
	e.act(actionRequest{kind: actSend, entity: q, sub: sbsvc.Active, template: &tpl})
	e.h.mustSee("Send to "+q.Name, "from template", `{"n":0}`, "n=0", "tenant=acme")
	f := e.h.app.top().(*formView)
	if f.value("contentType") != "application/json" || f.value("subject") != "test" {
		t.Fatalf("template not applied: %q %q", f.value("contentType"), f.value("subject"))
	}
	f.field("count").value = "x"
	e.h.press("ctrl+s")
	e.h.mustSee("copies: a number")
	f.field("count").value = "3"
	f.field("props").value = "n=7\nok=true\nratio=0.5"
	f.field("messageId").value = "new-1"
	e.h.send(ctrlKey('s'))
	if _, still := e.h.app.top().(*formView); still {
		t.Fatalf("the form stayed open:\n%s", e.h.screen())
	}
	e.h.mustSee("sent 3 messages to " + q.Name)
	got := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	if len(got) != 4 {
		t.Fatalf("%d messages, want 4", len(got))
	}
	for _, m := range got[1:] {
		if m.MessageID != "new-1" || m.Properties["n"] != int64(7) || m.Properties["ok"] != true || m.Properties["ratio"] != 0.5 ||
			string(m.Body) != `{"n":0}` || m.ContentType != "application/json" {
			t.Fatalf("sent %+v", m)
		}
	}
}

// Scheduling returns sequence numbers; cancelling removes them.
func TestComposeScheduleAndCancelOnTheEmulator(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 0)
	e.act(actionRequest{kind: actSend, entity: q, sub: sbsvc.Active})
	f := e.h.app.top().(*formView)
	e.h.typeText("later")
	f.field("scheduled").value = "+1h"
	f.field("count").value = "2"
	e.h.send(ctrlKey('s'))
	e.h.mustSee("scheduled 2 messages")
	sched := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	if len(sched) != 2 || sched[0].State != sbsvc.StateScheduled {
		t.Fatalf("peeked %+v", sched)
	}
	e.act(actionRequest{kind: actCancelScheduled, entity: q, sub: sbsvc.Active,
		seqs: []int64{sched[0].SequenceNumber, sched[1].SequenceNumber}, messages: sched})
	e.h.mustSee("Cancel 2 scheduled messages")
	e.h.press("space", "enter")
	e.h.mustSee("cancelled 2 scheduled messages")
	if left := e.peekAll(sbsvc.EntityRef{Queue: q.Name}); len(left) != 0 {
		t.Fatalf("%d left after cancelling", len(left))
	}
}

// On a short screen the form keeps its title, the focused field and the
// footer in sight.
func TestComposeFormFitsAShortScreen(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{}, 0)
	e.h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.act(actionRequest{kind: actSend, entity: q, sub: sbsvc.Active})
	f := e.h.app.top().(*formView)
	f.field("body").value = strings.Repeat("line\n", 20)
	for range len(f.fields) - 1 {
		e.h.press("tab")
	}
	e.h.mustSee("Send to "+q.Name, "› copies: 1", "ctrl+s send")
	e.h.press("tab") // wraps to the body
	e.h.mustSee("› body:", "… 13 lines above", "ctrl+s send")
}

// On a queue with duplicate detection, copies sharing one message id would
// be dropped by the service without an error: the form refuses them and
// says why, and sends them once the id is left empty.
func TestComposeRefusesCopiesOfOneIDUnderDuplicateDetection(t *testing.T) {
	e := newActionEnv(t, Options{})
	q := e.queue(broker.Properties{RequiresDuplicateDetection: true}, 0)
	if !q.RequiresDuplicateDetection {
		t.Fatalf("the admin API did not report duplicate detection on %s", q.Name)
	}
	e.act(actionRequest{kind: actSend, entity: q, sub: sbsvc.Active})
	e.h.mustSee(q.Name + " has duplicate detection: a message id it saw")
	f := e.h.app.top().(*formView)
	f.field("body").value = "x"
	f.field("messageId").value = "same"
	f.field("count").value = "3"
	e.h.send(ctrlKey('s'))
	e.h.mustSee("copies sharing one message id would be dropped")
	if got := e.peekAll(sbsvc.EntityRef{Queue: q.Name}); len(got) != 0 {
		t.Fatalf("a refused form sent %d messages", len(got))
	}
	f.field("messageId").value = ""
	e.h.send(ctrlKey('s'))
	e.h.mustSee("sent 3 messages to " + q.Name)
	if got := e.peekAll(sbsvc.EntityRef{Queue: q.Name}); len(got) != 3 {
		t.Fatalf("%d messages arrived, want 3", len(got))
	}
}
