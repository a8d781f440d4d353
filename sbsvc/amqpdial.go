package sbsvc

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// amqpDialer opens the AMQP connection itself instead of leaving it to the
// SDK, so that sbx sees the plaintext byte stream and can trace frames
// (ConnectOptions.TraceFrames). It plugs in through
// ClientOptions.NewWebSocketConn, whose result the SDK (go-amqp's NewConn)
// uses as the connection as it is, whatever carries it: a WebSocket, plain
// TCP to an emulator, or a TLS connection to port 5671 that this dialer
// sets up the way go-amqp would (the host's name checked against the
// system's roots). The tracer sits above TLS, so it sees frames on every
// transport.
type amqpDialer struct {
	// addr is the AMQP endpoint's host:port.
	addr string
	// plain connects without TLS (the emulator).
	plain bool
	// webSocket, when set, carries AMQP over WebSockets instead.
	webSocket *webSocketDialer
	// trace, when set, logs each frame's header (see frameTracer).
	trace *slog.Logger
	// tlsConfig replaces the TLS settings (tests with a private CA).
	tlsConfig *tls.Config
}

// connSeq numbers traced connections, so their frames can be told apart.
var connSeq atomic.Int64

// dial matches azservicebus.ClientOptions.NewWebSocketConn.
func (d amqpDialer) dial(ctx context.Context, args azservicebus.NewWebSocketConnArgs) (net.Conn, error) {
	var (
		conn net.Conn
		err  error
	)
	switch {
	case d.webSocket != nil:
		conn, err = d.webSocket.dial(ctx, args)
	case d.plain:
		var nd net.Dialer
		conn, err = nd.DialContext(ctx, "tcp", d.addr)
	default:
		host, _, _ := net.SplitHostPort(d.addr)
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if d.tlsConfig != nil {
			cfg = d.tlsConfig.Clone()
		}
		td := tls.Dialer{Config: cfg}
		conn, err = td.DialContext(ctx, "tcp", d.addr)
	}
	if err != nil {
		return nil, err
	}
	if d.trace != nil {
		conn = newFrameTracer(conn, d.trace.With("conn", connSeq.Add(1)))
	}
	return conn, nil
}

// amqpAddress is host:port for an AMQP endpoint: fqdn's own port, or
// defaultPort (5672 plain, 5671 TLS).
func amqpAddress(fqdn, defaultPort string) string {
	if _, _, err := net.SplitHostPort(fqdn); err == nil {
		return fqdn
	}
	return net.JoinHostPort(fqdn, defaultPort)
}
