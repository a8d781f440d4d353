package sbsvc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/go-amqp"
)

// sessionAcceptWait bounds one AcceptNextSession: the service holds the
// request open until a session with messages is free, so a wait that runs
// out means none is left (or the rest are held by others).
const sessionAcceptWait = time.Second

// isRequiresSession reports the service's refusal of a plain receiver on a
// session-enabled entity.
func isRequiresSession(err error) bool {
	var amqpErr *amqp.Error
	return errors.As(err, &amqpErr) && amqpErr.Condition == amqp.ErrCondNotAllowed &&
		strings.Contains(amqpErr.Description, "requires sessions")
}

// allRequireSessions reports that every error in errs (nil ones aside) is
// that refusal, and that there is at least one.
func allRequireSessions(errs []error) bool {
	seen := false
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !isRequiresSession(err) {
			return false
		}
		seen = true
	}
	return seen
}

// purgeSessions purges the active messages of a session-enabled entity.
// A plain receiver cannot attach there, and neither can a peek, so each
// worker accepts the next free session, drains it, lets it go and takes
// the next, until no session is handed out. A sweep then visits the
// sessions the service still lists (deferred messages only, or held by
// another client). Export and completion go through take, as for a plain
// entity: each batch is written and synced before its messages are deleted.
func (p *purgeRun) purgeSessions(ctx context.Context, mode azservicebus.ReceiveMode) error {
	workers := p.opts.Receivers
	if workers <= 0 {
		workers = defaultPurgeReceivers
	}
	visited := &sessionSet{ids: map[string]bool{}}
	errs := runWorkers(workers, func() error { return p.sessionWorker(ctx, mode, visited) })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return p.sweepSessions(ctx, mode, visited)
}

// sessionSet records the sessions drained, and the scheduled messages
// their peeks found.
type sessionSet struct {
	mu        sync.Mutex
	ids       map[string]bool
	scheduled int
}

func (s *sessionSet) add(id string, scheduled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids[id] = true
	s.scheduled += scheduled
}

func (s *sessionSet) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

func (p *purgeRun) sessionWorker(ctx context.Context, mode azservicebus.ReceiveMode, visited *sessionSet) error {
	for ctx.Err() == nil {
		actx, cancel := context.WithTimeout(ctx, sessionAcceptWait)
		sr, err := p.acceptSession(actx, "", mode)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if kind := KindOf(classify("", "", err)); kind == KindTimeout || kind == KindSessionCannotBeLocked {
				return nil // no free session with messages is left
			}
			return classify("purge accept session", p.ref.String(), err)
		}
		if err := p.purgeSession(ctx, sr, mode, visited); err != nil {
			return err
		}
	}
	return nil
}

// sweepSessions visits the sessions the service lists that no worker
// drained: their messages may all be deferred (accept-next skips those), or
// another client holds them, which is reported once the rest is done.
func (p *purgeRun) sweepSessions(ctx context.Context, mode azservicebus.ReceiveMode, visited *sessionSet) error {
	ids, err := p.ns.ListSessions(ctx, p.ref)
	if err != nil {
		return err
	}
	var held []string
	for _, id := range ids {
		if visited.has(id) || ctx.Err() != nil {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, sessionAcceptWait)
		sr, err := p.acceptSession(actx, id, mode)
		cancel()
		if err != nil {
			if KindOf(classify("", "", err)) == KindSessionCannotBeLocked || KindOf(classify("", "", err)) == KindTimeout {
				held = append(held, id)
				continue
			}
			return classify("purge accept session", p.ref.String()+" session "+id, err)
		}
		if err := p.purgeSession(ctx, sr, mode, visited); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.res.Scheduled = visited.scheduled
	p.mu.Unlock()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(held) > 0 {
		return newError(KindSessionCannotBeLocked, "purge", p.ref.String(), fmt.Errorf(
			"%d session(s) are held by another receiver and were left as they are (%s); purge again once they are let go (after the session lock duration at most)",
			len(held), strings.Join(held[:min(len(held), 5)], ", ")))
	}
	return nil
}

// acceptSession takes session id, or the next free one when id is "".
func (p *purgeRun) acceptSession(ctx context.Context, id string, mode azservicebus.ReceiveMode) (*azservicebus.SessionReceiver, error) {
	opts := &azservicebus.SessionReceiverOptions{ReceiveMode: mode}
	switch {
	case id == "" && p.ref.Queue != "":
		return p.ns.client.AcceptNextSessionForQueue(ctx, p.ref.Queue, opts)
	case id == "":
		return p.ns.client.AcceptNextSessionForSubscription(ctx, p.ref.Topic, p.ref.Subscription, opts)
	case p.ref.Queue != "":
		return p.ns.client.AcceptSessionForQueue(ctx, p.ref.Queue, id, opts)
	}
	return p.ns.client.AcceptSessionForSubscription(ctx, p.ref.Topic, p.ref.Subscription, id, opts)
}

// purgeSession drains the session sr holds, peeks what is left in it
// (deferred and scheduled messages), closes it, and receives its deferred
// messages by sequence number on a peek-lock accept of the same session.
func (p *purgeRun) purgeSession(ctx context.Context, sr *azservicebus.SessionReceiver, mode azservicebus.ReceiveMode, visited *sessionSet) error {
	id := sr.SessionID()
	err := p.drainSession(ctx, sr, mode)
	var deferred []int64
	scheduled := 0
	if err == nil && ctx.Err() == nil {
		deferred, scheduled, err = peekSessionLeftovers(ctx, sr)
		if err != nil {
			err = classify("purge peek session", p.ref.String()+" session "+id, err)
		}
	}
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = sr.Close(cctx)
	if mode == azservicebus.ReceiveModeReceiveAndDelete {
		err = errors.Join(err, p.takeCachedFrom(sessionSettler{sr: sr, ref: p.ref}, sr.ReceiveMessages, p.batchSize()))
	}
	cancel()
	visited.add(id, scheduled)
	if err != nil || len(deferred) == 0 || ctx.Err() != nil {
		return err
	}
	dr, err := p.acceptSession(ctx, id, azservicebus.ReceiveModePeekLock)
	if err != nil {
		return classify("purge deferred", p.ref.String()+" session "+id, err)
	}
	err = p.takeDeferred(ctx, sessionSettler{sr: dr, ref: p.ref}, dr.ReceiveDeferredMessages, deferred)
	cctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	_ = dr.Close(cctx)
	cancel()
	return err
}

// peekSessionLeftovers lists the deferred messages of a drained session and
// counts its scheduled ones.
func peekSessionLeftovers(ctx context.Context, sr *azservicebus.SessionReceiver) (deferred []int64, scheduled int, err error) {
	var from int64
	for {
		page, err := sr.PeekMessages(ctx, MaxPeekPage, &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from})
		if err != nil {
			return nil, 0, err
		}
		if len(page) == 0 {
			return deferred, scheduled, nil
		}
		for _, rm := range page {
			switch rm.State {
			case azservicebus.MessageStateDeferred:
				deferred = append(deferred, ptrVal(rm.SequenceNumber))
			case azservicebus.MessageStateScheduled:
				scheduled++
			}
			from = max(from, ptrVal(rm.SequenceNumber)+1)
		}
	}
}

func (p *purgeRun) batchSize() int {
	if p.opts.BatchSize > 0 {
		return p.opts.BatchSize
	}
	return defaultPurgeBatch
}

// drainSession receives a session's messages until a receive finds none.
// A session's messages are all this receiver's to see, so an empty receive
// means the session holds no more active ones.
func (p *purgeRun) drainSession(ctx context.Context, sr *azservicebus.SessionReceiver, mode azservicebus.ReceiveMode) error {
	where := p.ref.String() + " session " + sr.SessionID()
	return p.runLoop(ctx, ctx, purgeLoop{c: sessionSettler{sr: sr, ref: p.ref}, receive: sr.ReceiveMessages, mode: mode,
		receiveErr: func(err error) error { return classify("purge receive", where, err) },
		drained:    func(n int) (bool, error) { return n == 0, nil },
	})
}

// sessionSettler settles through a session receiver. There is no fallback
// by lock token: messages of a session can only be settled on the link
// that holds the session.
type sessionSettler struct {
	sr  *azservicebus.SessionReceiver
	ref EntityRef
}

func (s sessionSettler) complete(ctx context.Context, rm *azservicebus.ReceivedMessage) error {
	return classify("complete", s.ref.String(), s.sr.CompleteMessage(ctx, rm, nil))
}

func (s sessionSettler) abandon(ctx context.Context, rm *azservicebus.ReceivedMessage) error {
	return s.sr.AbandonMessage(ctx, rm, nil)
}
