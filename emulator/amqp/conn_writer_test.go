package amqp

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// What enqueueThen runs happens before the peer can read the bytes it
// queued, even with the writer busy and about to look for more: it cannot
// take them until then returns. A receive-and-delete delivery relies on it
// to be removed before the client has it.
func TestEnqueueThenRunsBeforeThePeerReads(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	w := newConnWriter(server)
	go w.run()
	defer w.shutdown(time.Second)

	var secondRead atomic.Bool
	go func() {
		buf := make([]byte, 4)
		time.Sleep(10 * time.Millisecond) // the writer sits in the first write meanwhile
		if _, err := io.ReadFull(client, buf); err != nil {
			return
		}
		if _, err := io.ReadFull(client, buf); err == nil {
			secondRead.Store(true)
		}
		_, _ = io.Copy(io.Discard, client)
	}()
	appendBytes := func(bs ...byte) func([]byte) ([]byte, error) {
		return func(b []byte) ([]byte, error) { return append(b, bs...), nil }
	}
	if err := w.enqueue(appendBytes(9, 9, 9, 9), false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // let the writer take the first bytes
	readTooEarly := false
	err := w.enqueueThen(appendBytes(1, 2, 3, 4), false, func() {
		// The first write ends now and the writer looks for more.
		time.Sleep(50 * time.Millisecond)
		readTooEarly = secondRead.Load()
	})
	if err != nil {
		t.Fatal(err)
	}
	if readTooEarly {
		t.Fatal("the peer read the bytes before then had returned")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !secondRead.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the bytes never reached the peer")
		}
		time.Sleep(time.Millisecond)
	}
}
