package sbsvc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// settleAttemptTimeout bounds a completion on the receiver that got the
// message: after a dropped connection the SDK keeps retrying it with
// back-off for close to a minute (it cannot settle a message of the old
// link on the new one), though a completion by lock token succeeds at once.
const settleAttemptTimeout = 5 * time.Second

// lockCompleter completes messages received by recv. When a completion
// there fails for any reason but a lost lock, it completes by lock token
// alone on a receiver opened for the purpose: the SDK then settles through
// the management link, which works after the original link or connection
// is gone. After one such failure every later completion goes by token.
type lockCompleter struct {
	ns   *Namespace
	ref  EntityRef
	recv *azservicebus.Receiver

	suspect atomic.Bool

	mu    sync.Mutex
	fresh *azservicebus.Receiver
}

// complete completes rm; a lost lock comes back as KindLockLost.
func (c *lockCompleter) complete(ctx context.Context, rm *azservicebus.ReceivedMessage) error {
	var err error
	if !c.suspect.Load() {
		actx, cancel := context.WithTimeout(ctx, settleAttemptTimeout)
		err = c.recv.CompleteMessage(actx, rm, nil)
		cancel()
		if err == nil {
			return nil
		}
		cerr := classify("complete", c.ref.String(), err)
		if KindOf(cerr) == KindLockLost {
			return cerr
		}
		c.suspect.Store(true)
	}
	if err2 := c.byToken(ctx, rm.LockToken); err2 != nil {
		return classify("complete", c.ref.String(), errors.Join(err, err2))
	}
	return nil
}

// abandon gives rm back, with the same fallback as complete: after a
// dropped connection the SDK would retry an abandon on the dead link for
// close to a minute, while one by lock token is immediate.
func (c *lockCompleter) abandon(ctx context.Context, rm *azservicebus.ReceivedMessage) error {
	var err error
	if !c.suspect.Load() {
		actx, cancel := context.WithTimeout(ctx, settleAttemptTimeout)
		err = c.recv.AbandonMessage(actx, rm, nil)
		cancel()
		if err == nil {
			return nil
		}
		cerr := classify("abandon", c.ref.String(), err)
		if KindOf(cerr) == KindLockLost {
			return cerr
		}
		c.suspect.Store(true)
	}
	r, ferr := c.freshReceiver()
	if ferr == nil {
		ferr = r.AbandonMessage(ctx, &azservicebus.ReceivedMessage{LockToken: rm.LockToken}, nil)
	}
	if ferr != nil {
		return classify("abandon", c.ref.String(), errors.Join(err, ferr))
	}
	return nil
}

func (c *lockCompleter) byToken(ctx context.Context, token [16]byte) error {
	r, err := c.freshReceiver()
	if err != nil {
		return err
	}
	return r.CompleteMessage(ctx, &azservicebus.ReceivedMessage{LockToken: token}, nil)
}

// freshReceiver is the receiver, opened on first use, that settles by
// lock token through its management link. It never asks for messages.
func (c *lockCompleter) freshReceiver() (*azservicebus.Receiver, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh == nil {
		r, err := c.ns.newReceiver(c.ref, azservicebus.ReceiveModePeekLock)
		if err != nil {
			return nil, err
		}
		c.fresh = r
	}
	return c.fresh, nil
}

func (c *lockCompleter) close(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh != nil {
		_ = c.fresh.Close(ctx)
	}
}
