package broker

import (
	"testing"
)

// encoded returns a message carrying stand-in encodings of both property
// sections, as the AMQP layer stores them.
func encoded(id string) *Message {
	return &Message{
		Body:                         []byte("b"),
		MessageID:                    id,
		ApplicationProperties:        map[string]any{"k": "v"},
		EncodedProperties:            []byte("props"),
		EncodedApplicationProperties: []byte("app"),
	}
}

// The broker drops a stored encoding exactly when it changes the fields
// that encoding carries, and keeps it otherwise.
func TestEncodedSectionsDroppedOnChange(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	mustSend(t, b, "q", encoded("kept"), &Message{Body: []byte("no id"), EncodedProperties: []byte("props")})
	got, err := b.Peek("q", 1, 10, nil)
	if err != nil || len(got) != 2 {
		t.Fatalf("peek: %v %v", got, err)
	}
	if string(got[0].EncodedProperties) != "props" || string(got[0].EncodedApplicationProperties) != "app" {
		t.Fatalf("an unchanged message lost its encodings: %+v", got[0])
	}
	if got[1].EncodedProperties != nil || got[1].MessageID == nil {
		t.Fatalf("an assigned message id kept the stale properties encoding: %+v", got[1])
	}

	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if err := b.Abandon(d.LockToken, map[string]any{"extra": 1}); err != nil {
		t.Fatal(err)
	}
	d = mustNext(t, r)
	if d.Message.EncodedApplicationProperties != nil || d.Message.ApplicationProperties["extra"] != 1 {
		t.Fatalf("abandon with properties kept the stale encoding: %+v", d.Message)
	}
	if string(d.Message.EncodedProperties) != "props" {
		t.Fatal("abandon dropped the untouched properties encoding")
	}
	if err := b.DeadLetter(d.LockToken, "why", "because", nil); err != nil {
		t.Fatal(err)
	}
	dl, _ := b.Peek("q/$DeadLetterQueue", 1, 1, nil)
	if len(dl) != 1 || dl[0].EncodedApplicationProperties != nil {
		t.Fatalf("dead-lettered message kept the stale encoding: %+v", dl)
	}
}

// A rule action drops the encoding of what it changes, on its
// subscription's copy only.
func TestEncodedSectionsRuleAction(t *testing.T) {
	b, _ := newTestBroker(t)
	mustTopic(t, b, "t", map[string]*Rule{
		"sys":  {Name: "sys", Filter: Filter{Kind: FilterSQL, SQLExpression: "1=1"}, Action: "SET sys.Label = 'x'"},
		"user": {Name: "user", Filter: Filter{Kind: FilterSQL, SQLExpression: "1=1"}, Action: "SET k = 'w'"},
		"none": {Name: "none", Filter: Filter{Kind: FilterSQL, SQLExpression: "1=1"}},
	})
	mustSend(t, b, "t", encoded("id"))
	peek := func(sub string) *Message {
		t.Helper()
		got, err := b.Peek("t/Subscriptions/"+sub, 1, 1, nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("peek %s: %v %v", sub, got, err)
		}
		return got[0]
	}
	if m := peek("sys"); m.EncodedProperties != nil || m.EncodedApplicationProperties == nil {
		t.Fatalf("sys action: %+v", m)
	}
	if m := peek("user"); m.EncodedProperties == nil || m.EncodedApplicationProperties != nil {
		t.Fatalf("user action: %+v", m)
	}
	if m := peek("none"); m.EncodedProperties == nil || m.EncodedApplicationProperties == nil {
		t.Fatalf("no action: %+v", m)
	}
}

// SendOwned stores the caller's structs; Send stores copies.
func TestSendOwnedKeepsStructs(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	owned, copied := body("owned"), body("copied")
	if err := b.SendOwned("q", []*Message{owned}); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "q", copied)
	if owned.SequenceNumber != 1 {
		t.Fatalf("owned message not stamped in place: seq %d", owned.SequenceNumber)
	}
	if copied.SequenceNumber != 0 {
		t.Fatalf("Send stamped the caller's struct: seq %d", copied.SequenceNumber)
	}
	got, _ := b.Peek("q", 1, 10, nil)
	if len(got) != 2 || string(got[0].Body) != "owned" || string(got[1].Body) != "copied" {
		t.Fatalf("stored %v", got)
	}
}
