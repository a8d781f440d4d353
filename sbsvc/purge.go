package sbsvc

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// PurgeOptions tune Purge.
type PurgeOptions struct {
	// Export, when set, receives every message as a JSON line (see Record)
	// before it is deleted: the batch is written — and synced when Export
	// is an *os.File — before its messages are completed. Messages are
	// then received peek-lock rather than receive-and-delete.
	Export io.Writer
	// Receivers is how many receivers work at once; 0 = 4.
	Receivers int
	// BatchSize is how many messages one receive asks for; 0 = 500.
	BatchSize int
	// Progress is called (serially) with the count deleted so far.
	Progress func(PurgeProgress)
	// IdleTimeout is how long a receive waits on an entity that looks
	// empty before it checks with a peek; 0 = 50 ms.
	IdleTimeout time.Duration
}

// PurgeProgress counts a running purge.
type PurgeProgress struct {
	Purged, Exported int
}

// PurgeResult says what Purge deleted.
type PurgeResult struct {
	Purged   int // deleted, deferred ones included
	Deferred int // of Purged, deferred messages received by sequence number
	Exported int // written to the export file
	// Scheduled messages are not purged (they are not receivable yet); this
	// is how many were left. Cancel them with the sender's
	// CancelScheduledMessages.
	Scheduled int
	Cancelled bool
}

const (
	defaultPurgeReceivers = 4
	defaultPurgeBatch     = 500
	defaultPurgeIdle      = 50 * time.Millisecond
	// purgeGather is how long a receive-and-delete receive waits for more
	// messages after the first.
	purgeGather = 5 * time.Millisecond
)

// Purge deletes every message of ref — the active messages, the
// dead-letter or the transfer dead-letter queue — including deferred ones,
// with several receivers at once. The active messages of a
// session-enabled entity are purged session by session (see
// purgeSessions). The result is valid even when the error is not nil.
func (ns *Namespace) Purge(ctx context.Context, ref EntityRef, opts PurgeOptions) (PurgeResult, error) {
	var res PurgeResult
	if err := ref.validate(); err != nil {
		return res, newError(KindNotFound, "purge", ref.String(), err)
	}
	ref.SessionID = ""
	p := &purgeRun{ns: ns, ref: ref, opts: opts, res: &res}
	if opts.Export != nil {
		p.export = newRecordWriter(opts.Export)
	}
	err := ns.write(ctx, "purge", ref.String(), p.run)
	if p.pool != nil {
		p.pool.close()
	}
	if ctx.Err() != nil {
		res.Cancelled = true
	}
	return res, err
}

type purgeRun struct {
	ns     *Namespace
	ref    EntityRef
	opts   PurgeOptions
	res    *PurgeResult
	export *recordWriter

	mu sync.Mutex // guards res and Progress
	// pool completes messages (export and deferred ones), opened on first
	// use: a receive-and-delete purge settles nothing.
	poolOnce sync.Once
	pool     *workPool
	// endCheck shares one peek for messages left among the workers.
	endCheck sharedCheck
}

// purgeSettler settles what take deletes or gives back: a lockCompleter
// for plain receivers, a sessionSettler for a session's.
type purgeSettler interface {
	complete(ctx context.Context, rm *azservicebus.ReceivedMessage) error
	abandon(ctx context.Context, rm *azservicebus.ReceivedMessage) error
}

// receiveFunc is ReceiveMessages of a Receiver or a SessionReceiver.
type receiveFunc func(context.Context, int, *azservicebus.ReceiveMessagesOptions) ([]*azservicebus.ReceivedMessage, error)

// receiveDeferredFunc is ReceiveDeferredMessages of either.
type receiveDeferredFunc func(context.Context, []int64, *azservicebus.ReceiveDeferredMessagesOptions) ([]*azservicebus.ReceivedMessage, error)

func (p *purgeRun) run(ctx context.Context) error {
	workers := p.opts.Receivers
	if workers <= 0 {
		workers = defaultPurgeReceivers
	}
	mode := azservicebus.ReceiveModeReceiveAndDelete
	if p.export != nil {
		mode = azservicebus.ReceiveModePeekLock
	}
	// The first worker to confirm the entity empty stops the others: their
	// pending receives would otherwise each wait out the idle timeout.
	stop, stopAll := context.WithCancel(ctx)
	defer stopAll()
	errs := runWorkers(workers, func() error { return p.worker(ctx, stop, stopAll, mode) })
	if p.ref.SubQueue == Active && allRequireSessions(errs) {
		// Nothing was received: the first receive was refused.
		return p.purgeSessions(ctx, mode)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return p.purgeDeferred(ctx)
}

// worker receives and deletes until the entity holds no receivable
// message or stop ends (a cancelled ctx ends stop too). A receive that
// comes back empty or short is confirmed by a peek, because other workers
// may hold the last messages locked for a moment.
func (p *purgeRun) worker(ctx, stop context.Context, stopAll func(), mode azservicebus.ReceiveMode) (err error) {
	r, err := p.ns.newReceiver(p.ref, mode)
	if err != nil {
		return err
	}
	c := &lockCompleter{ns: p.ns, ref: p.ref, recv: r}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.close(cctx)
		_ = r.Close(cctx)
		if mode == azservicebus.ReceiveModeReceiveAndDelete {
			err = errors.Join(err, p.takeCachedFrom(c, r.ReceiveMessages, p.batchSize()))
		}
	}()
	loop := purgeLoop{c: c, receive: r.ReceiveMessages, mode: mode,
		receiveErr: func(err error) error {
			if isRequiresSession(err) {
				stopAll()
				return err // run switches to purging session by session
			}
			return classify("purge receive", p.ref.String(), err)
		},
		drained: func(int) (bool, error) {
			more, err := p.endCheck.do(func() (bool, error) { return p.receivableLeft(stop) })
			if err == nil && !more {
				stopAll()
			}
			return !more, err
		},
	}
	return p.runLoop(ctx, stop, loop)
}

// sharedCheck runs one check at a time for several callers: a caller who
// comes while a check is running waits for that one's answer instead of
// starting its own. The purge workers ask after every short receive, and
// each check is a peek whose messages the SDK decodes, so four at once
// would cost four times for one answer.
type sharedCheck struct {
	mu      sync.Mutex
	running *checkCall
}

type checkCall struct {
	done    chan struct{}
	more    bool
	err     error
	waiters int // callers sharing this check's answer (guarded by mu)
}

func (s *sharedCheck) do(check func() (bool, error)) (bool, error) {
	s.mu.Lock()
	if c := s.running; c != nil {
		c.waiters++
		s.mu.Unlock()
		<-c.done
		return c.more, c.err
	}
	c := &checkCall{done: make(chan struct{})}
	s.running = c
	s.mu.Unlock()
	c.more, c.err = check()
	s.mu.Lock()
	s.running = nil
	s.mu.Unlock()
	close(c.done)
	return c.more, c.err
}

// waiting is how many callers wait for the running check.
func (s *sharedCheck) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		return 0
	}
	return s.running.waiters
}

// purgeLoop is what runLoop needs of one receiver: plain or a session's.
type purgeLoop struct {
	c       purgeSettler
	receive receiveFunc
	mode    azservicebus.ReceiveMode
	// receiveErr turns a failed receive into the error the loop ends with.
	receiveErr func(error) error
	// drained is asked after a receive that was not full (n messages):
	// true ends the loop.
	drained func(n int) (bool, error)
}

// runLoop receives batches and deletes them through take until stop ends
// or the loop's drained says there is nothing left. In peek-lock mode it
// then takes the locked messages that reached the receiver after its last
// receive, rather than let the receiver's close release them (after a
// cancel, the close gives them back instead).
func (p *purgeRun) runLoop(ctx, stop context.Context, l purgeLoop) error {
	batch := p.batchSize()
	idle := p.opts.IdleTimeout
	if idle <= 0 {
		idle = defaultPurgeIdle
	}
	// A receive-and-delete link keeps its credit between receives, so
	// short receives cost nothing; a short gather only ends the last,
	// partial batch sooner.
	gather := resubmitGather
	if l.mode == azservicebus.ReceiveModeReceiveAndDelete {
		gather = purgeGather
	}
	opts := &azservicebus.ReceiveMessagesOptions{TimeAfterFirstMessage: gather}
	for stop.Err() == nil {
		rctx, cancel := context.WithTimeout(stop, idle)
		msgs, err := l.receive(rctx, batch, opts)
		cancel()
		if len(msgs) > 0 {
			if err := p.take(l.c, msgs, false); err != nil {
				return err
			}
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			if stop.Err() != nil {
				break
			}
			return l.receiveErr(err)
		}
		if len(msgs) == batch {
			continue // a full batch: surely more
		}
		if done, err := l.drained(len(msgs)); err != nil || done {
			if err != nil {
				return err
			}
			break
		}
	}
	if l.mode == azservicebus.ReceiveModePeekLock && ctx.Err() == nil {
		return p.drainFrom(l.c, l.receive, batch)
	}
	return nil
}

// takeCachedFrom counts (and would export) the messages a closed
// receive-and-delete receiver still held: the service deleted them when
// it sent them, and the link's close waits for every transfer sent before
// it, so this count is exact, not a timed guess.
func (p *purgeRun) takeCachedFrom(c purgeSettler, receive receiveFunc, batch int) error {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), drainWait)
		msgs, _ := receive(ctx, batch, nil)
		cancel()
		if len(msgs) == 0 {
			return nil
		}
		if err := p.take(c, msgs, false); err != nil {
			return err
		}
	}
}

// drainFrom takes the locked messages that reached a peek-lock receiver
// after its last receive returned.
func (p *purgeRun) drainFrom(c purgeSettler, receive receiveFunc, batch int) error {
	opts := &azservicebus.ReceiveMessagesOptions{TimeAfterFirstMessage: time.Millisecond}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), drainWait)
		msgs, _ := receive(ctx, batch, opts)
		cancel()
		if len(msgs) == 0 {
			return nil
		}
		if err := p.take(c, msgs, false); err != nil {
			return err
		}
	}
}

// take deletes msgs: received and deleted already in receive-and-delete
// mode; else exported, synced, then completed.
func (p *purgeRun) take(c purgeSettler, msgs []*azservicebus.ReceivedMessage, deferred bool) error {
	if p.export == nil && !deferred {
		p.count(len(msgs), 0, 0)
		return nil
	}
	if p.export != nil {
		conv := make([]Message, len(msgs))
		for i, rm := range msgs {
			conv[i] = messageFrom(rm)
		}
		if err := p.export.writeBatch(conv); err != nil {
			// Nothing of this batch is deleted: give it back.
			p.release(c, msgs)
			return classify("purge export", p.ref.String(), err)
		}
	}
	// A batch already written is completed even after a cancel, so the
	// file and the entity agree.
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	var (
		wg   sync.WaitGroup
		done atomic.Int64
		fail atomic.Pointer[error]
	)
	pool := p.settlePool()
	for _, rm := range msgs {
		wg.Add(1)
		pool.run(func() {
			defer wg.Done()
			if err := c.complete(ctx, rm); err != nil {
				fail.CompareAndSwap(nil, &err)
				return
			}
			done.Add(1)
		})
	}
	wg.Wait()
	n := int(done.Load())
	exported := 0
	if p.export != nil {
		exported = len(msgs)
	}
	d := 0
	if deferred {
		d = n
	}
	p.count(n, exported, d)
	if e := fail.Load(); e != nil && KindOf(*e) != KindLockLost {
		// A lost lock only means the message is back and will be purged
		// (and exported again) by the next receive.
		return *e
	}
	return nil
}

// settlePool is the run's pool of settling goroutines.
func (p *purgeRun) settlePool() *workPool {
	p.poolOnce.Do(func() { p.pool = newWorkPool(settleConcurrency) })
	return p.pool
}

func (p *purgeRun) release(c purgeSettler, msgs []*azservicebus.ReceivedMessage) {
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	for _, rm := range msgs {
		_ = c.abandon(ctx, rm)
	}
}

func (p *purgeRun) count(purged, exported, deferred int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.res.Purged += purged
	p.res.Exported += exported
	p.res.Deferred += deferred
	if p.opts.Progress != nil {
		p.opts.Progress(PurgeProgress{Purged: p.res.Purged, Exported: p.res.Exported})
	}
}

// receivableLeft peeks for a message a receive could still get: an active
// one (perhaps locked by another worker for now). Deferred and scheduled
// messages do not count; they are handled after the workers.
func (p *purgeRun) receivableLeft(ctx context.Context) (bool, error) {
	// The first page is small: on a busy entity its head message answers,
	// and a big page would copy hundreds of bodies for nothing.
	size := 8
	for from := int64(1); ; size = 250 {
		page, err := p.ns.Peek(ctx, p.ref, from, size)
		if err != nil {
			if ctx.Err() != nil {
				return false, nil
			}
			return false, err
		}
		if page.End {
			return false, nil
		}
		for _, m := range page.Messages {
			if m.State == StateActive {
				return true, nil
			}
		}
		from = page.Next
	}
}

// purgeDeferred receives the deferred messages by sequence number (after
// peeking their numbers), exports and completes them, and counts the
// scheduled messages left.
func (p *purgeRun) purgeDeferred(ctx context.Context) error {
	var deferred []int64
	scheduled := 0
	for from := int64(1); ; {
		page, err := p.ns.Peek(ctx, p.ref, from, MaxPeekPage)
		if err != nil {
			return err
		}
		if page.End {
			break
		}
		for _, m := range page.Messages {
			switch m.State {
			case StateDeferred:
				deferred = append(deferred, m.SequenceNumber)
			case StateScheduled:
				scheduled++
			}
		}
		from = page.Next
	}
	p.mu.Lock()
	p.res.Scheduled = scheduled
	p.mu.Unlock()
	if len(deferred) == 0 {
		return nil
	}
	r, err := p.ns.newReceiver(p.ref, azservicebus.ReceiveModePeekLock)
	if err != nil {
		return err
	}
	c := &lockCompleter{ns: p.ns, ref: p.ref, recv: r}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.close(cctx)
		_ = r.Close(cctx)
	}()
	return p.takeDeferred(ctx, c, r.ReceiveDeferredMessages, deferred)
}

// takeDeferred receives deferred messages by sequence number, in chunks,
// and deletes them through take.
func (p *purgeRun) takeDeferred(ctx context.Context, c purgeSettler, receive receiveDeferredFunc, deferred []int64) error {
	const chunk = 100
	for i := 0; i < len(deferred) && ctx.Err() == nil; i += chunk {
		seqs := deferred[i:min(i+chunk, len(deferred))]
		msgs, err := receive(ctx, seqs, nil)
		if err != nil {
			return classify("purge deferred", p.ref.String(), err)
		}
		if err := p.take(c, msgs, true); err != nil {
			return err
		}
	}
	return ctx.Err()
}
