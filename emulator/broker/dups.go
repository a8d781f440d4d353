package broker

import (
	"fmt"
	"time"
)

// dupHistory remembers message ids sent to an entity with duplicate
// detection, in arrival order, so old ones are dropped cheaply.
type dupHistory struct {
	seen  map[string]time.Time
	order []dupRecord
	head  int
}

type dupRecord struct {
	key string
	at  time.Time
}

// dupKey makes a comparable key of a message id of any AMQP id type.
func dupKey(id any) (string, bool) {
	switch v := id.(type) {
	case nil:
		return "", false
	case string:
		return "s:" + v, true
	case []byte:
		return "b:" + string(v), true
	default:
		return fmt.Sprintf("%T:%v", v, v), true
	}
}

// prune forgets ids older than the window.
func (d *dupHistory) prune(now time.Time, window time.Duration) {
	for d.head < len(d.order) && now.Sub(d.order[d.head].at) >= window {
		r := d.order[d.head]
		if at, ok := d.seen[r.key]; ok && at.Equal(r.at) {
			delete(d.seen, r.key)
		}
		d.order[d.head] = dupRecord{}
		d.head++
	}
	if d.head > 64 && d.head > len(d.order)/2 {
		d.order = append([]dupRecord(nil), d.order[d.head:]...)
		d.head = 0
	}
}

func (d *dupHistory) seenRecently(key string) bool {
	_, ok := d.seen[key]
	return ok
}

func (d *dupHistory) record(key string, now time.Time) {
	if d.seen == nil {
		d.seen = make(map[string]time.Time)
	}
	d.seen[key] = now
	d.order = append(d.order, dupRecord{key: key, at: now})
}
