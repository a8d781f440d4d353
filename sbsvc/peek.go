package sbsvc

import (
	"context"
	"errors"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// MaxPeekPage caps one Peek call; the service returns at most this many
// per request anyway in practice, and a page is what a view shows.
const MaxPeekPage = 1000

// Page is one page of peeked messages.
type Page struct {
	Ref      EntityRef
	Messages []Message
	// Next is the sequence number to peek from for the following page.
	Next int64
	// End is true when the page came back empty: nothing at or after the
	// requested sequence number. A short page is not the end (the service
	// may return fewer than asked), so paging goes on until End.
	End bool
}

// Peek reads up to max messages of ref starting at sequence number from
// (0 or 1 = the first). It never locks a message and never counts a
// delivery. For a session-enabled entity name a session: it is peeked
// through a session receiver that holds the session lock only for the
// duration of the call.
func (ns *Namespace) Peek(ctx context.Context, ref EntityRef, from int64, max int) (Page, error) {
	const op = "peek"
	if err := ref.validate(); err != nil {
		return Page{}, newError(KindNotFound, op, ref.String(), err)
	}
	if max <= 0 || max > MaxPeekPage {
		max = MaxPeekPage
	}
	if from < 1 {
		from = 1
	}
	opts := &azservicebus.PeekMessagesOptions{FromSequenceNumber: &from}

	var (
		msgs []*azservicebus.ReceivedMessage
		err  error
	)
	if ref.SessionID != "" && ref.SubQueue == Active {
		msgs, err = ns.peekSession(ctx, ref, max, opts)
	} else {
		var r *azservicebus.Receiver
		r, err = ns.peekReceiver(ref)
		if err == nil {
			msgs, err = r.PeekMessages(ctx, max, opts)
			if err != nil {
				ns.dropReceiver(ref, r)
			}
		}
	}
	if err != nil {
		return Page{}, classify(op, ref.String(), err)
	}

	page := Page{Ref: ref, Messages: make([]Message, 0, len(msgs)), Next: from, End: len(msgs) == 0}
	for _, rm := range msgs {
		m := messageFrom(rm)
		if ref.SessionID != "" && ref.SubQueue != Active && (!m.HasSessionID || m.SessionID != ref.SessionID) {
			// Dead-letter queues are not session-aware: filter instead.
			continue
		}
		page.Messages = append(page.Messages, m)
		if m.SequenceNumber >= page.Next {
			page.Next = m.SequenceNumber + 1
		}
	}
	if len(msgs) > 0 {
		last := ptrVal(msgs[len(msgs)-1].SequenceNumber)
		if last >= page.Next {
			page.Next = last + 1
		}
	}
	return page, nil
}

// peekSession accepts the named session, peeks and closes the receiver at
// once, so the session lock is held for as short a time as possible.
func (ns *Namespace) peekSession(ctx context.Context, ref EntityRef, max int, opts *azservicebus.PeekMessagesOptions) ([]*azservicebus.ReceivedMessage, error) {
	var (
		sr  *azservicebus.SessionReceiver
		err error
	)
	if ref.Queue != "" {
		sr, err = ns.client.AcceptSessionForQueue(ctx, ref.Queue, ref.SessionID, nil)
	} else {
		sr, err = ns.client.AcceptSessionForSubscription(ctx, ref.Topic, ref.Subscription, ref.SessionID, nil)
	}
	if err != nil {
		return nil, err
	}
	defer sr.Close(context.WithoutCancel(ctx))
	return sr.PeekMessages(ctx, max, opts)
}

// receiverKey caches one peek receiver per entity and sub-queue.
func receiverKey(ref EntityRef) string {
	ref.SessionID = ""
	return ref.Path()
}

// peekReceiver returns the cached receiver for ref, creating it on first
// use. A receiver that is only peeked through never asks for credit, so it
// never locks a message.
func (ns *Namespace) peekReceiver(ref EntityRef) (*azservicebus.Receiver, error) {
	key := receiverKey(ref)
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.closed {
		return nil, errors.New("namespace is closed")
	}
	if r, ok := ns.receivers[key]; ok {
		return r, nil
	}
	opts := &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModePeekLock}
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
	ns.receivers[key] = r
	return r, nil
}

// dropReceiver forgets a receiver after a failure, so the next peek starts
// from a fresh link rather than one the SDK may have given up on.
func (ns *Namespace) dropReceiver(ref EntityRef, r *azservicebus.Receiver) {
	key := receiverKey(ref)
	ns.mu.Lock()
	if ns.receivers[key] == r {
		delete(ns.receivers, key)
	}
	ns.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Close(ctx)
	}()
}
