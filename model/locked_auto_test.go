package model

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// Auto-renew (sbsvc's AutoRenewer, real time) keeps a short lock alive past
// its duration; when a renewal fails the row is marked and a toast says so.
func TestLockedAutoRenewKeepsAndReportsFailure(t *testing.T) {
	e := startActionEnv(t, Options{}, false)
	q := e.queue(broker.Properties{LockDuration: time.Second}, 1)
	sh := e.h.app.sh
	sh.now = time.Now // the countdown reads the same clock as the service here
	v := newLockedView(sh, e.ns, actionRequest{kind: actLock, conn: e.ns, entity: q, sub: sbsvc.Active, count: 1})
	msg := v.receive(nil, 1)()
	v.update(msg)
	if len(v.rows) != 1 {
		t.Fatalf("%d rows", len(v.rows))
	}
	first := v.rows[0].l.LockedUntil()
	_, nav := v.update(tea.KeyPressMsg{Code: 'A', Text: "A"})
	prompt, ok := nav.push.(*formView)
	if !ok || prompt.value("max") != "5m0s" {
		t.Fatalf("A opened %T", nav.push)
	}
	prompt.field("max").value = "1m"
	c, _ := prompt.update(tea.KeyPressMsg{Code: tea.KeyEnter})
	done := c().(formDoneMsg)
	cmd, _ := v.update(done.after())
	if v.auto == nil || cmd == nil || v.auto.max != time.Minute {
		t.Fatal("auto-renew did not start")
	}
	if !strings.Contains(v.render(), "auto-renew on") {
		t.Fatalf("header:\n%s", v.render())
	}
	listen := v.auto.listen()
	time.Sleep(1600 * time.Millisecond) // past the original lock
	if v.auto.r.Renewals() == 0 || !v.rows[0].l.LockedUntil().After(first) {
		t.Fatalf("renewals %d, lock %v → %v", v.auto.r.Renewals(), first, v.rows[0].l.LockedUntil())
	}
	// The service loses the lock: the next renewal fails.
	e.em.Faults.ExpireAllLocks()
	got := make(chan tea.Msg, 1)
	go func() { got <- listen() }()
	var fail tea.Msg
	select {
	case fail = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no failure reported")
	}
	if _, ok := fail.(autoRenewFailedMsg); !ok {
		t.Fatalf("listen gave %T", fail)
	}
	cmd, _ = v.update(fail)
	if !strings.Contains(v.rows[0].note, "auto-renew failed") || cmd == nil {
		t.Fatalf("row note %q", v.rows[0].note)
	}
	v.update(tea.KeyPressMsg{Code: 'A', Text: "A"})
	if v.auto != nil {
		t.Fatal("auto-renew still on after toggling off")
	}
	v.cancel()
}
