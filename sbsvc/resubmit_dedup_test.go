package sbsvc

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// The data loss of issue 3: a copy that keeps its id is dropped by a queue
// whose duplicate detection still remembers the id from the original send,
// and the original was completed all the same. Now the copies of recent
// messages get new ids, arrive, and the audit names the ids they were sent
// with.
func TestResubmitRecentMessageToDeduplicatingQueueArrives(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(3)...)
	ns := connectEmulator(t, em, nil)
	audit := auditPath(t)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{AuditPath: audit})
	if err != nil {
		t.Fatalf("Resubmit: %v", err)
	}
	if a, d := counts(t, em, q); a != 3 || d != 0 {
		t.Fatalf("active %d, DLQ %d: want the 3 copies active and the originals completed", a, d)
	}
	if len(res.Moved) != 3 || res.Renamed != 3 || res.MayBeDropped != 0 || len(res.Notes) != 0 || len(res.FanOut) != 0 {
		t.Fatalf("result: %+v", res)
	}
	sentAs := map[string]string{} // new id → original id
	for _, it := range res.Moved {
		if !it.Renamed || it.NewMessageID == "" || it.NewMessageID == it.MessageID || !strings.HasPrefix(it.MessageID, "m-") {
			t.Errorf("moved item %+v", it)
		}
		sentAs[it.NewMessageID] = it.MessageID
	}
	for _, m := range peekEvery(t, ns, EntityRef{Queue: q}) {
		orig, ok := sentAs[m.MessageID]
		if !ok || string(m.Body) != `{"n":`+strings.TrimPrefix(orig, "m-")+`}` || m.CorrelationID != "c-"+strings.TrimPrefix(orig, "m-") {
			t.Errorf("copy %s (body %s) is not one the result reports", m.MessageID, m.Body)
		}
	}
	lines := readResubmitAudit(t, audit)
	if len(lines) != 3 {
		t.Fatalf("audit has %d lines, want 3", len(lines))
	}
	for _, l := range lines {
		if sentAs[l.SentMessageID] != l.MessageID {
			t.Errorf("audit line %+v does not record the id sent", l)
		}
	}
}

// A message enqueued longer ago than the window keeps its id, so that a
// repeated resubmit would still be dropped; a second message with the same
// id in one run is renamed, or the target would drop it as a duplicate of
// the first. The emulator's clock runs half an hour behind while the
// messages are sent, and is then set right.
func TestResubmitOldMessageKeepsItsID(t *testing.T) {
	var behind atomic.Int64
	behind.Store(int64(30 * time.Minute))
	em := startEmulator(t, emulator.Config{Now: func() time.Time { return time.Now().Add(-time.Duration(behind.Load())) }})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 10 * time.Minute})
	c := sdkClient(t, em)
	msg := func(body string) *azservicebus.Message {
		return &azservicebus.Message{MessageID: to("m-0"), Body: []byte(body)}
	}
	deadLetterSDK(t, c, q, func(int) string { return "old" }, msg("first"))
	behind.Store(int64(20 * time.Minute)) // past the window: the broker takes the same id again
	deadLetterSDK(t, c, q, func(int) string { return "old" }, msg("second"))
	behind.Store(0)

	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 2 {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	first, second := res.Moved[0], res.Moved[1]
	if first.Renamed || first.NewMessageID != "" || !second.Renamed || second.NewMessageID == "" || res.Renamed != 1 {
		t.Fatalf("first %+v, second %+v, renamed %d", first, second, res.Renamed)
	}
	got := map[string]string{}
	for _, m := range peekEvery(t, ns, EntityRef{Queue: q}) {
		got[string(m.Body)] = m.MessageID
	}
	if len(got) != 2 || got["first"] != "m-0" || got["second"] != second.NewMessageID {
		t.Fatalf("the queue holds %v", got)
	}
}

// Recent is judged by the service's clock, which stamped the enqueued time
// and runs the window: here it is 30 days behind this machine's, so by the
// local clock the message looks a month old and would keep its id.
func TestResubmitJudgesRecentByTheServiceClock(t *testing.T) {
	em := startEmulator(t, emulator.Config{Now: func() time.Time { return time.Now().Add(-30 * 24 * time.Hour) }})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(1)...)
	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 || !res.Moved[0].Renamed {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if a, d := counts(t, em, q); a != 1 || d != 0 {
		t.Fatalf("active %d, DLQ %d: the copy was dropped", a, d)
	}
}

// A topic with duplicate detection is the target of a subscription's dead
// letters: the copy gets a new id and reaches the subscription again, and
// the fan-out names the subscriptions.
func TestResubmitToDeduplicatingTopic(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	if _, err := em.Broker.CreateTopic("events", broker.Properties{RequiresDuplicateDetection: true}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"all", "audit"} {
		if _, err := em.Broker.CreateSubscription("events", s, broker.Properties{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := sdkClient(t, em)
	sendSDK(t, c, "events", testMessages(1)...)
	r, err := c.NewReceiverForSubscription("events", "all", nil)
	if err != nil {
		t.Fatal(err)
	}
	deadLetterAll(t, r, 1, func(int) string { return "poison" })
	r.Close(context.Background())

	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Topic: "events", Subscription: "all", SubQueue: DeadLetter},
		ResubmitOptions{AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 || !res.Moved[0].Renamed || res.Moved[0].Target != "events" {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if a, d := counts(t, em, "events/Subscriptions/all"); a != 1 || d != 0 {
		t.Fatalf("subscription all: active %d, DLQ %d; want the copy active", a, d)
	}
	if a, _ := counts(t, em, "events/Subscriptions/audit"); a != 2 {
		t.Errorf("subscription audit holds %d, want the original and the copy", a)
	}
	if len(res.FanOut) != 1 || strings.Join(res.FanOut[0].Reaches, ",") != "all,audit" || res.FanOut[0].Note != "" {
		t.Errorf("fan-out %+v", res.FanOut)
	}
}

// A typed target that saw the same ids (the application sent them to both
// queues) is looked up as well: the copies are renamed and arrive, and a
// queue target has no fan-out entry.
func TestResubmitTypedTargetWithDuplicateDetection(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	src := newQueue(t, em, broker.Properties{})
	dst := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true})
	c := sdkClient(t, em)
	sendSDK(t, c, dst, testMessages(2)...)
	deadLetterSDK(t, c, src, func(int) string { return "poison" }, testMessages(2)...)
	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: src, SubQueue: DeadLetter},
		ResubmitOptions{Target: dst, AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 2 || res.Renamed != 2 || len(res.FanOut) != 0 {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if a, _ := counts(t, em, dst); a != 4 {
		t.Fatalf("target holds %d, want its 2 messages and the 2 copies", a)
	}
	if a, d := counts(t, em, src); a != 0 || d != 0 {
		t.Fatalf("source: active %d, DLQ %d", a, d)
	}
}

// KeepIDsEvenIfDuplicate does what it says: the service drops the copy, the
// original is completed, and the result says the copy may be dropped.
func TestResubmitForcedKeptIDIsReportedAsMayBeDropped(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{RequiresDuplicateDetection: true})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(1)...)
	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter},
		ResubmitOptions{KeepIDsEvenIfDuplicate: true, AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if a, d := counts(t, em, q); a != 0 || d != 0 {
		t.Fatalf("active %d, DLQ %d: the emulator did not drop the copy, so this test shows nothing", a, d)
	}
	it := res.Moved[0]
	if !it.MayBeDropped || it.Renamed || it.NewMessageID != "" || res.MayBeDropped != 1 || res.Renamed != 0 {
		t.Fatalf("the drop is not reported: item %+v, result %+v", it, res)
	}
}

// NewMessageID renames every copy by request: not counted as a rename made
// to escape duplicate detection, but the new ids are reported.
func TestResubmitNewMessageIDOption(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(2)...)
	ns := connectEmulator(t, em, nil)
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter},
		ResubmitOptions{NewMessageID: true, AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 2 || res.Renamed != 0 {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	ids := map[string]bool{}
	for _, m := range peekEvery(t, ns, EntityRef{Queue: q}) {
		ids[m.MessageID] = true
	}
	for _, it := range res.Moved {
		if it.Renamed || it.NewMessageID == "" || !ids[it.NewMessageID] {
			t.Errorf("item %+v; the queue holds %v", it, ids)
		}
	}
}

// Without Manage rights the settings cannot be read: the target is assumed
// to de-duplicate over 7 days, the copy is renamed, and a note says so. The
// source queue is known to be a queue, so there is no fan-out entry.
func TestResubmitWithoutManageRightsAssumesDuplicateDetection(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(1)...)
	src := emulatorSource(em)
	src.ConnectionString += "EntityPath=" + q + ";"
	refuse := &refusingTransport{}
	ns, err := ConnectWithOptions(ctxT(t, 10*time.Second), src, ConnectOptions{Retry: fastRetry, adminTransport: refuse})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close(context.Background())
	calls := refuse.calls.Load()
	res, err := ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 || !res.Moved[0].Renamed {
		t.Fatalf("Resubmit: %v %+v", err, res)
	}
	if refuse.calls.Load() == calls {
		t.Fatal("the settings were never asked for")
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "7 days") || !strings.Contains(res.Notes[0], "Manage") || len(res.FanOut) != 0 {
		t.Fatalf("notes %q, fan-out %+v", res.Notes, res.FanOut)
	}
	if a, d := counts(t, em, q); a != 1 || d != 0 {
		t.Fatalf("active %d, DLQ %d", a, d)
	}

	// A typed target may be a queue or a topic: the fan-out says it may
	// be a topic, rather than claiming it is one.
	other := newQueue(t, em, broker.Properties{})
	deadLetterSDK(t, c, q, func(int) string { return "poison" }, testMessages(1)...)
	res, err = ns.Resubmit(ctxT(t, 30*time.Second), EntityRef{Queue: q, SubQueue: DeadLetter}, ResubmitOptions{Target: other, AuditPath: auditPath(t)})
	if err != nil || len(res.Moved) != 1 || !res.Moved[0].Renamed || len(res.Notes) != 1 {
		t.Fatalf("Resubmit to a typed target: %v %+v", err, res)
	}
	if len(res.FanOut) != 1 || !res.FanOut[0].KindUnknown || !strings.HasPrefix(res.FanOut[0].String(), other+" may be a topic") {
		t.Fatalf("fan-out %+v", res.FanOut)
	}
	if a, _ := counts(t, em, other); a != 1 {
		t.Fatalf("typed target holds %d", a)
	}
}

// resubmitAuditLine is a resubmit's audit line as a reader decodes it.
type resubmitAuditLine struct {
	AuditEntry
	SentMessageID string `json:"sentMessageId"`
}

// readResubmitAudit reads every line of a resubmit audit file.
func readResubmitAudit(t testing.TB, path string) []resubmitAuditLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []resubmitAuditLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e resubmitAuditLine
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}
