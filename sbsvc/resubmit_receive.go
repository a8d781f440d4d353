package sbsvc

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

const (
	// resubmitReceivers is how many receivers take messages from the
	// dead-letter queue at once. The code runs any number, but one is
	// fastest against the emulator: with several, the credit left on one
	// link while its batch is being sent draws deliveries that the SDK
	// releases again, and the messages bounce between links.
	resubmitReceivers = 1
	// resubmitGather is how long a receive waits for more messages after
	// the first one. It is long enough for a full batch to arrive, so a
	// receive rarely returns with credit left on the link: the SDK would
	// release what then arrives, and the message would bounce between the
	// receivers.
	resubmitGather = 50 * time.Millisecond
	// endPoll is how often the end of the dead-letter queue is checked.
	endPoll = 10 * time.Millisecond
	// drainWait is how long a receiver waits for deliveries still in flight
	// before it is closed.
	drainWait = 20 * time.Millisecond
)

// selection decides which received messages a resubmit takes. It is shared
// by the receivers.
type selection struct {
	mu        sync.Mutex
	bySeq     map[int64]bool // sequence mode: numbers still wanted; nil otherwise
	maxWanted int64
	match     func(Message) bool
	picked    map[int64]bool // taken once: a failure given back is not retried
	maxSeen   int64
	// idled is set when a receiver gave up after the idle timeout while
	// messages were still visible: some may be locked elsewhere.
	idled bool
}

// unreached reports whether m is one the run wanted but never received.
func (s *selection) unreached(m Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.picked[m.SequenceNumber] || s.bySeq != nil {
		return false
	}
	return s.match == nil || s.match(m)
}

func newSelection(opts ResubmitOptions) *selection {
	s := &selection{match: opts.Match, picked: map[int64]bool{}}
	if len(opts.SequenceNumbers) > 0 {
		s.bySeq = map[int64]bool{}
		for _, n := range opts.SequenceNumbers {
			s.bySeq[n] = true
			s.maxWanted = max(s.maxWanted, n)
		}
		s.match = nil
	}
	return s
}

// pick reports whether rm is to be resubmitted. Match runs under the lock,
// so it is never called concurrently.
func (s *selection) pick(rm *azservicebus.ReceivedMessage) bool {
	seq := ptrVal(rm.SequenceNumber)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxSeen = max(s.maxSeen, seq)
	if s.picked[seq] {
		return false
	}
	switch {
	case s.bySeq != nil:
		if !s.bySeq[seq] {
			return false
		}
		delete(s.bySeq, seq)
	case s.match != nil && !s.match(messageFrom(rm)):
		return false
	}
	s.picked[seq] = true
	return true
}

// unpick undoes pick for messages given back before they were moved, so
// wanted sequence numbers are reported as not received.
func (s *selection) unpick(msgs []*azservicebus.ReceivedMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rm := range msgs {
		seq := ptrVal(rm.SequenceNumber)
		delete(s.picked, seq)
		if s.bySeq != nil {
			s.bySeq[seq] = true
		}
	}
}

// finished reports, in sequence mode, that every wanted number was taken
// or the receivers are past the last one (messages come in order).
func (s *selection) finished() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bySeq != nil && (len(s.bySeq) == 0 || s.maxSeen >= s.maxWanted)
}

func (s *selection) seen() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxSeen
}

// missing lists the wanted sequence numbers never received.
func (s *selection) missing() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.bySeq)
}

// resubmitWorker is one receiver of a resubmit, with the messages it holds
// locked without taking them (so they are not delivered again meanwhile).
type resubmitWorker struct {
	recv      *azservicebus.Receiver
	completer *lockCompleter
	held      []*azservicebus.ReceivedMessage
}

// receiveAll runs the receivers until the selection is exhausted, then
// gives back what they held and waits for every completion.
func (r *resubmitRun) receiveAll(ctx context.Context, sel *selection) error {
	n := resubmitReceivers
	if len(r.opts.SequenceNumbers) > 0 && len(r.opts.SequenceNumbers) < 100 {
		n = 1 // a few picks: one receiver holds the fewest locks
	}
	workers := make([]*resubmitWorker, 0, n)
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, w := range workers {
			w.completer.close(cctx)
			_ = w.recv.Close(cctx)
		}
	}()
	for range n {
		recv, err := r.ns.newReceiver(r.ref, azservicebus.ReceiveModePeekLock)
		if err != nil {
			return err
		}
		workers = append(workers, &resubmitWorker{recv: recv,
			completer: &lockCompleter{ns: r.ns, ref: r.ref, recv: recv}})
	}
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs[n] = r.watchEnd(rctx, stop, sel)
	}()
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.work(ctx, rctx, stop, w, sel)
		}()
	}
	wg.Wait()
	// Deliveries that arrived after a receiver's last receive returned are
	// selected like any other, unless the run was cancelled.
	lates := make([][]*azservicebus.ReceivedMessage, len(workers))
	var dw sync.WaitGroup
	for i, w := range workers {
		dw.Add(1)
		go func() {
			defer dw.Done()
			lates[i] = w.drain(r.opts.BatchSize)
		}()
	}
	dw.Wait()
	for i, w := range workers {
		late := lates[i]
		var take []*azservicebus.ReceivedMessage
		for _, rm := range late {
			if ctx.Err() == nil && sel.pick(rm) {
				take = append(take, rm)
			} else {
				w.held = append(w.held, rm)
			}
		}
		if len(take) > 0 {
			r.moveBatch(ctx, w, take)
		}
	}
	r.settling.Wait()
	// Whatever was received but not taken goes back untouched (abandon in
	// a dead-letter queue does not count a delivery). The receiving links
	// are closed first: one still holding credit would get the abandoned
	// messages delivered again at once, and keep them locked.
	cctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	for _, w := range workers {
		_ = w.recv.Close(cctx)
	}
	r.abandonHeld(cctx, workers)
	return errors.Join(errs...)
}

// work is one receiver's loop. It ends when the selection is finished, when
// nothing arrives for the idle timeout, or when the watcher stops it; it
// then stops the other receivers' waits too.
//
// Receiving runs one batch ahead of sending: while the copies of one batch
// are being sent, the next batch is already on its way, so neither the
// link nor the sender waits for the other. Only one batch is held ahead,
// so its locks are young when its turn comes.
func (r *resubmitRun) work(ctx, rctx context.Context, stop context.CancelFunc, w *resubmitWorker, sel *selection) error {
	ahead := make(chan []*azservicebus.ReceivedMessage, 1)
	var recvErr error
	go func() {
		defer close(ahead)
		recvErr = r.receiveLoop(ctx, rctx, stop, w, sel, ahead)
	}()
	// A batch whose turn comes after a cancel is given back untouched:
	// only a batch already being moved is seen through.
	var giveBack []*azservicebus.ReceivedMessage
	for take := range ahead {
		if ctx.Err() != nil {
			sel.unpick(take)
			giveBack = append(giveBack, take...)
			continue
		}
		r.moveBatch(ctx, w, take)
	}
	// The receive loop has ended (ahead is closed): w.held is ours now.
	w.held = append(w.held, giveBack...)
	return recvErr
}

// receiveLoop receives batches, keeps in w.held what the selection does not
// take, and hands the rest to out.
func (r *resubmitRun) receiveLoop(ctx, rctx context.Context, stop context.CancelFunc, w *resubmitWorker, sel *selection, out chan<- []*azservicebus.ReceivedMessage) error {
	batch := r.opts.BatchSize
	if batch <= 0 {
		batch = defaultResubmitBatch
	}
	idle := r.opts.IdleTimeout
	if idle <= 0 {
		idle = defaultIdleTimeout
	}
	opts := &azservicebus.ReceiveMessagesOptions{TimeAfterFirstMessage: resubmitGather}
	for rctx.Err() == nil {
		if sel.finished() {
			stop()
			return nil
		}
		tctx, cancel := context.WithTimeout(rctx, idle)
		msgs, err := w.recv.ReceiveMessages(tctx, batch, opts)
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			if ctx.Err() != nil {
				return nil
			}
			stop()
			return classify("resubmit receive", r.ref.String(), err)
		}
		if len(msgs) == 0 {
			if rctx.Err() == nil { // nothing receivable for the idle timeout
				sel.mu.Lock()
				sel.idled = true
				sel.mu.Unlock()
			}
			stop()
			return nil
		}
		var take []*azservicebus.ReceivedMessage
		for _, rm := range msgs {
			if sel.pick(rm) {
				take = append(take, rm)
			} else {
				w.held = append(w.held, rm)
			}
		}
		if len(take) > 0 {
			// Handing over does not wait on cancel: a message taken is
			// moved or reported, never dropped.
			out <- take
		}
	}
	return nil
}

// watchEnd stops the receivers once no message lies beyond the last one
// seen. Peek shows locked messages too, so a message delivered to a
// receiver but not yet taken keeps the run going. Polling here, off the
// receivers' path, saves them a peek per batch and spares a receive
// waiting out the idle timeout on an empty queue.
func (r *resubmitRun) watchEnd(rctx context.Context, stop context.CancelFunc, sel *selection) error {
	t := time.NewTicker(endPoll)
	defer t.Stop()
	for {
		select {
		case <-rctx.Done():
			return nil
		case <-t.C:
		}
		more, err := r.anyBeyond(rctx, sel.seen())
		if rctx.Err() != nil {
			return nil
		}
		if err != nil {
			stop()
			return err
		}
		if !more {
			stop()
			return nil
		}
	}
}

// anyBeyond peeks for a message after sequence number seq.
func (r *resubmitRun) anyBeyond(ctx context.Context, seq int64) (bool, error) {
	page, err := r.ns.Peek(ctx, r.ref, seq+1, 1)
	if err != nil {
		return false, err
	}
	return len(page.Messages) > 0 && slices.ContainsFunc(page.Messages, func(m Message) bool { return m.SequenceNumber > seq }), nil
}

// drain returns the messages that reached the receiver after its last
// receive returned. The SDK releases such late arrivals in the
// background, but closing the receiver first would leave them locked until
// their lock expires (the service keeps locks when a link closes). Asking
// for one message at a time issues no new credit while credit is still
// outstanding, so this fetches what is in flight and at most a batch more.
func (w *resubmitWorker) drain(batch int) []*azservicebus.ReceivedMessage {
	if batch <= 0 {
		batch = defaultResubmitBatch
	}
	var late []*azservicebus.ReceivedMessage
	opts := &azservicebus.ReceiveMessagesOptions{TimeAfterFirstMessage: time.Millisecond}
	for range batch {
		ctx, cancel := context.WithTimeout(context.Background(), drainWait)
		msgs, _ := w.recv.ReceiveMessages(ctx, 1, opts)
		cancel()
		if len(msgs) == 0 {
			break
		}
		late = append(late, msgs...)
	}
	return late
}

// abandonHeld abandons the held messages by lock token, through the
// management link of a receiver that never asks for messages.
func (r *resubmitRun) abandonHeld(ctx context.Context, workers []*resubmitWorker) {
	var held []*azservicebus.ReceivedMessage
	for _, w := range workers {
		held = append(held, w.held...)
	}
	if len(held) == 0 {
		return
	}
	settler, err := r.ns.newReceiver(r.ref, azservicebus.ReceiveModePeekLock)
	if err != nil {
		return // the locks expire on their own after the lock duration
	}
	defer settler.Close(ctx)
	var wg sync.WaitGroup
	for _, rm := range held {
		wg.Add(1)
		r.pool.run(func() {
			defer wg.Done()
			_ = settler.AbandonMessage(ctx, &azservicebus.ReceivedMessage{LockToken: rm.LockToken}, nil)
		})
	}
	wg.Wait()
}
