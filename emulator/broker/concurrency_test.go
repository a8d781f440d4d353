package broker

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentSendReceive runs senders, receivers, settlement, peeks,
// counts and timer ticks at once (meaningful under -race) and checks that
// every message is received exactly once.
func TestConcurrentSendReceive(t *testing.T) {
	b := New(Options{TickInterval: time.Millisecond})
	defer b.Close()
	mustCreateQueue(t, b, "q", Properties{})
	if _, err := b.CreateTopic("t", Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateSubscription("t", "s", Properties{ForwardTo: "q"}, nil); err != nil {
		t.Fatal(err)
	}
	const senders, perSender = 4, 250
	const total = senders * perSender
	var seen sync.Map
	var received atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perSender {
				addr := "q"
				if i%2 == 1 {
					addr = "t" // forwarded to q through the subscription
				}
				m := &Message{MessageID: fmt.Sprintf("%d-%d", s, i), Body: []byte("x")}
				if err := b.Send(addr, []*Message{m}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := b.OpenReceiver(ctx, "q", PeekLock, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Close()
			n := 0
			for received.Load() < total {
				ready := r.Ready()
				d, ok := r.Next()
				if !ok {
					select {
					case <-ready:
					case <-time.After(10 * time.Millisecond):
					case <-ctx.Done():
						return
					}
					continue
				}
				n++
				if n%5 == 0 { // some go round again without counting as received
					if err := b.Release(d.LockToken); err != nil {
						t.Error(err)
					}
					continue
				}
				if _, dup := seen.LoadOrStore(d.Message.MessageID, true); dup {
					t.Errorf("message %v received twice", d.Message.MessageID)
				}
				if err := b.Complete(d.LockToken); err != nil {
					t.Error(err)
				}
				received.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for received.Load() < total && ctx.Err() == nil {
			_, _ = b.Peek("q", 1, 20, nil)
			_, _ = b.Counts("q")
			_ = b.ListQueues()
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	if received.Load() != total {
		t.Fatalf("received %d of %d", received.Load(), total)
	}
	wantCounts(t, b, "q", 0, 0, 0, 0)
}

func TestConcurrentSessions(t *testing.T) {
	b := New(Options{TickInterval: time.Millisecond})
	defer b.Close()
	mustCreateQueue(t, b, "sq", Properties{RequiresSession: true})
	const sessions, per = 8, 50
	for s := range sessions {
		for i := range per {
			mustSend(t, b, "sq", &Message{SessionID: ptr(fmt.Sprint(s)), Body: []byte(fmt.Sprint(i))})
		}
	}
	var wg sync.WaitGroup
	var got atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				r, err := b.OpenReceiver(ctx, "sq", PeekLock, &SessionSpec{})
				cancel()
				if err != nil {
					return // no session left
				}
				want := 0
				for {
					d, ok := r.Next()
					if !ok {
						break
					}
					if string(d.Message.Body) != fmt.Sprint(want) {
						t.Errorf("session %s out of order: got %s want %d", *d.Message.SessionID, d.Message.Body, want)
					}
					want++
					if err := b.Complete(d.LockToken); err != nil {
						t.Error(err)
					}
					got.Add(1)
				}
				r.Close()
			}
		}()
	}
	wg.Wait()
	if got.Load() != sessions*per {
		t.Fatalf("received %d of %d", got.Load(), sessions*per)
	}
}
