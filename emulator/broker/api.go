// Package broker holds Service Bus semantics in memory: entities, messages,
// locks, sessions, scheduling, expiry, dead-lettering, forwarding and rules.
// It speaks no protocol; the emulator package maps AMQP and HTTP onto it.
package broker

// This file fixes the package's public API so the emulator, atom and config
// packages can be written against it. "not implemented" bodies are filled in
// by the broker's own files.

import (
	"context"
	"time"
)

// ---------------------------------------------------------------- errors

// Error is a broker failure with the AMQP condition the service would send and
// the status code a management (request/response) operation answers with.
type Error struct {
	Condition   string // e.g. "amqp:not-found", "com.microsoft:message-lock-lost"
	Status      int    // 400, 401, 404, 409, 410, 403, 500, 503 …
	Description string
}

func (e *Error) Error() string { return e.Condition + ": " + e.Description }

// Conditions used by the broker (same strings as the AMQP layer's).
const (
	CondNotFound          = "amqp:not-found"
	CondNotAllowed        = "amqp:not-allowed"
	CondMessageSize       = "amqp:link:message-size-exceeded"
	CondResourceLimit     = "amqp:resource-limit-exceeded" // entity full
	CondEntityDisabled    = "com.microsoft:entity-disabled"
	CondMessageLockLost   = "com.microsoft:message-lock-lost"
	CondSessionLockLost   = "com.microsoft:session-lock-lost"
	CondSessionCannotLock = "com.microsoft:session-cannot-be-locked"
	CondTimeout           = "com.microsoft:timeout"
	CondConflict          = "com.microsoft:entity-already-exists" // create of an existing entity (Status 409)
	CondInvalidArgument   = "com.microsoft:argument-error"        // bad property values (Status 400)
)

// ---------------------------------------------------------------- entities

// Kind of entity.
type Kind int

const (
	KindQueue Kind = iota
	KindTopic
	KindSubscription
)

// Status of an entity, as the ATOM API spells it.
type Status string

const (
	StatusActive          Status = "Active"
	StatusDisabled        Status = "Disabled"
	StatusSendDisabled    Status = "SendDisabled"
	StatusReceiveDisabled Status = "ReceiveDisabled"
)

// Properties describe a queue, topic or subscription; fields that do not
// apply to a kind are ignored and reported as zero. Zero values are replaced
// by the service defaults on create (see Defaults).
type Properties struct {
	LockDuration                              time.Duration // default 1m (queues, subscriptions)
	MaxDeliveryCount                          int32         // default 10
	DefaultMessageTimeToLive                  time.Duration // default "infinite" (MaxDuration)
	DeadLetteringOnMessageExpiration          bool
	DeadLetteringOnFilterEvaluationExceptions bool // subscriptions; default true
	RequiresSession                           bool
	RequiresDuplicateDetection                bool          // queues, topics
	DuplicateDetectionHistoryTimeWindow       time.Duration // default 10m
	ForwardTo                                 string
	ForwardDeadLetteredMessagesTo             string
	MaxSizeInMegabytes                        int32 // default 1024
	MaxMessageSizeInKilobytes                 int64 // default 256
	Status                                    Status
	EnableBatchedOperations                   bool // default true
	EnablePartitioning                        bool
	SupportOrdering                           bool          // topics
	AutoDeleteOnIdle                          time.Duration // default MaxDuration
	UserMetadata                              string
	AuthorizationRules                        string // opaque XML, passed through by the ATOM API
}

// MaxDuration is the service's "forever" (TimeSpan.MaxValue, as the ATOM API
// prints P10675199DT2H48M5.4775807S).
const MaxDuration = time.Duration(1<<63 - 1)

// Defaults returns the service defaults for a kind.
func Defaults(k Kind) Properties { panic("not implemented") }

// Counts are the runtime counts of an entity. Always exact.
type Counts struct {
	Active             int64
	DeadLetter         int64
	Scheduled          int64
	Transfer           int64 // messages waiting to be forwarded (always 0: forwarding is immediate)
	TransferDeadLetter int64
	SizeInBytes        int64
}

// EntityInfo is a snapshot of an entity.
type EntityInfo struct {
	Kind                             Kind
	Name                             string // queue/topic name, or subscription name
	Topic                            string // for subscriptions
	Properties                       Properties
	CreatedAt, UpdatedAt, AccessedAt time.Time
	Counts                           Counts // for a topic: its own (scheduled only) plus SizeInBytes of its subscriptions
	SubscriptionCount                int    // topics
}

// FilterKind of a rule filter.
type FilterKind int

const (
	FilterTrue FilterKind = iota
	FilterFalse
	FilterSQL
	FilterCorrelation
)

// Filter of a subscription rule.
type Filter struct {
	Kind          FilterKind
	SQLExpression string             // FilterSQL
	Correlation   *CorrelationFilter // FilterCorrelation
}

// CorrelationFilter matches system properties exactly (empty = don't care) and
// application properties by equality.
type CorrelationFilter struct {
	CorrelationID, MessageID, To, ReplyTo, Subject, SessionID, ReplyToSessionID, ContentType string
	Properties                                                                               map[string]any
}

// Rule of a subscription. Action is a SQL rule action ("SET x = 1; REMOVE y") or "".
type Rule struct {
	Name      string
	Filter    Filter
	Action    string
	CreatedAt time.Time
}

// DefaultRuleName is the rule every new subscription gets (a TrueFilter).
const DefaultRuleName = "$Default"

// ---------------------------------------------------------------- messages

// MessageState of a stored message.
type MessageState int

const (
	StateActive    MessageState = 0
	StateDeferred  MessageState = 1
	StateScheduled MessageState = 2
)

// Message is a Service Bus message. The sender's fields are kept as sent; the
// broker only fills in MessageID when it is nil and stamps the broker fields.
// Values in the maps are the AMQP layer's Go values, passed through untouched.
type Message struct {
	// Header (the sender's).
	Durable       bool
	Priority      *uint8
	TTL           time.Duration // 0: none given (entity default applies)
	FirstAcquirer bool

	// Properties section.
	MessageID        any // string, [16]byte-like uuid, uint64 or []byte
	UserID           []byte
	To               *string
	Subject          *string
	ReplyTo          *string
	CorrelationID    any
	ContentType      *string
	ContentEncoding  *string
	AbsoluteExpiry   *time.Time
	CreationTime     *time.Time
	SessionID        *string // group-id; "" is a valid session id, nil is none
	GroupSequence    *uint32
	ReplyToSessionID *string

	// The sender's annotations with the broker-owned keys removed (the AMQP
	// layer strips x-opt-sequence-number, x-opt-enqueued-time,
	// x-opt-locked-until, x-opt-deadletter-source …). Keys are annotation names;
	// values opaque. The AMQP layer keeps them in whatever form it likes.
	Annotations          any
	DeliveryAnnotations  any
	PartitionKey         *string
	ScheduledEnqueueTime time.Time // zero: not scheduled

	ApplicationProperties map[string]any

	Body   []byte // encoded body sections + footer, opaque to the broker
	Format uint32 // message format from the transfer (0)

	// Stamped by the broker.
	SequenceNumber         int64
	EnqueuedTime           time.Time
	EnqueuedSequenceNumber int64  // set when the message was forwarded
	DeliveryCount          uint32 // previous failed deliveries
	State                  MessageState
	DeadLetterSource       string    // entity a dead-lettered message came from, for forwarded DLQ messages
	ExpiresAt              time.Time // zero: never
	LockedUntil            time.Time // zero when not locked
}

// Size is what the message counts against size limits and SizeInBytes.
func (m *Message) Size() int64 { panic("not implemented") }

// Delivery is a message handed out under a lock (or removed, in
// receive-and-delete mode, where LockToken is zero).
type Delivery struct {
	Message     *Message // a snapshot; changing it changes nothing in the broker
	LockToken   [16]byte
	LockedUntil time.Time
}

// ReceiveMode of a receiver.
type ReceiveMode int

const (
	PeekLock ReceiveMode = iota
	ReceiveAndDelete
)

// ---------------------------------------------------------------- broker

// Options configure a Broker.
type Options struct {
	// Now is the clock; nil means time.Now. Tests drive time through it and
	// call Tick to apply what became due.
	Now func() time.Time
	// MaxMessageSize in bytes for entities that set none (default 256 KiB).
	MaxMessageSize int64
	// TickInterval of the background timer that enqueues due scheduled
	// messages and expires locks and TTLs (default 50ms). Zero disables the
	// timer (tests call Tick).
	TickInterval time.Duration
}

// Broker is a namespace's worth of entities. All methods are safe for
// concurrent use.
type Broker struct{ impl any }

// New makes an empty broker; Close stops its timer.
func New(opts Options) *Broker { panic("not implemented") }

// Close stops the background timer.
func (b *Broker) Close() { panic("not implemented") }

// Tick applies everything due at Now(): scheduled messages become active,
// expired locks release their messages (delivery count +1, dead-lettering at
// MaxDeliveryCount), expired session locks are released, expired messages are
// removed or dead-lettered.
func (b *Broker) Tick() { panic("not implemented") }

// Entity management. Names of queues and topics share one namespace and are
// matched case-insensitively, as the service does. Errors are *Error with
// Status 404 (missing), 409 (exists) or 400 (bad property).
func (b *Broker) CreateQueue(name string, p Properties) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) UpdateQueue(name string, p Properties) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) GetQueue(name string) (*EntityInfo, error) { panic("not implemented") }
func (b *Broker) DeleteQueue(name string) error             { panic("not implemented") }
func (b *Broker) ListQueues() []*EntityInfo                 { panic("not implemented") }
func (b *Broker) CreateTopic(name string, p Properties) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) UpdateTopic(name string, p Properties) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) GetTopic(name string) (*EntityInfo, error) { panic("not implemented") }
func (b *Broker) DeleteTopic(name string) error             { panic("not implemented") }
func (b *Broker) ListTopics() []*EntityInfo                 { panic("not implemented") }
func (b *Broker) CreateSubscription(topic, name string, p Properties, defaultRule *Rule) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) UpdateSubscription(topic, name string, p Properties) (*EntityInfo, error) {
	panic("not implemented")
}
func (b *Broker) GetSubscription(topic, name string) (*EntityInfo, error) { panic("not implemented") }
func (b *Broker) DeleteSubscription(topic, name string) error             { panic("not implemented") }
func (b *Broker) ListSubscriptions(topic string) ([]*EntityInfo, error)   { panic("not implemented") }
func (b *Broker) CreateRule(topic, sub string, r Rule) (*Rule, error)     { panic("not implemented") }
func (b *Broker) UpdateRule(topic, sub string, r Rule) (*Rule, error)     { panic("not implemented") }
func (b *Broker) GetRule(topic, sub, name string) (*Rule, error)          { panic("not implemented") }
func (b *Broker) DeleteRule(topic, sub, name string) error                { panic("not implemented") }
func (b *Broker) ListRules(topic, sub string) ([]*Rule, error)            { panic("not implemented") }

// Paths. A path names where messages are read: "q", "t/Subscriptions/s",
// optionally followed by "/$DeadLetterQueue" or "/$Transfer/$DeadLetterQueue".
// An address names where messages are sent: a queue or topic name.

// CheckPath reports whether a path or address exists (nil) or an *Error
// with Status 404.
func (b *Broker) CheckPath(path string) error { panic("not implemented") }

// Send enqueues msgs (one batch: all or nothing) to a queue or a topic (fanned
// out to every subscription whose rules match, each rule's action applied to
// that subscription's copy). It assigns sequence numbers, enqueued time and
// missing message ids; honours duplicate detection, scheduled enqueue time,
// ForwardTo, entity status (CondEntityDisabled), size limit (CondMessageSize),
// entity quota (CondResourceLimit) and RequiresSession (a session entity
// refuses messages without a session id with CondNotAllowed).
func (b *Broker) Send(address string, msgs []*Message) error { panic("not implemented") }

// Schedule stores msgs as scheduled for their ScheduledEnqueueTime and returns
// their sequence numbers in order.
func (b *Broker) Schedule(address string, msgs []*Message) ([]int64, error) { panic("not implemented") }

// CancelScheduled removes scheduled messages; unknown numbers are ignored.
func (b *Broker) CancelScheduled(address string, seqs []int64) error { panic("not implemented") }

// Peek returns up to max messages with sequence number >= from, in order,
// including locked, deferred and scheduled ones (snapshots with State set).
// It changes nothing. sessionID non-nil restricts it to that session.
func (b *Broker) Peek(path string, from int64, max int, sessionID *string) ([]*Message, error) {
	panic("not implemented")
}

// SessionSpec selects the session a receiver binds to.
type SessionSpec struct {
	ID *string // a named session (may be ""), or nil for the next available one
}

// Receiver takes messages off one path for one AMQP link.
type Receiver struct{ impl any }

// OpenReceiver makes a receiver. For a session entity, session must be
// non-nil; accepting a session locks it (CondSessionCannotLock if another
// receiver holds it). With session.ID nil it waits until some unlocked session
// has a deliverable message or ctx ends (CondTimeout). A non-session receiver
// on a session entity fails with CondNotAllowed and the text "It is not
// possible for an entity that requires sessions to create a non-sessionful
// message receiver.". ReceiveDisabled/Disabled entities give CondEntityDisabled.
func (b *Broker) OpenReceiver(ctx context.Context, path string, mode ReceiveMode, session *SessionSpec) (*Receiver, error) {
	panic("not implemented")
}

// Next takes the next deliverable message (FIFO by sequence number), locking
// it for the entity's LockDuration (PeekLock) or removing it
// (ReceiveAndDelete). ok is false when nothing is deliverable now.
func (r *Receiver) Next() (d *Delivery, ok bool) { panic("not implemented") }

// Ready returns a channel that is closed when something may have become
// deliverable since the last call to Ready (new message, lock expired,
// abandon, scheduled message due). Call Next after it fires.
func (r *Receiver) Ready() <-chan struct{} { panic("not implemented") }

// SessionID is the locked session, for session receivers.
func (r *Receiver) SessionID() (string, bool) { panic("not implemented") }

// SessionLockedUntil is the session lock's expiry, for session receivers.
func (r *Receiver) SessionLockedUntil() time.Time { panic("not implemented") }

// Close releases the receiver and its session lock (messages of the session
// that are locked but unsettled become available again without a delivery
// count increment).
func (r *Receiver) Close() { panic("not implemented") }

// Settlement by lock token, from any receiver or connection. An unknown or
// expired token gives *Error{CondMessageLockLost, Status 410}. props are merged
// into the message's application properties.
func (b *Broker) Complete(token [16]byte) error                      { panic("not implemented") }
func (b *Broker) Abandon(token [16]byte, props map[string]any) error { panic("not implemented") }
func (b *Broker) Release(token [16]byte) error                       { panic("not implemented") } // no delivery count change
func (b *Broker) Defer(token [16]byte, props map[string]any) error   { panic("not implemented") }
func (b *Broker) DeadLetter(token [16]byte, reason, description string, props map[string]any) error {
	panic("not implemented")
}

// RenewLock extends message locks by their entity's LockDuration from now.
func (b *Broker) RenewLock(tokens [][16]byte) ([]time.Time, error) { panic("not implemented") }

// ReceiveBySequence locks (PeekLock) or removes deferred messages (the
// service allows any message by sequence number; so does the broker).
func (b *Broker) ReceiveBySequence(path string, seqs []int64, mode ReceiveMode, sessionID *string) ([]*Delivery, error) {
	panic("not implemented")
}

// Session operations. A session is "locked by r" for the receiver that
// accepted it; management operations name the session by id and succeed while
// some receiver holds it.
func (b *Broker) RenewSessionLock(path, sessionID string) (time.Time, error) {
	panic("not implemented")
}
func (b *Broker) GetSessionState(path, sessionID string) ([]byte, error) { panic("not implemented") } // nil: no state
func (b *Broker) SetSessionState(path, sessionID string, state []byte) error {
	panic("not implemented")
} // empty: clear
// ListSessions lists sessions with messages or state (updatedSince zero), or
// only those whose state changed after updatedSince.
func (b *Broker) ListSessions(path string, updatedSince time.Time, skip, top int) ([]string, error) {
	panic("not implemented")
}

// Counts of a path's entity (subqueue suffixes are ignored).
func (b *Broker) Counts(path string) (Counts, error) { panic("not implemented") }

// Fault injection: make a lock (or all locks) expire now.
func (b *Broker) ExpireLock(token [16]byte) error { panic("not implemented") }
func (b *Broker) ExpireAllLocks()                 { panic("not implemented") }
