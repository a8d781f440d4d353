package sbsvc

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// bareNamespace is a Namespace with no connection, for checks that must
// fail before anything reaches Service Bus.
func bareNamespace(readOnly bool) *Namespace {
	return &Namespace{info: NamespaceInfo{Name: "bare", ReadOnly: readOnly}, log: slog.New(slog.DiscardHandler)}
}

// Register the peek-lock, session and send methods with the read-only
// enumeration in readonly_test.go.
func init() {
	ctx := context.Background()
	q := EntityRef{Queue: "orders"}
	locked := func() *Locked { return &Locked{Ref: q} }
	for name, refuse := range map[string]func(ns *Namespace) error{
		"ReceiveLocked":     func(ns *Namespace) error { _, err := ns.ReceiveLocked(ctx, q, 1); return err },
		"ReceiveAndDelete":  func(ns *Namespace) error { _, err := ns.ReceiveAndDelete(ctx, q, 1); return err },
		"ReceiveDeferred":   func(ns *Namespace) error { _, err := ns.ReceiveDeferred(ctx, q, []int64{1}); return err },
		"Renew":             func(ns *Namespace) error { return ns.Renew(ctx, locked()) },
		"Complete":          func(ns *Namespace) error { return ns.Complete(ctx, locked()) },
		"Abandon":           func(ns *Namespace) error { return ns.Abandon(ctx, locked(), map[string]any{"a": 1}) },
		"DeadLetter":        func(ns *Namespace) error { return ns.DeadLetter(ctx, locked(), DeadLetterOptions{Reason: "r"}) },
		"Defer":             func(ns *Namespace) error { return ns.Defer(ctx, locked(), nil) },
		"AcceptSession":     func(ns *Namespace) error { _, err := ns.AcceptSession(ctx, q, "s"); return err },
		"AcceptNextSession": func(ns *Namespace) error { _, err := ns.AcceptNextSession(ctx, q); return err },
		"Send": func(ns *Namespace) error {
			_, err := ns.Send(ctx, q, []OutgoingMessage{{Body: []byte("x")}})
			return err
		},
		"Schedule": func(ns *Namespace) error {
			_, err := ns.Schedule(ctx, q, []OutgoingMessage{{Body: []byte("x")}}, time.Now())
			return err
		},
		"CancelScheduled": func(ns *Namespace) error { return ns.CancelScheduled(ctx, q, []int64{1}) },
		"LockBySequence": func(ns *Namespace) error {
			_, err := ns.LockBySequence(ctx, q, []int64{1}, 0)
			return err
		},
	} {
		writeRefusals[name] = refuse
	}
	// Listing sessions and making a renewer change nothing.
	readMethods["ListSessions"] = true
	readMethods["NewAutoRenewer"] = true
}

// The writes of SessionHandle and AutoRenewer refuse in read-only mode
// too, before touching the (here absent) SDK receiver.
func TestHandleWritesRefuseReadOnly(t *testing.T) {
	ro := bareNamespace(true)
	ctx := ctxT(t, 5*time.Second)
	h := &SessionHandle{ns: ro, ref: EntityRef{Queue: "orders", SessionID: "s"}}
	checks := map[string]func() error{
		"Receive":         func() error { _, err := h.Receive(ctx, 1); return err },
		"ReceiveDeferred": func() error { _, err := h.ReceiveDeferred(ctx, []int64{1}); return err },
		"RenewLock":       func() error { return h.RenewLock(ctx) },
		"SetState":        func() error { return h.SetState(ctx, []byte("x")) },
		"AutoRenewer.Register": func() error {
			a := ro.NewAutoRenewer(AutoRenewOptions{})
			defer a.Stop()
			return a.Register(&Locked{Ref: h.ref})
		},
	}
	for name, call := range checks {
		t.Run(name, func(t *testing.T) {
			e := wantKind(t, call(), KindReadOnly)
			if e.Entity == "" {
				t.Errorf("refusal names no entity: %v", e)
			}
		})
	}
}

// A refused write leaves the message unsettled, so nothing claims it moved.
func TestReadOnlyRefusalLeavesMessageUnsettled(t *testing.T) {
	ro := bareNamespace(true)
	l := &Locked{Ref: EntityRef{Queue: "orders"}}
	wantKind(t, ro.Complete(ctxT(t, time.Second), l), KindReadOnly)
	if l.Settled() != "" {
		t.Errorf("settled = %q after a refusal", l.Settled())
	}
}
