package amqp

// This file fixes the package's public API so the emulator package can be
// written against it. Bodies marked "not implemented" are filled in by the
// codec and engine files.

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"
)

// ---------------------------------------------------------------- codec

// AppendValue appends the AMQP encoding of v (see types.go for the mapping).
func AppendValue(buf []byte, v any) ([]byte, error) { panic("not implemented") }

// DecodeValue decodes one AMQP value from the front of b and returns it with
// the number of bytes consumed. Malformed or truncated input gives an error,
// never a panic.
func DecodeValue(b []byte) (v any, n int, err error) { panic("not implemented") }

// EncodeMessage encodes all present sections of m in the standard order.
func EncodeMessage(m *Message) ([]byte, error) { panic("not implemented") }

// DecodeMessage decodes an encoded message. Body sections and the footer are
// kept as raw bytes (Message.Body, Message.Footer).
func DecodeMessage(b []byte) (*Message, error) { panic("not implemented") }

// DataSections decodes m.Body as a sequence of data sections (the batch
// format). It fails when the body holds another section kind.
func (m *Message) DataSections() ([][]byte, error) { panic("not implemented") }

// BodyValue decodes m.Body as one amqp-value section (management requests).
func (m *Message) BodyValue() (any, error) { panic("not implemented") }

// SetBodyValue replaces m.Body with one amqp-value section holding v.
func (m *Message) SetBodyValue(v any) error { panic("not implemented") }

// SetBodyData replaces m.Body with one data section per slice.
func (m *Message) SetBodyData(data ...[]byte) { panic("not implemented") }

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

	Logger *slog.Logger // nil: slog.Default()
}

// Serve accepts connections until the listener fails or Close is called.
func (s *Server) Serve(l net.Listener) error { panic("not implemented") }

// ServeConn runs the protocol on one accepted connection; it returns when the
// connection ends.
func (s *Server) ServeConn(nc net.Conn) { panic("not implemented") }

// Close stops accepting and closes every connection with amqp:connection:forced.
func (s *Server) Close() error { panic("not implemented") }

// Conns returns the live connections.
func (s *Server) Conns() []*Conn { panic("not implemented") }

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
	// (nil means Accepted); for a settled one it is ignored.
	Transfer(l *Link, d *IncomingDelivery) DeliveryState
	// Flow is called when the client changes the credit of a link it
	// receives on. If l.Drain() is true, Flow must Send whatever it can
	// before returning; the engine then completes the drain (consumes the
	// rest of the credit and answers with flow(drain=true)).
	Flow(l *Link)
	// Disposition is called for the client's disposition of a delivery the
	// server sent on this link (once per delivery id in a range). tag is the
	// tag the server sent. When the client's disposition is unsettled, the
	// returned state goes back in a settled server disposition.
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
	Payload []byte // the encoded message
	Settled bool
}

// OutgoingDelivery is a message the server sends on a client-receiver link.
type OutgoingDelivery struct {
	Tag     []byte
	Format  uint32
	Payload []byte // the encoded message; split into frames as needed
	Settled bool
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

	impl linkImpl
}

// linkImpl is the engine's private state; the engine files define it.
type linkImpl = any

// Session returns the AMQP session the link belongs to.
func (l *Link) Session() *Session { panic("not implemented") }

// Conn returns the connection the link belongs to.
func (l *Link) Conn() *Conn { panic("not implemented") }

// Credit is the credit the client has granted on a link it receives on, less
// what the server has sent since.
func (l *Link) Credit() uint32 { panic("not implemented") }

// Drain reports whether the client's last flow asked for a drain.
func (l *Link) Drain() bool { panic("not implemented") }

// Send sends one delivery on a link the client receives on. It is safe from
// any goroutine. It returns ErrNoCredit without credit and ErrLinkClosed once
// the link has ended.
func (l *Link) Send(d OutgoingDelivery) error { panic("not implemented") }

// Detach ends the link from the server side with detach(closed=true, err).
func (l *Link) Detach(err *Error) { panic("not implemented") }

// Done is closed when the link has ended.
func (l *Link) Done() <-chan struct{} { panic("not implemented") }

// Session is one AMQP session of a connection.
type Session struct{ impl any }

// Conn returns the session's connection.
func (s *Session) Conn() *Conn { panic("not implemented") }

// End ends the session from the server side with end(err).
func (s *Session) End(err *Error) { panic("not implemented") }

// Conn is one client connection.
type Conn struct{ impl any }

// ID is unique per connection for the server's lifetime.
func (c *Conn) ID() uint64 { panic("not implemented") }

// Hostname is the hostname from the client's open.
func (c *Conn) Hostname() string { panic("not implemented") }

// RemoteAddr is the client's address.
func (c *Conn) RemoteAddr() net.Addr { panic("not implemented") }

// Close sends close(err) and closes the socket.
func (c *Conn) Close(err *Error) { panic("not implemented") }

// Drop closes the socket at once without a close frame (fault injection).
func (c *Conn) Drop() { panic("not implemented") }

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { panic("not implemented") }
