package atom

import (
	"errors"
	"strings"
)

// routeKind is what a request path addresses.
type routeKind int

const (
	routeNamespace     routeKind = iota // $namespaceinfo
	routeQueues                         // $Resources/Queues
	routeTopics                         // $Resources/Topics
	routeEntity                         // <queue or topic>
	routeSubscriptions                  // <topic>/Subscriptions
	routeSubscription                   // <topic>/Subscriptions/<sub>
	routeRules                          // <topic>/Subscriptions/<sub>/Rules
	routeRule                           // <topic>/Subscriptions/<sub>/Rules/<rule>
)

type route struct {
	kind              routeKind
	entity, sub, rule string // entity is the queue or topic name
}

// parseRoute maps a request path to what it addresses. Keywords match
// case-insensitively; queue and topic names may contain slashes, so the
// keywords are looked for from the end of the path.
func parseRoute(path string) (route, error) {
	p := strings.TrimPrefix(path, "/")
	p = strings.TrimSuffix(p, "/") // the rules pager adds a trailing slash
	switch {
	case p == "":
		return route{}, errors.New("the request names no entity")
	case strings.EqualFold(p, "$namespaceinfo"):
		return route{kind: routeNamespace}, nil
	case strings.EqualFold(p, "$Resources/Queues"):
		return route{kind: routeQueues}, nil
	case strings.EqualFold(p, "$Resources/Topics"):
		return route{kind: routeTopics}, nil
	}
	segs := strings.Split(p, "/")
	n := len(segs)
	is := func(i int, word string) bool { return i >= 0 && strings.EqualFold(segs[i], word) }
	join := func(k int) string { return strings.Join(segs[:k], "/") }

	var r route
	switch {
	case n >= 4 && is(n-2, "Rules") && is(n-4, "Subscriptions"):
		r = route{kind: routeRule, entity: join(n - 4), sub: segs[n-3], rule: segs[n-1]}
	case n >= 3 && is(n-1, "Rules") && is(n-3, "Subscriptions"):
		r = route{kind: routeRules, entity: join(n - 3), sub: segs[n-2]}
	case n >= 2 && is(n-2, "Subscriptions"):
		r = route{kind: routeSubscription, entity: join(n - 2), sub: segs[n-1]}
	case is(n-1, "Subscriptions"):
		r = route{kind: routeSubscriptions, entity: join(n - 1)}
	default:
		r = route{kind: routeEntity, entity: p}
	}
	if err := checkNames(r); err != nil {
		return route{}, err
	}
	return r, nil
}

func checkNames(r route) error {
	if r.entity == "" || strings.HasPrefix(r.entity, "/") || strings.HasSuffix(r.entity, "/") || strings.Contains(r.entity, "//") {
		return errors.New("the path has an empty queue or topic name")
	}
	if (r.kind == routeSubscription || r.kind == routeRules || r.kind == routeRule) && r.sub == "" {
		return errors.New("the path has an empty subscription name")
	}
	if r.kind == routeRule && r.rule == "" {
		return errors.New("the path has an empty rule name")
	}
	return nil
}
