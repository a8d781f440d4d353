package sbsvc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// A queue or topic with duplicate detection remembers every message id it
// accepted for its history window and drops, silently, a later message
// carrying one of them: the send succeeds and nothing arrives. A resubmitted
// copy that keeps its id is such a message while the original send is still
// remembered, and completing the original after that "accepted" send would
// lose the message. So a resubmit learns once per target whether it
// de-duplicates and over what window, and gives a fresh id to every copy
// whose id the target may still remember.

const (
	// maxDuplicateWindow is the longest history window the service allows:
	// a target whose settings cannot be read is assumed to have it.
	maxDuplicateWindow = 7 * 24 * time.Hour
	// clockSkewMargin widens a window, for the error of the estimate of
	// the service's clock.
	clockSkewMargin = time.Minute
	// maxLockDuration is the longest lock the service gives a message.
	maxLockDuration = 5 * time.Minute
	// targetLookupTimeout bounds the management calls about one target.
	targetLookupTimeout = 30 * time.Second
)

// targetKind is what a target name was found to be.
type targetKind int

const (
	targetUnknown targetKind = iota
	targetQueue
	targetTopic
)

// targetFacts is what a resubmit learned about one target.
type targetFacts struct {
	name   string
	kind   targetKind
	dedup  bool
	window time.Duration
	// unread says why the settings could not be read; dedup and window are
	// then the conservative assumption.
	unread string

	mu sync.Mutex
	// keptIDs are the ids copies kept on their way here during this run: a
	// second message with the same id would be dropped as a duplicate of
	// the first, however old both are.
	keptIDs map[string]bool
}

// note explains an assumption made about the target, or is "".
func (f *targetFacts) note() string {
	if f.unread == "" {
		return ""
	}
	return fmt.Sprintf("the duplicate detection settings of %s could not be read (%s): it was assumed to detect duplicates over 7 days, "+
		"the service maximum, so copies of messages enqueued since then were given new ids", f.name, f.unread)
}

// idChoice is how one copy's message id was chosen.
type idChoice struct {
	// renamed: a fresh id, because the target may still remember the
	// original one.
	renamed bool
	// atRisk: the id was kept on request although the target may still
	// remember it, so the service may have dropped the copy.
	atRisk bool
}

// chooseID decides whether the copy of rm keeps its id. It must not when
// the target de-duplicates and may remember the id: the message was
// enqueued within the window (plus a margin for clock skew), or another
// copy kept the same id earlier in this run. An older message keeps its
// id, so that a repeated resubmit of it is still dropped by the target.
func (f *targetFacts) chooseID(rm *azservicebus.ReceivedMessage, forceKeep bool, localNow time.Time) idChoice {
	if !f.dedup {
		return idChoice{}
	}
	recent := rm.EnqueuedTime == nil || rm.EnqueuedTime.Add(f.window+clockSkewMargin).After(serviceNow(rm, localNow))
	f.mu.Lock()
	defer f.mu.Unlock()
	risky := recent || (rm.MessageID != "" && f.keptIDs[rm.MessageID])
	switch {
	case risky && !forceKeep:
		return idChoice{renamed: true}
	case rm.MessageID != "":
		if f.keptIDs == nil {
			f.keptIDs = map[string]bool{}
		}
		f.keptIDs[rm.MessageID] = true
	}
	return idChoice{atRisk: risky}
}

// serviceNow estimates the service's clock, which stamped the enqueued
// time and runs the duplicate detection window: this machine's clock may be
// off by any amount. rm was locked a moment ago until then plus the
// entity's lock duration, at most 5 minutes. The earlier of that estimate
// and the local clock is taken: an earlier "now" can only give more copies
// new ids, never fewer.
func serviceNow(rm *azservicebus.ReceivedMessage, localNow time.Time) time.Time {
	if rm.LockedUntil != nil {
		if est := rm.LockedUntil.Add(-maxLockDuration); est.Before(localNow) {
			return est
		}
	}
	return localNow
}

// targetLookup reads each target's kind and duplicate detection settings
// once per resubmit; the receivers share it.
type targetLookup struct {
	ns *Namespace
	// known are kinds the source tells without asking: a name is either a
	// queue or a topic in a namespace, never both.
	known map[string]targetKind

	mu      sync.Mutex
	entries map[string]*targetEntry
	order   []string
}

type targetEntry struct {
	once  sync.Once
	facts *targetFacts
}

func newTargetLookup(ns *Namespace, source EntityRef) *targetLookup {
	l := &targetLookup{ns: ns, known: map[string]targetKind{}, entries: map[string]*targetEntry{}}
	if source.Queue != "" {
		l.known[source.Queue] = targetQueue
	}
	if source.Topic != "" {
		l.known[source.Topic] = targetTopic
	}
	return l
}

// get returns name's facts, reading them on first use. Concurrent callers
// for the same name wait for the one read.
func (l *targetLookup) get(ctx context.Context, name string) *targetFacts {
	l.mu.Lock()
	e, ok := l.entries[name]
	if !ok {
		e = &targetEntry{}
		l.entries[name] = e
		l.order = append(l.order, name)
	}
	l.mu.Unlock()
	e.once.Do(func() { e.facts = l.read(ctx, name) })
	return e.facts
}

// notes lists the assumptions made, in the order targets were first used.
func (l *targetLookup) notes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, name := range l.order {
		if f := l.entries[name].facts; f != nil && f.note() != "" {
			out = append(out, f.note())
		}
	}
	return out
}

// read asks the management API about name. A GET of a queue's name through
// GetTopic (or the other way round) answers with the other kind's entry,
// which the SDK decodes into empty properties without an error, so an
// answer counts only when it carries fields its own kind always has.
func (l *targetLookup) read(ctx context.Context, name string) *targetFacts {
	ctx, cancel := context.WithTimeout(ctx, targetLookupTimeout)
	defer cancel()
	f := &targetFacts{name: name, kind: l.known[name]}
	var firstErr error
	if f.kind != targetTopic {
		resp, err := l.ns.admin.GetQueue(ctx, name, nil)
		switch {
		case err != nil:
			firstErr = err
		case resp != nil && isQueueEntry(resp.QueueProperties):
			f.kind = targetQueue
			f.setDedup(resp.RequiresDuplicateDetection, resp.DuplicateDetectionHistoryTimeWindow)
			return f
		}
	}
	if f.kind != targetQueue {
		resp, err := l.ns.admin.GetTopic(ctx, name, nil)
		switch {
		case err != nil:
			if firstErr == nil {
				firstErr = err
			}
		case resp != nil && isTopicEntry(resp.TopicProperties):
			f.kind = targetTopic
			f.setDedup(resp.RequiresDuplicateDetection, resp.DuplicateDetectionHistoryTimeWindow)
			return f
		}
	}
	// Never lose a message: what cannot be read is assumed the worst.
	f.dedup, f.window = true, maxDuplicateWindow
	f.unread = "the management API does not know it"
	if firstErr != nil {
		cerr := classify("read entity settings", name, firstErr)
		f.unread = KindOf(cerr).String()
		if k := KindOf(cerr); k == KindAuthentication || k == KindAuthorisation {
			f.unread += ": reading them needs Manage rights"
		}
	}
	return f
}

// setDedup takes the settings as the management API gives them (the
// window as an ISO 8601 duration). A window that is absent or unreadable is
// assumed the longest.
func (f *targetFacts) setDedup(on *bool, window *string) {
	f.dedup = on != nil && *on
	if !f.dedup {
		return
	}
	f.window = maxDuplicateWindow
	if window != nil {
		if d, err := parseISODuration(*window); err == nil && d > 0 {
			f.window = d
		}
	}
}

// isQueueEntry reports properties decoded from a QueueDescription: the
// service always sends a queue's lock duration and maximum delivery count.
func isQueueEntry(p admin.QueueProperties) bool {
	return p.LockDuration != nil || p.MaxDeliveryCount != nil
}

// isTopicEntry reports properties decoded from a TopicDescription.
func isTopicEntry(p admin.TopicProperties) bool {
	return p.MaxSizeInMegabytes != nil || p.DefaultMessageTimeToLive != nil || p.Status != nil
}
