package sbsvc

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// SessionHandle is a session of a session-enabled queue or subscription
// that this client holds the lock of. While it is held, no other receiver
// can take the session's messages. Close it to let go.
type SessionHandle struct {
	ns   *Namespace
	ref  EntityRef // with SessionID set
	recv *azservicebus.SessionReceiver

	mu     sync.Mutex
	closed bool
}

// Ref is the entity and session.
func (h *SessionHandle) Ref() EntityRef { return h.ref }

// ID is the session id.
func (h *SessionHandle) ID() string { return h.ref.SessionID }

// LockedUntil is when the session lock expires, as the service last set it.
func (h *SessionHandle) LockedUntil() time.Time { return h.recv.LockedUntil() }

// sessionRef checks a reference names the active queue of an entity; the
// dead-letter queues are not session-aware.
func sessionRef(op string, ref EntityRef) error {
	if err := ref.validate(); err != nil {
		return newError(KindNotFound, op, ref.String(), err)
	}
	if ref.SubQueue != Active {
		return newError(KindUnknown, op, ref.String(), errors.New("dead-letter queues have no sessions; receive them with ReceiveLocked"))
	}
	return nil
}

// ListSessions lists the ids of ref's sessions that have active messages or
// stored state (the service's own listing; sessions whose messages are all
// dead-lettered are not listed). It locks nothing.
func (ns *Namespace) ListSessions(ctx context.Context, ref EntityRef) ([]string, error) {
	const op = "list sessions"
	ref.SessionID = ""
	if err := sessionRef(op, ref); err != nil {
		return nil, err
	}
	if ns.client == nil {
		return nil, newError(KindCommunication, op, ref.String(), errors.New("namespace is not connected"))
	}
	pager := ns.client.NewListSessionsForSubscriptionPager(ref.Topic, ref.Subscription, nil)
	if ref.Queue != "" {
		pager = ns.client.NewListSessionsForQueuePager(ref.Queue, nil)
	}
	var ids []string
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, classify(op, ref.String(), err)
		}
		ids = append(ids, page.Sessions...)
	}
	return ids, nil
}

// AcceptSession takes the lock of session id of ref. Holding a session
// keeps every other receiver away from it, so this counts as a write and
// refuses in read-only mode. A session another client holds gives
// KindSessionCannotBeLocked.
func (ns *Namespace) AcceptSession(ctx context.Context, ref EntityRef, id string) (*SessionHandle, error) {
	ref.SessionID = id
	return ns.acceptSession(ctx, "accept session", ref, func(ctx context.Context) (*azservicebus.SessionReceiver, error) {
		if ref.Queue != "" {
			return ns.client.AcceptSessionForQueue(ctx, ref.Queue, id, nil)
		}
		return ns.client.AcceptSessionForSubscription(ctx, ref.Topic, ref.Subscription, id, nil)
	})
}

// AcceptNextSession takes the lock of whichever session of ref the service
// picks among those with messages and no holder. When none is free it
// fails (KindTimeout) once ctx or the service's own wait runs out.
func (ns *Namespace) AcceptNextSession(ctx context.Context, ref EntityRef) (*SessionHandle, error) {
	ref.SessionID = ""
	return ns.acceptSession(ctx, "accept next session", ref, func(ctx context.Context) (*azservicebus.SessionReceiver, error) {
		if ref.Queue != "" {
			return ns.client.AcceptNextSessionForQueue(ctx, ref.Queue, nil)
		}
		return ns.client.AcceptNextSessionForSubscription(ctx, ref.Topic, ref.Subscription, nil)
	})
}

func (ns *Namespace) acceptSession(ctx context.Context, op string, ref EntityRef, accept func(context.Context) (*azservicebus.SessionReceiver, error)) (*SessionHandle, error) {
	if err := sessionRef(op, ref); err != nil {
		return nil, err
	}
	var h *SessionHandle
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		if ns.client == nil {
			return errors.New("namespace is not connected")
		}
		sr, err := accept(ctx)
		if err != nil {
			return err
		}
		ref.SessionID = sr.SessionID()
		h = &SessionHandle{ns: ns, ref: ref, recv: sr}
		return nil
	})
	return h, err
}

// guard runs a write of the handle through the namespace's write path,
// refusing once the handle is closed.
func (h *SessionHandle) guard(ctx context.Context, op string, fn func(context.Context) error) error {
	if h == nil || h.ns == nil {
		return newError(KindUnknown, op, "", errors.New("no session"))
	}
	return h.ns.write(ctx, op, h.ref.String(), func(ctx context.Context) error {
		h.mu.Lock()
		closed := h.closed
		h.mu.Unlock()
		if closed {
			return errors.New("the session handle is closed")
		}
		return fn(ctx)
	})
}

// Receive locks up to n of the session's messages, waiting at most
// DefaultReceiveWait for the first. They settle through the namespace's
// Complete, Abandon, DeadLetter and Defer like any locked message; their
// lock is the session's.
func (h *SessionHandle) Receive(ctx context.Context, n int) ([]*Locked, error) {
	var out []*Locked
	err := h.guard(ctx, "receive (session)", func(ctx context.Context) error {
		msgs, err := receiveUpTo(ctx, n, func(ctx context.Context, n int) ([]*azservicebus.ReceivedMessage, error) {
			return h.recv.ReceiveMessages(ctx, n, nil)
		})
		for _, rm := range msgs {
			out = append(out, newLocked(rm, h.ref, h.recv, nil, h))
		}
		return err
	})
	return out, err
}

// ReceiveDeferred locks the session's deferred messages with the given
// sequence numbers.
func (h *SessionHandle) ReceiveDeferred(ctx context.Context, seqs []int64) ([]*Locked, error) {
	var out []*Locked
	err := h.guard(ctx, "receive deferred (session)", func(ctx context.Context) error {
		if len(seqs) == 0 {
			return nil
		}
		msgs, err := h.recv.ReceiveDeferredMessages(ctx, seqs, nil)
		for _, rm := range msgs {
			out = append(out, newLocked(rm, h.ref, h.recv, nil, h))
		}
		return err
	})
	return out, err
}

// RenewLock extends the session lock and updates LockedUntil.
func (h *SessionHandle) RenewLock(ctx context.Context) error {
	return h.guard(ctx, "renew session lock", h.renewLock)
}

func (h *SessionHandle) renewLock(ctx context.Context) error {
	return h.recv.RenewSessionLock(ctx, nil)
}

// State reads the session state (nil when none was set). Reading changes
// nothing, so it is allowed in read-only mode (though a read-only
// namespace cannot accept a session to read it from).
func (h *SessionHandle) State(ctx context.Context) ([]byte, error) {
	const op = "get session state"
	if h == nil || h.recv == nil {
		return nil, newError(KindUnknown, op, "", errors.New("no session"))
	}
	st, err := h.recv.GetSessionState(ctx, nil)
	if err != nil {
		return nil, classify(op, h.ref.String(), err)
	}
	return st, nil
}

// Peek reads up to n of the session's messages from sequence number
// from without locking them; a held session can only be peeked through its
// handle.
func (h *SessionHandle) Peek(ctx context.Context, from int64, n int) ([]Message, error) {
	const op = "peek session"
	if h == nil || h.recv == nil {
		return nil, newError(KindUnknown, op, "", errors.New("no session"))
	}
	if n <= 0 || n > MaxPeekPage {
		n = MaxPeekPage
	}
	from = max(from, 1)
	msgs, err := h.recv.PeekMessages(ctx, n, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
	if err != nil {
		return nil, classify(op, h.ref.String(), err)
	}
	out := make([]Message, len(msgs))
	for i, rm := range msgs {
		out[i] = messageFrom(rm)
	}
	return out, nil
}

// SetState replaces the session state; nil clears it.
func (h *SessionHandle) SetState(ctx context.Context, state []byte) error {
	return h.guard(ctx, "set session state", func(ctx context.Context) error {
		return h.recv.SetSessionState(ctx, state, nil)
	})
}

// Close releases the session lock. Messages still locked through the
// session can no longer be settled and return to the session when their
// lock lapses. Closing twice is harmless.
func (h *SessionHandle) Close(ctx context.Context) error {
	if h == nil || h.recv == nil {
		return nil
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	h.mu.Unlock()
	return classify("close session", h.ref.String(), h.recv.Close(ctx))
}
