// Package atom serves the Service Bus management API (ATOM feeds over HTTP)
// that the SDK's admin.Client speaks, on top of a broker.
package atom

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Options configure the handler.
type Options struct {
	// Namespace is the namespace name shown in feeds and namespace properties.
	Namespace string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// SASKeyName/SASKey: when SASKey is set, requests must carry a
	// SharedAccessSignature (Authorization header) signed with it, else 401.
	// Empty SASKey accepts any token, as the official emulator does.
	SASKeyName, SASKey string
	Logger             *slog.Logger
}

// NewHandler serves the ATOM API (queues, topics, subscriptions, rules, their
// runtime properties, namespace properties, $skip/$top paging).
//
// Entities are the broker's own, so the AMQP side sees every change at once.
// Unknown query parameters are ignored; failures answer with the service's
// <Error><Code/><Detail/></Error> document and its status codes (400, 401,
// 404, 409 …).
func NewHandler(b *broker.Broker, opts Options) http.Handler { return newHandler(b, opts) }
