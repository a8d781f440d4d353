package broker

import (
	"slices"
	"testing"
	"time"
)

func TestScheduledMessages(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	r := mustReceiver(t, b, "q", PeekLock)
	at := clk.Now().Add(time.Minute)
	// A plain send with a future ScheduledEnqueueTime is scheduled too.
	mustSend(t, b, "q", &Message{Body: []byte("sent"), ScheduledEnqueueTime: at})
	seqs, err := b.Schedule("q", []*Message{
		{Body: []byte("s1"), ScheduledEnqueueTime: at},
		{Body: []byte("s2"), ScheduledEnqueueTime: at.Add(time.Minute)},
	})
	if err != nil || !slices.Equal(seqs, []int64{2, 3}) {
		t.Fatalf("Schedule = %v, %v; want [2 3]", seqs, err)
	}
	wantCounts(t, b, "q", 0, 3, 0, 0)
	expectEmpty(t, r)
	msgs, _ := b.Peek("q", 1, 10, nil)
	for _, m := range msgs {
		if m.State != StateScheduled {
			t.Fatalf("peeked scheduled message %d has state %d", m.SequenceNumber, m.State)
		}
	}
	if err := b.CancelScheduled("q", []int64{2, 42}); err != nil {
		t.Fatal(err)
	}
	if got := peekSeqs(t, b, "q", 2, 1); !slices.Equal(got, []int64{3}) {
		t.Fatalf("peek at a cancelled number = %v, want [3]", got)
	}
	wantCounts(t, b, "q", 0, 2, 0, 0)

	ready := r.Ready()
	clk.Advance(time.Minute - time.Millisecond)
	b.Tick()
	expectEmpty(t, r)
	clk.Advance(time.Millisecond)
	b.Tick()
	select {
	case <-ready:
	default:
		t.Fatal("Ready did not fire when a scheduled message became due")
	}
	d := mustNext(t, r)
	if string(d.Message.Body) != "sent" || d.Message.State != StateActive || !d.Message.EnqueuedTime.Equal(at) {
		t.Fatalf("due message = %q state %d enqueued %v", d.Message.Body, d.Message.State, d.Message.EnqueuedTime)
	}
	wantCounts(t, b, "q", 1, 1, 0, 0)
	expectEmpty(t, r)
	if err := b.Complete(d.LockToken); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	b.Tick()
	if d := mustNext(t, r); string(d.Message.Body) != "s2" || d.Message.SequenceNumber != 3 {
		t.Fatalf("second due message = %q seq %d", d.Message.Body, d.Message.SequenceNumber)
	}
	wantCounts(t, b, "q", 1, 0, 0, 0)
}

func TestScheduleDueNowIsActiveAtOnce(t *testing.T) {
	b, clk := newTestBroker(t)
	mustCreateQueue(t, b, "q", Properties{})
	seqs, err := b.Schedule("q", []*Message{{Body: []byte("now"), ScheduledEnqueueTime: clk.Now()}})
	if err != nil || len(seqs) != 1 {
		t.Fatal(seqs, err)
	}
	r := mustReceiver(t, b, "q", PeekLock)
	if d := mustNext(t, r); d.Message.SequenceNumber != seqs[0] {
		t.Fatalf("got seq %d want %d", d.Message.SequenceNumber, seqs[0])
	}
}

func TestBackgroundTimerActivatesScheduled(t *testing.T) {
	b := New(Options{TickInterval: 5 * time.Millisecond})
	defer b.Close()
	mustCreateQueue(t, b, "q", Properties{})
	r := mustReceiver(t, b, "q", PeekLock)
	if _, err := b.Schedule("q", []*Message{{Body: []byte("x"), ScheduledEnqueueTime: time.Now().Add(20 * time.Millisecond)}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		ready := r.Ready()
		if d, ok := r.Next(); ok {
			if string(d.Message.Body) != "x" {
				t.Fatalf("got %q", d.Message.Body)
			}
			return
		}
		select {
		case <-ready:
		case <-deadline:
			t.Fatal("scheduled message never became deliverable")
		}
	}
}
