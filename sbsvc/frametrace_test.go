package sbsvc

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// With TraceFrames the debug log shows the connection's frames by
// performative, and neither the key, the SAS token sent over CBS, nor a
// message body.
func TestTraceFramesLogsPerformativesOnly(t *testing.T) {
	const key = "dHJhY2UtdGhlLWZyYW1lcy1zZWNyZXQ="
	const body = "body-that-must-not-be-logged"
	em := startEmulator(t, emulator.Config{SASKey: key})
	q := newQueue(t, em, broker.Properties{})
	path := filepath.Join(t.TempDir(), "debug.log")
	dl, err := OpenDebugLog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	ns, err := ConnectWithOptions(ctxT(t, 20*time.Second), emulatorSource(em),
		ConnectOptions{Retry: fastRetry, Logger: dl.Logger, TraceFrames: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Send(ctxT(t, 10*time.Second), EntityRef{Queue: q}, []OutgoingMessage{{Body: []byte(body)}}); err != nil {
		t.Fatal(err)
	}
	if page, err := ns.Peek(ctxT(t, 10*time.Second), EntityRef{Queue: q}, 0, 5); err != nil || len(page.Messages) != 1 {
		t.Fatalf("peek: %v", err)
	}
	ns.Close(ctxT(t, 5*time.Second))
	dl.Close()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	if os.Getenv("SBX_SHOW_TRACE") != "" {
		t.Log(log)
	}
	for _, p := range []string{"open", "begin", "attach", "flow", "transfer", "disposition", "detach", "end", "close", "sasl-mechanisms", "sasl-init", "sasl-outcome"} {
		if !strings.Contains(log, "performative="+p+"\n") && !strings.Contains(log, "performative="+p+" ") {
			t.Errorf("no %s frame in the log", p)
		}
	}
	if !strings.Contains(log, "dir=send") || !strings.Contains(log, "dir=recv") || !strings.Contains(log, "protocol=sasl") {
		t.Errorf("the log lacks directions or protocol headers")
	}
	for _, secret := range []string{key, body, "SharedAccessSignature", "sig="} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if strings.Contains(log, "trace stopped") || strings.Contains(log, "unknown") {
		t.Errorf("the tracer lost track of the stream:\n%s", log)
	}
}

// The parser follows frames however the stream is cut into reads.
func TestFrameParserAnySplit(t *testing.T) {
	stream := []byte("AMQP\x03\x01\x00\x00")
	frame := func(typ byte, channel uint16, code byte, payload string) []byte {
		body := append([]byte{0x00, 0x53, code}, payload...)
		size := 8 + len(body)
		return append([]byte{byte(size >> 24), byte(size >> 16), byte(size >> 8), byte(size), 2, typ, byte(channel >> 8), byte(channel)}, body...)
	}
	stream = append(stream, frame(1, 0, 0x41, "secret-sasl-init")...)
	stream = append(stream, []byte("AMQP\x00\x01\x00\x00")...)
	stream = append(stream, frame(0, 0, 0x10, "open-fields")...)
	stream = append(stream, []byte{0, 0, 0, 8, 2, 0, 0, 0}...) // heartbeat
	ulong := []byte{0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x14}
	big := append(ulong, bytes.Repeat([]byte("P"), 3000)...)
	size := 8 + len(big)
	stream = append(stream, append([]byte{0, 0, byte(size >> 8), byte(size), 2, 0, 0, 7}, big...)...)
	want := []string{"protocol=sasl", "performative=sasl-init", "protocol=amqp", "performative=open", "performative=\"empty (heartbeat)\"", "performative=transfer"}

	for _, chunk := range []int{1, 3, 7, 64, len(stream)} {
		var out bytes.Buffer
		p := frameParser{dir: "send", log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}
		for i := 0; i < len(stream); i += chunk {
			p.feed(stream[i:min(i+chunk, len(stream))])
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(want) {
			t.Fatalf("chunk %d: %d lines:\n%s", chunk, len(lines), out.String())
		}
		for i, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("chunk %d line %d = %s, want %s", chunk, i, lines[i], w)
			}
		}
		if strings.Contains(out.String(), "secret") || strings.Contains(out.String(), "PPP") {
			t.Errorf("chunk %d: payload in the log", chunk)
		}
		if !strings.Contains(lines[5], "channel=7") || !strings.Contains(lines[5], "size=3018") {
			t.Errorf("chunk %d: transfer line %s", chunk, lines[5])
		}
	}

	// A header that makes no sense stops the trace for good, quietly.
	var out bytes.Buffer
	p := frameParser{dir: "recv", log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	p.feed([]byte{0, 0, 0, 4, 1, 0, 0, 0, 1, 2, 3})
	p.feed(stream)
	if !strings.Contains(out.String(), "trace stopped") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("malformed stream: %s", out.String())
	}
}

// A whole SDK session over WebSockets (a TLS WebSocket server bridging to
// the emulator's AMQP port) with frames traced: the tracer sits above the
// WebSocket and its TLS, so it sees every frame.
func TestTraceFramesOverWebSockets(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	var bridged atomic.Int32
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"amqp"}})
		if err != nil {
			return
		}
		bridged.Add(1)
		ws := websocket.NetConn(context.Background(), c, websocket.MessageBinary)
		defer ws.Close()
		up, err := net.Dial("tcp", em.AMQPAddr)
		if err != nil {
			return
		}
		defer up.Close()
		go func() { io.Copy(up, ws); up.Close() }()
		io.Copy(ws, up)
	}))
	defer server.Close()
	pool := x509.NewCertPool()
	pool.AddCert(server.Certificate())
	// The SDK asks for wss://<namespace host>/…; send every dial to the
	// test server instead.
	serverURL, _ := url.Parse(server.URL)
	wsd := &webSocketDialer{
		tlsConfig: &tls.Config{RootCAs: pool}, // the test certificate covers 127.0.0.1
		proxy:     func(*url.URL) (*url.URL, error) { return nil, nil },
		dialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, serverURL.Host)
		},
	}

	var out bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &out, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := emulatorSource(em)
	src.WebSockets = true
	ns, err := ConnectWithOptions(ctxT(t, 20*time.Second), src,
		ConnectOptions{Retry: fastRetry, Logger: logger, TraceFrames: true, webSocket: wsd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Send(ctxT(t, 10*time.Second), EntityRef{Queue: q}, []OutgoingMessage{{Body: []byte("over-ws")}}); err != nil {
		t.Fatal(err)
	}
	ns.Close(ctxT(t, 5*time.Second))
	if bridged.Load() == 0 {
		t.Fatal("no connection went over the WebSocket server")
	}
	mu.Lock()
	log := out.String()
	mu.Unlock()
	for _, p := range []string{"open", "attach", "transfer"} {
		if !strings.Contains(log, "performative="+p) {
			t.Errorf("no %s frame traced over WebSockets", p)
		}
	}
	if strings.Contains(log, "over-ws") {
		t.Error("a message body reached the log")
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Over AMQP with TLS (port 5671 in Azure; here a TLS front for the
// emulator) sbx makes the TLS connection itself, so frames are traced
// in the clear while the wire is encrypted.
func TestTraceFramesOverTLS(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	front := httptest.NewUnstartedServer(nil)
	front.StartTLS() // only for its certificate and TLS config
	front.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", front.TLS)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var sawTLS atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if err := c.(*tls.Conn).Handshake(); err != nil {
					return
				}
				sawTLS.Add(1)
				up, err := net.Dial("tcp", em.AMQPAddr)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { io.Copy(up, c); up.Close() }()
				io.Copy(c, up)
			}()
		}
	}()
	pool := x509.NewCertPool()
	pool.AddCert(front.Certificate())

	var out bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &out, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := Source{Name: "tls", Auth: AuthConnectionString, AdminEndpoint: em.HTTPAddr,
		ConnectionString: "Endpoint=sb://" + ln.Addr().String() + "/;SharedAccessKeyName=k;SharedAccessKey=any"}
	ns, err := ConnectWithOptions(ctxT(t, 20*time.Second), src, ConnectOptions{Retry: fastRetry, Logger: logger,
		TraceFrames: true, amqpTLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Send(ctxT(t, 10*time.Second), EntityRef{Queue: q}, []OutgoingMessage{{Body: []byte("over-tls")}}); err != nil {
		t.Fatal(err)
	}
	ns.Close(ctxT(t, 5*time.Second))
	if sawTLS.Load() == 0 {
		t.Fatal("no TLS connection reached the front")
	}
	mu.Lock()
	log := out.String()
	mu.Unlock()
	for _, p := range []string{"sasl-init", "open", "attach", "transfer"} {
		if !strings.Contains(log, "performative="+p) {
			t.Errorf("no %s frame traced over TLS", p)
		}
	}
	if strings.Contains(log, "over-tls") {
		t.Error("a message body reached the log")
	}
}
