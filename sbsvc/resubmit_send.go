package sbsvc

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// sendAttempts bounds how often one batch is sent before its messages are
// reported as failed.
const sendAttempts = 4

// sendFailure is a batch that was not accepted; maybeSent says an attempt's
// outcome was unknown, so copies may exist anyway.
type sendFailure struct {
	err       error
	maybeSent bool
}

// sendBatch sends one batch, retrying transient failures itself rather than
// inside the SDK: a retry after an attempt whose outcome is unknown (the
// connection dropped or the service timed out before answering) may add a
// second copy, and the report must say so. A server-busy answer is a
// definite refusal and adds nothing. It returns how many attempts had an
// unknown outcome before the one that was accepted.
func (r *resubmitRun) sendBatch(ctx context.Context, sender *azservicebus.Sender, batch *azservicebus.MessageBatch, target string) (int, *sendFailure) {
	unknown := 0
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := sender.SendMessageBatch(ctx, batch, nil)
		if err == nil {
			return unknown, nil
		}
		cerr := classify("resubmit send", target, err)
		kind := KindOf(cerr)
		outcomeUnknown := kind == KindCommunication || kind == KindTimeout || kind == KindUnknown
		if outcomeUnknown {
			unknown++
		}
		transient := outcomeUnknown || kind == KindServerBusy
		if !transient || attempt >= sendAttempts || ctx.Err() != nil {
			return unknown, &sendFailure{err: cerr, maybeSent: unknown > 0}
		}
		select {
		case <-ctx.Done():
			return unknown, &sendFailure{err: cerr, maybeSent: unknown > 0}
		case <-time.After(delay):
		}
		delay *= 2
	}
}
