package sbsvc

import (
	"context"
	"errors"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// cachedSender returns the namespace's sender for entity, opening it on
// first use. An azservicebus.Sender is safe for concurrent use and
// re-attaches its link by itself after a transient failure, so one per
// entity serves every Send, Schedule, CancelScheduled and Import for the
// namespace's lifetime; Close closes them.
func (ns *Namespace) cachedSender(entity string) (*azservicebus.Sender, error) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.closed {
		return nil, errors.New("the namespace is closed")
	}
	if s, ok := ns.senders[entity]; ok {
		return s, nil
	}
	s, err := ns.client.NewSender(entity, nil)
	if err != nil {
		return nil, err
	}
	if ns.senders == nil {
		ns.senders = map[string]*azservicebus.Sender{}
	}
	ns.senders[entity] = s
	return s, nil
}

// dropSender forgets s after a failure that may have left it unusable (the
// entity was deleted, the link was refused), so the next call starts from
// a fresh one. A failure that says nothing about the link keeps it.
func (ns *Namespace) dropSender(entity string, s *azservicebus.Sender, cause error) {
	switch KindOf(classify("", "", cause)) {
	case KindMessageSizeExceeded, KindCancelled, KindTimeout, KindServerBusy, KindQuotaExceeded:
		return
	}
	ns.mu.Lock()
	if ns.senders[entity] != s {
		ns.mu.Unlock()
		return // already replaced
	}
	delete(ns.senders, entity)
	ns.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.Close(ctx)
}

// closeSenders closes every cached sender; Close calls it. Errors are
// dropped: a sender whose link the service detached earlier reports that
// detach again on close, which says nothing about this close.
func (ns *Namespace) closeSenders(ctx context.Context) {
	ns.mu.Lock()
	senders := ns.senders
	ns.senders = nil
	ns.mu.Unlock()
	for _, s := range senders {
		_ = s.Close(ctx)
	}
}
