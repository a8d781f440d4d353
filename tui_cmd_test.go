package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/sbsvc"
)

func TestRunTUIBadFlagIsAUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--no-such-flag"}, &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2; stderr %q", code, errOut.String())
	}
}

func TestTUITargetsPutTheDemoFirstAndSelectAFlagNamespace(t *testing.T) {
	t.Setenv("SERVICEBUS_CONNECTION_STRING", "")
	t.Setenv("AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE", "")
	missing := filepath.Join(t.TempDir(), "config.json")

	targets, selected, err := tuiTargets(missing, flagsWith(""), true, sbsvc.ConnectOptions{})
	if err != nil || len(targets) != 1 || !targets[0].Demo || selected != 0 {
		t.Fatalf("no namespaces configured: %d targets, selected %d, err %v; want the demo alone, selected", len(targets), selected, err)
	}

	cs := "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0"
	targets, selected, err = tuiTargets(missing, flagsWith(cs), true, sbsvc.ConnectOptions{})
	if err != nil || len(targets) != 2 || selected != 1 {
		t.Fatalf("with --connection-string: %d targets, selected %d, err %v; want the flag's namespace selected", len(targets), selected, err)
	}
	if got := targets[1].Endpoint; got != "contoso.servicebus.windows.net" {
		t.Fatalf("endpoint %q", got)
	}
	if !targets[1].ReadOnly {
		t.Fatalf("--read-only did not reach the namespace")
	}

	targets, _, err = tuiTargets(missing, flagsWith(cs), false, sbsvc.ConnectOptions{})
	if err != nil || len(targets) != 1 || targets[0].Demo {
		t.Fatalf("--no-demo still offers the demo")
	}
}

func flagsWith(cs string) sbsvc.Flags {
	return sbsvc.Flags{ConnectionString: cs, ReadOnly: true}
}

func TestRunTUIReportsABadKeysFileBeforeStarting(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(keys, []byte(`{"Refrsh": ["r"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--keys", keys, "--no-demo"}, &out, &errOut); code != 1 {
		t.Fatalf("exit code %d, want 1; stderr %q", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), `"Refrsh" is not an action`) || !strings.Contains(errOut.String(), keys) {
		t.Fatalf("the error does not name the field and the file: %q", errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"--keys", filepath.Join(t.TempDir(), "missing.json")}, &out, &errOut); code != 1 {
		t.Fatalf("a missing --keys file: exit code %d, want 1", code)
	}
}

func TestRunTUIReportsAnUnwritableDebugLog(t *testing.T) {
	var out, errOut bytes.Buffer
	bad := filepath.Join(t.TempDir(), "no-such-dir", "debug.log")
	keys := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(keys, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"--debug", bad, "--keys", keys}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "--debug") {
		t.Fatalf("exit code %d, stderr %q; want 1 naming --debug", code, errOut.String())
	}
}

func TestDemoTargetLogsToTheDebugLog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	target := demoTarget(logger)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := target.Connect(ctx)
	if err != nil {
		t.Fatalf("demo connect: %v", err)
	}
	if _, err := conn.ListEntities(ctx); err != nil {
		t.Fatalf("list: %v", err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if buf.Len() == 0 {
		t.Fatalf("nothing reached the debug logger")
	}
	if strings.Contains(buf.String(), "SharedAccessKey=") && !strings.Contains(buf.String(), "SharedAccessKey=***") {
		t.Fatalf("a key reached the log")
	}
}
