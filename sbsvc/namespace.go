package sbsvc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator/transport"
)

// emulatorAdminPort is where the official emulator (and sbx's) serves the
// management API when a connection string does not say otherwise.
const emulatorAdminPort = "5300"

// RetryPolicy bounds the SDK's retries of transient failures.
type RetryPolicy struct {
	MaxRetries int           // 0 = SDK default (3); negative = no retries
	Delay      time.Duration // first back-off; 0 = SDK default (4 s)
	MaxDelay   time.Duration // cap; 0 = SDK default (120 s)
}

// ConnectOptions tune Connect.
type ConnectOptions struct {
	Retry  RetryPolicy
	Logger *slog.Logger // nil: discard
	// TraceFrames logs every AMQP frame to Logger at debug level: its
	// direction, size, type, channel and performative name (open, attach,
	// transfer …), never its fields or payload. sbx then opens the AMQP
	// connection itself (see amqpDialer) so that it sees the frames under
	// TLS too; without it the SDK's connection is opaque.
	TraceFrames bool

	// adminTransport replaces the admin client's HTTP transport (tests).
	adminTransport policy.Transporter
	// webSocket replaces the WebSocket dialer (tests).
	webSocket *webSocketDialer
	// amqpTLS replaces the TLS settings of a traced AMQP connection (tests).
	amqpTLS *tls.Config
}

// NamespaceInfo describes a connected namespace.
type NamespaceInfo struct {
	Name     string // display name
	FQDN     string // host[:port] the AMQP connection goes to
	Auth     AuthKind
	ReadOnly bool
	Emulator bool
	// WebSockets reports AMQP carried over WebSockets (port 443).
	WebSockets bool
	// Scope is the entity the source is scoped to (EntityPath or an
	// explicit entity); zero when the whole namespace is browsed.
	Scope EntityRef
	// Manage reports whether the management API answered: without Manage
	// rights entities cannot be listed and counts are unknown.
	Manage    bool
	ManageErr error  // why Manage is false
	Tier      string // "Basic", "Standard", "Premium"; "" when unknown
	// MaxMessageSize is the largest message the tier accepts, in bytes;
	// 0 when unknown.
	MaxMessageSize int64
	Created        time.Time
}

// Namespace is one connected Service Bus namespace. It owns its SDK clients;
// methods are safe for concurrent use. All writes go through write(), which
// refuses in read-only mode.
type Namespace struct {
	info   NamespaceInfo
	client *azservicebus.Client
	// sendOnce is a second client (its own connection, opened on first use)
	// whose SDK retries are off, for writes that must know whether an
	// attempt's outcome was unknown (resubmit; see resubmit_send.go).
	sendOnce *azservicebus.Client
	admin    *admin.Client
	log      *slog.Logger

	mu        sync.Mutex
	receivers map[string]*azservicebus.Receiver // plain peek receivers by path
	senders   map[string]*azservicebus.Sender   // one per queue or topic (senders.go)
	locks     lockCache                         // peek-lock and receive-and-delete receivers (lock.go)
	closed    bool
}

// Connect opens a namespace from a source with default options.
func Connect(ctx context.Context, src Source) (*Namespace, error) {
	return ConnectWithOptions(ctx, src, ConnectOptions{})
}

// ConnectWithOptions builds the SDK clients for src and asks the management
// API for the namespace's properties. A refusal there (no Manage rights) is
// not fatal when an entity is named: that entity is probed by a peek instead.
func ConnectWithOptions(ctx context.Context, src Source, opts ConnectOptions) (*Namespace, error) {
	ns, err := newNamespace(src, opts)
	if err != nil {
		return nil, err
	}
	if err := ns.probe(ctx); err != nil {
		ns.Close(context.Background())
		return nil, err
	}
	ns.log.Info("connected", "namespace", ns.info.Name, "fqdn", ns.info.FQDN, "auth", ns.info.Auth.String(),
		"readOnly", ns.info.ReadOnly, "manage", ns.info.Manage)
	return ns, nil
}

func newNamespace(src Source, opts ConnectOptions) (*Namespace, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ns := &Namespace{
		info:      NamespaceInfo{Name: src.Name, Auth: src.Auth, ReadOnly: src.ReadOnly},
		log:       log,
		receivers: map[string]*azservicebus.Receiver{},
	}
	clientOpts := &azservicebus.ClientOptions{
		ApplicationID: "sbx",
		RetryOptions: azservicebus.RetryOptions{
			MaxRetries: int32(opts.Retry.MaxRetries), RetryDelay: opts.Retry.Delay, MaxRetryDelay: opts.Retry.MaxDelay,
		},
	}
	adminOpts := &admin.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: opts.adminTransport}}
	if opts.Retry.MaxRetries < 0 {
		adminOpts.Retry.MaxRetries = -1
	}
	var ws *webSocketDialer
	if src.WebSockets {
		d := webSocketDialer{}
		if opts.webSocket != nil {
			d = *opts.webSocket
		}
		ws = &d
		clientOpts.NewWebSocketConn = d.dial
		ns.info.WebSockets = true
	}
	// traceDial routes the connection through amqpDialer when frames are
	// to be traced; fqdn is the AMQP host.
	traceDial := func(fqdn string, plain bool) {
		if !opts.TraceFrames || opts.Logger == nil {
			return
		}
		port := "5671"
		if plain {
			port = "5672"
		}
		d := amqpDialer{addr: amqpAddress(fqdn, port), plain: plain, webSocket: ws, trace: opts.Logger, tlsConfig: opts.amqpTLS}
		clientOpts.NewWebSocketConn = d.dial
	}
	scope := src.Entity

	var err error
	switch {
	case src.ConnectionString != "":
		cs, perr := ParseConnectionString(src.ConnectionString)
		if perr != nil {
			return nil, perr
		}
		ns.info.Auth = AuthConnectionString
		ns.info.FQDN = cs.FQDN
		ns.info.Emulator = cs.UseDevelopmentEmulator
		if scope == "" {
			scope = cs.EntityPath
		}
		if adminOpts.Transport == nil {
			if addr := adminAddress(src.AdminEndpoint, cs); addr != "" {
				adminOpts.Transport = &transport.Rewrite{Addr: addr}
			}
		}
		traceDial(cs.FQDN, cs.UseDevelopmentEmulator)
		ns.client, err = azservicebus.NewClientFromConnectionString(cs.sdkString(), clientOpts)
		if err == nil {
			ns.sendOnce, err = azservicebus.NewClientFromConnectionString(cs.sdkString(), noRetries(clientOpts))
		}
		if err == nil {
			ns.admin, err = admin.NewClientFromConnectionString(cs.sdkString(), adminOpts)
		}
	case src.FullyQualifiedNamespace != "":
		if src.Auth == AuthConnectionString {
			return nil, newError(KindConnectionString, "connect", src.Name, errors.New("auth is connection-string but no connection string was given"))
		}
		ns.info.FQDN = src.FullyQualifiedNamespace
		cred, cerr := newCredential(src.Auth, src.Entra)
		if cerr != nil {
			return nil, cerr
		}
		if adminOpts.Transport == nil && src.AdminEndpoint != "" {
			adminOpts.Transport = &transport.Rewrite{Addr: src.AdminEndpoint}
		}
		traceDial(src.FullyQualifiedNamespace, false)
		ns.client, err = azservicebus.NewClient(src.FullyQualifiedNamespace, cred, clientOpts)
		if err == nil {
			ns.sendOnce, err = azservicebus.NewClient(src.FullyQualifiedNamespace, cred, noRetries(clientOpts))
		}
		if err == nil {
			ns.admin, err = admin.NewClient(src.FullyQualifiedNamespace, cred, adminOpts)
		}
	default:
		return nil, newError(KindConnectionString, "connect", src.Name,
			errors.New("no connection string and no fully qualified namespace"))
	}
	if err != nil {
		return nil, classify("connect", src.Name, err)
	}
	if ns.info.Name == "" {
		ns.info.Name = ns.info.FQDN
	}
	if scope != "" {
		ref, perr := ParseEntityPath(scope)
		if perr != nil {
			return nil, classify("connect", scope, perr)
		}
		ns.info.Scope = ref
	}
	return ns, nil
}

// adminAddress is where the management API of an emulator answers: the
// explicit endpoint, else port 5300 of the connection string's host.
func adminAddress(explicit string, cs ConnectionString) string {
	if explicit != "" {
		return explicit
	}
	if !cs.UseDevelopmentEmulator {
		return ""
	}
	host := cs.FQDN
	if h, _, err := net.SplitHostPort(cs.FQDN); err == nil {
		host = h
	}
	return net.JoinHostPort(host, emulatorAdminPort)
}

// probe reads the namespace properties. Without Manage rights it falls back
// to peeking the scoped entity, which needs only Listen.
func (ns *Namespace) probe(ctx context.Context) error {
	props, err := ns.admin.GetNamespaceProperties(ctx, nil)
	if err == nil {
		ns.info.Manage = true
		ns.info.Tier = props.SKU
		ns.info.MaxMessageSize = maxMessageSizeForTier(props.SKU)
		ns.info.Created = props.CreatedTime
		return nil
	}
	cerr := classify("read namespace properties", ns.info.Name, err)
	kind := KindOf(cerr)
	if kind != KindAuthentication && kind != KindAuthorisation {
		return cerr
	}
	ns.info.ManageErr = cerr
	if ns.info.Scope.IsZero() {
		e := cerr.(*Error)
		e.Remedy += " Without Manage rights, name an entity (EntityPath in the connection string, or --entity) to browse it."
		return e
	}
	// Listen rights are enough to peek the named entity; a failure here is
	// the real answer (e.g. a wrong key).
	if _, err := ns.Peek(ctx, ns.info.Scope, 0, 1); err != nil {
		return err
	}
	return nil
}

// maxMessageSizeForTier is the documented per-message limit of a tier.
func maxMessageSizeForTier(sku string) int64 {
	switch sku {
	case "Basic", "Standard":
		return 256 * 1024
	case "Premium":
		return 1024 * 1024 // the default; entities may allow up to 100 MB
	}
	return 0
}

// Info describes the namespace.
func (ns *Namespace) Info() NamespaceInfo { return ns.info }

// Name is the display name.
func (ns *Namespace) Name() string { return ns.info.Name }

// ReadOnly reports whether writes are refused.
func (ns *Namespace) ReadOnly() bool { return ns.info.ReadOnly }

// String names the namespace without any secret.
func (ns *Namespace) String() string {
	ro := ""
	if ns.info.ReadOnly {
		ro = ", read-only"
	}
	return fmt.Sprintf("%s (%s, %s%s)", ns.info.Name, ns.info.FQDN, ns.info.Auth, ro)
}

// Close closes the cached receivers and both clients.
func (ns *Namespace) Close(ctx context.Context) error {
	ns.mu.Lock()
	if ns.closed {
		ns.mu.Unlock()
		return nil
	}
	ns.closed = true
	recvs := ns.receivers
	ns.receivers = nil
	ns.mu.Unlock()
	var errs []error
	for _, r := range recvs {
		errs = append(errs, r.Close(ctx))
	}
	ns.closeSenders(ctx)
	if ns.client != nil {
		errs = append(errs, ns.client.Close(ctx))
	}
	if ns.sendOnce != nil {
		errs = append(errs, ns.sendOnce.Close(ctx))
	}
	return classify("close", ns.info.Name, errors.Join(errs...))
}

// noRetries copies client options with the SDK's retries turned off.
func noRetries(o *azservicebus.ClientOptions) *azservicebus.ClientOptions {
	c := *o
	c.RetryOptions = azservicebus.RetryOptions{MaxRetries: -1}
	return &c
}
