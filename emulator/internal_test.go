package emulator

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// The wire contract's example: tag 04 03 02 01 06 05 08 07 09.. ⇔ token 01 02 03 ….
func TestLockTokenTagOrder(t *testing.T) {
	token := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0}
	tag := lockTokenToTag(token)
	want := []byte{4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 0}
	if !bytes.Equal(tag, want) {
		t.Fatalf("tag % x, want % x", tag, want)
	}
	back, ok := tagToLockToken(tag)
	if !ok || back != token {
		t.Fatalf("round trip gave % x", back)
	}
	if _, ok := tagToLockToken([]byte{1, 2, 3}); ok {
		t.Fatal("a short tag was accepted")
	}
}

func TestConnectionString(t *testing.T) {
	for _, tc := range []struct{ addr, key, want string }{
		{"127.0.0.1:5673", "", "Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=k;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"},
		{"127.0.0.1:5672", "s3cret", "Endpoint=sb://127.0.0.1;SharedAccessKeyName=k;SharedAccessKey=s3cret;UseDevelopmentEmulator=true;"},
		{"0.0.0.0:6000", "", "Endpoint=sb://localhost:6000;SharedAccessKeyName=k;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"},
		{"[::1]:6000", "", "Endpoint=sb://[::1]:6000;SharedAccessKeyName=k;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"},
	} {
		if got := connectionString(tc.addr, "k", tc.key); got != tc.want {
			t.Errorf("connectionString(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

func TestVerifySAS(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	aud := "amqp://localhost:5672/Orders"
	good := signSAS(aud, "Root", "key", now.Add(time.Hour))
	for _, tc := range []struct {
		name, token, audience, keyName, key string
		ok                                  bool
	}{
		{"valid", good, aud, "Root", "key", true},
		{"valid for the management node", good, aud + "/$management", "Root", "key", true},
		{"namespace token covers entities", signSAS("amqp://localhost:5672/", "Root", "key", now.Add(time.Hour)), aud, "Root", "key", true},
		{"https admin audience", signSAS("https://localhost:5672/orders?api-version=2024-05", "Root", "key", now.Add(time.Hour)),
			"https://localhost:5672/orders?api-version=2024-05", "Root", "key", true},
		{"wrong key", good, aud, "Root", "other", false},
		{"wrong key name", good, aud, "Other", "key", false},
		{"expired", signSAS(aud, "Root", "key", now.Add(-time.Second)), aud, "Root", "key", false},
		{"other entity", good, "amqp://localhost:5672/payments", "Root", "key", false},
		{"prefix is not a parent", good, aud + "x", "Root", "key", false},
		{"not a SAS", "Bearer abc", aud, "Root", "key", false},
		{"missing fields", "SharedAccessSignature sr=a&se=1", aud, "Root", "key", false},
		{"malformed field", "SharedAccessSignature sr", aud, "Root", "key", false},
		{"bad expiry", strings.Replace(good, "&se=", "&se=x", 1), aud, "Root", "key", false},
	} {
		exp, err := verifySAS(tc.token, tc.audience, tc.keyName, tc.key, now)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err == nil && !exp.Equal(now.Add(time.Hour)) && tc.name != "expired" {
			t.Errorf("%s: expiry %v", tc.name, exp)
		}
	}
}

func TestAudiencePath(t *testing.T) {
	for in, want := range map[string]string{
		"amqp://localhost:5672/q1":                                  "q1",
		"amqp://localhost/q1/$management":                           "q1",
		"amqp://h/t1/Subscriptions/s1/$DeadLetterQueue/$management": "t1/Subscriptions/s1/$DeadLetterQueue",
		"amqp://h/t1/Subscriptions/s1/$Transfer/$DeadLetterQueue":   "t1/Subscriptions/s1/$Transfer/$DeadLetterQueue",
		"amqp://h/": "",
		"q2":        "q2",
	} {
		if got := audiencePath(in); got != want {
			t.Errorf("audiencePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptNextWait(t *testing.T) {
	props := &amqp.Map{}
	if got := acceptNextWait(props); got != defaultAcceptNextWait {
		t.Errorf("no property: %v", got)
	}
	props.Set(amqp.Symbol(propTimeout), uint32(1500))
	if got := acceptNextWait(props); got != 1500*time.Millisecond {
		t.Errorf("uint 1500: %v", got)
	}
	props.Set(amqp.Symbol(propTimeout), "soon")
	if got := acceptNextWait(props); got != defaultAcceptNextWait {
		t.Errorf("wrong type: %v", got)
	}
}

func TestSessionFilter(t *testing.T) {
	key := amqp.Symbol(propSessionFilter)
	named := &amqp.Source{Filter: &amqp.Map{Pairs: []amqp.MapPair{{Key: key, Value: amqp.Described{Descriptor: uint64(0x137000000C), Value: "s1"}}}}}
	if d, ok, id := sessionFilter(named); !ok || id == nil || *id != "s1" || d != uint64(0x137000000C) {
		t.Errorf("named: %v %v %v", d, ok, id)
	}
	next := &amqp.Source{Filter: &amqp.Map{Pairs: []amqp.MapPair{{Key: key, Value: amqp.Described{Descriptor: uint64(1), Value: nil}}}}}
	if _, ok, id := sessionFilter(next); !ok || id != nil {
		t.Errorf("next: %v %v", ok, id)
	}
	if _, ok, _ := sessionFilter(&amqp.Source{}); ok {
		t.Error("no filter read as a session filter")
	}
}

func TestDotNetTicks(t *testing.T) {
	// The wire contract's example: 2024-01-01T00:00:00Z.
	if got := dotNetTicks(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)); got != 638396640000000000 {
		t.Fatalf("ticks = %d", got)
	}
}

func TestDeadLetterInfo(t *testing.T) {
	info := &amqp.Map{Pairs: []amqp.MapPair{
		{Key: "DeadLetterReason", Value: "r"},
		{Key: "DeadLetterErrorDescription", Value: "d"},
		{Key: "extra", Value: int64(1)},
		{Key: int32(5), Value: "ignored"},
	}}
	reason, desc, props := deadLetterInfo(&amqp.Error{Condition: amqp.ErrDeadLetter, Info: info})
	if reason != "r" || desc != "d" || len(props) != 1 || props["extra"] != int64(1) {
		t.Fatalf("got %q %q %v", reason, desc, props)
	}
	if r, d, p := deadLetterInfo(nil); r != "" || d != "" || p != nil {
		t.Fatal("nil error gave values")
	}
}

// toBrokerMessage drops broker-owned annotations, lifts partition key and
// schedule, refuses the nulls the SDK cannot read back, and keeps the rest.
func TestToBrokerMessageAnnotations(t *testing.T) {
	when := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ttl := uint32(1500)
	m := &amqp.Message{
		Header: &amqp.Header{TTL: &ttl, Durable: true},
		MessageAnnotations: &amqp.Map{Pairs: []amqp.MapPair{
			{Key: amqp.Symbol("x-opt-sequence-number"), Value: nil},
			{Key: amqp.Symbol("x-opt-partition-key"), Value: "pk"},
			{Key: amqp.Symbol("x-opt-scheduled-enqueue-time"), Value: when},
			{Key: amqp.Symbol("custom"), Value: int32(3)},
		}},
		DeliveryAnnotations: &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol("x-opt-lock-token"), Value: amqp.UUID{1}}}},
		Body:                []byte{0x00, 0x53, 0x75, 0xa0, 0x01, 'x'},
		Footer:              []byte{0xff},
	}
	bm, err := toBrokerMessage(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	if bm.TTL != 1500*time.Millisecond || !bm.Durable || *bm.PartitionKey != "pk" || !bm.ScheduledEnqueueTime.Equal(when) {
		t.Fatalf("fields: %+v", bm)
	}
	ann := bm.Annotations.(*amqp.Map)
	if ann.Len() != 1 || ann.Pairs[0].Key != amqp.Symbol("custom") {
		t.Fatalf("annotations kept: %+v", ann.Pairs)
	}
	if bm.DeliveryAnnotations != nil {
		t.Fatalf("the sender's lock token was kept: %+v", bm.DeliveryAnnotations)
	}
	if !bytes.Equal(bm.Body, []byte{0x00, 0x53, 0x75, 0xa0, 0x01, 'x', 0xff}) {
		t.Fatalf("body % x", bm.Body)
	}
	for _, key := range []string{"x-opt-scheduled-enqueue-time", "x-opt-message-state", "x-opt-enqueue-sequence-number"} {
		bad := &amqp.Message{MessageAnnotations: &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol(key), Value: nil}}}}
		if _, err := toBrokerMessage(bad, 0); !errors.Is(err, errInvalidMessage) {
			t.Errorf("null %s: err = %v", key, err)
		}
	}
}

// toAMQPMessage stamps the broker fields §10.4 asks for.
func TestToAMQPMessageStamps(t *testing.T) {
	id := "s"
	enq := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	bm := &broker.Message{
		SessionID:             &id,
		SequenceNumber:        42,
		EnqueuedTime:          enq,
		DeliveryCount:         2,
		State:                 broker.StateDeferred,
		ApplicationProperties: map[string]any{"b": 1, "a": "x"},
		Annotations:           &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol("custom"), Value: "v"}}},
	}
	lock := &lockInfo{token: [16]byte{9}, lockedUntil: enq.Add(time.Minute)}
	m := toAMQPMessage(bm, lock)
	if m.Header == nil || m.Header.DeliveryCount != 2 || m.Properties == nil || *m.Properties.GroupID != "s" {
		t.Fatalf("header/properties: %+v %+v", m.Header, m.Properties)
	}
	for key, want := range map[string]any{
		"x-opt-sequence-number": int64(42), "x-opt-enqueued-time": enq, "x-opt-locked-until": enq.Add(time.Minute),
		"x-opt-message-state": int32(1), "custom": "v",
	} {
		if got, _ := m.MessageAnnotations.Get(amqp.Symbol(key)); got != want {
			t.Errorf("%s = %#v, want %#v", key, got, want)
		}
	}
	if got, _ := m.DeliveryAnnotations.Get(amqp.Symbol("x-opt-lock-token")); got != amqp.UUID(lock.token) {
		t.Errorf("lock token annotation %v", got)
	}
	if m.ApplicationProperties.Pairs[0].Key != "a" {
		t.Errorf("properties not sorted: %+v", m.ApplicationProperties.Pairs)
	}
	if bm.Annotations.(*amqp.Map).Len() != 1 {
		t.Error("the stored annotations were modified")
	}
	peek := toAMQPMessage(&broker.Message{SequenceNumber: 1}, nil)
	if _, ok := peek.MessageAnnotations.Get(amqp.Symbol("x-opt-locked-until")); ok || peek.DeliveryAnnotations != nil {
		t.Error("a peeked message carries lock fields")
	}
	if _, ok := peek.MessageAnnotations.Get(amqp.Symbol("x-opt-message-state")); ok {
		t.Error("an active message carries x-opt-message-state")
	}
}

func TestFaultQueue(t *testing.T) {
	f := &Faults{}
	f.FailNext(OpSend, 2, FaultTimeout)
	if f.Pending(OpSend) != 2 || f.Pending(OpCBS) != 0 {
		t.Fatal("pending counts wrong")
	}
	for range 2 {
		k, ok := f.take(OpSend)
		if !ok || k.condition() != amqp.ErrTimeout || k.status() != 408 {
			t.Fatalf("take = %v %v", k, ok)
		}
	}
	if _, ok := f.take(OpSend); ok {
		t.Fatal("a third fault was taken")
	}
	if FaultServerBusy.status() != 503 || FaultServerBusy.condition() != amqp.ErrServerBusy {
		t.Fatal("server-busy mapping")
	}
	f.DropAfterFrames(2)
	if !f.onFrame(nil, true) || f.onFrame(nil, false) || !f.onFrame(nil, true) {
		t.Fatal("DropAfterFrames(2) should drop on exactly the second frame")
	}
}
