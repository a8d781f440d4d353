package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Receive-and-delete receivers closed by the client while deliveries are
// still flowing to them: every message is either handed to the
// application (before or after the close, through the SDK's cache) or
// still in the queue, and the connection stays healthy. This is the
// pattern of a parallel purge whose first idle worker stops the others.
//
// The cancelled receives make go-amqp abandon sessions whose begin it
// never wrote and later send end on their channels; the emulator used to
// close the whole connection over that, losing every settled delivery
// still queued on it. Several rounds, as the race needs timing.
func TestReceiveAndDeleteCloseWhileDelivering(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	for round := range 10 {
		t.Run(fmt.Sprint("round", round), func(t *testing.T) { radCloseRound(t, em) })
	}
}

func radCloseRound(t *testing.T, em *emulator.Emulator) {
	q := newQueue(t, em, broker.Properties{})
	const total = 1200
	client := newClient(t, em.ConnectionString)
	s := newSender(t, client, q)
	ctx := ctxT(t, 30*time.Second)
	for sent := 0; sent < total; {
		b, err := s.NewMessageBatch(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for ; sent < total; sent++ {
			err := b.AddMessage(&azservicebus.Message{Body: []byte(fmt.Sprintf("m%d", sent))}, nil)
			if errors.Is(err, azservicebus.ErrMessageTooLarge) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SendMessageBatch(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}

	var received atomic.Int64
	seen := sync.Map{}
	count := func(msgs []*azservicebus.ReceivedMessage) {
		for _, m := range msgs {
			if _, dup := seen.LoadOrStore(string(m.Body), true); dup {
				t.Errorf("%s received twice", m.Body)
			}
		}
		received.Add(int64(len(msgs)))
	}
	stop, stopAll := context.WithCancel(ctx)
	defer stopAll()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := client.NewReceiverForQueue(q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
			if err != nil {
				t.Error(err)
				return
			}
			for stop.Err() == nil {
				rctx, cancel := context.WithTimeout(stop, 50*time.Millisecond)
				msgs, err := r.ReceiveMessages(rctx, 500, &azservicebus.ReceiveMessagesOptions{TimeAfterFirstMessage: 5 * time.Millisecond})
				cancel()
				count(msgs)
				if err != nil && stop.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("receive: %v", err)
				}
				if received.Load() >= total/2 || (len(msgs) < 500 && counts(t, em, q).Active == 0) {
					// Stop everyone as soon as the queue looks drained:
					// the others are mid-receive with credit out.
					stopAll()
				}
			}
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Close(cctx); err != nil {
				t.Errorf("close: %v", err)
			}
			// The SDK keeps what arrived before the close for later receives.
			for {
				msgs, err := r.ReceiveMessages(cctx, 500, nil)
				if err != nil || len(msgs) == 0 {
					break
				}
				count(msgs)
			}
		}()
	}
	wg.Wait()

	left := counts(t, em, q).Active
	if got := received.Load() + left; got != total {
		t.Fatalf("%d received + %d still queued = %d, want %d", received.Load(), left, got, total)
	}
	// The connection survived: the same client still sends and receives.
	sendBodies(t, s, "after")
	r := newReceiver(t, client, q, &azservicebus.ReceiverOptions{ReceiveMode: azservicebus.ReceiveModeReceiveAndDelete})
	if n := len(receiveN(t, r, int(left)+1)); n != int(left)+1 {
		t.Fatalf("received %d after the closes, want %d", n, left+1)
	}
}
