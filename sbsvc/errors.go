package sbsvc

import (
	"errors"
	"strings"
)

// Kind is the class of a failure, chosen so the TUI can show one piece of
// guidance per class instead of a raw SDK or wire error.
type Kind int

// The kinds, in the order the troubleshooting guide discusses them.
const (
	KindUnknown Kind = iota
	KindAuthentication
	KindAuthorisation
	KindConnectionString
	KindCommunication
	KindTimeout
	KindNotFound
	KindDisabled
	KindLockLost
	KindSessionLockLost
	KindSessionCannotBeLocked
	KindMessageSizeExceeded
	KindQuotaExceeded
	KindServerBusy
	KindAlreadySettled
	KindMessageNotFound
	KindCancelled
	KindReadOnly
)

// AllKinds lists every kind, so tests and help screens can walk them.
var AllKinds = []Kind{
	KindUnknown, KindAuthentication, KindAuthorisation, KindConnectionString,
	KindCommunication, KindTimeout, KindNotFound, KindDisabled, KindLockLost,
	KindSessionLockLost, KindSessionCannotBeLocked, KindMessageSizeExceeded,
	KindQuotaExceeded, KindServerBusy, KindAlreadySettled, KindMessageNotFound,
	KindCancelled, KindReadOnly,
}

type kindInfo struct {
	name   string
	remedy string
}

// kindTable holds each kind's name and the remedy the troubleshooting guide
// gives for that class of failure, shortened to one or two sentences.
var kindTable = map[Kind]kindInfo{
	KindUnknown: {"unknown",
		"Retry the operation; if it keeps failing, run with --debug and check the log file for the underlying error."},
	KindAuthentication: {"authentication",
		"Check that the connection string or credential is correct and complete and that SAS tokens have not expired; for managed identity, check the identity is configured."},
	KindAuthorisation: {"authorisation",
		"The identity lacks the right for this operation: grant the Service Bus Data Owner, Sender or Receiver role, or use a SAS policy with the Send, Listen or Manage claim it needs."},
	KindConnectionString: {"connection string",
		"A connection string needs Endpoint=sb://<namespace>.servicebus.windows.net/ plus SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature)."},
	KindCommunication: {"communication",
		"Check the host name and that the namespace is reachable on port 5671 (AMQP) or 443 (AMQP over WebSockets); behind a firewall or proxy, try WebSockets."},
	KindTimeout: {"timeout",
		"The service did not answer in time and the outcome is unknown: check the current state, then retry."},
	KindNotFound: {"not found",
		"The queue, topic or subscription does not exist or was deleted: check the entity name and namespace."},
	KindDisabled: {"disabled",
		"The entity is disabled for this operation: activate it (status Active) before sending or receiving."},
	KindLockLost: {"lock lost",
		"The message lock expired and the message went back to the queue: receive it again, and renew locks for long processing."},
	KindSessionLockLost: {"session lock lost",
		"The session lock expired: accept the session again, and renew the session lock before it expires."},
	KindSessionCannotBeLocked: {"session cannot be locked",
		"Another client holds this session: wait for its lock to expire or for it to close, or pick another session."},
	KindMessageSizeExceeded: {"message size exceeded",
		"The message is larger than the tier allows (256 KB Standard, up to 100 MB Premium): reduce the body or move metadata to properties."},
	KindQuotaExceeded: {"quota exceeded",
		"The entity is full or the namespace hit a connection limit: receive or purge messages (including the dead-letter queue) to make room."},
	KindServerBusy: {"server busy",
		"Service Bus is throttling requests: wait a little and retry, and consider a higher tier if it persists."},
	KindAlreadySettled: {"already settled",
		"The message was already completed, abandoned, deferred or dead-lettered: settle each message only once."},
	KindMessageNotFound: {"message not found",
		"No message has that sequence number: it may have been received already or moved to the dead-letter queue."},
	KindCancelled: {"cancelled",
		"The operation was cancelled before it finished; run it again if it is still wanted."},
	KindReadOnly: {"read-only",
		"This namespace is open read-only: reopen it without read-only mode to change messages."},
}

// String is the kind's name as shown to the user.
func (k Kind) String() string {
	if info, ok := kindTable[k]; ok {
		return info.name
	}
	return "unknown"
}

// Remedy is the guidance for the kind.
func (k Kind) Remedy() string {
	if info, ok := kindTable[k]; ok {
		return info.remedy
	}
	return kindTable[KindUnknown].remedy
}

// Error is every failure sbsvc returns: the class, the operation and entity
// it happened on, the underlying error and what to do about it.
type Error struct {
	Kind   Kind
	Op     string // "peek", "list queues", "connect" …
	Entity string // "orders/$DeadLetterQueue", "" when not about one entity
	Cause  error
	Remedy string
}

// Error reads "peek orders/$DeadLetterQueue: not found: <cause> — Remedy: …".
// The cause's text is passed through Redact, so a secret that an SDK error
// happened to quote never reaches the screen.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Entity != "" {
		b.WriteByte(' ')
		b.WriteString(e.Entity)
	}
	b.WriteString(": ")
	b.WriteString(e.Kind.String())
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(Redact(e.Cause.Error()))
	}
	if e.Remedy != "" {
		b.WriteString(" — Remedy: ")
		b.WriteString(e.Remedy)
	}
	return b.String()
}

// Unwrap gives errors.Is/As access to the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is(err, &Error{Kind: k}) match any *Error of kind k.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Entity == "" && t.Cause == nil && t.Kind == e.Kind
}

// KindOf returns the kind of err, KindUnknown when it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// newError builds an *Error of a known kind with that kind's remedy.
func newError(kind Kind, op, entity string, cause error) *Error {
	return &Error{Kind: kind, Op: op, Entity: entity, Cause: cause, Remedy: kind.Remedy()}
}
