package sbsvc

import (
	"errors"
	"fmt"
	"strings"
)

// SubQueue picks the active messages or one of an entity's dead-letter
// queues.
type SubQueue int

const (
	Active SubQueue = iota
	DeadLetter
	TransferDeadLetter
)

// String is the path suffix the service uses ("" for Active).
func (q SubQueue) String() string {
	switch q {
	case DeadLetter:
		return "$DeadLetterQueue"
	case TransferDeadLetter:
		return "$Transfer/$DeadLetterQueue"
	}
	return ""
}

// EntityRef names something that holds messages: a queue, or a topic's
// subscription, optionally one of its sub-queues or one session.
type EntityRef struct {
	Queue        string
	Topic        string
	Subscription string
	SubQueue     SubQueue
	SessionID    string // peek one session of a session-enabled entity
}

// IsZero reports an empty reference.
func (r EntityRef) IsZero() bool { return r == EntityRef{} }

// Path is the entity path as the service writes it, with the sub-queue:
// "orders/$DeadLetterQueue", "events/Subscriptions/audit".
func (r EntityRef) Path() string {
	p := r.Queue
	if r.Queue == "" {
		p = r.Topic + "/Subscriptions/" + r.Subscription
	}
	if s := r.SubQueue.String(); s != "" {
		p += "/" + s
	}
	return p
}

// String is Path, plus the session when one is named.
func (r EntityRef) String() string {
	if r.SessionID != "" {
		return r.Path() + " (session " + r.SessionID + ")"
	}
	return r.Path()
}

func (r EntityRef) validate() error {
	switch {
	case r.Queue != "" && (r.Topic != "" || r.Subscription != ""):
		return errors.New("name either a queue or a topic and subscription, not both")
	case r.Queue == "" && (r.Topic == "" || r.Subscription == ""):
		return errors.New("name a queue, or a topic and one of its subscriptions")
	case r.SubQueue < Active || r.SubQueue > TransferDeadLetter:
		return fmt.Errorf("unknown sub-queue %d", int(r.SubQueue))
	}
	return nil
}

// ParseEntityPath reads "queue", "queue/$DeadLetterQueue",
// "topic/Subscriptions/sub" (with "/$DeadLetterQueue" or
// "/$Transfer/$DeadLetterQueue"), and the short form "topic/sub".
func ParseEntityPath(p string) (EntityRef, error) {
	p = strings.Trim(strings.TrimSpace(p), "/")
	var ref EntityRef
	if p == "" {
		return ref, errors.New("the entity path is empty")
	}
	lower := strings.ToLower(p)
	switch {
	case strings.HasSuffix(lower, "/$transfer/$deadletterqueue"):
		ref.SubQueue = TransferDeadLetter
		p = p[:len(p)-len("/$Transfer/$DeadLetterQueue")]
	case strings.HasSuffix(lower, "/$deadletterqueue"):
		ref.SubQueue = DeadLetter
		p = p[:len(p)-len("/$DeadLetterQueue")]
	}
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if s == "" {
			return EntityRef{}, fmt.Errorf("entity path %q has an empty segment", p)
		}
	}
	switch {
	case len(segs) == 3 && strings.EqualFold(segs[1], "Subscriptions"):
		ref.Topic, ref.Subscription = segs[0], segs[2]
	case len(segs) == 2:
		ref.Topic, ref.Subscription = segs[0], segs[1]
	case len(segs) == 1:
		ref.Queue = segs[0]
	default:
		return EntityRef{}, fmt.Errorf("entity path %q is not a queue or topic/Subscriptions/subscription", p)
	}
	return ref, nil
}
