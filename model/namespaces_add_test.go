package model

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sbx-tui/sbx/sbsvc"
)

const pastedKey = "c2VjcmV0LWtleS12YWx1ZQ=="

var pastedConnString = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + pastedKey

func TestAddNamespaceByConnectionString(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", newFake())}, ConfigPath: cfg, TargetFor: offlineTarget})
	h.press("a")
	ns := h.app.ns
	if !ns.typing() {
		t.Fatalf("a did not open the add prompt")
	}
	h.mustSee("add namespace:", "Paste a connection string")
	h.send(pasteMsg(pastedConnString))
	if strings.Contains(h.screen(), pastedKey) {
		t.Fatalf("the pasted key is on screen:\n%s", h.screen())
	}
	h.mustSee("SharedAccessKey=***", `✓ Adds "contoso"`)
	h.press("enter")
	if ns.adding != nil {
		t.Fatalf("the prompt stayed open after a good add: %q", ns.adding.err)
	}
	if len(ns.rows) != 2 || ns.rows[1].target.Name != "contoso" || ns.table.Cursor() != 1 {
		t.Fatalf("the new namespace is not listed and selected: %d rows", len(ns.rows))
	}
	// It was connected at once, from what the config file now says.
	if ns.rows[1].state != stateConnected || ns.rows[1].target.Endpoint != "contoso.servicebus.windows.net" {
		t.Fatalf("the added namespace was not connected (state %d, endpoint %q)", ns.rows[1].state, ns.rows[1].target.Endpoint)
	}
	if src := ns.rows[1].conn.(*sourceConn).src; src.ConnectionString != pastedConnString {
		t.Fatalf("the stored connection string did not read back intact")
	}
	h.mustSee("contoso.servicebus.windows.net")
	if strings.Contains(h.screen(), pastedKey) {
		t.Fatalf("the key reached the screen after adding")
	}

	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatalf("config not written: %v", err)
	}
	if strings.Contains(string(raw), pastedKey) {
		t.Fatalf("the config file holds the key:\n%s", raw)
	}
	var file struct {
		Namespaces []struct{ Name, ConnectionString string }
	}
	if err := json.Unmarshal(raw, &file); err != nil || len(file.Namespaces) != 1 || file.Namespaces[0].Name != "contoso" ||
		!strings.HasPrefix(file.Namespaces[0].ConnectionString, "file:") {
		t.Fatalf("config content %s (err %v)", raw, err)
	}
}

func TestAddNamespaceValidatesOnTheSpot(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", newFake())}, ConfigPath: cfg, TargetFor: offlineTarget})
	h.press("a")
	h.typeText("bad name!")
	h.mustSee("✗ that is neither a connection string nor a namespace name")
	h.press("enter")
	if h.app.ns.adding == nil {
		t.Fatalf("an invalid entry closed the prompt")
	}
	if _, err := os.Stat(cfg); err == nil {
		t.Fatalf("an invalid entry wrote the config")
	}
	// A half-typed key is hidden too, and the error does not quote it.
	h.send(ctrlKey('u'))
	h.typeText("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=topsecret")
	if strings.Contains(h.screen(), "topsecret") {
		t.Fatalf("a typed key is on screen:\n%s", h.screen())
	}
	h.mustSee("✗ ")
	// q and ? are typed; esc cancels without touching anything.
	h.typeText("q?")
	if h.quit || h.app.showHelp {
		t.Fatalf("keys leaked out of the prompt")
	}
	h.press("esc")
	if h.app.ns.adding != nil || len(h.app.ns.rows) != 1 || h.depth() != 1 {
		t.Fatalf("esc did not cancel the prompt")
	}
}

func TestAddNamespaceByNameAndRefusesDuplicates(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	h := newHarnessWith(t, Options{Targets: []Target{fakeTarget("alpha", newFake())}, ConfigPath: cfg, TargetFor: offlineTarget})
	h.press("a")
	h.typeText("alpha")
	h.mustSee(`✓ Adds "alpha"`, "Microsoft Entra ID")
	h.press("enter")
	h.mustSee(`A namespace named "alpha" is already listed`)
	h.send(ctrlKey('u'))
	h.typeText("fabrikam.servicebus.windows.net")
	h.press("enter")
	ns := h.app.ns
	if ns.adding != nil || len(ns.rows) != 2 || ns.rows[1].target.Name != "fabrikam" {
		t.Fatalf("adding by host name failed: %d rows", len(ns.rows))
	}
	if ns.rows[1].target.Auth == "" {
		t.Fatalf("the new row does not say how it signs in")
	}
	if h.app.toast == nil || h.app.toast.text != "Added fabrikam to "+cfg+"." {
		t.Fatalf("no toast names the config file: %+v", h.app.toast)
	}
}

func TestAddNamespaceWithoutAConfigPathExplains(t *testing.T) {
	h := newHarness(t, fakeTarget("alpha", newFake()))
	h.press("a")
	h.typeText("contoso")
	h.press("enter")
	h.mustSee("There is no config file to store it in")
}

// sourceConn is a fake connection that remembers the source it was made
// from, so tests see what the config file read back.
type sourceConn struct {
	*fakeConn
	src sbsvc.Source
}

// offlineTarget is SourceTarget's row without the network.
func offlineTarget(src sbsvc.Source) Target {
	t := SourceTarget(src, sbsvc.ConnectOptions{})
	t.Connect = func(context.Context) (Conn, error) { return &sourceConn{fakeConn: newFake(), src: src}, nil }
	return t
}
