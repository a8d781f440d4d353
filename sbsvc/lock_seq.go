package sbsvc

import (
	"context"
	"errors"
	"slices"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// DefaultMaxScan bounds how many other messages LockBySequence may lock
// on its way to the ones asked for.
const DefaultMaxScan = 1000

// SequenceLock is what LockBySequence got.
type SequenceLock struct {
	// Locked are the messages asked for, in sequence order.
	Locked []*Locked
	// Missing are sequence numbers not locked: no such message, a
	// scheduled one, one locked by someone else, or one beyond MaxScan.
	Missing []int64
	// Skipped are the other messages locked on the way and abandoned again.
	// Each of them counted one delivery; one already at the entity's
	// MaxDeliveryCount was dead-lettered by that.
	Skipped []int64
}

// LockBySequence locks particular messages of an active queue or a
// dead-letter queue by sequence number. Service Bus can only receive
// deferred messages by number, so:
//   - deferred messages are received by number (ReceiveDeferredMessages),
//     which touches nothing else;
//   - other messages are reached by receiving in peek-lock order, keeping
//     the wanted ones and holding the rest locked (so they are not handed
//     out again) until the wanted ones are in hand, the entity has no more,
//     a message past the highest wanted number arrives, or maxScan others
//     (0 = DefaultMaxScan) were locked. The others are then abandoned:
//     ABANDON COUNTS A DELIVERY on each of them (reported in Skipped), and
//     a message at its last delivery is dead-lettered by it, as by any
//     failed delivery. Prefer peeking when the message only needs reading.
func (ns *Namespace) LockBySequence(ctx context.Context, ref EntityRef, seqs []int64, maxScan int) (SequenceLock, error) {
	const op = "lock by sequence number"
	var res SequenceLock
	if err := plainRef(op, ref); err != nil {
		return res, err
	}
	if maxScan <= 0 {
		maxScan = DefaultMaxScan
	}
	wanted := map[int64]bool{}
	for _, s := range seqs {
		wanted[s] = true
	}
	err := ns.write(ctx, op, ref.String(), func(ctx context.Context) error {
		if len(wanted) == 0 {
			return nil
		}
		r, err := ns.lockReceiver(ref, azservicebus.ReceiveModePeekLock)
		if err != nil {
			return err
		}
		deferred, err := ns.deferredAmong(ctx, ref, wanted)
		if err != nil {
			return err
		}
		if len(deferred) > 0 {
			msgs, err := r.ReceiveDeferredMessages(ctx, deferred, nil)
			if err != nil {
				return err
			}
			for _, rm := range msgs {
				l := newLocked(rm, ref, r, r, nil)
				res.Locked = append(res.Locked, l)
				delete(wanted, l.Message.SequenceNumber)
			}
		}
		var scanErr error
		res.Locked, res.Skipped, scanErr = ns.scanFor(ctx, ref, r, wanted, maxScan, res.Locked)
		for s := range wanted {
			res.Missing = append(res.Missing, s)
		}
		slices.Sort(res.Missing)
		slices.SortFunc(res.Locked, func(a, b *Locked) int { return int(a.Message.SequenceNumber - b.Message.SequenceNumber) })
		return scanErr
	})
	return res, err
}

// deferredAmong peeks each wanted number and returns those that are
// deferred messages.
func (ns *Namespace) deferredAmong(ctx context.Context, ref EntityRef, wanted map[int64]bool) ([]int64, error) {
	var out []int64
	for s := range wanted {
		page, err := ns.Peek(ctx, ref, s, 1)
		if err != nil {
			return nil, err
		}
		if len(page.Messages) == 1 && page.Messages[0].SequenceNumber == s && page.Messages[0].State == StateDeferred {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, nil
}

// scanFor receives in order until the wanted numbers are locked (they are
// deleted from wanted), then abandons the others it held. It always tries
// to abandon what it held, even when the scan failed.
func (ns *Namespace) scanFor(ctx context.Context, ref EntityRef, r *azservicebus.Receiver, wanted map[int64]bool, maxScan int, got []*Locked) ([]*Locked, []int64, error) {
	var (
		held    []*Locked
		highest int64
		scanErr error
	)
	for s := range wanted {
		highest = max(highest, s)
	}
	// Ask for no more messages than can stand between the last one seen
	// and the highest wanted, so as few others as possible are touched.
	lastSeen := int64(0)
	if len(wanted) > 0 {
		page, err := ns.Peek(ctx, ref, 0, 1)
		if err != nil {
			return got, nil, err
		}
		if len(page.Messages) == 1 {
			lastSeen = page.Messages[0].SequenceNumber - 1
		}
	}
scan:
	for len(wanted) > 0 && len(held) < maxScan {
		n := min(max(highest-lastSeen, int64(len(wanted))), int64(maxScan-len(held)+len(wanted)), MaxReceive)
		msgs, err := receiveUpTo(ctx, int(n), func(ctx context.Context, n int) ([]*azservicebus.ReceivedMessage, error) {
			return r.ReceiveMessages(ctx, n, nil)
		})
		if err != nil {
			scanErr = err
			break
		}
		if len(msgs) == 0 {
			break // nothing more to lock
		}
		past := false
		for _, rm := range msgs {
			l := newLocked(rm, ref, r, r, nil)
			lastSeen = max(lastSeen, l.Message.SequenceNumber)
			if s := l.Message.SequenceNumber; wanted[s] {
				delete(wanted, s)
				got = append(got, l)
				continue
			}
			held = append(held, l)
			past = past || l.Message.SequenceNumber > highest
		}
		if past {
			break scan // the wanted ones left are not available to this receiver
		}
	}
	var skipped []int64
	var errs []error
	for _, l := range held {
		// Abandon with a context of its own: the caller's may be what ended
		// the scan, and a held lock should not be left to lapse silently.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultReceiveWait*3)
		err := r.AbandonMessage(actx, l.Raw, nil)
		cancel()
		if err != nil {
			errs = append(errs, err)
		}
		skipped = append(skipped, l.Message.SequenceNumber)
	}
	slices.Sort(skipped)
	return got, skipped, errors.Join(scanErr, errors.Join(errs...))
}
