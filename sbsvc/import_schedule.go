package sbsvc

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// Limits of one schedule request. Scheduling goes over the management
// link, one request per enqueue time, so messages due at the same moment
// are gathered; the byte bound keeps a request well inside the smallest
// tier's 256 KB message limit.
const (
	scheduleGroupMessages = 100
	scheduleGroupBytes    = 192 << 10
)

// scheduleQueue gathers the imported messages that are to be scheduled,
// by enqueue time, and schedules each group in one request.
type scheduleQueue struct {
	sender *azservicebus.Sender
	opts   ImportOptions
	res    *ImportResult
	groups map[time.Time]*scheduleGroup
}

type scheduleGroup struct {
	msgs  []*azservicebus.AMQPAnnotatedMessage
	bytes int
}

func newScheduleQueue(sender *azservicebus.Sender, opts ImportOptions, res *ImportResult) *scheduleQueue {
	return &scheduleQueue{sender: sender, opts: opts, res: res, groups: map[time.Time]*scheduleGroup{}}
}

// add queues msg for at, scheduling its group once the group is full. A
// refused request stops the import, as a refused batch does.
func (q *scheduleQueue) add(ctx context.Context, msg *azservicebus.AMQPAnnotatedMessage, at time.Time) error {
	at = at.UTC()
	g := q.groups[at]
	if g == nil {
		g = &scheduleGroup{}
		q.groups[at] = g
	}
	size := bodySize(msg)
	if len(g.msgs) > 0 && (len(g.msgs) >= scheduleGroupMessages || g.bytes+size > scheduleGroupBytes) {
		if err := q.flush(ctx, at, g); err != nil {
			return err
		}
	}
	g.msgs = append(g.msgs, msg)
	g.bytes += size
	return nil
}

func (q *scheduleQueue) flush(ctx context.Context, at time.Time, g *scheduleGroup) error {
	if len(g.msgs) == 0 {
		return nil
	}
	if _, err := q.sender.ScheduleAMQPAnnotatedMessages(ctx, g.msgs, at, nil); err != nil {
		return wrappedSendErr{err}
	}
	q.res.Sent += len(g.msgs)
	q.res.Scheduled += len(g.msgs)
	g.msgs, g.bytes = nil, 0
	if q.opts.Progress != nil {
		q.opts.Progress(q.res.Sent)
	}
	return nil
}

// flushAll schedules every group still gathering.
func (q *scheduleQueue) flushAll(ctx context.Context) error {
	for at, g := range q.groups {
		if err := q.flush(ctx, at, g); err != nil {
			return err
		}
	}
	return nil
}

// bodySize approximates a message's encoded size by its body and
// application property count.
func bodySize(m *azservicebus.AMQPAnnotatedMessage) int {
	n := 64 * (1 + len(m.ApplicationProperties))
	for _, d := range m.Body.Data {
		n += len(d)
	}
	return n
}
