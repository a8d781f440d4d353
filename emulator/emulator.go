// Package emulator runs an in-process Azure Service Bus emulator: an AMQP 1.0
// listener that the unmodified azservicebus SDK talks to, and the ATOM
// management API over plain HTTP for its admin client. The protocol pieces
// live in the sub-packages (amqp, broker, atom, config); this package maps
// Service Bus links, CBS and management requests onto the broker and adds
// fault injection for tests.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/atom"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/emulator/config"
)

// Defaults used when the matching Config field is empty.
const (
	DefaultAMQPAddr       = "127.0.0.1:5672"
	DefaultHTTPAddr       = "127.0.0.1:5300"
	DefaultSASKeyName     = "RootManageSharedAccessKey"
	DefaultMaxMessageSize = 256 * 1024

	// placeholderKey goes into the connection string when no key is
	// enforced; it is the value the official emulator documents.
	placeholderKey = "SAS_KEY_VALUE"
	// defaultNamespace is the namespace name reported when the entity
	// configuration names none (the official emulator's).
	defaultNamespace = "sbemulatorns"

	// tickInterval is how often the broker applies what became due
	// (scheduled messages, lock and TTL expiry).
	tickInterval = 20 * time.Millisecond
)

// Config configures Start.
type Config struct {
	AMQPAddr       string         // default "127.0.0.1:5672"; a ":0" port picks a free one
	HTTPAddr       string         // default "127.0.0.1:5300"
	Entities       *config.Config // nil: an empty namespace
	SASKeyName     string         // default "RootManageSharedAccessKey"
	SASKey         string         // "": accept any key or token; set: verify CBS and ATOM tokens
	MaxMessageSize int64          // default 256 KiB
	Logger         *slog.Logger   // nil: discard
	Now            func() time.Time
}

// Emulator is a running emulator.
type Emulator struct {
	AMQPAddr, HTTPAddr string // actual bound addresses
	// ConnectionString reaches the AMQP listener with the SDK's development
	// emulator mode (plain TCP).
	ConnectionString string
	Broker           *broker.Broker
	Faults           *Faults

	cfg     Config
	log     *slog.Logger
	handler *handler
	server  *amqp.Server
	http    *http.Server
	amqpLn  net.Listener
	httpLn  net.Listener
	stats   stats

	closeOnce sync.Once
	closeErr  error
	done      chan struct{}
	serving   sync.WaitGroup
}

// Start listens on both addresses and serves until ctx ends or Close is
// called. The namespace is created from cfg.Entities before anything is
// accepted.
func Start(ctx context.Context, cfg Config) (*Emulator, error) {
	cfg = withDefaults(cfg)
	log := cfg.Logger
	b := broker.New(broker.Options{Now: cfg.Now, MaxMessageSize: cfg.MaxMessageSize, TickInterval: tickInterval})
	if cfg.Entities != nil {
		if err := cfg.Entities.Apply(b); err != nil {
			b.Close()
			return nil, fmt.Errorf("emulator: entities: %w", err)
		}
	}
	amqpLn, err := net.Listen("tcp", cfg.AMQPAddr)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("emulator: AMQP listener: %w", err)
	}
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		amqpLn.Close()
		b.Close()
		return nil, fmt.Errorf("emulator: HTTP listener: %w", err)
	}

	e := &Emulator{
		AMQPAddr: amqpLn.Addr().String(),
		HTTPAddr: httpLn.Addr().String(),
		Broker:   b,
		cfg:      cfg,
		log:      log,
		amqpLn:   amqpLn,
		httpLn:   httpLn,
		done:     make(chan struct{}),
	}
	e.ConnectionString = connectionString(e.AMQPAddr, cfg.SASKeyName, cfg.SASKey)
	e.Faults = &Faults{em: e}
	e.handler = newHandler(e)
	e.server = &amqp.Server{
		Handler:     e.handler,
		ContainerID: "sbx-emulator",
		OnFrame:     e.Faults.onFrame,
		Unbatched:   e.Faults.unbatched,
		Logger:      log,
	}
	e.http = &http.Server{
		Handler: e.httpHandler(atom.NewHandler(b, atom.Options{
			Namespace:  namespaceName(cfg.Entities),
			Now:        cfg.Now,
			SASKeyName: cfg.SASKeyName,
			SASKey:     cfg.SASKey,
			Logger:     log,
		})),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}

	e.serving.Add(2)
	go func() {
		defer e.serving.Done()
		if err := e.server.Serve(amqpLn); err != nil && !e.closed() {
			log.Error("AMQP listener stopped", "err", err)
		}
	}()
	go func() {
		defer e.serving.Done()
		if err := e.http.Serve(httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP listener stopped", "err", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			e.Close()
		case <-e.done:
		}
	}()
	log.Info("emulator listening", "amqp", e.AMQPAddr, "http", e.HTTPAddr)
	return e, nil
}

// Close stops both listeners, drops every connection and stops the broker's
// timer. It is safe to call more than once.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		close(e.done)
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		errHTTP := e.http.Shutdown(shutdownCtx)
		if errHTTP != nil {
			errHTTP = e.http.Close()
		}
		errAMQP := e.server.Close()
		e.amqpLn.Close() // in case the server had not started serving yet
		e.serving.Wait()
		e.handler.closeAll()
		e.Broker.Close()
		e.closeErr = errors.Join(errAMQP, errHTTP)
	})
	return e.closeErr
}

// Wait blocks until the emulator has been closed (by Close or by the end of
// Start's context).
func (e *Emulator) Wait() { <-e.done; e.serving.Wait() }

func (e *Emulator) closed() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// httpHandler answers the health probe and hands everything else to the
// ATOM API. A request that carries api-version is always an admin call, so a
// queue named "health" stays reachable.
func (e *Emulator) httpHandler(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" && r.URL.Query().Get("api-version") == "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok")
			return
		}
		api.ServeHTTP(w, r)
	})
}

// namespaceName is the name of the configuration's first namespace, which
// the admin API reports, or the default when there is none.
func namespaceName(entities *config.Config) string {
	if entities != nil && len(entities.Namespaces) > 0 && entities.Namespaces[0].Name != "" {
		return entities.Namespaces[0].Name
	}
	return defaultNamespace
}

func withDefaults(cfg Config) Config {
	if cfg.AMQPAddr == "" {
		cfg.AMQPAddr = DefaultAMQPAddr
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = DefaultHTTPAddr
	}
	if cfg.SASKeyName == "" {
		cfg.SASKeyName = DefaultSASKeyName
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// connectionString builds the string the SDK needs for development-emulator
// mode. An unspecified listen host becomes localhost; the default port 5672
// is left out, as in the official emulator's documented string.
func connectionString(addr, keyName, key string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	endpoint := host
	if port != "" && port != "5672" {
		endpoint = net.JoinHostPort(host, port)
	} else if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		endpoint = "[" + host + "]"
	}
	if key == "" {
		key = placeholderKey
	}
	return fmt.Sprintf("Endpoint=sb://%s;SharedAccessKeyName=%s;SharedAccessKey=%s;UseDevelopmentEmulator=true;",
		endpoint, keyName, key)
}
