package broker

import "sync"

// signal is a receiver's wake-up: Ready hands out a channel that fire
// closes. A closed channel stays the answer to Ready until Next consumes it,
// and an event that happens while no channel is out is remembered for the
// next Ready, so nothing is missed whether callers ask Ready before or after
// Next.
type signal struct {
	mu      sync.Mutex
	ch      chan struct{}
	closed  bool
	pending bool
}

func (s *signal) ready() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		return s.ch
	}
	s.ch = make(chan struct{})
	s.closed = false
	if s.pending {
		close(s.ch)
		s.closed = true
		s.pending = false
	}
	return s.ch
}

func (s *signal) fire() {
	s.mu.Lock()
	if s.ch != nil && !s.closed {
		close(s.ch)
		s.closed = true
	} else {
		s.pending = true
	}
	s.mu.Unlock()
}

// consume is called by Next: the events so far are being looked at.
func (s *signal) consume() {
	s.mu.Lock()
	if s.closed {
		s.ch, s.closed = nil, false
	}
	s.pending = false
	s.mu.Unlock()
}
