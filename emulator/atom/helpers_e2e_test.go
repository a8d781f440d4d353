package atom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/emulator/transport"
)

const testKey = "SAS_KEY_VALUE"

func connString(keyName, key string) string {
	return "Endpoint=sb://localhost;SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key + ";UseDevelopmentEmulator=true;"
}

// testEnv is a broker served over loopback HTTP to a real admin.Client.
type testEnv struct {
	t        *testing.T
	b        *broker.Broker
	srv      *httptest.Server
	admin    *admin.Client
	requests atomic.Int64 // HTTP requests the handler received
	ctx      context.Context
}

func newEnv(t *testing.T, opts Options) *testEnv {
	t.Helper()
	b := broker.New(broker.Options{})
	t.Cleanup(b.Close)
	env := &testEnv{t: t, b: b, ctx: context.Background()}
	h := NewHandler(b, opts)
	env.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(env.srv.Close)
	env.admin = env.newAdmin(connString("RootManageSharedAccessKey", testKey))
	return env
}

func (env *testEnv) newAdmin(conn string) *admin.Client {
	env.t.Helper()
	c, err := admin.NewClientFromConnectionString(conn, &admin.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: &transport.Rewrite{Addr: env.srv.Listener.Addr().String()},
		Retry:     policy.RetryOptions{MaxRetries: -1},
	}})
	if err != nil {
		env.t.Fatal(err)
	}
	return c
}

// raw sends a hand-made request to the handler, for what the SDK never sends.
func (env *testEnv) raw(method, path, body string, header map[string]string) (int, string) {
	env.t.Helper()
	req, err := http.NewRequest(method, env.srv.URL+path, strings.NewReader(body))
	if err != nil {
		env.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := env.srv.Client().Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body2, err := io.ReadAll(resp.Body)
	if err != nil {
		env.t.Fatal(err)
	}
	return resp.StatusCode, string(body2)
}

// statusOf is the HTTP status of an admin error, or 0.
func statusOf(err error) int {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	if got := statusOf(err); got != status {
		t.Fatalf("want HTTP %d, got %d (%v)", status, got, err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ptr[T any](v T) *T { return &v }

func sendN(t *testing.T, b *broker.Broker, address string, n int, body string) {
	t.Helper()
	msgs := make([]*broker.Message, n)
	for i := range msgs {
		msgs[i] = &broker.Message{Body: []byte(body)}
	}
	if err := b.Send(address, msgs); err != nil {
		t.Fatalf("send to %s: %v", address, err)
	}
}

// deadLetterN moves n messages of path to its dead-letter queue.
func deadLetterN(t *testing.T, b *broker.Broker, path string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := b.OpenReceiver(ctx, path, broker.PeekLock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < n; i++ {
		d, ok := r.Next()
		if !ok {
			t.Fatalf("only %d of %d messages to dead-letter on %s", i, n, path)
		}
		if err := b.DeadLetter(d.LockToken, "test", "dead-lettered by test", nil); err != nil {
			t.Fatal(err)
		}
	}
}

func scheduleN(t *testing.T, b *broker.Broker, address string, n int) {
	t.Helper()
	msgs := make([]*broker.Message, n)
	for i := range msgs {
		msgs[i] = &broker.Message{Body: []byte("later"), ScheduledEnqueueTime: time.Now().Add(time.Hour)}
	}
	if _, err := b.Schedule(address, msgs); err != nil {
		t.Fatal(err)
	}
}

// dump prints a properties struct with its pointers followed, for failure
// messages.
func dump(v any) string {
	rv := reflect.ValueOf(v)
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		fmt.Fprintf(&sb, " %s:%v", rv.Type().Field(i).Name, f.Interface())
	}
	sb.WriteString(" }")
	return sb.String()
}
