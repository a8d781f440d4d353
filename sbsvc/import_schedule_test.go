package sbsvc

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Messages exported while scheduled come back scheduled for the same time;
// one whose time has passed is sent at once.
func TestImportSchedulesScheduledMessages(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	src := newQueue(t, em, broker.Properties{})
	dst := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	sendSDK(t, c, src, testMessages(2)...)
	s, err := c.NewSender(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctxT(t, time.Second))
	hour := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	later := map[string]time.Time{"h1": hour, "h2": hour, "h3": hour, "h4": hour.Add(time.Hour)}
	for id, at := range later {
		if _, err := s.ScheduleMessages(ctxT(t, 10*time.Second), []*azservicebus.Message{{MessageID: to(id), Body: []byte(id)}}, at, nil); err != nil {
			t.Fatal(err)
		}
	}

	ns := connectEmulator(t, em, nil)
	var file bytes.Buffer
	if n, err := ns.Export(ctxT(t, 10*time.Second), EntityRef{Queue: src}, &file, ExportOptions{}); err != nil || n != 6 {
		t.Fatalf("Export: %d %v", n, err)
	}
	// A hand-edited line: scheduled, but for a time that has passed.
	rec, err := parseRecord(bytes.SplitN(file.Bytes(), []byte("\n"), 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute)
	rec.MessageID, rec.State, rec.ScheduledEnqueueTime = "overdue", StateScheduled.String(), &past
	line, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	file.Write(append(line, '\n'))

	res, err := ns.Import(ctxT(t, 30*time.Second), dst, &file, ImportOptions{})
	if err != nil || res.Sent != 7 || res.Scheduled != 4 || len(res.Failed) != 0 {
		t.Fatalf("Import: %+v %v", res, err)
	}
	got := map[string]Message{}
	for _, m := range peekEvery(t, ns, EntityRef{Queue: dst}) {
		got[m.MessageID] = m
	}
	if len(got) != 7 {
		t.Fatalf("target holds %d messages: %v", len(got), got)
	}
	for id, at := range later {
		m := got[id]
		if m.State != StateScheduled || !m.ScheduledEnqueueAt.Equal(at) {
			t.Errorf("%s: state %v at %v, want scheduled at %v", id, m.State, m.ScheduledEnqueueAt, at)
		}
	}
	for _, id := range []string{"m-0", "m-1", "overdue"} {
		if m := got[id]; m.State != StateActive {
			t.Errorf("%s: state %v, want active", id, m.State)
		}
	}
}
