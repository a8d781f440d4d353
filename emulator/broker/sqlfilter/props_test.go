package sqlfilter

import (
	"fmt"
	"maps"
	"math"
	"time"
)

// testProps is a message for tests: system properties by canonical name,
// user properties case-sensitively.
type testProps struct {
	sys  map[string]any
	user map[string]any
}

func (t *testProps) System(n string) (any, bool) { v, ok := t.sys[n]; return v, ok }
func (t *testProps) User(n string) (any, bool)   { v, ok := t.user[n]; return v, ok }

// SetSystem accepts only the properties a rule action may change, like the
// broker is expected to.
func (t *testProps) SetSystem(n string, v any) error {
	switch n {
	case "Label", "To", "ReplyTo", "CorrelationId", "ContentType", "MessageId":
		t.sys[n] = v
		return nil
	}
	return fmt.Errorf("system property %s is read-only", n)
}
func (t *testProps) SetUser(n string, v any) { t.user[n] = v }
func (t *testProps) RemoveUser(n string)     { delete(t.user, n) }

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func sampleProps() *testProps {
	return &testProps{
		sys: map[string]any{
			"MessageId":       "123456",
			"Label":           "subject1",
			"To":              "xyz",
			"SequenceNumber":  int64(42),
			"EnqueuedTimeUtc": t0,
			"ContentType":     "application/json",
			"DeliveryCount":   int32(2),
		},
		user: map[string]any{
			"color":    "red",
			"Color":    "upper",
			"size":     int32(10),
			"price":    9.5,
			"qty":      uint64(3),
			"big":      uint64(math.MaxUint64),
			"maxi":     int64(math.MaxInt64),
			"flag":     true,
			"off":      false,
			"name":     "O'Brien",
			"nullprop": nil,
			"when":     t0,
			"later":    t0.Add(time.Hour),
			"f32":      float32(0.1),
			"my prop":  "spaced",
			"i8":       int8(-5),
			"u8":       uint8(200),
			"bytes":    []byte{1, 2},
			"bytes2":   []byte{1, 2},
			"pct":      "50%",
			"path":     "a_b",
			"uni":      "héllo",
			"and":      "keyword-named",
			"empty":    "",
			"m":        map[string]any{"k": 1},
		},
	}
}

func (t *testProps) clone() *testProps {
	return &testProps{sys: maps.Clone(t.sys), user: maps.Clone(t.user)}
}
