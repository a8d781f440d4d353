package sbsvc

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// TestExportPurgeImportRoundTrip exports a queue, purges it, imports the
// file and checks the same messages are back: bodies of every kind,
// properties with their types, ids, content types.
func TestExportPurgeImportRoundTrip(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	c := sdkClient(t, em)
	msgs := testMessages(20)
	msgs[0].ApplicationProperties = map[string]any{"i32": int32(-7), "f": 2.5, "ok": true,
		"at": time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), "raw": []byte{0, 1, 0xff}, "u": uint16(9)}
	msgs[1].Body = []byte{0xff, 0xfe, 0x00} // not text
	msgs[2].PartitionKey = to("pk")
	sendSDK(t, c, q, msgs...)
	s, err := c.NewSender(q, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, am := range []*azservicebus.AMQPAnnotatedMessage{
		{Body: azservicebus.AMQPAnnotatedMessageBody{Value: map[string]any{"k": []any{int64(1), "two"}}},
			Properties: &azservicebus.AMQPAnnotatedMessageProperties{MessageID: "value"}},
		{Body: azservicebus.AMQPAnnotatedMessageBody{Sequence: [][]any{{"a", int64(1)}, {true}}},
			Properties: &azservicebus.AMQPAnnotatedMessageProperties{MessageID: "sequence"}},
	} {
		if err := s.SendAMQPAnnotatedMessage(ctxT(t, 10*time.Second), am, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close(ctxT(t, time.Second))

	ns := connectEmulator(t, em, nil)
	ref := EntityRef{Queue: q}
	before := peekEvery(t, ns, ref)
	if len(before) != 22 {
		t.Fatalf("queue holds %d", len(before))
	}
	path := filepath.Join(t.TempDir(), "export.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ns.Export(ctxT(t, 10*time.Second), ref, f, ExportOptions{})
	f.Close()
	if err != nil || n != 22 {
		t.Fatalf("Export: %d, %v", n, err)
	}
	if a, _ := counts(t, em, q); a != 22 {
		t.Fatalf("export changed the queue: %d active", a)
	}
	recs := exportLines(t, path)
	if recs[0].BodyText == nil || *recs[0].BodyText != `{"n":0}` || recs[1].BodyText != nil {
		t.Errorf("text form: %v / %v", recs[0].BodyText, recs[1].BodyText)
	}
	if res, err := ns.Purge(ctxT(t, 30*time.Second), ref, PurgeOptions{}); err != nil || res.Purged != 22 {
		t.Fatalf("Purge: %+v %v", res, err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	res, err := ns.Import(ctxT(t, 30*time.Second), q, in, ImportOptions{})
	if err != nil || res.Sent != 22 || len(res.Failed) != 0 {
		t.Fatalf("Import: %+v %v", res, err)
	}
	after := peekEvery(t, ns, ref)
	if len(after) != len(before) {
		t.Fatalf("after import %d messages, before %d", len(after), len(before))
	}
	for i, b := range before {
		a := after[i]
		if a.MessageID != b.MessageID || a.BodyKind != b.BodyKind || string(a.Body) != string(b.Body) ||
			!reflect.DeepEqual(a.BodyValue, b.BodyValue) || a.ContentType != b.ContentType ||
			a.CorrelationID != b.CorrelationID || a.Subject != b.Subject || a.To != b.To || a.ReplyTo != b.ReplyTo ||
			a.TimeToLive != b.TimeToLive || a.PartitionKey != b.PartitionKey {
			t.Errorf("message %d differs:\nbefore %+v\nafter  %+v", i, b, a)
		}
		if !reflect.DeepEqual(a.Properties, b.Properties) {
			t.Errorf("message %s properties: before %#v after %#v", b.MessageID, b.Properties, a.Properties)
		}
	}
}

func TestImportReportsBadLines(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	q := newQueue(t, em, broker.Properties{})
	ns := connectEmulator(t, em, nil)
	file := `{"messageId":"ok","bodyKind":"data","bodyText":"hello"}
not json
{"messageId":"badprop","bodyKind":"data","properties":{"x":{"type":"int8","value":"300"}}}
{"messageId":"badkind","bodyKind":"weird"}

{"messageId":"ok2","bodyKind":"value","bodyValue":{"type":"string","value":"v"}}
`
	res, err := ns.Import(ctxT(t, 10*time.Second), q, stringsReader(file), ImportOptions{})
	if err != nil || res.Sent != 2 || len(res.Failed) != 3 {
		t.Fatalf("Import: %+v %v", res, err)
	}
	for i, wantLine := range []int{2, 3, 4} {
		if res.Failed[i].Line != wantLine || res.Failed[i].Err == nil {
			t.Errorf("failure %d: %+v", i, res.Failed[i])
		}
	}
	got := peekEvery(t, ns, EntityRef{Queue: q})
	if len(got) != 2 || string(got[0].Body) != "hello" || got[1].BodyValue != "v" {
		t.Errorf("imported %+v", got)
	}
}
