package sbsvc

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/coder/websocket"
	"golang.org/x/net/http/httpproxy"
)

// webSocketSubprotocol is the subprotocol Service Bus expects for AMQP
// carried over WebSockets.
const webSocketSubprotocol = "amqp"

// webSocketDialer opens AMQP-over-WebSocket connections on port 443 for
// networks that block 5671. Proxy settings are read from HTTPS_PROXY /
// NO_PROXY at each dial (net/http caches them for the process, which would
// make a changed environment invisible).
type webSocketDialer struct {
	// proxy picks the proxy for a request; nil reads the environment.
	proxy func(*url.URL) (*url.URL, error)
	// tlsConfig is for tests with a private CA; nil is the system roots.
	tlsConfig *tls.Config
	// dialContext replaces the TCP dial (tests send it to a local server).
	dialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (d webSocketDialer) proxyFunc() func(*http.Request) (*url.URL, error) {
	pick := d.proxy
	if pick == nil {
		pick = httpproxy.FromEnvironment().ProxyFunc()
	}
	return func(r *http.Request) (*url.URL, error) { return pick(r.URL) }
}

// dial matches azservicebus.ClientOptions.NewWebSocketConn.
func (d webSocketDialer) dial(ctx context.Context, args azservicebus.NewWebSocketConnArgs) (net.Conn, error) {
	transport := &http.Transport{
		Proxy:             d.proxyFunc(),
		TLSClientConfig:   d.tlsConfig,
		DialContext:       d.dialContext,
		ForceAttemptHTTP2: false, // the WebSocket upgrade needs HTTP/1.1
	}
	conn, resp, err := websocket.Dial(ctx, args.Host, &websocket.DialOptions{
		HTTPClient:   &http.Client{Transport: transport},
		Subprotocols: []string{webSocketSubprotocol},
	})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("websocket dial: %w", err)
	}
	// The connection outlives the dial context: the SDK keeps it for as
	// long as the client lives and closes it itself.
	return websocket.NetConn(context.Background(), conn, websocket.MessageBinary), nil
}
