package sbsvc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// TestSecretNeverPrinted connects with a SAS key while the debug log is on,
// makes the SDK log and fail, and checks the key appears nowhere: not in the
// log file, an error, or any String method.
func TestSecretNeverPrinted(t *testing.T) {
	const key = "Zm9vYmFyLXNlY3JldC1rZXktdmFsdWU="
	em := startEmulator(t, emulator.Config{SASKey: key})
	q := newQueue(t, em, broker.Properties{})

	path := filepath.Join(t.TempDir(), "debug.log")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	dl, err := OpenDebugLog(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()

	src := emulatorSource(em)
	ns, err := ConnectWithOptions(ctxT(t, 20*time.Second), src, ConnectOptions{Retry: fastRetry, Logger: dl.Logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 5); err != nil {
		t.Fatal(err)
	}
	_, peekErr := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: "missing"}, 0, 5)
	wrong := src
	wrong.ConnectionString = strings.Replace(src.ConnectionString, key, key[:10]+"AAAAAAAAAA", 1)
	_, authErr := ConnectWithOptions(ctxT(t, 10*time.Second), wrong, ConnectOptions{Retry: fastRetry, Logger: dl.Logger})
	dl.Logger.Info("source", "src", src, "raw", src.ConnectionString, "err", authErr)
	ns.Close(ctxT(t, 5*time.Second))
	dl.Close()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("debug log mode %v, want 0600", info.Mode().Perm())
	}
	if !strings.Contains(string(data), `"sdk":`) || !strings.Contains(string(data), "connected") {
		t.Errorf("debug log lacks SDK events or sbx records:\n%s", data)
	}
	printed := map[string]string{
		"debug log": string(data), "peek error": fmt.Sprint(peekErr), "auth error": fmt.Sprint(authErr),
		"source": src.String(), "source %+v": fmt.Sprintf("%+v", src), "source %#v": fmt.Sprintf("%#v", src),
		"namespace": ns.String(), "info": fmt.Sprintf("%+v", ns.Info()),
	}
	for what, s := range printed {
		if strings.Contains(s, key) || strings.Contains(s, key[:10]+"AAAAAAAAAA") {
			t.Errorf("%s leaks the key", what)
		}
	}
	if authErr == nil || peekErr == nil {
		t.Errorf("expected both failures: %v / %v", peekErr, authErr)
	}
}
