package emulator_test

import (
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
	"github.com/Azure/go-amqp"

	"github.com/sbx-tui/sbx/emulator"
)

// A queue created with a 1 MB quota takes messages until the next one would
// exceed it; that send fails with amqp:resource-limit-exceeded, which the
// SDK returns as a bare *amqp.Error without retrying. Nothing beyond the
// quota is stored, the counts stay exact, and receiving makes room again.
func TestEntityFull(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	ctx := ctxT(t, 30*time.Second)
	ac := newAdmin(t, em, em.ConnectionString)
	maxMB := int32(1)
	if _, err := ac.CreateQueue(ctx, "small", &admin.CreateQueueOptions{Properties: &admin.QueueProperties{MaxSizeInMegabytes: &maxMB}}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, "small")
	const quota = 1 << 20
	fillQueue(t, s, 900) // 900 KB of bodies, in batches

	sent := 900
	var err error
	for ; sent < 2*quota/len(kilobyte); sent++ {
		before := em.Stats().Transfers
		err = s.SendMessage(ctx, &azservicebus.Message{Body: kilobyte}, nil)
		if err != nil {
			if n := em.Stats().Transfers - before; n != 1 {
				t.Errorf("the refused send took %d transfers, want 1 (no retry)", n)
			}
			break
		}
	}
	if err == nil {
		t.Fatalf("%d KB stored in a 1 MB queue without an error", sent)
	}
	amqpErr, bare := err.(*amqp.Error)
	if !bare || amqpErr.Condition != amqp.ErrCondResourceLimitExceeded {
		t.Fatalf("send error %T %v, want a bare *amqp.Error with %s", err, err, amqp.ErrCondResourceLimitExceeded)
	}

	t.Logf("%d messages of 1 KB stored before the queue was full", sent)
	rt, err := ac.GetQueueRuntimeProperties(ctx, "small", nil)
	if err != nil {
		t.Fatal(err)
	}
	if int(rt.ActiveMessageCount) != sent || int(rt.TotalMessageCount) != sent {
		t.Fatalf("counts %d active, %d total; want %d (the successful sends)", rt.ActiveMessageCount, rt.TotalMessageCount, sent)
	}
	perMessage := rt.SizeInBytes / int64(sent)
	if rt.SizeInBytes > quota || rt.SizeInBytes+perMessage <= quota {
		t.Fatalf("%d bytes stored in %d messages: want at most %d, with no room for one more", rt.SizeInBytes, sent, quota)
	}

	r := newReceiver(t, c, "small", &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
	receiveN(t, r, 5)
	if err := s.SendMessage(ctx, &azservicebus.Message{Body: kilobyte}, nil); err != nil {
		t.Fatalf("send after making room: %v", err)
	}
	if got := counts(t, em, "small").Active; got != int64(sent-5+1) {
		t.Fatalf("active %d after receiving 5 and sending 1, want %d", got, sent-4)
	}
}
