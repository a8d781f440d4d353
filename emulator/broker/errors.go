package broker

import "fmt"

// The constructors below give each failure the condition and status the
// service would answer with, so the AMQP and ATOM layers can pass them on
// unchanged.

func errNotFound(format string, a ...any) *Error {
	return &Error{Condition: CondNotFound, Status: 404, Description: fmt.Sprintf(format, a...)}
}

func errConflict(format string, a ...any) *Error {
	return &Error{Condition: CondConflict, Status: 409, Description: fmt.Sprintf(format, a...)}
}

func errBadArgument(format string, a ...any) *Error {
	return &Error{Condition: CondInvalidArgument, Status: 400, Description: fmt.Sprintf(format, a...)}
}

func errNotAllowed(format string, a ...any) *Error {
	return &Error{Condition: CondNotAllowed, Status: 400, Description: fmt.Sprintf(format, a...)}
}

func errLockLost() *Error {
	return &Error{Condition: CondMessageLockLost, Status: 410, Description: "The lock supplied is invalid. " +
		"Either the lock expired, or the message has already been removed from the queue, " +
		"or was received by a different receiver instance."}
}

func errSessionLockLost(session string) *Error {
	return &Error{Condition: CondSessionLockLost, Status: 410, Description: fmt.Sprintf(
		"The session lock has expired on the MessageSession. Accept a new MessageSession. SessionId: %q.", session)}
}

func errSessionCannotLock(session string) *Error {
	return &Error{Condition: CondSessionCannotLock, Status: 409, Description: fmt.Sprintf(
		"The requested session '%s' cannot be accepted. It may be locked by another receiver.", session)}
}

func errTimeout(what string) *Error {
	return &Error{Condition: CondTimeout, Status: 408, Description: "The operation did not complete in time: " + what + "."}
}

func errDisabled(path string, s Status) *Error {
	return &Error{Condition: CondEntityDisabled, Status: 400, Description: fmt.Sprintf(
		"Messaging entity '%s' is currently disabled (status %s). "+
			"Request for a runtime operation on a disabled entity. Please activate the entity.", path, s)}
}

func errMessageSize(size, limit int64) *Error {
	return &Error{Condition: CondMessageSize, Status: 413, Description: fmt.Sprintf(
		"The received message (size %d bytes) exceeds the limit (%d bytes) currently allowed on the link.", size, limit)}
}

func errQuota(path string, size, limit int64) *Error {
	return &Error{Condition: CondResourceLimit, Status: 403, Description: fmt.Sprintf(
		"The maximum entity size has been reached or exceeded for '%s'. Size of entity in bytes: %d, "+
			"max entity size in bytes: %d. Create space in the entity by receiving messages from the entity or its subqueues.",
		path, size, limit)}
}

// Texts the service uses for session mismatches (the SDK's tests look for them).
const (
	textSessionRequired = "It is not possible for an entity that requires sessions to create a non-sessionful message receiver."
	textNoSessions      = "It is not possible for an entity that does not require sessions to create a sessionful message receiver."
	textMissingSession  = "The SessionId was not set on a message, and it cannot be sent to the entity. " +
		"Entities that have session support enabled can only receive messages that have the SessionId set to a valid value."
)
