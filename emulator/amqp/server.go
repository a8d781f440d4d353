package amqp

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"
)

// serverState is the Server's private bookkeeping.
type serverState struct {
	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*connState]struct{}
	nextID    uint64
	closed    bool
}

// Defaults for zero Server fields.
const (
	defaultContainerID   = "sbx-emulator"
	defaultMaxFrameSize  = 65536
	defaultIdleTimeout   = 60 * time.Second
	defaultSessionWindow = 5000
	defaultSenderCredit  = 1000
	// maxKeepalive is the longest the server stays silent on a connection.
	maxKeepalive = 15 * time.Second
)

func (s *Server) containerID() string {
	if s.ContainerID == "" {
		return defaultContainerID
	}
	return s.ContainerID
}

func (s *Server) maxFrameSize() uint32 {
	if s.MaxFrameSize == 0 {
		return defaultMaxFrameSize
	}
	return max(s.MaxFrameSize, minMaxFrameSize)
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout == 0 {
		return defaultIdleTimeout
	}
	return s.IdleTimeout
}

func (s *Server) sessionWindow() uint32 {
	if s.SessionWindow == 0 {
		return defaultSessionWindow
	}
	return s.SessionWindow
}

func (s *Server) senderCredit() uint32 {
	if s.SenderCredit == 0 {
		return defaultSenderCredit
	}
	return s.SenderCredit
}

// batching reports whether frames may be held back to share a socket write.
func (s *Server) batching() bool {
	return s.Unbatched == nil || !s.Unbatched()
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Serve accepts connections until the listener fails or Close is called.
// It returns nil after Close.
func (s *Server) Serve(l net.Listener) error {
	s.st.mu.Lock()
	if s.st.closed {
		s.st.mu.Unlock()
		l.Close()
		return nil
	}
	if s.st.listeners == nil {
		s.st.listeners = map[net.Listener]struct{}{}
	}
	s.st.listeners[l] = struct{}{}
	s.st.mu.Unlock()
	defer func() {
		s.st.mu.Lock()
		delete(s.st.listeners, l)
		s.st.mu.Unlock()
	}()

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			s.st.mu.Lock()
			closed := s.st.closed
			s.st.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				if closed {
					return nil
				}
				return err
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.logger().Warn("amqp: accept failed, retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		go s.ServeConn(nc)
	}
}

// ServeConn runs the protocol on one accepted connection; it returns when the
// connection ends.
func (s *Server) ServeConn(nc net.Conn) {
	c := newConnState(s, nc)
	if !s.track(c) {
		nc.Close()
		return
	}
	defer s.untrack(c)
	c.serve()
}

func (s *Server) track(c *connState) bool {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.closed {
		return false
	}
	if s.st.conns == nil {
		s.st.conns = map[*connState]struct{}{}
	}
	s.st.nextID++
	c.id = s.st.nextID
	s.st.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c *connState) {
	s.st.mu.Lock()
	delete(s.st.conns, c)
	s.st.mu.Unlock()
}

// Close stops accepting and closes every connection with amqp:connection:forced.
func (s *Server) Close() error {
	s.st.mu.Lock()
	s.st.closed = true
	var errs []error
	for l := range s.st.listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	conns := make([]*connState, 0, len(s.st.conns))
	for c := range s.st.conns {
		conns = append(conns, c)
	}
	s.st.mu.Unlock()
	for _, c := range conns {
		c.closeWithError(&Error{Condition: ErrConnectionForced, Description: "the server is shutting down"})
	}
	for _, c := range conns {
		select {
		case <-c.done:
		case <-time.After(3 * time.Second):
			c.nc.Close()
		}
	}
	return errors.Join(errs...)
}

// Conns returns the live connections.
func (s *Server) Conns() []*Conn {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	out := make([]*Conn, 0, len(s.st.conns))
	for c := range s.st.conns {
		select {
		case <-c.done:
			// Ended; its goroutine has not deregistered it yet.
			continue
		default:
		}
		out = append(out, c.pub)
	}
	return out
}
