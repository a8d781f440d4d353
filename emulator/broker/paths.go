package broker

import "strings"

// splitPath takes a path apart: "q", "t/Subscriptions/s", each optionally
// followed by "/$DeadLetterQueue" or "/$Transfer/$DeadLetterQueue". Parts
// are matched case-insensitively, as the service does.
func splitPath(path string) (entityName, subName string, sq subqueue) {
	p := strings.Trim(path, "/")
	lower := strings.ToLower(p)
	switch {
	case strings.HasSuffix(lower, "/$transfer/$deadletterqueue"):
		sq = subTDLQ
		p = p[:len(p)-len("/$transfer/$deadletterqueue")]
	case strings.HasSuffix(lower, "/$deadletterqueue"):
		sq = subDLQ
		p = p[:len(p)-len("/$deadletterqueue")]
	}
	lower = strings.ToLower(p)
	if i := strings.LastIndex(lower, "/subscriptions/"); i >= 0 {
		return p[:i], p[i+len("/subscriptions/"):], sq
	}
	return p, "", sq
}

// resolvePath finds the queue or subscription a path reads from.
func (b *brokerImpl) resolvePath(path string) (*entity, subqueue, error) {
	name, sub, sq := splitPath(path)
	b.mu.RLock()
	defer b.mu.RUnlock()
	e := b.lookup(name)
	if e != nil && sub != "" {
		if e.kind != KindTopic {
			e = nil
		} else {
			e = e.subs[strings.ToLower(sub)]
		}
	}
	if e == nil {
		return nil, 0, errNotFound("The messaging entity '%s' could not be found.", path)
	}
	if e.kind == KindTopic {
		return nil, 0, errNotAllowed("'%s' is a topic: messages are read from its subscriptions", path)
	}
	return e, sq, nil
}

// resolveAddress finds the queue or topic an address sends to.
func (b *brokerImpl) resolveAddress(address string) (*entity, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.addressLocked(address)
}

func (b *brokerImpl) addressLocked(address string) (*entity, error) {
	name, sub, sq := splitPath(address)
	if sub != "" || sq != subMain {
		return nil, errNotAllowed("messages cannot be sent to '%s'", address)
	}
	e := b.lookup(name)
	if e == nil {
		return nil, errNotFound("The messaging entity '%s' could not be found.", address)
	}
	return e, nil
}

// CheckPath reports whether a path or address exists (nil) or an *Error
// with Status 404.
func (b *Broker) CheckPath(path string) error {
	name, sub, _ := splitPath(path)
	b.impl.mu.RLock()
	defer b.impl.mu.RUnlock()
	e := b.impl.lookup(name)
	if e != nil && sub != "" {
		if e.kind != KindTopic || e.subs[strings.ToLower(sub)] == nil {
			e = nil
		}
	}
	if e == nil {
		return errNotFound("The messaging entity '%s' could not be found.", path)
	}
	return nil
}
