package sbsvc

import (
	"context"
	"errors"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// DeadLetterOptions say why a message is dead-lettered. Reason and
// Description land in the message's DeadLetterReason and
// DeadLetterErrorDescription; Properties are set on the message too.
type DeadLetterOptions struct {
	Reason      string
	Description string
	Properties  map[string]any
}

// settle runs one settlement of l through the write guard, at most once:
// a message already settled (by any outcome) is refused with
// KindAlreadySettled without asking the service, which has no wire error
// for a second settlement on a live link.
func (ns *Namespace) settle(ctx context.Context, op, outcome string, l *Locked, fn func(context.Context, settler) error) error {
	if l == nil {
		return newError(KindUnknown, op, "", errors.New("no message"))
	}
	return ns.write(ctx, op, l.Ref.String(), func(ctx context.Context) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.settled != "" {
			return ErrAlreadySettled
		}
		if l.recv == nil {
			return errors.New("the message was not received with a lock")
		}
		if err := fn(ctx, l.recv); err != nil {
			return err
		}
		l.settled = outcome
		return nil
	})
}

// Complete removes a locked message from its entity.
func (ns *Namespace) Complete(ctx context.Context, l *Locked) error {
	return ns.settle(ctx, "complete", "completed", l, func(ctx context.Context, s settler) error {
		return s.CompleteMessage(ctx, l.Raw, nil)
	})
}

// Abandon releases the lock so the message can be received again, setting
// or replacing the given application properties on it. The service counts
// the delivery: after MaxDeliveryCount abandons the message is
// dead-lettered.
func (ns *Namespace) Abandon(ctx context.Context, l *Locked, props map[string]any) error {
	return ns.settle(ctx, "abandon", "abandoned", l, func(ctx context.Context, s settler) error {
		var opts *azservicebus.AbandonMessageOptions
		if len(props) > 0 {
			opts = &azservicebus.AbandonMessageOptions{PropertiesToModify: props}
		}
		return s.AbandonMessage(ctx, l.Raw, opts)
	})
}

// DeadLetter moves a locked message to its entity's dead-letter queue with
// a reason and description.
func (ns *Namespace) DeadLetter(ctx context.Context, l *Locked, o DeadLetterOptions) error {
	return ns.settle(ctx, "dead-letter", "dead-lettered", l, func(ctx context.Context, s settler) error {
		opts := &azservicebus.DeadLetterOptions{PropertiesToModify: o.Properties}
		if o.Reason != "" {
			opts.Reason = &o.Reason
		}
		if o.Description != "" {
			opts.ErrorDescription = &o.Description
		}
		return s.DeadLetterMessage(ctx, l.Raw, opts)
	})
}

// Defer sets a locked message aside: it stays in the entity (peek shows it
// as deferred) and can only be received again by its sequence number, with
// ReceiveDeferred (or SessionHandle.ReceiveDeferred).
func (ns *Namespace) Defer(ctx context.Context, l *Locked, props map[string]any) error {
	return ns.settle(ctx, "defer", "deferred", l, func(ctx context.Context, s settler) error {
		var opts *azservicebus.DeferMessageOptions
		if len(props) > 0 {
			opts = &azservicebus.DeferMessageOptions{PropertiesToModify: props}
		}
		return s.DeferMessage(ctx, l.Raw, opts)
	})
}
