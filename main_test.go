package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

func TestRunUnknownCommandIsAUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Fatalf("stderr does not name the command: %q", errOut.String())
	}
}

func TestRunEmulatorBadFlagIsAUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"emulator", "--no-such-flag"}, &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2; stderr %q", code, errOut.String())
	}
}

func TestChooseEntitiesFallsBackToDemoOnlyForTheDefaultFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "Config.json")

	cfg, demo, err := chooseEntities(missing, false, false)
	if err != nil || !demo || cfg == nil {
		t.Fatalf("default file missing: got demo=%v err=%v, want the demo namespace", demo, err)
	}
	if _, _, err := chooseEntities(missing, false, true); err == nil {
		t.Fatal("an explicitly named missing file must be an error")
	}
}

func TestChooseEntitiesReportsABadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Config.json")
	bad := `{"UserConfig":{"Namespaces":[{"Name":"ns","Queues":[{"Name":"q","Properties":{"LockDuration":"soon"}}]}]}}`
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := chooseEntities(path, false, false)
	if err == nil {
		t.Fatal("a bad Config.json must be an error, not the demo namespace")
	}
	for _, want := range []string{"Config.json", `"q"`, "LockDuration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// TestEmulatorCommandServesTheSeededDemo is what a newcomer does: start the
// emulator with no Config.json, then use the printed connection string.
func TestEmulatorCommandServesTheSeededDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Chdir(t.TempDir()) // no Config.json here
	var out, errOut bytes.Buffer
	em, cleanup, err := startEmulator(ctx, []string{"--amqp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, &out, &errOut)
	if err != nil {
		t.Fatalf("start: %v\nstderr: %s", err, errOut.String())
	}
	defer cleanup()
	printed := out.String()
	if !strings.Contains(printed, em.ConnectionString) || !strings.Contains(printed, "sbx-demo") {
		t.Fatalf("output does not show the connection string and the demo namespace:\n%s", printed)
	}

	resp, err := http.Get("http://" + em.HTTPAddr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/health answered %d", resp.StatusCode)
	}

	client, err := azservicebus.NewClientFromConnectionString(em.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close(ctx)
	r, err := client.NewReceiverForQueue("orders", &azservicebus.ReceiverOptions{SubQueue: azservicebus.SubQueueDeadLetter})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	peeked, err := r.PeekMessages(ctx, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, m := range peeked {
		if m.DeadLetterReason != nil {
			reasons[*m.DeadLetterReason] = true
		}
	}
	for _, want := range []string{"SchemaValidationFailed", "MaxDeliveryCountExceeded"} {
		if !reasons[want] {
			t.Errorf("orders DLQ has no message dead-lettered for %s; reasons seen: %v", want, reasons)
		}
	}
}
