package main

import (
	"bytes"
	"path/filepath"
	"testing"

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

	targets, selected, err := tuiTargets(missing, flagsWith(""), true)
	if err != nil || len(targets) != 1 || !targets[0].Demo || selected != 0 {
		t.Fatalf("no namespaces configured: %d targets, selected %d, err %v; want the demo alone, selected", len(targets), selected, err)
	}

	cs := "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0"
	targets, selected, err = tuiTargets(missing, flagsWith(cs), true)
	if err != nil || len(targets) != 2 || selected != 1 {
		t.Fatalf("with --connection-string: %d targets, selected %d, err %v; want the flag's namespace selected", len(targets), selected, err)
	}
	if got := targets[1].Endpoint; got != "contoso.servicebus.windows.net" {
		t.Fatalf("endpoint %q", got)
	}
	if !targets[1].ReadOnly {
		t.Fatalf("--read-only did not reach the namespace")
	}

	targets, _, err = tuiTargets(missing, flagsWith(cs), false)
	if err != nil || len(targets) != 1 || targets[0].Demo {
		t.Fatalf("--no-demo still offers the demo")
	}
}

func flagsWith(cs string) sbsvc.Flags {
	return sbsvc.Flags{ConnectionString: cs, ReadOnly: true}
}
