package sbsvc

import (
	"context"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator"
)

func TestRegistryConnectAll(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	good := emulatorSource(em)
	good.Name = "local"
	bad := Source{Name: "broken", Auth: AuthConnectionString, ConnectionString: "Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=bcdefghij"}
	dup := good
	r := NewRegistry()
	err := r.ConnectAll(ctxT(t, 20*time.Second), []Source{good, bad, dup}, ConnectOptions{Retry: fastRetry})
	defer r.Close(context.Background())
	if err == nil || KindOf(err) != KindConnectionString {
		t.Errorf("joined error = %v", err)
	}
	list := r.List()
	if len(list) != 1 || list[0].Name() != "local" {
		t.Fatalf("registry holds %v", list)
	}
	if ns, ok := r.Get("local"); !ok || ns.ReadOnly() {
		t.Errorf("Get(local) = %v, %v", ns, ok)
	}
	if _, ok := r.Get("broken"); ok {
		t.Error("a failed source was registered")
	}
	if err := r.Close(context.Background()); err != nil || len(r.List()) != 0 {
		t.Errorf("Close: %v, %d left", err, len(r.List()))
	}
}
