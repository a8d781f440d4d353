package sbsvc

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestResubmitSelectedThenByReason(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(i int) string {
		if i < 5 {
			return "bad"
		}
		return "timeout"
	}, testMessages(10)...)
	ns := connectEmulator(t, em, nil)
	dlq := EntityRef{Queue: q, SubQueue: DeadLetter}
	before := peekEvery(t, ns, dlq)
	if len(before) != 10 {
		t.Fatalf("DLQ holds %d, want 10", len(before))
	}
	audit := auditPath(t)

	pick := []int64{before[1].SequenceNumber, before[3].SequenceNumber, before[4].SequenceNumber}
	var progress []ResubmitProgress
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), dlq, ResubmitOptions{SequenceNumbers: pick, AuditPath: audit,
		Progress: func(p ResubmitProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatalf("Resubmit: %v", err)
	}
	if len(res.Moved) != 3 || len(res.Failed) != 0 || len(res.PossibleDuplicates) != 0 || res.Selected != 3 {
		t.Fatalf("result %+v", res.Progress())
	}
	for i, it := range res.Moved {
		if it.SequenceNumber != pick[i] || it.Target != q {
			t.Errorf("moved[%d] = %+v, want seq %d to %s", i, it, pick[i], q)
		}
	}
	if len(progress) == 0 || progress[len(progress)-1].Moved != 3 {
		t.Errorf("progress %+v", progress)
	}
	if a, d := counts(t, em, q); a != 3 || d != 7 {
		t.Fatalf("after 3 moved: active %d dlq %d, want 3 and 7", a, d)
	}
	// The 7 left were received and abandoned, or never received: abandon
	// in a dead-letter queue does not count a delivery (as in Service Bus).
	for _, m := range peekEvery(t, ns, dlq) {
		if m.DeliveryCount != before[0].DeliveryCount {
			t.Errorf("DLQ message %d delivery count %d, was %d", m.SequenceNumber, m.DeliveryCount, before[0].DeliveryCount)
		}
	}

	res, err = ns.Resubmit(ctxT(t, 30*time.Second), dlq, ResubmitOptions{AuditPath: audit,
		Match: func(m Message) bool { return m.DeadLetterReason == "timeout" }})
	if err != nil || len(res.Moved) != 5 || res.Selected != 5 {
		t.Fatalf("by reason: %v %+v", err, res.Progress())
	}
	if a, d := counts(t, em, q); a != 8 || d != 2 {
		t.Fatalf("after 8 moved: active %d dlq %d, want 8 and 2", a, d)
	}
	for _, m := range peekEvery(t, ns, dlq) {
		if m.DeadLetterReason != "bad" || (m.MessageID != "m-0" && m.MessageID != "m-2") {
			t.Errorf("left in the DLQ: %s (%s), want m-0 and m-2", m.MessageID, m.DeadLetterReason)
		}
	}

	// The copies carry everything the sender set, and no dead-letter reason.
	want := map[string]*azservicebus.Message{}
	for _, m := range testMessages(10) {
		want[*m.MessageID] = m
	}
	active := peekEvery(t, ns, EntityRef{Queue: q})
	if len(active) != 8 {
		t.Fatalf("active holds %d", len(active))
	}
	for _, m := range active {
		w := want[m.MessageID]
		if w == nil {
			t.Fatalf("unexpected copy %q", m.MessageID)
		}
		if string(m.Body) != string(w.Body) || m.ContentType != *w.ContentType || m.CorrelationID != *w.CorrelationID ||
			m.Subject != *w.Subject || m.ReplyTo != *w.ReplyTo || m.To != *w.To || m.TimeToLive != time.Hour {
			t.Errorf("copy %s differs: %+v", m.MessageID, m)
		}
		if m.Properties["n"] != w.ApplicationProperties["n"] || m.Properties["kind"] != "test" {
			t.Errorf("copy %s properties %v", m.MessageID, m.Properties)
		}
		if _, ok := m.Properties["DeadLetterReason"]; ok || m.IsDeadLettered() {
			t.Errorf("copy %s still carries dead-letter details: %v", m.MessageID, m.Properties)
		}
	}

	// One audit line per moved message.
	f, err := os.Open(audit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if e.Namespace != "emu" || e.Source != dlq.Path() || e.Target != q || e.SequenceNumber == 0 ||
			!strings.HasPrefix(e.MessageID, "m-") || e.Time.IsZero() {
			t.Errorf("audit entry %+v", e)
		}
		lines++
	}
	if lines != 8 {
		t.Errorf("audit has %d lines, want 8", lines)
	}
}

func TestResubmitKeepsValueBodyAndOptions(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	other := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), &azservicebus.AMQPAnnotatedMessage{
		Body:       azservicebus.AMQPAnnotatedMessageBody{Value: map[string]any{"a": int64(1)}},
		Properties: &azservicebus.AMQPAnnotatedMessageProperties{MessageID: "m-0"},
	}, nil)
	s.Close(ctxT(t, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := c.NewReceiverForQueue(q, nil)
	deadLetterAll(t, r, 1, func(int) string { return "poison" })
	r.Close(ctxT(t, time.Second))

	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{
		Target: other, NewMessageID: true, KeepDeadLetterInfo: true, AuditPath: auditPath(t),
		Edit: func(m Message, e *Edit) error { e.Properties["edited"] = m.DeadLetterReason; return nil },
	})
	if err != nil || len(res.Moved) != 1 || res.Moved[0].Target != other {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	got := peekEvery(t, ns, EntityRef{Queue: other})
	if len(got) != 1 {
		t.Fatalf("target holds %d", len(got))
	}
	m := got[0]
	if m.BodyKind != BodyValue || m.MessageID == "m-0" || m.MessageID == "" {
		t.Errorf("copy: kind %v id %q", m.BodyKind, m.MessageID)
	}
	if v, ok := m.BodyValue.(map[string]any); !ok || v["a"] != int64(1) {
		t.Errorf("value body %#v", m.BodyValue)
	}
	if m.Properties["edited"] != "poison" || m.Properties["DeadLetterReason"] != "poison" {
		t.Errorf("properties %v", m.Properties)
	}
}

func TestResubmitSubscriptionFansOutToTopic(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	topic := "events"
	if _, err := em.Broker.CreateTopic(topic, broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	corr := func(color string) *broker.Rule {
		return &broker.Rule{Name: "color", Filter: broker.Filter{Kind: broker.FilterCorrelation,
			Correlation: &broker.CorrelationFilter{Properties: map[string]any{"color": color}}}}
	}
	subs := map[string]*broker.Rule{
		"all": nil, "red": corr("red"), "blue": corr("blue"),
		"sql": {Name: "s", Filter: broker.Filter{Kind: broker.FilterSQL, SQLExpression: "color = 'red'"}},
	}
	for name, rule := range subs {
		if _, err := em.Broker.CreateSubscription(topic, name, broker.Properties{}, rule); err != nil {
			t.Fatal(err)
		}
	}
	c := sdkClient(t, em)
	sendSDK(t, c, topic, &azservicebus.Message{MessageID: to("m-0"), Body: []byte("x"),
		ApplicationProperties: map[string]any{"color": "red"}})
	r, err := c.NewReceiverForSubscription(topic, "red", nil)
	if err != nil {
		t.Fatal(err)
	}
	deadLetterAll(t, r, 1, func(int) string { return "poison" })
	r.Close(ctxT(t, time.Second))

	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Topic: topic, Subscription: "red", SubQueue: DeadLetter},
		ResubmitOptions{AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 || res.Moved[0].Target != topic {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if len(res.FanOut) != 1 {
		t.Fatalf("fan-out %+v", res.FanOut)
	}
	fo := res.FanOut[0]
	// The SQL filter is evaluated too: sbx names sql as reached, like the broker.
	if fo.Topic != topic || strings.Join(fo.Reaches, ",") != "all,red,sql" || len(fo.MayReach) != 0 {
		t.Errorf("fan-out %+v", fo)
	}
	// What the broker did agrees: red, all and sql got the copy, blue not.
	for name, want := range map[string]int64{"all": 2, "red": 1, "blue": 0, "sql": 2} {
		a, _ := counts(t, em, topic+"/Subscriptions/"+name)
		if a != want {
			t.Errorf("subscription %s holds %d, want %d", name, a, want)
		}
	}
}

// Copies sent to a queue do not fan out, and the result says nothing of
// fan-out for it; copies sent to a typed topic target name the
// subscriptions they reach. Asking GetTopic alone took a queue for a topic:
// the service answers a GET of any entity's name, and the SDK decodes a
// queue's entry as a topic with empty properties, without an error.
func TestResubmitFanOutOnlyForTopics(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	if _, err := em.Broker.CreateTopic("news", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"a", "b"} {
		if _, err := em.Broker.CreateSubscription("news", s, broker.Properties{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(4)...)
	ns := connectEmulator(t, em, nil)

	resp, err := ns.admin.GetTopic(ctxT(t, 10*time.Second), q, nil)
	if err != nil || resp == nil || isTopicEntry(resp.TopicProperties) {
		t.Fatalf("GetTopic of a queue's name: %v, %+v; the reason for the kind check has changed", err, resp)
	}

	dlq := EntityRef{Queue: q, SubQueue: DeadLetter}
	dead := peekEvery(t, ns, dlq)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), dlq, ResubmitOptions{AuditPath: auditPath(t),
		SequenceNumbers: []int64{dead[0].SequenceNumber, dead[1].SequenceNumber}})
	if err != nil || len(res.Moved) != 2 {
		t.Fatalf("Resubmit to the queue: %v %+v", err, res)
	}
	if len(res.FanOut) != 0 {
		t.Errorf("a queue target has fan-out %+v", res.FanOut)
	}
	res, err = ns.Resubmit(ctxT(t, 30*time.Second), dlq, ResubmitOptions{AuditPath: auditPath(t), Target: "news"})
	if err != nil || len(res.Moved) != 2 {
		t.Fatalf("Resubmit to the topic: %v %+v", err, res)
	}
	if len(res.FanOut) != 1 || res.FanOut[0].Topic != "news" || strings.Join(res.FanOut[0].Reaches, ",") != "a,b" ||
		res.FanOut[0].Note != "" || res.FanOut[0].KindUnknown {
		t.Errorf("topic fan-out %+v", res.FanOut)
	}
	for _, s := range []string{"a", "b"} {
		if a, _ := counts(t, em, "news/Subscriptions/"+s); a != 2 {
			t.Errorf("subscription %s holds %d, want 2", s, a)
		}
	}
}
