package broker

import (
	"encoding/hex"
	"maps"
	"math/rand/v2"
	"time"
)

// Size is what the message counts against size limits and SizeInBytes: the
// body plus the properties the sender set, each counted by its encoded length
// (strings and binaries) or a fixed width (numbers, times and the like).
func (m *Message) Size() int64 {
	if m == nil {
		return 0
	}
	n := int64(len(m.Body)) + int64(len(m.UserID))
	for _, s := range [...]*string{m.To, m.Subject, m.ReplyTo, m.ContentType, m.ContentEncoding,
		m.SessionID, m.ReplyToSessionID, m.PartitionKey} {
		if s != nil {
			n += int64(len(*s))
		}
	}
	n += valueSize(m.MessageID) + valueSize(m.CorrelationID)
	for k, v := range m.ApplicationProperties {
		n += int64(len(k)) + valueSize(v)
	}
	return n
}

// valueSize estimates the encoded size of an application property value.
func valueSize(v any) int64 {
	switch v := v.(type) {
	case nil:
		return 0
	case string:
		return int64(len(v))
	case []byte:
		return int64(len(v))
	case bool, int8, uint8:
		return 1
	case int16, uint16:
		return 2
	case int32, uint32, float32:
		return 4
	default:
		return 8
	}
}

// snapshot copies a stored message for a caller. Maps are copied so that a
// caller changing them cannot reach into the broker; the body and other
// immutable values are shared.
func (m *Message) snapshot() *Message {
	c := new(Message)
	m.snapshotInto(c)
	return c
}

func (m *Message) snapshotInto(c *Message) {
	*c = *m
	if m.ApplicationProperties != nil {
		c.ApplicationProperties = maps.Clone(m.ApplicationProperties)
	}
}

// mergeProps merges props into m's application properties, dropping their
// stored encoding when anything changes.
func (m *Message) mergeProps(props map[string]any) {
	if len(props) == 0 {
		return
	}
	m.ApplicationProperties = withProps(m.ApplicationProperties, props)
	m.EncodedApplicationProperties = nil
}

// withProps returns the application properties with props merged in, as a
// new map: stored maps may be shared by copies and snapshots, so they are
// never changed in place.
func withProps(base, props map[string]any) map[string]any {
	if len(props) == 0 {
		return base
	}
	out := make(map[string]any, len(base)+len(props))
	maps.Copy(out, base)
	maps.Copy(out, props)
	return out
}

// newMessageID makes the 32-hex-digit id the service gives messages sent
// without one.
func newMessageID() string {
	var b [16]byte
	putRandom(&b)
	return hex.EncodeToString(b[:])
}

func putRandom(b *[16]byte) {
	x, y := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		b[i] = byte(x >> (8 * i))
		b[8+i] = byte(y >> (8 * i))
	}
}

// expiresAt is EnqueuedTime + min(message TTL, entity default TTL), or zero
// when that is "forever" or out of range.
func expiresAt(enqueued time.Time, msgTTL, entityTTL time.Duration) time.Time {
	ttl := entityTTL
	if msgTTL > 0 && (ttl <= 0 || msgTTL < ttl) {
		ttl = msgTTL
	}
	if ttl <= 0 || ttl == MaxDuration {
		return time.Time{}
	}
	exp := enqueued.Add(ttl)
	if exp.Before(enqueued) || exp.Year() > 9999 {
		return time.Time{}
	}
	return exp
}

// isDue reports whether a deadline (zero: none) has passed at now.
func isDue(deadline, now time.Time) bool {
	return !deadline.IsZero() && !now.Before(deadline)
}
