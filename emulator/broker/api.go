// Package broker holds Service Bus semantics in memory: entities, messages,
// locks, sessions, scheduling, expiry, dead-lettering, forwarding and rules.
// It speaks no protocol; the emulator package maps AMQP and HTTP onto it.
package broker

// This file holds the package's public types; the methods live in the files
// named after what they do (manage.go, send.go, receive.go, settle.go …).

import "time"

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
type MessageState uint8 // one byte: it sits in every stored message

const (
	StateActive    MessageState = 0
	StateDeferred  MessageState = 1
	StateScheduled MessageState = 2
)

// Message is a Service Bus message. The sender's fields are kept as sent; the
// broker only fills in MessageID when it is nil and stamps the broker fields.
// Values in the maps are the AMQP layer's Go values, passed through untouched.
type Message struct {
	// Header (the sender's), and the transfer's message format. The small
	// fields sit together: a struct is kept per stored message, and apart
	// they would each be padded to eight bytes.
	Priority      *uint8
	TTL           time.Duration // 0: none given (entity default applies)
	Durable       bool
	FirstAcquirer bool
	Format        uint32 // message format from the transfer (0)

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

	Body []byte // encoded body sections + footer, opaque to the broker

	// The properties and application-properties sections in wire form, as
	// the AMQP layer stored them to send them on without re-encoding; nil
	// means "encode from the fields". Opaque to the broker, which sets
	// EncodedProperties to nil whenever it changes a property field
	// (MessageID, To, SessionID …) and EncodedApplicationProperties to nil
	// whenever it changes ApplicationProperties. Whoever else changes
	// those fields must do the same.
	EncodedProperties            []byte
	EncodedApplicationProperties []byte

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
	// messages and expires locks and TTLs. Zero means 50ms with the real
	// clock and no timer when Now is set (tests call Tick); negative disables
	// the timer.
	TickInterval time.Duration
}

// Broker is a namespace's worth of entities. All methods are safe for
// concurrent use.
type Broker struct{ impl *brokerImpl }

// SessionSpec selects the session a receiver binds to.
type SessionSpec struct {
	ID *string // a named session (may be ""), or nil for the next available one
}

// Receiver takes messages off one path for one AMQP link.
type Receiver struct{ impl *receiverImpl }
