package emulator

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
)

// Op names a kind of operation a fault can be aimed at.
type Op string

const (
	// OpSend fails entity sends: the transfer is rejected.
	OpSend Op = "send"
	// OpReceive fails the attach of entity receiver links (the SDK retries
	// the attach with back-off).
	OpReceive Op = "receive"
	// OpSettle fails settlements on receiver links: the disposition is
	// answered with rejected{condition} and nothing is settled.
	OpSettle Op = "settle"
	// OpManagement fails $management requests with status 503 or 408.
	OpManagement Op = "management"
	// OpCBS fails put-token requests with status 503 or 408.
	OpCBS Op = "cbs"
)

// FaultKind is the failure an injected fault produces.
type FaultKind string

const (
	// FaultServerBusy is com.microsoft:server-busy, or status 503.
	FaultServerBusy FaultKind = "server-busy"
	// FaultTimeout is com.microsoft:timeout, or status 408.
	FaultTimeout FaultKind = "timeout"
)

// condition is the AMQP condition of a fault kind.
func (k FaultKind) condition() amqp.Symbol {
	if k == FaultTimeout {
		return amqp.ErrTimeout
	}
	return amqp.ErrServerBusy
}

// status is the management status code of a fault kind.
func (k FaultKind) status() int32 {
	if k == FaultTimeout {
		return 408
	}
	return 503
}

func (k FaultKind) amqpError() *amqp.Error {
	return &amqp.Error{Condition: k.condition(), Description: "injected fault: " + string(k)}
}

// Faults injects failures into a running emulator so tests can check that a
// client recovers the way it does against Azure. All methods are safe for
// concurrent use.
type Faults struct {
	em *Emulator

	mu      sync.Mutex
	pending map[Op][]FaultKind

	dropAfter atomic.Int64 // frames left before a drop; 0 = off
	dropped   atomic.Int64 // connections dropped by DropAfterFrames
	latency   atomic.Int64 // nanoseconds added to every operation
}

// DropConnections closes every client connection's socket at once, without a
// close frame, as a network failure would. It returns how many were dropped.
func (f *Faults) DropConnections() int {
	conns := f.em.server.Conns()
	for _, c := range conns {
		c.Drop()
	}
	return len(conns)
}

// CloseConnections closes every client connection with close(condition)
// (amqp:connection:forced when empty), as a broker restart does, and
// returns how many it closed.
func (f *Faults) CloseConnections(condition string) int {
	if condition == "" {
		condition = string(amqp.ErrConnectionForced)
	}
	conns := f.em.server.Conns()
	for _, c := range conns {
		c.Close(&amqp.Error{Condition: amqp.Symbol(condition), Description: "injected fault: connection closed"})
	}
	return len(conns)
}

// DropAfterFrames drops the connection that carries the n-th frame from now
// (counting frames read and written on every connection). n <= 0 disarms.
func (f *Faults) DropAfterFrames(n int) {
	if n < 0 {
		n = 0
	}
	f.dropAfter.Store(int64(n))
}

// FrameDrops reports how many connections DropAfterFrames has dropped.
func (f *Faults) FrameDrops() int { return int(f.dropped.Load()) }

// onFrame is the AMQP server's frame hook.
func (f *Faults) onFrame(c *amqp.Conn, incoming bool) bool {
	for {
		left := f.dropAfter.Load()
		if left <= 0 {
			return true
		}
		if f.dropAfter.CompareAndSwap(left, left-1) {
			if left == 1 {
				f.dropped.Add(1)
				return false
			}
			return true
		}
	}
}

// FailNext makes the next n operations of kind op fail with kind.
func (f *Faults) FailNext(op Op, n int, kind FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = make(map[Op][]FaultKind)
	}
	for range n {
		f.pending[op] = append(f.pending[op], kind)
	}
}

// Pending reports how many injected failures of op have not happened yet.
func (f *Faults) Pending(op Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending[op])
}

// take consumes one pending fault for op.
func (f *Faults) take(op Op) (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.pending[op]
	if len(q) == 0 {
		return "", false
	}
	f.pending[op] = q[1:]
	return q[0], true
}

// ExpireLock makes one message lock expire now: the message becomes
// available again and settling it fails with lock lost.
func (f *Faults) ExpireLock(token [16]byte) error { return f.em.Broker.ExpireLock(token) }

// ExpireAllLocks makes every message lock expire now.
func (f *Faults) ExpireAllLocks() { f.em.Broker.ExpireAllLocks() }

// SetLatency delays every operation (attach, transfer, settlement, delivery,
// CBS and management request) by d. Zero turns it off.
func (f *Faults) SetLatency(d time.Duration) {
	if d < 0 {
		d = 0
	}
	f.latency.Store(int64(d))
}

// delay sleeps for the configured latency.
// unbatched tells the AMQP engine not to hold frames back for one socket
// write while latency is injected: each delayed operation's frames leave
// when it is done, instead of after a whole run of delays.
func (f *Faults) unbatched() bool { return f.latency.Load() > 0 }

func (f *Faults) delay() {
	if d := time.Duration(f.latency.Load()); d > 0 {
		time.Sleep(d)
	}
}

// DetachLinks detaches every entity sender and receiver link from the
// server side with the given condition (amqp:link:detach-forced when
// empty) and returns how many it detached.
func (f *Faults) DetachLinks(condition string) int {
	if condition == "" {
		condition = string(amqp.ErrLinkDetachForced)
	}
	links := f.em.handler.entityLinks()
	for _, l := range links {
		l.Detach(&amqp.Error{Condition: amqp.Symbol(condition), Description: "injected fault: link detached"})
	}
	return len(links)
}

// Reset clears every pending fault and the latency.
func (f *Faults) Reset() {
	f.mu.Lock()
	f.pending = nil
	f.mu.Unlock()
	f.dropAfter.Store(0)
	f.latency.Store(0)
}

// stats counts what the emulator has done, for tests that check a message
// did (or did not) reach it.
type stats struct {
	transfers  atomic.Int64
	deliveries atomic.Int64
	requests   atomic.Int64
}

// Stats is a snapshot of the emulator's counters.
type Stats struct {
	Transfers  int64 // entity transfers received from clients
	Deliveries int64 // messages sent to client receivers
	Requests   int64 // CBS and management requests answered
}

// Stats returns the emulator's counters.
func (e *Emulator) Stats() Stats {
	return Stats{
		Transfers:  e.stats.transfers.Load(),
		Deliveries: e.stats.deliveries.Load(),
		Requests:   e.stats.requests.Load(),
	}
}
