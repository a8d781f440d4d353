package amqp

// This file holds the public types of the server engine; their methods live
// in server.go, conn.go, session.go and link.go.

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// ---------------------------------------------------------------- engine

// ErrNoCredit is returned by Link.Send when the client has granted no credit.
var ErrNoCredit = errors.New("amqp: no link credit")

// ErrLinkClosed is returned by Link.Send once the link is detached or its
// session or connection has gone.
var ErrLinkClosed = errors.New("amqp: link closed")

// Server accepts AMQP 1.0 connections (SASL first, then AMQP) and hands every
// link the client attaches to Handler.
type Server struct {
	Handler Handler

	// ContainerID is sent in the server's open. Default "sbx-emulator".
	ContainerID string
	// MaxFrameSize the server advertises and accepts. Default 65536.
	MaxFrameSize uint32
	// IdleTimeout is advertised in open; the server closes a connection whose
	// client sends nothing for that long. Default 60s. The server itself sends
	// an empty frame at least every 15s (or half the client's idle-time-out if
	// smaller) so the client never times out.
	IdleTimeout time.Duration
	// PlainAuth, when set, validates SASL PLAIN credentials; when nil PLAIN
	// accepts anything. ANONYMOUS is always offered.
	PlainAuth func(user, pass string) bool
	// SessionWindow is the incoming/outgoing window per session. Default 5000.
	SessionWindow uint32
	// SenderCredit is the credit granted on every link the client sends on,
	// topped up as transfers arrive. Default 1000.
	SenderCredit uint32

	// OnFrame, when set, is called for every frame read (incoming=true) or
	// written. Returning false drops the connection at once (fault injection).
	OnFrame func(c *Conn, incoming bool) bool

	// Unbatched, when set and true, has every frame leave as soon as it
	// is queued: frames that would otherwise share one socket write (a run
	// of deliveries, the replies to frames read together) do not wait for
	// each other. Fault injection sets it while handlers are slowed down,
	// so that one delay does not hold back frames already done.
	Unbatched func() bool

	Logger *slog.Logger // nil: slog.Default()

	st serverState
}

// Handler decides what a client's attach means.
type Handler interface {
	// Attach is called for each link the client attaches, on its own
	// goroutine: it may block (accept-next-session waits for a session);
	// ctx ends when the connection, session or link goes away. Returning a
	// non-nil *Error refuses the link: the engine replies with a null source
	// (client receiver) or target (client sender), then detach(closed=true, err).
	// Before returning, Attach may set the Reply* fields of l.
	Attach(ctx context.Context, l *Link) (LinkHandler, *Error)
}

// LinkHandler receives the events of one accepted link. Its methods are called
// from the connection's reader goroutine, one at a time per connection; they
// must not block for long.
type LinkHandler interface {
	// Transfer is called with each complete delivery on a link the client
	// sends on (multi-frame transfers already reassembled). For an unsettled
	// delivery the returned state is sent in a settled disposition
	// (nil means Accepted); for a settled one it is ignored. d.Payload
	// aliases the engine's buffers and is reused once Transfer returns.
	Transfer(l *Link, d *IncomingDelivery) DeliveryState
	// Flow is called when the client changes the credit of a link it
	// receives on. If l.Drain() is true, Flow must Send whatever it can
	// before returning; the engine then completes the drain (consumes the
	// rest of the credit and answers with flow(drain=true)). Flow is also
	// called when the session window reopens after a Send returned
	// ErrNoCredit for lack of window, so it must tolerate extra calls.
	Flow(l *Link)
	// Disposition is called for the client's disposition of a delivery the
	// server sent on this link (once per delivery id in a range). tag is the
	// tag the server sent, only valid during the call. When the client's
	// disposition is unsettled, the returned state goes back in a settled
	// server disposition (nil means Accepted).
	Disposition(l *Link, tag []byte, state DeliveryState, settled bool) DeliveryState
	// Detached is called once when the link ends for any reason: client
	// detach (err is the client's error, if any), session end, connection
	// close or server Detach.
	Detached(l *Link, err *Error)
}

// IncomingDelivery is a message the client sent.
type IncomingDelivery struct {
	Tag     []byte
	Format  uint32
	Payload []byte // the encoded message; only valid during Transfer: copy what you keep
	Settled bool
}

// OutgoingDelivery is a message the server sends on a client-receiver link.
type OutgoingDelivery struct {
	Tag     []byte // at most 32 bytes (the spec's limit)
	Format  uint32
	Payload []byte // the encoded message; split into frames as needed
	Settled bool
	// Sent, when set, runs once every frame of the delivery is queued for
	// the socket and before the last of them can reach it, so before the
	// client has the delivery and before any later frame of the session (a
	// detach reply, say). A receive-and-delete server removes the message
	// there, so a client that has received it, or closed its link, and
	// then counts the queue never sees a message both delivered and still
	// queued. It must not block, write or use the session.
	Sent func()
}

// Role is the role of a link end as in the attach frame.
type Role bool

const (
	RoleSender   Role = false
	RoleReceiver Role = true
)

// Settle modes as on the wire.
const (
	SndUnsettled uint8 = 0
	SndSettled   uint8 = 1
	SndMixed     uint8 = 2
	RcvFirst     uint8 = 0
	RcvSecond    uint8 = 1
)

// Source is a link source terminus.
type Source struct {
	Address      string
	Durable      uint32
	ExpiryPolicy Symbol
	Timeout      uint32
	Dynamic      bool
	Filter       *Map // filter-set: symbol keys, Described values
	Outcomes     []Symbol
	Capabilities []Symbol
}

// Target is a link target terminus.
type Target struct {
	Address      string
	Durable      uint32
	ExpiryPolicy Symbol
	Timeout      uint32
	Dynamic      bool
	Capabilities []Symbol
}

// Link is one attached link, seen from the server.
type Link struct {
	// As the client attached it.
	Name           string
	ClientRole     Role // RoleSender: the client sends and the server receives
	Source         *Source
	Target         *Target
	SndSettleMode  *uint8
	RcvSettleMode  *uint8
	Properties     *Map
	MaxMessageSize uint64

	// Set by Handler.Attach to shape the server's attach reply. Nil Reply
	// source/target echo the client's; settle modes are always echoed.
	ReplySource         *Source
	ReplyTarget         *Target
	ReplyProperties     *Map
	ReplyMaxMessageSize uint64

	impl *linkState
}

// Session is one AMQP session of a connection.
type Session struct{ impl *sessionState }

// Conn is one client connection.
type Conn struct{ impl *connState }
