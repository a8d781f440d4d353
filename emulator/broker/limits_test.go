package broker

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"
)

func TestDuplicateDetection(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: time.Minute})
	mustCreateQueue(t, b, "plain", Properties{})
	withID := func(id, text string) *Message { return &Message{MessageID: id, Body: []byte(text)} }
	mustSend(t, b, "q", withID("a", "1"), withID("b", "2"), withID("a", "dup in batch"))
	mustSend(t, b, "q", withID("a", "dup later"))
	clk.Advance(time.Minute)
	mustSend(t, b, "q", withID("a", "after window"))
	if got := bodiesIn(t, b, "q"); !slices.Equal(got, []string{"1", "2", "after window"}) {
		t.Fatalf("got %v", got)
	}
	mustSend(t, b, "plain", withID("a", "1"), withID("a", "2"))
	if got := bodiesIn(t, b, "plain"); len(got) != 2 {
		t.Fatalf("without detection got %v", got)
	}
	// A refused batch leaves no history behind.
	mustCreateQueue(t, b, "tiny", Properties{RequiresDuplicateDetection: true, MaxMessageSizeInKilobytes: 1})
	err := b.Send("tiny", []*Message{withID("x", "ok"), withID("y", string(bytes.Repeat([]byte("z"), 2000)))})
	wantCondition(t, err, CondMessageSize)
	mustSend(t, b, "tiny", withID("x", "ok"))
	wantCounts(t, b, "tiny", 1, 0, 0, 0)
}

func TestBatchAtomicity(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{MaxMessageSizeInKilobytes: 1})
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	big := &Message{Body: bytes.Repeat([]byte("x"), 1025)}
	wantCondition(t, b.Send("q", []*Message{body("a"), big, body("c")}), CondMessageSize)
	wantCounts(t, b, "q", 0, 0, 0, 0)
	wantCondition(t, b.Send("sq", []*Message{sessionMsg("s", "a"), body("no session")}), CondNotAllowed)
	wantCounts(t, b, "sq", 0, 0, 0, 0)
	wantCondition(t, b.Send("q", []*Message{body("a"), nil}), CondInvalidArgument)
	wantCounts(t, b, "q", 0, 0, 0, 0)
	// The next good batch gets the first numbers: nothing was used up.
	mustSend(t, b, "q", body("a"), body("b"))
	if got := peekSeqs(t, b, "q", 1, 10); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("sequence numbers = %v", got)
	}
}

func TestStatusRefusals(t *testing.T) {
	cases := []struct {
		status      Status
		sendOK      bool
		receiveOK   bool
		description string
	}{
		{StatusActive, true, true, ""},
		{StatusDisabled, false, false, "disabled"},
		{StatusSendDisabled, false, true, "SendDisabled"},
		{StatusReceiveDisabled, true, false, "ReceiveDisabled"},
	}
	for _, c := range cases {
		t.Run(string(c.status), func(t *testing.T) {
			b, _ := newTestBroker(t)
			mustCreateQueue(t, b, "q", Properties{})
			mustSend(t, b, "q", body("before"))
			r := mustReceiver(t, b, "q", PeekLock)
			if _, err := b.UpdateQueue("q", Properties{Status: c.status}); err != nil {
				t.Fatal(err)
			}
			err := b.Send("q", []*Message{body("x")})
			if c.sendOK != (err == nil) {
				t.Fatalf("send error = %v, want ok=%v", err, c.sendOK)
			}
			if err != nil {
				wantCondition(t, err, CondEntityDisabled)
				if !bytes.Contains([]byte(err.Error()), []byte(c.description)) {
					t.Fatalf("description %q does not name %q", err, c.description)
				}
			}
			_, err = b.OpenReceiver(context.Background(), "q", PeekLock, nil)
			if c.receiveOK != (err == nil) {
				t.Fatalf("receiver error = %v, want ok=%v", err, c.receiveOK)
			}
			if err != nil {
				wantCondition(t, err, CondEntityDisabled)
			}
			// An open receiver stops at once, and resumes when enabled again.
			_, got := r.Next()
			if got != c.receiveOK {
				t.Fatalf("Next on an open receiver = %v, want %v", got, c.receiveOK)
			}
			if _, err := b.UpdateQueue("q", Properties{}); err != nil {
				t.Fatal(err)
			}
			if !got {
				mustNext(t, r)
			}
		})
	}
}

func TestMessageSizeLimit(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{}) // 256 KiB
	err := b.Send("q", []*Message{{Body: make([]byte, 1<<20)}})
	wantCondition(t, err, CondMessageSize)
	mustSend(t, b, "q", &Message{Body: make([]byte, 200<<10)})
	small := New(Options{Now: time.Now, MaxMessageSize: 1024})
	defer small.Close()
	mustCreateQueue(t, small, "q", Properties{})
	if info, _ := small.GetQueue("q"); info.Properties.MaxMessageSizeInKilobytes != 1 {
		t.Fatalf("MaxMessageSizeInKilobytes = %d, want 1 from Options", info.Properties.MaxMessageSizeInKilobytes)
	}
	wantCondition(t, small.Send("q", []*Message{{Body: make([]byte, 2000)}}), CondMessageSize)
}

func TestEntityQuota(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{MaxSizeInMegabytes: 1})
	chunk := func() *Message { return &Message{Body: make([]byte, 200<<10)} }
	for range 5 {
		mustSend(t, b, "q", chunk())
	}
	err := b.Send("q", []*Message{chunk()})
	wantCondition(t, err, CondResourceLimit)
	wantCounts(t, b, "q", 5, 0, 0, 0)
	// Dead-lettered messages still count; receiving makes room.
	r := mustReceiver(t, b, "q", ReceiveAndDelete)
	mustNext(t, r)
	mustSend(t, b, "q", chunk())
	// A topic's subscriptions share the topic's quota.
	if _, err := b.CreateTopic("t", Properties{MaxSizeInMegabytes: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateSubscription("t", "s", Properties{}, nil); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		mustSend(t, b, "t", chunk())
	}
	wantCondition(t, b.Send("t", []*Message{chunk()}), CondResourceLimit)
}

func TestCountsExact(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	m := func(text string) *Message { return &Message{Body: []byte(text), MessageID: "id"} }
	mustSend(t, b, "q", m("aaaa"), m("bbbb"), m("cccc"))
	one := m("aaaa").Size()
	steps := []struct {
		name                           string
		do                             func(r *Receiver)
		active, sched, dead, tdead, sz int64
	}{
		{"sent", func(*Receiver) {}, 3, 0, 0, 0, 3 * one},
		{"scheduled", func(*Receiver) {
			_, _ = b.Schedule("q", []*Message{{Body: []byte("ssss"), MessageID: "id", ScheduledEnqueueTime: clk.Now().Add(time.Hour)}})
		}, 3, 1, 0, 0, 4 * one},
		{"locked", func(r *Receiver) { mustNext(t, r) }, 3, 1, 0, 0, 4 * one},
		{"deferred", func(r *Receiver) { _ = b.Defer(mustNext(t, r).LockToken, nil) }, 3, 1, 0, 0, 4 * one},
		{"dead-lettered", func(r *Receiver) {
			_ = b.DeadLetter(mustNext(t, r).LockToken, "", "", nil)
		}, 2, 1, 1, 0, 4*one + int64(len(propDeadLetterReason)+len(propDeadLetterDescription))},
		{"cancelled", func(*Receiver) { _ = b.CancelScheduled("q", []int64{4}) }, 2, 0, 1, 0,
			3*one + int64(len(propDeadLetterReason)+len(propDeadLetterDescription))},
	}
	r := mustReceiver(t, b, "q", PeekLock)
	for _, s := range steps {
		s.do(r)
		c := mustCounts(t, b, "q")
		if c.Active != s.active || c.Scheduled != s.sched || c.DeadLetter != s.dead || c.TransferDeadLetter != s.tdead || c.SizeInBytes != s.sz {
			t.Fatalf("%s: counts %+v, want active %d scheduled %d dlq %d tdlq %d size %d", s.name, c,
				s.active, s.sched, s.dead, s.tdead, s.sz)
		}
	}
}
