// Package amqp is the emulator's own AMQP 1.0 implementation: the type-system
// codec, framing, the message format and a server-side connection engine.
// It knows nothing about Service Bus; the emulator package gives links their
// meaning.
package amqp

import (
	"fmt"
	"reflect"
	"time"
)

// Go representations of AMQP values. Decoding maps every AMQP type to exactly
// one Go type, and encoding maps that Go type back to the same AMQP type, so a
// value that passes through the emulator comes back unchanged:
//
//	null → nil            boolean → bool
//	ubyte → uint8         ushort → uint16      uint → uint32     ulong → uint64
//	byte → int8           short → int16        int → int32       long → int64
//	float → float32       double → float64     char → Char
//	timestamp → time.Time (UTC, millisecond precision)
//	uuid → UUID           binary → []byte      string → string   symbol → Symbol
//	list → []any          map → *Map (ordered)  array → Array
//	decimal32/64/128 → Decimal32/Decimal64/Decimal128 (raw bytes, passed through)
//	described → Described (when the descriptor is not a known performative/section)
//
// Encoding additionally accepts int (as long), uint (as ulong), map[string]any and
// map[Symbol]any (as map, keys sorted for determinism), []string (array of string),
// []Symbol (array of symbol), []int64 (array of long), []time.Time (array of
// timestamp) and []UUID (array of uuid).

// Symbol is an AMQP symbol: an ASCII name such as "com.microsoft:timeout".
type Symbol string

// UUID is an AMQP uuid in RFC 4122 byte order.
type UUID [16]byte

func (u UUID) String() string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// Char is an AMQP char: one UTF-32 code point.
type Char rune

// Decimal32, Decimal64 and Decimal128 carry IEEE 754 decimals as raw bytes; the
// emulator never does arithmetic on them, it only passes them through.
type (
	Decimal32  [4]byte
	Decimal64  [8]byte
	Decimal128 [16]byte
)

// Described is a described type the codec has no Go struct for.
type Described struct {
	Descriptor any // uint64 or Symbol
	Value      any
}

// Array is an AMQP array: every element has the same AMQP type. Elements hold
// the Go types listed above. An empty array keeps its element constructor so it
// re-encodes identically.
type Array struct {
	Elems []any
	// Code is the element constructor's format code (e.g. 0x81 for long);
	// zero lets the encoder pick one from the first element.
	Code byte
}

// Map is an AMQP map that keeps its pairs in wire order (AMQP maps are ordered
// and may have keys Go maps cannot hold, such as binary).
type Map struct {
	Pairs []MapPair
}

// MapPair is one key/value pair of a Map.
type MapPair struct {
	Key, Value any
}

// Get returns the value for a key compared with ==, trying a Symbol key as a
// string too (Service Bus mixes symbol and string keys).
func (m *Map) Get(key any) (any, bool) {
	if m == nil {
		return nil, false
	}
	alt := key
	switch k := key.(type) {
	case string:
		alt = Symbol(k)
	case Symbol:
		alt = string(k)
	}
	for _, p := range m.Pairs {
		if keyEqual(p.Key, key) || keyEqual(p.Key, alt) {
			return p.Value, true
		}
	}
	return nil, false
}

// Set replaces the value of an existing key (compared as in Get) or appends it.
func (m *Map) Set(key, value any) {
	alt := key
	switch k := key.(type) {
	case string:
		alt = Symbol(k)
	case Symbol:
		alt = string(k)
	}
	for i, p := range m.Pairs {
		if keyEqual(p.Key, key) || keyEqual(p.Key, alt) {
			m.Pairs[i].Value = value
			return
		}
	}
	m.Pairs = append(m.Pairs, MapPair{key, value})
}

// Delete removes a key (compared as in Get).
func (m *Map) Delete(key any) {
	alt := key
	switch k := key.(type) {
	case string:
		alt = Symbol(k)
	case Symbol:
		alt = string(k)
	}
	out := m.Pairs[:0]
	for _, p := range m.Pairs {
		if !keyEqual(p.Key, key) && !keyEqual(p.Key, alt) {
			out = append(out, p)
		}
	}
	m.Pairs = out
}

// keyEqual compares map keys with == where Go allows it; binary keys are
// compared by content and other uncomparable keys (lists, maps) never match,
// instead of panicking as == on interfaces would.
func keyEqual(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && string(ab) == string(bb)
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if !reflect.TypeOf(a).Comparable() || !reflect.TypeOf(b).Comparable() {
		return false
	}
	return a == b
}

// Len reports the number of pairs.
func (m *Map) Len() int {
	if m == nil {
		return 0
	}
	return len(m.Pairs)
}

// Error is an AMQP error (the described type amqp:error:list).
type Error struct {
	Condition   Symbol
	Description string
	Info        *Map
}

func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Condition)
	}
	return string(e.Condition) + ": " + e.Description
}

// Conditions the emulator sends (AMQP standard ones and Service Bus ones).
const (
	ErrInternal           Symbol = "amqp:internal-error"
	ErrNotFound           Symbol = "amqp:not-found"
	ErrUnauthorized       Symbol = "amqp:unauthorized-access"
	ErrDecode             Symbol = "amqp:decode-error"
	ErrResourceLimit      Symbol = "amqp:resource-limit-exceeded"
	ErrNotAllowed         Symbol = "amqp:not-allowed"
	ErrInvalidField       Symbol = "amqp:invalid-field"
	ErrNotImplemented     Symbol = "amqp:not-implemented"
	ErrPreconditionFailed Symbol = "amqp:precondition-failed"
	ErrConnectionForced   Symbol = "amqp:connection:forced"
	ErrFramingError       Symbol = "amqp:connection:framing-error"
	ErrSessionWindow      Symbol = "amqp:session:window-violation"
	ErrSessionErrantLink  Symbol = "amqp:session:errant-link"
	ErrSessionUnattached  Symbol = "amqp:session:unattached-handle"
	ErrLinkDetachForced   Symbol = "amqp:link:detach-forced"
	ErrLinkTransferLimit  Symbol = "amqp:link:transfer-limit-exceeded"
	ErrLinkMessageSize    Symbol = "amqp:link:message-size-exceeded"
	ErrLinkStolen         Symbol = "amqp:link:stolen"
	ErrServerBusy         Symbol = "com.microsoft:server-busy"
	ErrTimeout            Symbol = "com.microsoft:timeout"
	ErrEntityDisabled     Symbol = "com.microsoft:entity-disabled"
	ErrSessionCannotLock  Symbol = "com.microsoft:session-cannot-be-locked"
	ErrSessionLockLost    Symbol = "com.microsoft:session-lock-lost"
	ErrMessageLockLost    Symbol = "com.microsoft:message-lock-lost"
	ErrDeadLetter         Symbol = "com.microsoft:dead-letter"
	ErrOperationCancelled Symbol = "com.microsoft:operation-cancelled"
)

// DeliveryState is one of *Accepted, *Rejected, *Released, *Modified, *Received.
type DeliveryState interface{ deliveryState() }

type (
	// Accepted is the accepted outcome.
	Accepted struct{}
	// Rejected is the rejected outcome; Error may be nil.
	Rejected struct{ Error *Error }
	// Released is the released outcome.
	Released struct{}
	// Modified is the modified outcome. DeliveryFailed and UndeliverableHere
	// are nil when the field was absent on the wire.
	Modified struct {
		DeliveryFailed     *bool
		UndeliverableHere  *bool
		MessageAnnotations *Map
	}
	// Received is the received delivery state (partial transfers).
	Received struct {
		SectionNumber uint32
		SectionOffset uint64
	}
)

func (*Accepted) deliveryState() {}
func (*Rejected) deliveryState() {}
func (*Released) deliveryState() {}
func (*Modified) deliveryState() {}
func (*Received) deliveryState() {}

// Header is the message header section.
type Header struct {
	Durable       bool
	Priority      *uint8  // nil: absent (default 4)
	TTL           *uint32 // milliseconds; nil: absent
	FirstAcquirer bool
	DeliveryCount uint32
}

// Properties is the message properties section. Absent fields are zero values
// (nil for the any-typed ids and the pointer fields).
type Properties struct {
	MessageID          any // string, UUID, uint64 or []byte; nil when absent
	UserID             []byte
	To                 *string
	Subject            *string
	ReplyTo            *string
	CorrelationID      any
	ContentType        *Symbol
	ContentEncoding    *Symbol
	AbsoluteExpiryTime *time.Time
	CreationTime       *time.Time
	GroupID            *string
	GroupSequence      *uint32
	ReplyToGroupID     *string
}

// Message is an AMQP message. Body holds the encoded body sections (data,
// amqp-sequence or amqp-value, in wire order) exactly as received, so a body of
// any kind is passed through byte for byte; Footer likewise.
type Message struct {
	Header                *Header
	DeliveryAnnotations   *Map
	MessageAnnotations    *Map
	Properties            *Properties
	ApplicationProperties *Map
	Body                  []byte // encoded body sections; never re-encoded
	Footer                []byte // encoded footer section, or nil

	// EncodedProperties and EncodedApplicationProperties, when not nil, are
	// written in place of Properties and ApplicationProperties: the wire
	// form of those sections kept from DecodeMessageRaw, so a stored message
	// goes out again without being re-encoded. Whoever changes the decoded
	// field must clear the matching encoding.
	EncodedProperties            []byte
	EncodedApplicationProperties []byte

	// EncodedBare is set by DecodeMessageRaw when the bare message and
	// footer (properties, application properties, body, footer: whichever
	// are present) end the input in that order: their wire form in one
	// piece, so a caller keeping all of them can copy them in one step.
	// Within it the sections lie back to back: EncodedProperties, then
	// EncodedApplicationProperties, Body and Footer. Encoding ignores it.
	EncodedBare []byte
}

// Message format codes.
const (
	// MessageFormatBatch is the Service Bus batch format: the body's data
	// sections each hold one complete encoded message.
	MessageFormatBatch uint32 = 0x80013700
)
