package sbsvc

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// readMethods are the exported *Namespace methods that change nothing in
// Service Bus. Every other exported method is a write and must be listed in
// writeRefusals with a check that it refuses in read-only mode.
var readMethods = map[string]bool{
	"Close": true, "Info": true, "ListEntities": true, "ListQueues": true, "ListRules": true,
	"ListSubscriptions": true, "ListTopics": true, "Name": true, "Peek": true, "ReadOnly": true, "String": true,
}

// writeRefusals calls each write method on a read-only namespace and
// returns its error. Later slices add their writes here.
var writeRefusals = map[string]func(ns *Namespace) error{}

func TestEveryMethodIsAReadOrRefusesReadOnly(t *testing.T) {
	typ := reflect.TypeFor[*Namespace]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if readMethods[name] {
			continue
		}
		refuse, ok := writeRefusals[name]
		if !ok {
			t.Errorf("(*Namespace).%s is neither declared a read nor proven to refuse in read-only mode", name)
			continue
		}
		ns := &Namespace{info: NamespaceInfo{Name: "ro", ReadOnly: true}, log: slog.New(slog.DiscardHandler)}
		wantKind(t, refuse(ns), KindReadOnly)
	}
	for name := range readMethods {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("readMethods lists %s, which *Namespace does not have", name)
		}
	}
}

func TestWriteGuard(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ro := &Namespace{info: NamespaceInfo{Name: "prod", ReadOnly: true}, log: log}
	called := false
	err := ro.write(context.Background(), "purge", "orders", func(context.Context) error { called = true; return nil })
	e := wantKind(t, err, KindReadOnly)
	if called || e.Op != "purge" || e.Entity != "orders" {
		t.Errorf("read-only write ran (%v) or error is %+v", called, e)
	}

	rw := &Namespace{info: NamespaceInfo{Name: "dev"}, log: log}
	if err := rw.write(context.Background(), "send", "orders", func(context.Context) error { called = true; return nil }); err != nil || !called {
		t.Fatalf("write: %v, called %v", err, called)
	}
	if !strings.Contains(buf.String(), "msg=audit op=send entity=orders namespace=dev") {
		t.Errorf("no audit line in %q", buf.String())
	}
	err = rw.write(context.Background(), "send", "orders", func(context.Context) error { return context.Canceled })
	wantKind(t, err, KindCancelled)
	if !errors.Is(err, context.Canceled) {
		t.Error("cause lost")
	}
}
