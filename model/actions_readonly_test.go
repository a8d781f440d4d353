package model

import (
	"context"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// In read-only mode every action is refused with a toast before anything
// reaches the service, and sbsvc refuses on its own as well.
func TestReadOnlyRefusesEveryAction(t *testing.T) {
	e := newActionEnv(t, Options{ReadOnly: true})
	q := e.queue(broker.Properties{}, 3)
	e.deadLetter(q.Name, 1, func(int) string { return "x" })
	q = e.entity(q.Name)
	before := e.counts(q.Name)
	msgs := e.peekAll(sbsvc.EntityRef{Queue: q.Name})
	for kind := actLock; kind <= actAcceptSession; kind++ {
		if kind == actExport {
			continue // export only peeks: offered in read-only mode (below)
		}
		depth := e.h.depth()
		e.act(actionRequest{kind: kind, entity: q, sub: sbsvc.Active, seqs: []int64{msgs[0].SequenceNumber},
			messages: msgs[:1], template: &msgs[0], count: 1, all: true})
		if e.h.depth() != depth {
			t.Fatalf("action %d opened %T in read-only mode", kind, e.h.app.top())
		}
		e.h.mustSee("read-only")
	}
	if after := e.counts(q.Name); after != before {
		t.Fatalf("counts changed in read-only mode: %+v → %+v", before, after)
	}

	// Export reads only: it is offered, and the help lists no write key.
	depth := e.h.depth()
	e.act(actionRequest{kind: actExport, entity: q, sub: sbsvc.Active, all: true})
	if _, ok := e.h.app.top().(*formView); !ok || e.h.depth() != depth+1 {
		t.Fatalf("export in read-only mode opened %T", e.h.app.top())
	}
	e.h.press("esc")
	e.h.app.showHelp = true
	for _, g := range e.h.app.helpGroups() {
		for _, k := range g.Keys {
			switch k.Desc {
			case "peek-lock", "resubmit", "purge", "complete", "send new", "renew lock":
				t.Errorf("read-only help offers %q (%s)", k.Desc, k.Keys)
			}
		}
		if len(g.Keys) == 0 {
			t.Errorf("the help shows an empty %q column", g.Title)
		}
		if g.Title == "Locked messages" {
			t.Errorf("read-only help shows the locked-messages column: %+v", g.Keys)
		}
	}
	e.h.app.showHelp = false

	// A namespace configured read-only is refused the same way, and its
	// sbsvc handle refuses writes itself.
	e2 := newActionEnv(t, Options{})
	e2.queue(broker.Properties{}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ro, err := sbsvc.Connect(ctx, sbsvc.Source{Name: "ro", Auth: sbsvc.AuthConnectionString, ReadOnly: true,
		ConnectionString: e.em.ConnectionString, AdminEndpoint: e.em.HTTPAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close(context.Background())
	e2.act(actionRequest{kind: actPurge, conn: ro, entity: q, sub: sbsvc.Active, all: true})
	e2.h.mustSee("read-only")
	if _, err := ro.Send(ctx, sbsvc.EntityRef{Queue: q.Name}, []sbsvc.OutgoingMessage{{Body: []byte("x")}}); sbsvc.KindOf(err) != sbsvc.KindReadOnly {
		t.Fatalf("read-only Send: %v", err)
	}
	if _, err := ro.ReceiveLocked(ctx, sbsvc.EntityRef{Queue: q.Name}, 1); sbsvc.KindOf(err) != sbsvc.KindReadOnly {
		t.Fatalf("read-only ReceiveLocked: %v", err)
	}
	if after := e.counts(q.Name); after != before {
		t.Fatalf("counts changed: %+v → %+v", before, after)
	}
}

// A connection that can only browse gets a clear note, not a crash.
func TestBrowseOnlyConnectionCannotWrite(t *testing.T) {
	h := newHarness(t)
	cmd, nav := startAction(h.app.sh, actionRequest{kind: actSend, conn: newFake()})
	if nav != nil {
		t.Fatal("a browse-only connection opened a view")
	}
	h.run(cmd)
	h.mustSee("cannot write")
}
