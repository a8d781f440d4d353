package broker

import (
	"slices"
	"testing"
)

func TestForwardTo(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "dest", Properties{})
	mustCreateQueue(t, b, "src", Properties{ForwardTo: "DEST"})
	mustTopic(t, b, "t", nil)
	if _, err := b.CreateSubscription("t", "fwd", Properties{ForwardTo: "dest"}, nil); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "src", body("via queue"))
	mustSend(t, b, "t", body("via subscription"))
	wantCounts(t, b, "src", 0, 0, 0, 0)
	wantCounts(t, b, "t/Subscriptions/fwd", 0, 0, 0, 0)
	if got := bodiesIn(t, b, "dest"); !slices.Equal(got, []string{"via queue", "via subscription"}) {
		t.Fatalf("dest got %v", got)
	}
}

func TestForwardFailuresGoToTransferDLQ(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(t *testing.T, b *Broker) // creates "src" and whatever it forwards to
		reason string
	}{
		{"missing target", func(t *testing.T, b *Broker) {
			mustCreateQueue(t, b, "src", Properties{ForwardTo: "gone"})
		}, reasonForwardError},
		{"disabled target", func(t *testing.T, b *Broker) {
			mustCreateQueue(t, b, "off", Properties{Status: StatusSendDisabled})
			mustCreateQueue(t, b, "src", Properties{ForwardTo: "off"})
		}, reasonForwardError},
		{"loop", func(t *testing.T, b *Broker) {
			mustCreateQueue(t, b, "a", Properties{})
			mustCreateQueue(t, b, "src", Properties{ForwardTo: "a"})
			if _, err := b.UpdateQueue("a", Properties{ForwardTo: "src"}); err != nil {
				t.Fatal(err)
			}
		}, reasonMaxHops},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := newTestBroker(t)
			c.setup(t, b)
			mustSend(t, b, "src", body("m"))
			var tdlq []*Message
			for _, q := range []string{"src", "a"} {
				if msgs, err := b.Peek(q+"/$Transfer/$DeadLetterQueue", 1, 10, nil); err == nil {
					tdlq = append(tdlq, msgs...)
				}
			}
			if len(tdlq) != 1 || tdlq[0].ApplicationProperties[propDeadLetterReason] != c.reason {
				t.Fatalf("transfer dead-letter messages = %v", tdlq)
			}
			r := mustReceiver(t, b, "src/$Transfer/$DeadLetterQueue", PeekLock)
			if c.name != "loop" {
				if d := mustNext(t, r); string(d.Message.Body) != "m" {
					t.Fatalf("got %q", d.Message.Body)
				}
				if c := mustCounts(t, b, "src"); c.TransferDeadLetter != 1 {
					t.Fatalf("TransferDeadLetter = %d", c.TransferDeadLetter)
				}
			}
		})
	}
}

func TestForwardDeadLetteredMessages(t *testing.T) {
	b, _ := newTestBroker(t)
	mustCreateQueue(t, b, "dlqs", Properties{})
	mustCreateQueue(t, b, "q", Properties{ForwardDeadLetteredMessagesTo: "dlqs", MaxDeliveryCount: 1})
	mustSend(t, b, "q", body("explicit"), body("exhausted"))
	r := mustReceiver(t, b, "q", PeekLock)
	d := mustNext(t, r)
	if err := b.DeadLetter(d.LockToken, "why", "because", nil); err != nil {
		t.Fatal(err)
	}
	d = mustNext(t, r)
	if err := b.Abandon(d.LockToken, nil); err != nil { // MaxDeliveryCount 1: dead-lettered
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
	msgs, _ := b.Peek("dlqs", 1, 10, nil)
	if len(msgs) != 2 {
		t.Fatalf("forwarded dead letters = %v", msgs)
	}
	for i, want := range []string{"why", reasonMaxDelivery} {
		m := msgs[i]
		if m.DeadLetterSource != "q" || m.ApplicationProperties[propDeadLetterReason] != want ||
			m.EnqueuedSequenceNumber != int64(i+1) || m.SequenceNumber != int64(i+1) {
			t.Fatalf("forwarded message %d = source %q props %v enqueued seq %d", i, m.DeadLetterSource,
				m.ApplicationProperties, m.EnqueuedSequenceNumber)
		}
	}
	// A missing DLQ target keeps the message in the transfer dead-letter queue.
	if err := b.DeleteQueue("dlqs"); err != nil {
		t.Fatal(err)
	}
	mustSend(t, b, "q", body("orphan"))
	d = mustNext(t, r)
	if err := b.DeadLetter(d.LockToken, "", "", nil); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, b, "q", 0, 0, 0, 1)
}
