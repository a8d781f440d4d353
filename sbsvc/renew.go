package sbsvc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAutoRenewMax is how long an AutoRenewer keeps a lock alive when
// no maximum is given (the troubleshooting guide's AutoLockRenewer uses a
// few minutes: long enough to inspect, short enough not to hold forever).
const DefaultAutoRenewMax = 5 * time.Minute

// AutoRenewOptions tune an AutoRenewer.
type AutoRenewOptions struct {
	// MaxDuration bounds how long each lock is kept alive, counted from its
	// registration; after that it is left to lapse. 0 = DefaultAutoRenewMax.
	MaxDuration time.Duration
	// RenewBefore is how long before expiry a lock is renewed. 0 = a third
	// of the lock's duration, between 100 ms and 10 s.
	RenewBefore time.Duration
	// OnFailure is called (from the renewer's goroutine) when renewing a
	// lock fails; that lock is then no longer renewed. Typically the error
	// is KindLockLost: the message went back to its entity.
	OnFailure func(*Locked, error)
}

// AutoRenewer renews the locks of registered messages shortly before they
// expire, until they are settled, unregistered, MaxDuration has passed or
// the renewer is stopped. Each lock has one goroutine; Stop waits for all.
type AutoRenewer struct {
	ns       *Namespace
	opts     AutoRenewOptions
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	renewals atomic.Int64
	failures atomic.Int64

	mu      sync.Mutex
	stopped bool
	locks   map[*Locked]context.CancelFunc
}

// NewAutoRenewer makes a renewer for locks received from ns. Making one
// changes nothing; registering a lock in read-only mode is refused.
func (ns *Namespace) NewAutoRenewer(opts AutoRenewOptions) *AutoRenewer {
	if opts.MaxDuration <= 0 {
		opts.MaxDuration = DefaultAutoRenewMax
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &AutoRenewer{ns: ns, opts: opts, ctx: ctx, cancel: cancel, locks: map[*Locked]context.CancelFunc{}}
}

// Register starts renewing l's lock. Registering the same message twice
// is harmless.
func (a *AutoRenewer) Register(l *Locked) error {
	const op = "auto-renew lock"
	if l == nil {
		return newError(KindUnknown, op, "", errors.New("no message"))
	}
	if a.ns.ReadOnly() {
		return newError(KindReadOnly, op, l.Ref.String(), errReadOnly)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return newError(KindCancelled, op, l.Ref.String(), errors.New("the auto-renewer is stopped"))
	}
	if _, ok := a.locks[l]; ok {
		return nil
	}
	ctx, cancel := context.WithCancel(a.ctx)
	a.locks[l] = cancel
	a.wg.Add(1)
	go a.keep(ctx, l, time.Now().Add(a.opts.MaxDuration))
	return nil
}

// Unregister stops renewing l's lock; it lapses at its LockedUntil unless
// settled first.
func (a *AutoRenewer) Unregister(l *Locked) {
	a.mu.Lock()
	cancel, ok := a.locks[l]
	delete(a.locks, l)
	a.mu.Unlock()
	if ok {
		cancel()
	}
}

// Active is how many locks are being renewed now.
func (a *AutoRenewer) Active() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.locks)
}

// Renewals is how many renewals have succeeded so far.
func (a *AutoRenewer) Renewals() int64 { return a.renewals.Load() }

// Failures is how many locks were given up because a renewal failed.
func (a *AutoRenewer) Failures() int64 { return a.failures.Load() }

// Stop ends every renewal and waits for the goroutines to finish.
func (a *AutoRenewer) Stop() {
	a.mu.Lock()
	a.stopped = true
	a.locks = map[*Locked]context.CancelFunc{}
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// renewBefore is the lead time for l's renewals.
func (a *AutoRenewer) renewBefore(l *Locked) time.Duration {
	if a.opts.RenewBefore > 0 {
		return a.opts.RenewBefore
	}
	return min(max(l.lockSpan/3, 100*time.Millisecond), 10*time.Second)
}

// keep renews l until it is settled, unregistered, past deadline or stopped.
func (a *AutoRenewer) keep(ctx context.Context, l *Locked, deadline time.Time) {
	defer a.wg.Done()
	defer a.forget(l)
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		timer.Reset(max(time.Until(l.LockedUntil())-a.renewBefore(l), 0))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if l.Settled() != "" || time.Now().After(deadline) {
			return
		}
		err := a.ns.Renew(ctx, l)
		switch {
		case err == nil:
			a.renewals.Add(1)
			continue
		case ctx.Err() != nil, KindOf(err) == KindAlreadySettled:
			return // stopped, or settled while the renewal was in flight
		}
		a.failures.Add(1)
		if a.opts.OnFailure != nil {
			a.opts.OnFailure(l, err)
		}
		return
	}
}

// forget removes l once its goroutine ends on its own.
func (a *AutoRenewer) forget(l *Locked) {
	a.mu.Lock()
	if cancel, ok := a.locks[l]; ok {
		cancel()
		delete(a.locks, l)
	}
	a.mu.Unlock()
}
