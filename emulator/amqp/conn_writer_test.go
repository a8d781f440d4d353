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

// countingConn records the size of every socket write.
type countingConn struct {
	net.Conn
	writes chan int
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.writes <- n
	return n, err
}

// idleWriter starts a writer on a pipe whose far end is drained, has it
// write one byte and go back to sleep (a cork only holds back a writer that
// is asleep), and returns it with the sizes of its socket writes.
func idleWriter(t *testing.T) (*connWriter, chan int) {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { client.Close() })
	writes := make(chan int, 64)
	w := newConnWriter(countingConn{server, writes})
	go w.run()
	t.Cleanup(func() { w.shutdown(time.Second) })
	go func() { _, _ = io.Copy(io.Discard, client) }()
	if err := w.enqueue(func(b []byte) ([]byte, error) { return append(b, 9), nil }, false); err != nil {
		t.Fatal(err)
	}
	if n := <-writes; n != 1 {
		t.Fatalf("first write carried %d bytes, want 1", n)
	}
	time.Sleep(10 * time.Millisecond)
	return w, writes
}

// Frames queued under a cork leave in one socket write once it is lifted,
// not one write each.
func TestCorkedFramesLeaveInOneWrite(t *testing.T) {
	w, writes := idleWriter(t)
	w.cork()
	for i := range 5 {
		if err := w.enqueue(func(b []byte) ([]byte, error) { return append(b, byte(i), 0, 0, 0), nil }, false); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case n := <-writes:
		t.Fatalf("a %d-byte write went out while corked", n)
	case <-time.After(20 * time.Millisecond):
	}
	w.uncork()
	select {
	case n := <-writes:
		if n != 20 {
			t.Fatalf("first write after the cork carried %d bytes, want all 20", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing was written after the cork was lifted")
	}
}

// A corked producer that fills the buffer past the high-water mark is not
// left waiting for a writer the cork keeps asleep (until its one-second
// keepalive tick, which the deadline below is shorter than).
func TestCorkDoesNotHoldAFullBuffer(t *testing.T) {
	w, writes := idleWriter(t)
	go func() {
		for range writes {
		}
	}()

	chunk := make([]byte, 1<<20)
	done := make(chan error, 1)
	go func() {
		w.cork()
		defer w.uncork()
		// One chunk more than the high-water mark holds.
		for range writeHighWater/len(chunk) + 2 {
			if err := w.enqueue(func(b []byte) ([]byte, error) { return append(b, chunk...), nil }, false); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(900 * time.Millisecond):
		t.Fatal("a corked producer above the high-water mark waited for the writer's tick")
	}
}
