package sbsvc

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/coder/websocket"
)

// TestWebSocketDialThroughProxy dials a local TLS WebSocket server through
// a local CONNECT proxy named by HTTPS_PROXY, as the SDK would call the dial
// function, and round-trips bytes over the resulting net.Conn. (The
// emulator speaks plain AMQP only, so a full SDK session over WebSockets is
// not tested here.)
func TestWebSocketDialThroughProxy(t *testing.T) {
	var gotPath, gotProto atomic.Value
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath.Store(r.URL.Path)
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"amqp"}})
		if err != nil {
			return
		}
		gotProto.Store(c.Subprotocol())
		conn := websocket.NetConn(context.Background(), c, websocket.MessageBinary)
		defer conn.Close()
		io.Copy(conn, conn) // echo
	}))
	defer server.Close()

	var connects atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		connects.Add(1)
		// Whatever host was asked for, tunnel to the test server.
		upstream, err := net.Dial("tcp", server.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		hj, _ := w.(http.Hijacker)
		client, buf, err := hj.Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { io.Copy(upstream, bufio.NewReader(buf)); upstream.Close() }()
		io.Copy(client, upstream)
		client.Close()
	}))
	defer proxy.Close()

	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")
	pool := x509.NewCertPool()
	pool.AddCert(server.Certificate())
	d := webSocketDialer{tlsConfig: &tls.Config{RootCAs: pool}}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := d.dial(ctx, azservicebus.NewWebSocketConnArgs{Host: "wss://example.com/$servicebus/websocket"})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	cancel() // the connection must outlive the dial context
	if _, err := conn.Write([]byte("AMQP\x03\x01\x00\x00")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "AMQP\x03\x01\x00\x00" {
		t.Fatalf("echo: %q %v", buf, err)
	}
	if connects.Load() != 1 || gotPath.Load() != "/$servicebus/websocket" || gotProto.Load() != "amqp" {
		t.Errorf("connects %d path %v subprotocol %v", connects.Load(), gotPath.Load(), gotProto.Load())
	}
}

func TestWebSocketOptionIsWired(t *testing.T) {
	src := Source{Auth: AuthConnectionString, WebSockets: true,
		ConnectionString: "Endpoint=sb://c.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=abcdefgh"}
	ns, err := newNamespace(src, ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close(context.Background())
	if ns.client == nil || ns.admin == nil || !ns.Info().WebSockets {
		t.Fatalf("clients %v/%v, websockets %v", ns.client != nil, ns.admin != nil, ns.Info().WebSockets)
	}
}
