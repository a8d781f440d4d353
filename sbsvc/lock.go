package sbsvc

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// DefaultReceiveWait is how long ReceiveLocked and ReceiveAndDelete wait for
// a first message before deciding the entity is empty.
const DefaultReceiveWait = 3 * time.Second

// MaxReceive caps one receive call, like MaxPeekPage caps a peek.
const MaxReceive = 1000

// settler is what both *azservicebus.Receiver and *SessionReceiver offer to
// settle a message they delivered.
type settler interface {
	CompleteMessage(context.Context, *azservicebus.ReceivedMessage, *azservicebus.CompleteMessageOptions) error
	AbandonMessage(context.Context, *azservicebus.ReceivedMessage, *azservicebus.AbandonMessageOptions) error
	DeferMessage(context.Context, *azservicebus.ReceivedMessage, *azservicebus.DeferMessageOptions) error
	DeadLetterMessage(context.Context, *azservicebus.ReceivedMessage, *azservicebus.DeadLetterOptions) error
}

// Locked is a message received in peek-lock mode: it stays invisible to
// other receivers until LockedUntil, and must be settled (Complete,
// Abandon, DeadLetter, Defer) through the receiver that delivered it.
type Locked struct {
	// Message is the message as received; its LockedUntil is the lock at
	// receipt and is never changed afterwards (renewals may run
	// concurrently): read Locked.LockedUntil for the current one.
	Message Message
	// Raw is the SDK's message, kept because settlement needs it.
	Raw       *azservicebus.ReceivedMessage
	LockToken [16]byte
	// Ref is the entity (and sub-queue, and session) it was received from.
	Ref EntityRef
	// Session is the session handle that delivered it; nil when it came
	// from a plain (non-session) receiver. A session message's lock is the
	// session's lock.
	Session *SessionHandle

	recv settler
	// renew is the plain receiver's lock renewal; nil for session messages.
	renew *azservicebus.Receiver

	mu          sync.Mutex
	lockedUntil time.Time
	lockSpan    time.Duration // lockedUntil − receipt time: the entity's lock duration, roughly
	settled     string        // the outcome once settled ("completed" …); "" while locked
}

// LockedUntil is when the lock expires, as the service last set it.
func (l *Locked) LockedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lockedUntil
}

// Settled reports the outcome ("completed", "abandoned", "dead-lettered",
// "deferred") once the message has been settled, "" before.
func (l *Locked) Settled() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.settled
}

func (l *Locked) setLockedUntil(t time.Time) {
	l.mu.Lock()
	l.lockedUntil = t
	l.mu.Unlock()
}

func newLocked(rm *azservicebus.ReceivedMessage, ref EntityRef, recv settler, renew *azservicebus.Receiver, h *SessionHandle) *Locked {
	l := &Locked{Message: messageFrom(rm), Raw: rm, LockToken: rm.LockToken, Ref: ref, Session: h, recv: recv, renew: renew}
	// The wire's delivery-count is the deliveries before this one; for a
	// message in hand this delivery counts too (the SDK's figure).
	l.Message.DeliveryCount = rm.DeliveryCount
	l.lockedUntil = l.Message.LockedUntil
	if h != nil {
		l.lockedUntil = h.LockedUntil()
		l.Message.LockedUntil = l.lockedUntil
	}
	l.lockSpan = time.Until(l.lockedUntil)
	return l
}

// lockCache holds the peek-lock and receive-and-delete receivers of a
// namespace, one per entity, sub-queue and mode. Locked messages settle
// through the receiver that delivered them, so these live until the
// namespace closes (the SDK client closes them with itself).
type lockCache struct {
	mu        sync.Mutex
	receivers map[string]*azservicebus.Receiver
}

// lockReceiver returns the cached receiver of ref in mode.
func (ns *Namespace) lockReceiver(ref EntityRef, mode azservicebus.ReceiveMode) (*azservicebus.Receiver, error) {
	key := receiverKey(ref)
	if mode == azservicebus.ReceiveModeReceiveAndDelete {
		key = "rad:" + key
	}
	c := &ns.locks
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.receivers[key]; ok {
		return r, nil
	}
	if ns.client == nil {
		return nil, errors.New("namespace is not connected")
	}
	opts := &azservicebus.ReceiverOptions{ReceiveMode: mode}
	switch ref.SubQueue {
	case DeadLetter:
		opts.SubQueue = azservicebus.SubQueueDeadLetter
	case TransferDeadLetter:
		opts.SubQueue = azservicebus.SubQueueTransfer
	}
	var (
		r   *azservicebus.Receiver
		err error
	)
	if ref.Queue != "" {
		r, err = ns.client.NewReceiverForQueue(ref.Queue, opts)
	} else {
		r, err = ns.client.NewReceiverForSubscription(ref.Topic, ref.Subscription, opts)
	}
	if err != nil {
		return nil, err
	}
	if c.receivers == nil {
		c.receivers = map[string]*azservicebus.Receiver{}
	}
	c.receivers[key] = r
	return r, nil
}

// dropLockReceiver forgets a receiver whose link failed fatally, so the
// next call gets a fresh one. Messages it delivered can still be settled
// by the SDK's lock-token path while it is open; it is not closed here.
func (ns *Namespace) dropLockReceiver(ref EntityRef, r *azservicebus.Receiver) {
	c := &ns.locks
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.receivers {
		if v == r {
			delete(c.receivers, k)
		}
	}
}

// plainRef checks a reference for a non-session receive: sessions are
// received through AcceptSession.
func plainRef(op string, ref EntityRef) error {
	if err := ref.validate(); err != nil {
		return newError(KindNotFound, op, ref.String(), err)
	}
	if ref.SessionID != "" && ref.SubQueue == Active {
		e := newError(KindUnknown, op, ref.String(), errors.New("a session's messages are received through its session lock"))
		e.Remedy = "Accept the session (AcceptSession) and receive through its handle."
		return e
	}
	return nil
}

// receiveUpTo receives up to n messages, waiting at most DefaultReceiveWait
// for the first. An empty entity gives an empty slice, not an error; the
// caller's own cancellation is an error.
func receiveUpTo(ctx context.Context, n int, recv func(context.Context, int) ([]*azservicebus.ReceivedMessage, error)) ([]*azservicebus.ReceivedMessage, error) {
	if n <= 0 || n > MaxReceive {
		n = min(max(n, 1), MaxReceive)
	}
	wctx, cancel := context.WithTimeout(ctx, DefaultReceiveWait)
	defer cancel()
	msgs, err := recv(wctx, n)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return msgs, nil // nothing arrived in time: the entity is empty
	}
	return msgs, err
}

// ReceiveLocked receives up to n messages of ref in peek-lock mode. Each
// comes back locked until its LockedUntil; settle it with Complete,
// Abandon, DeadLetter or Defer, or let the lock expire. Locking counts a
// delivery, so this is a write: it refuses in read-only mode. It waits up
// to DefaultReceiveWait for a first message and returns none when the
// entity stays empty.
func (ns *Namespace) ReceiveLocked(ctx context.Context, ref EntityRef, n int) ([]*Locked, error) {
	const op = "receive (peek-lock)"
	if err := plainRef(op, ref); err != nil {
		return nil, err
	}
	var out []*Locked
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		r, err := ns.lockReceiver(ref, azservicebus.ReceiveModePeekLock)
		if err != nil {
			return err
		}
		msgs, err := receiveUpTo(ctx, n, func(ctx context.Context, n int) ([]*azservicebus.ReceivedMessage, error) {
			return r.ReceiveMessages(ctx, n, nil)
		})
		for _, rm := range msgs {
			out = append(out, newLocked(rm, ref, r, r, nil))
		}
		if err != nil && len(msgs) == 0 && !errors.Is(err, context.Canceled) {
			ns.dropLockReceiver(ref, r)
		}
		return err
	})
	return out, err
}

// ReceiveAndDelete receives up to n messages of ref and deletes them in the
// same step: they are gone from Service Bus the moment they arrive, and
// lost if the caller then fails. It exists only under this explicit name.
func (ns *Namespace) ReceiveAndDelete(ctx context.Context, ref EntityRef, n int) ([]Message, error) {
	const op = "receive and delete"
	if err := plainRef(op, ref); err != nil {
		return nil, err
	}
	var out []Message
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		r, err := ns.lockReceiver(ref, azservicebus.ReceiveModeReceiveAndDelete)
		if err != nil {
			return err
		}
		msgs, err := receiveUpTo(ctx, n, func(ctx context.Context, n int) ([]*azservicebus.ReceivedMessage, error) {
			return r.ReceiveMessages(ctx, n, nil)
		})
		for _, rm := range msgs {
			out = append(out, messageFrom(rm))
		}
		if len(msgs) > 0 {
			return nil // the messages are deleted already: hand them over
		}
		return err
	})
	return out, err
}

// ReceiveDeferred locks the deferred messages of ref with the given
// sequence numbers. Sequence numbers that are not deferred messages are
// left out of the result (the service answers only the ones it has).
func (ns *Namespace) ReceiveDeferred(ctx context.Context, ref EntityRef, seqs []int64) ([]*Locked, error) {
	const op = "receive deferred"
	if err := plainRef(op, ref); err != nil {
		return nil, err
	}
	var out []*Locked
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		if len(seqs) == 0 {
			return nil
		}
		r, err := ns.lockReceiver(ref, azservicebus.ReceiveModePeekLock)
		if err != nil {
			return err
		}
		msgs, err := r.ReceiveDeferredMessages(ctx, seqs, nil)
		for _, rm := range msgs {
			out = append(out, newLocked(rm, ref, r, r, nil))
		}
		return err
	})
	return out, err
}

// Renew extends the lock of l and updates its LockedUntil. For a message
// received through a session it renews the session lock, which is what
// holds the message. Like every lock operation it refuses in read-only mode.
func (ns *Namespace) Renew(ctx context.Context, l *Locked) error {
	const op = "renew lock"
	if l == nil {
		return newError(KindUnknown, op, "", errors.New("no message"))
	}
	entity := l.Ref.String()
	return ns.write(ctx, op, entity, func(ctx context.Context) error {
		if s := l.Settled(); s != "" {
			return ErrAlreadySettled
		}
		if l.Session != nil {
			if err := l.Session.renewLock(ctx); err != nil {
				return err
			}
			l.setLockedUntil(l.Session.LockedUntil())
			return nil
		}
		if l.renew == nil {
			return errors.New("the message has no receiver to renew its lock through")
		}
		if err := l.renew.RenewMessageLock(ctx, l.Raw, nil); err != nil {
			return err
		}
		l.setLockedUntil(ptrVal(l.Raw.LockedUntil))
		return nil
	})
}
