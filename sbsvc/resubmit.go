package sbsvc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// ResubmitOptions choose which dead-lettered messages to resubmit and how.
// With neither SequenceNumbers nor Match every message is resubmitted.
type ResubmitOptions struct {
	// SequenceNumbers picks these messages.
	SequenceNumbers []int64
	// Match picks the messages it returns true for (it sees the peeked
	// message: reason, description, properties, body, enqueued time,
	// delivery count …). Ignored when SequenceNumbers is set.
	Match func(Message) bool
	// Target is the queue or topic to send copies to; "" sends each copy
	// back where it came from (its DeadLetterSource when it was forwarded).
	Target string
	// NewMessageID gives every copy a fresh message id.
	//
	// By default a copy keeps its id, so that duplicate detection on the
	// target drops a repeat (resubmitting again a message whose copy
	// already arrived). But a target with duplicate detection also drops a
	// copy whose id it still remembers from the original send, and the
	// original would then be completed: the message lost. So, before its
	// first send to a target (queue or topic), Resubmit reads whether it
	// requires duplicate detection and its history window (once per run),
	// and a copy gets a new id when its message was enqueued less than the
	// window plus a minute ago (by the service's clock, estimated from the
	// message's lock: the local clock may be off), or when another copy
	// kept the same id earlier in the run. ResubmitItem.Renamed and
	// ResubmitResult.Renamed report these, and the audit line records the
	// id sent. When the settings cannot be read (no Manage rights, an
	// error), the target is assumed to de-duplicate over 7 days, the
	// service maximum, and ResubmitResult.Notes says so.
	NewMessageID bool
	// KeepIDsEvenIfDuplicate keeps every id even where the target may still
	// remember it: the service then accepts the send and drops the copy
	// without a word, and the original is completed all the same: the
	// message is gone. Those copies are reported as MayBeDropped. Meant for
	// a caller who knows the copies already arrived once.
	KeepIDsEvenIfDuplicate bool
	// KeepDeadLetterInfo keeps DeadLetterReason / DeadLetterErrorDescription
	// in the copy's application properties.
	KeepDeadLetterInfo bool
	// Edit may change each copy's body and properties before it is sent; an
	// error leaves that message in the dead-letter queue, as failed.
	Edit func(Message, *Edit) error
	// Progress is called (serially) as messages are moved or fail.
	Progress func(ResubmitProgress)
	// AuditPath is the audit file; "" = DefaultAuditPath.
	AuditPath string
	// IdleTimeout is how long one receive waits for a wanted message before
	// the run gives up on the rest; 0 = 5 s.
	IdleTimeout time.Duration
	// BatchSize is how many messages one receive asks for; 0 = 500.
	BatchSize int
}

// ResubmitItem is one message in a resubmit result.
type ResubmitItem struct {
	SequenceNumber int64
	MessageID      string
	Target         string
	// Err says why a message failed or is a possible duplicate.
	Err error
	// MaybeSent marks a failure whose send had an unknown outcome (the
	// connection or the service timed out): the copy may exist.
	MaybeSent bool
	// ExtraCopies counts earlier send attempts of this message's batch whose
	// outcome was unknown before an attempt succeeded: the target may hold
	// that many extra copies (duplicate detection on the target drops
	// them: a batch is re-sent with the same ids, kept or new).
	ExtraCopies int
	// NewMessageID is the id the copy was sent with, when it is not
	// MessageID.
	NewMessageID string
	// Renamed: the copy got a new id because the target's duplicate
	// detection may still remember the original one (see
	// ResubmitOptions.NewMessageID).
	Renamed bool
	// MayBeDropped: the copy kept, on request, an id the target may still
	// remember, so the service may have dropped it silently
	// (ResubmitOptions.KeepIDsEvenIfDuplicate).
	MayBeDropped bool
}

// ResubmitProgress counts what a running resubmit has done so far.
// Selected is the sum of the others: a message counts once it is taken.
type ResubmitProgress struct {
	Selected, Moved, Failed, PossibleDuplicates int
}

// ResubmitResult reports every selected message in exactly one list.
type ResubmitResult struct {
	Source   EntityRef
	Selected int
	// Moved: the copy was accepted and the original completed.
	Moved []ResubmitItem
	// Failed: the original is still in the dead-letter queue (no copy was
	// accepted, unless MaybeSent says the outcome is unknown).
	Failed []ResubmitItem
	// PossibleDuplicates: the copy was accepted but the original could not
	// be completed, so it is still in the dead-letter queue as well.
	PossibleDuplicates []ResubmitItem
	// FanOut describes, per topic target, which subscriptions the copies
	// reach.
	FanOut []FanOut
	// Renamed counts the copies (moved or possible duplicates) given a new
	// id to escape the target's duplicate detection.
	Renamed int
	// MayBeDropped counts the copies that kept an id the target may still
	// remember: the service may have dropped them without an error.
	MayBeDropped int
	// Notes explain assumptions made, e.g. about a target whose settings
	// could not be read.
	Notes     []string
	Cancelled bool
	// AuditErr is set when the audit file could not be written.
	AuditErr error
}

// Progress is the result's counts.
func (r *ResubmitResult) Progress() ResubmitProgress {
	p := ResubmitProgress{Moved: len(r.Moved), Failed: len(r.Failed), PossibleDuplicates: len(r.PossibleDuplicates)}
	p.Selected = p.Moved + p.Failed + p.PossibleDuplicates
	return p
}

const (
	defaultResubmitBatch = 500
	defaultIdleTimeout   = 5 * time.Second
	// settleConcurrency bounds the completions in flight at once.
	settleConcurrency = 256
	// finishTimeout bounds a send or settle that runs on after a cancel,
	// so a started pair (copy, completion) is seen through.
	finishTimeout = 60 * time.Second
)

// Resubmit copies dead-lettered messages of ref (its dead-letter or transfer
// dead-letter queue) to their source entity or opts.Target, and completes
// each original only after its copy was accepted: a failure can leave a
// duplicate, never lose a message. The returned result is valid even when
// the error is not nil.
func (ns *Namespace) Resubmit(ctx context.Context, ref EntityRef, opts ResubmitOptions) (ResubmitResult, error) {
	const op = "resubmit"
	res := ResubmitResult{Source: ref}
	if err := ref.validate(); err != nil {
		return res, newError(KindNotFound, op, ref.String(), err)
	}
	if ref.SubQueue == Active {
		return res, newError(KindNotFound, op, ref.String(),
			errors.New("resubmit takes messages from a dead-letter or transfer dead-letter queue"))
	}
	ref.SessionID = ""
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		r := &resubmitRun{ns: ns, ref: ref, opts: opts, res: &res}
		return r.run(ctx)
	})
	return res, err
}

// resubmitRun is one Resubmit call's state.
type resubmitRun struct {
	ns   *Namespace
	ref  EntityRef
	opts ResubmitOptions
	res  *ResubmitResult

	sendersMu sync.Mutex
	senders   map[string]*azservicebus.Sender
	audit     *auditLog
	targets   *targetLookup
	fanout    *fanoutTracker

	mu       sync.Mutex // guards res and progress calls from settling goroutines
	settling sync.WaitGroup
	pool     *workPool // settlements (completions, abandons)
}

func (r *resubmitRun) run(ctx context.Context) error {
	var err error
	if r.audit, err = openAudit(r.opts.AuditPath); err != nil {
		return fmt.Errorf("open the audit file: %w", err)
	}
	defer func() {
		if cerr := r.audit.close(); cerr != nil && r.res.AuditErr == nil {
			r.res.AuditErr = cerr
		}
	}()
	r.senders = map[string]*azservicebus.Sender{}
	r.targets = newTargetLookup(r.ns, r.ref)
	r.fanout = newFanoutTracker(r.ns, r.targets)
	r.pool = newWorkPool(settleConcurrency)
	defer r.pool.close()
	defer r.closeSenders()

	sel := newSelection(r.opts)
	loopErr := r.receiveAll(ctx, sel)
	r.settling.Wait()
	r.res.FanOut = r.fanout.report()
	r.res.Notes = r.targets.notes()

	// Sequence numbers asked for but never received stay where they are.
	reason := loopErr
	if reason == nil && ctx.Err() != nil {
		reason = ctx.Err()
	}
	for _, seq := range sel.missing() {
		err := reason
		if err == nil {
			err = newError(KindMessageNotFound, "resubmit", r.ref.String(),
				fmt.Errorf("no message with sequence number %d could be received (absent, or locked by another receiver)", seq))
		}
		r.res.Failed = append(r.res.Failed, ResubmitItem{SequenceNumber: seq, Err: classify("resubmit", r.ref.String(), err)})
	}
	if sel.idled && ctx.Err() == nil && loopErr == nil {
		r.reportUnreached(ctx, sel)
	}
	r.res.Selected = len(r.res.Moved) + len(r.res.Failed) + len(r.res.PossibleDuplicates)
	r.sortResult()
	r.report()
	if ctx.Err() != nil {
		r.res.Cancelled = true
		return ctx.Err()
	}
	return loopErr
}

// reportUnreached lists as failed the wanted messages still in the
// dead-letter queue that the run could not receive: locked by another
// receiver, or by a connection that dropped, until their locks expire.
func (r *resubmitRun) reportUnreached(ctx context.Context, sel *selection) {
	cause := newError(KindUnknown, "resubmit", r.ref.String(), errors.New(
		"could not be received: it is locked by another receiver (or by a connection that dropped) until its lock expires; resubmit again after the lock duration"))
	for from := int64(1); ; {
		page, err := r.ns.Peek(ctx, r.ref, from, MaxPeekPage)
		if err != nil || page.End {
			return
		}
		for _, m := range page.Messages {
			if sel.unreached(m) {
				r.res.Failed = append(r.res.Failed, ResubmitItem{SequenceNumber: m.SequenceNumber, MessageID: m.MessageID, Err: cause})
			}
		}
		from = page.Next
	}
}

// moveBatch sends the copies of msgs, grouped by target and packed into
// batches, and hands each accepted batch's originals to be completed.
func (r *resubmitRun) moveBatch(ctx context.Context, w *resubmitWorker, msgs []*azservicebus.ReceivedMessage) {
	byTarget := map[string][]*azservicebus.ReceivedMessage{}
	var order []string
	for _, rm := range msgs {
		t := r.targetOf(rm)
		if _, ok := byTarget[t]; !ok {
			order = append(order, t)
		}
		byTarget[t] = append(byTarget[t], rm)
	}
	for _, target := range order {
		r.sendTo(ctx, w, target, byTarget[target])
	}
}

// targetOf is where a copy of rm goes.
func (r *resubmitRun) targetOf(rm *azservicebus.ReceivedMessage) string {
	if r.opts.Target != "" {
		return r.opts.Target
	}
	if src := ptrVal(rm.DeadLetterSource); src != "" {
		if ref, err := ParseEntityPath(src); err == nil {
			if ref.Queue != "" {
				return ref.Queue
			}
			return ref.Topic
		}
	}
	if r.ref.Queue != "" {
		return r.ref.Queue
	}
	return r.ref.Topic
}

// sendTo sends the copies of msgs to target in as few batches as the size
// limit allows. A batch that is accepted has its originals completed in the
// background; one that fails leaves its originals in the dead-letter queue.
func (r *resubmitRun) sendTo(ctx context.Context, w *resubmitWorker, target string, msgs []*azservicebus.ReceivedMessage) {
	// A send that has started runs to its end even if ctx is cancelled:
	// stopping half-way would leave its outcome unknown.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	sender, err := r.sender(target)
	if err != nil {
		r.fail(w, msgs, target, err, false)
		return
	}
	facts := r.targets.get(sctx, target)
	var (
		batch  *azservicebus.MessageBatch
		inside []outgoing
	)
	flush := func() {
		if batch == nil || len(inside) == 0 {
			return
		}
		if extra, err := r.sendBatch(sctx, sender, batch, target); err != nil {
			r.failSent(w, inside, target, err.err, err.maybeSent)
		} else {
			copies := make([]*azservicebus.AMQPAnnotatedMessage, len(inside))
			for i, o := range inside {
				copies[i] = o.copy
			}
			r.fanout.observe(target, copies)
			r.completeAsync(w, inside, target, extra)
		}
		batch, inside = nil, nil
	}
	for _, rm := range msgs {
		var ids idChoice
		if !r.opts.NewMessageID {
			ids = facts.chooseID(rm, r.opts.KeepIDsEvenIfDuplicate, time.Now())
		}
		cp, err := resendCopy(rm, copyOptions{newMessageID: r.opts.NewMessageID || ids.renamed,
			keepDeadLetter: r.opts.KeepDeadLetterInfo, edit: r.opts.Edit})
		if err != nil {
			r.fail(w, []*azservicebus.ReceivedMessage{rm}, target, err, false)
			continue
		}
		for attempt := 0; ; attempt++ {
			if batch == nil {
				if batch, err = sender.NewMessageBatch(sctx, nil); err != nil {
					r.fail(w, []*azservicebus.ReceivedMessage{rm}, target, classify("resubmit send", target, err), false)
					break
				}
			}
			err = batch.AddAMQPAnnotatedMessage(cp, nil)
			if err == nil {
				inside = append(inside, outgoing{orig: rm, copy: cp, ids: ids})
				break
			}
			if errors.Is(err, azservicebus.ErrMessageTooLarge) && len(inside) > 0 && attempt == 0 {
				flush()
				continue
			}
			kind := KindUnknown
			if errors.Is(err, azservicebus.ErrMessageTooLarge) {
				kind = KindMessageSizeExceeded
			}
			r.fail(w, []*azservicebus.ReceivedMessage{rm}, target, newError(kind, "resubmit send", target, err), false)
			break
		}
	}
	flush()
}

// sender returns the cached sender for target.
func (r *resubmitRun) sender(target string) (*azservicebus.Sender, error) {
	r.sendersMu.Lock()
	defer r.sendersMu.Unlock()
	if s, ok := r.senders[target]; ok {
		return s, nil
	}
	// Resubmit sends through the client without SDK retries: sendBatch
	// retries itself so that it knows when an attempt's outcome was unknown.
	client := r.ns.sendOnce
	if client == nil {
		client = r.ns.client
	}
	s, err := client.NewSender(target, nil)
	if err != nil {
		return nil, classify("resubmit send", target, err)
	}
	r.senders[target] = s
	return s, nil
}

// completeAsync completes the originals of an accepted batch, several at a
// time, and records each as moved or as a possible duplicate.
func (r *resubmitRun) completeAsync(w *resubmitWorker, sent []outgoing, target string, extraCopies int) {
	r.settling.Add(1)
	go func() {
		defer r.settling.Done()
		items := make([]ResubmitItem, len(sent))
		dup := make([]bool, len(sent))
		// One deadline for the batch's completions: a context per message
		// cost a few percent of the run's CPU.
		ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
		defer cancel()
		var wg sync.WaitGroup
		for i, o := range sent {
			items[i] = o.item(target)
			items[i].ExtraCopies = extraCopies
			wg.Add(1)
			r.pool.run(func() {
				defer wg.Done()
				if err := r.completeOriginal(ctx, w, o.orig); err != nil {
					items[i].Err, dup[i] = err, true
				}
			})
		}
		wg.Wait()
		// One line per moved message, naming the id its copy was sent with
		// when that is a new one, so the copy can be found.
		buf := make([]byte, 0, len(items)*auditLineGuess)
		now := time.Now().UTC()
		var auditErr error
		for i, it := range items {
			if !dup[i] && auditErr == nil {
				buf, auditErr = appendAuditLine(buf, AuditEntry{Time: now, Op: "resubmit", Namespace: r.ns.info.Name,
					Source: r.ref.Path(), SequenceNumber: it.SequenceNumber, MessageID: it.MessageID, Target: target}, it.NewMessageID)
			}
		}
		// The file has its own lock: the sync does not hold up the others.
		if auditErr == nil {
			auditErr = r.audit.writeLines(buf)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for i, it := range items {
			if dup[i] {
				r.res.PossibleDuplicates = append(r.res.PossibleDuplicates, it)
			} else {
				r.res.Moved = append(r.res.Moved, it)
			}
		}
		if auditErr != nil && r.res.AuditErr == nil {
			r.res.AuditErr = auditErr
		}
		r.reportLocked()
	}()
}

// completeOriginal completes rm, falling back to its lock token on a
// fresh receiver (see lockCompleter).
func (r *resubmitRun) completeOriginal(ctx context.Context, w *resubmitWorker, rm *azservicebus.ReceivedMessage) error {
	err := w.completer.complete(ctx, rm)
	if err == nil {
		return nil
	}
	// A completion that timed out may still have happened: when the
	// original is no longer in the dead-letter queue it was moved, not
	// duplicated.
	seq := ptrVal(rm.SequenceNumber)
	// The batch's deadline may be what failed: the check gets its own.
	pctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if page, perr := r.ns.Peek(pctx, r.ref, seq, 1); perr == nil &&
		!slices.ContainsFunc(page.Messages, func(m Message) bool { return m.SequenceNumber == seq }) {
		return nil
	}
	return err
}

// fail records msgs as failed and abandons them, so they are available in
// the dead-letter queue again at once.
func (r *resubmitRun) fail(w *resubmitWorker, msgs []*azservicebus.ReceivedMessage, target string, err error, maybeSent bool) {
	sent := make([]outgoing, len(msgs))
	for i, rm := range msgs {
		sent[i] = outgoing{orig: rm}
	}
	r.failSent(w, sent, target, err, maybeSent)
}

// failSent is fail for copies that were put in a batch: when the send's
// outcome is unknown, the result names the id a copy may exist under.
func (r *resubmitRun) failSent(w *resubmitWorker, sent []outgoing, target string, err error, maybeSent bool) {
	if _, ok := err.(*Error); !ok {
		err = classify("resubmit", r.ref.String(), err)
	}
	msgs := make([]*azservicebus.ReceivedMessage, len(sent))
	for i, o := range sent {
		msgs[i] = o.orig
	}
	r.abandon(w, msgs)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range sent {
		it := o.item(target)
		it.Err, it.MaybeSent = err, maybeSent
		if !maybeSent {
			it.NewMessageID, it.Renamed, it.MayBeDropped = "", false, false // no copy exists
		}
		r.res.Failed = append(r.res.Failed, it)
	}
	r.reportLocked()
}

// abandon gives messages back, best effort: a lock that cannot be released
// expires on its own after the lock duration.
func (r *resubmitRun) abandon(w *resubmitWorker, msgs []*azservicebus.ReceivedMessage) {
	if len(msgs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, rm := range msgs {
		wg.Add(1)
		r.pool.run(func() {
			defer wg.Done()
			_ = w.completer.abandon(ctx, rm)
		})
	}
	wg.Wait()
}

func (r *resubmitRun) report() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reportLocked()
}

func (r *resubmitRun) reportLocked() {
	if r.opts.Progress != nil {
		r.opts.Progress(r.res.Progress())
	}
}

// sortResult orders the lists by sequence number and counts the copies
// whose ids were changed or kept at a risk.
func (r *resubmitRun) sortResult() {
	r.mu.Lock()
	defer r.mu.Unlock()
	by := func(a, b ResubmitItem) int { return cmp.Compare(a.SequenceNumber, b.SequenceNumber) }
	slices.SortFunc(r.res.Moved, by)
	slices.SortFunc(r.res.Failed, by)
	slices.SortFunc(r.res.PossibleDuplicates, by)
	r.res.Renamed, r.res.MayBeDropped = 0, 0
	for _, it := range slices.Concat(r.res.Moved, r.res.PossibleDuplicates) {
		if it.Renamed {
			r.res.Renamed++
		}
		if it.MayBeDropped {
			r.res.MayBeDropped++
		}
	}
}

func (r *resubmitRun) closeSenders() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range r.senders {
		_ = s.Close(ctx)
	}
}

// newReceiver opens a receiver of its own for ref's sub-queue (not the
// cached peek receiver: a settling receiver asks for credit).
func (ns *Namespace) newReceiver(ref EntityRef, mode azservicebus.ReceiveMode) (*azservicebus.Receiver, error) {
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
		return nil, classify("open receiver", ref.String(), err)
	}
	return r, nil
}

// sortedKeys lists a map's int64 keys in order.
func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
