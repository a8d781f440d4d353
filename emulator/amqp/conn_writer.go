package amqp

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// errWriterClosed is returned when a frame is queued after the connection's
// write side has shut down.
var errWriterClosed = errors.New("amqp: connection closed")

const (
	// writeHighWater bounds the bytes queued for the socket; producers wait
	// above it so a client that stops reading cannot grow memory without end.
	writeHighWater = 4 << 20
	// spareBufferCap is the largest drained buffer kept for reuse.
	spareBufferCap = 1 << 20
)

// connWriter owns the socket's write side. Producers append encoded frames
// to buf under mu; one goroutine swaps buf out and writes it, so frames that
// pile up while a write is in progress go out in a single syscall, and the
// socket is written as soon as the queue was empty (no flush timer).
type connWriter struct {
	nc net.Conn

	mu      sync.Mutex
	drained *sync.Cond // signalled when buf was taken or the writer stopped
	buf     []byte
	spare   []byte
	closed  bool // no more frames accepted
	corked  int  // producers holding the writer back (see cork)
	final   bool // only the close frame may still be queued
	// wake is the writer's one wake-up: for frames, for a keepalive tick
	// (tickDue) and for the end (stopping). One channel to sleep on is
	// cheaper than a select over three, and the writer sleeps after every
	// write.
	wake     chan struct{}
	tickDue  atomic.Bool
	stopping atomic.Bool
	exited   chan struct{}

	// keepalive is the longest the writer stays silent; 0 until open.
	keepalive   atomic.Int64
	onKeepalive func() bool // fault hook for empty frames; false drops
}

func newConnWriter(nc net.Conn) *connWriter {
	w := &connWriter{
		nc:     nc,
		wake:   make(chan struct{}, 1),
		exited: make(chan struct{}),
	}
	w.drained = sync.NewCond(&w.mu)
	return w
}

// enqueue appends bytes produced by fill. fill must only append.
func (w *connWriter) enqueue(fill func([]byte) ([]byte, error), isClose bool) error {
	return w.enqueueThen(fill, isClose, nil)
}

// enqueueThen is enqueue that runs then, when the bytes were queued, before
// the writer can take them: whatever then does happens before the peer can
// see those bytes. then must not block or write.
func (w *connWriter) enqueueThen(fill func([]byte) ([]byte, error), isClose bool, then func()) error {
	w.mu.Lock()
	for len(w.buf) > writeHighWater && !w.closed {
		// A cork must not hold a full buffer back: the writer may be
		// asleep with it.
		w.poke()
		w.drained.Wait()
	}
	if w.closed || (w.final && !isClose) {
		w.mu.Unlock()
		return errWriterClosed
	}
	n := len(w.buf)
	buf, err := fill(w.buf)
	if err != nil {
		buf = buf[:n]
	}
	w.buf = buf
	if isClose {
		w.final = true
	}
	if err == nil && then != nil {
		then()
	}
	wake := err == nil && n == 0 && w.corked == 0
	w.mu.Unlock()
	if wake {
		w.poke()
	}
	return err
}

// cork holds back the wake-up an enqueue into an empty buffer gives the
// writer, until the matching uncork: a producer about to queue a run of
// frames has them go out in one write instead of one each. It is only a
// hint: a writer already awake takes whatever is queued.
func (w *connWriter) cork() {
	w.mu.Lock()
	w.corked++
	w.mu.Unlock()
}

// uncork ends a cork and wakes the writer if frames wait.
func (w *connWriter) uncork() {
	w.mu.Lock()
	w.corked--
	wake := w.corked == 0 && len(w.buf) > 0
	w.mu.Unlock()
	if wake {
		w.poke()
	}
}

// poke wakes the writer if it sleeps; a wake-up already pending will do.
func (w *connWriter) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// refuseMore makes later enqueues fail except a close frame (used once the
// connection is closing so late Sends get ErrLinkClosed).
func (w *connWriter) refuseMore() {
	w.mu.Lock()
	w.final = true
	w.mu.Unlock()
}

// run is the writer goroutine. It exits after stop once everything queued
// was written, or at the first write error.
func (w *connWriter) run() {
	defer close(w.exited)
	tickEvery := time.Second
	tick := time.AfterFunc(tickEvery, w.onTick)
	defer tick.Stop()
	// Socket writes so far, and as of the last tick: the writer was silent
	// for a whole tick when they are equal (counting is cheaper than a
	// clock read per write).
	var writes, writesAtTick uint64
	for {
		w.mu.Lock()
		for len(w.buf) == 0 {
			if w.stopping.Load() {
				w.closed = true
				w.drained.Broadcast()
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			// Tick at a quarter of the keepalive period and send when
			// silent for a whole tick, so gaps stay below half of it.
			ka := time.Duration(w.keepalive.Load())
			if d := max(ka/4, time.Millisecond); ka > 0 && d != tickEvery {
				tickEvery = d
				tick.Reset(d)
			}
			<-w.wake
			if w.tickDue.Swap(false) {
				if ka > 0 && writes == writesAtTick {
					w.queueKeepalive()
				}
				writesAtTick = writes
				tick.Reset(tickEvery)
			}
			w.mu.Lock()
		}
		out := w.buf
		w.buf = w.spare[:0]
		w.spare = nil
		w.mu.Unlock()

		_, err := w.nc.Write(out)
		writes++

		w.mu.Lock()
		if cap(out) <= spareBufferCap {
			w.spare = out[:0]
		}
		if err != nil {
			w.closed = true
			w.buf = nil
		}
		w.drained.Broadcast()
		w.mu.Unlock()
		if err != nil {
			// The reader notices the broken socket and tears down.
			w.nc.Close()
			return
		}
	}
}

// onTick runs on the keepalive timer; the writer re-arms it.
func (w *connWriter) onTick() {
	w.tickDue.Store(true)
	w.poke()
}

var emptyFrame = []byte{0, 0, 0, 8, 2, 0, 0, 0}

func (w *connWriter) queueKeepalive() {
	if w.onKeepalive != nil && !w.onKeepalive() {
		w.nc.Close()
		return
	}
	w.mu.Lock()
	if !w.closed {
		w.buf = append(w.buf, emptyFrame...)
	}
	w.mu.Unlock()
}

// shutdown asks the writer to write what is queued and exit, waiting at most
// timeout; the caller closes the socket afterwards.
func (w *connWriter) shutdown(timeout time.Duration) {
	w.stopping.Store(true)
	w.poke()
	_ = w.nc.SetWriteDeadline(time.Now().Add(timeout))
	select {
	case <-w.exited:
	case <-time.After(timeout):
	}
	w.mu.Lock()
	w.closed = true
	w.drained.Broadcast()
	w.mu.Unlock()
}
