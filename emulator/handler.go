package emulator

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Addresses with a meaning of their own.
const (
	cbsAddress        = "$cbs"
	managementSuffix  = "/$management"
	propMaxBatchSize  = "com.microsoft:max-message-batch-size"
	propSessionFilter = "com.microsoft:session-filter"
	propLockedUntil   = "com.microsoft:locked-until-utc"
	propTimeout       = "com.microsoft:timeout"
)

// handler gives the links of every connection their Service Bus meaning.
type handler struct {
	em *Emulator

	mu       sync.Mutex
	conns    map[uint64]*connState
	entities map[*amqp.Link]struct{} // entity sender and receiver links, for DetachLinks
}

// connState is what one connection's links share: the reply links of its
// request/response pairs, its entity receivers (management operations name
// them by link name) and, when keys are enforced, the audiences its CBS
// tokens granted.
type connState struct {
	replies    map[string]*amqp.Link
	receivers  map[string]*receiverLink
	authorized map[string]time.Time // lower-cased entity path → token expiry
}

func newHandler(em *Emulator) *handler {
	return &handler{
		em:       em,
		conns:    make(map[uint64]*connState),
		entities: make(map[*amqp.Link]struct{}),
	}
}

// Attach implements amqp.Handler.
func (h *handler) Attach(ctx context.Context, l *amqp.Link) (amqp.LinkHandler, *amqp.Error) {
	h.em.Faults.delay()
	if l.ClientRole == amqp.RoleSender {
		if l.Target == nil {
			return nil, &amqp.Error{Condition: amqp.ErrInvalidField, Description: "a sender link needs a target"}
		}
		addr := l.Target.Address
		switch {
		case addr == cbsAddress:
			return &requestLink{h: h, cbs: true}, nil
		case strings.HasSuffix(addr, managementSuffix):
			return h.attachManagement(l, strings.TrimSuffix(addr, managementSuffix))
		default:
			return h.attachSender(l, addr)
		}
	}
	if l.Source == nil {
		return nil, &amqp.Error{Condition: amqp.ErrInvalidField, Description: "a receiver link needs a source"}
	}
	addr := l.Source.Address
	if addr == cbsAddress || strings.HasSuffix(addr, managementSuffix) {
		return h.attachReply(l)
	}
	return h.attachReceiver(ctx, l, addr)
}

// state returns (creating it on first use) the state of l's connection; it
// is dropped when the connection ends.
func (h *handler) state(c *amqp.Conn) *connState {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := c.ID()
	st, ok := h.conns[id]
	if !ok {
		st = &connState{
			replies:    make(map[string]*amqp.Link),
			receivers:  make(map[string]*receiverLink),
			authorized: make(map[string]time.Time),
		}
		h.conns[id] = st
		go func() {
			<-c.Done()
			h.mu.Lock()
			delete(h.conns, id)
			h.mu.Unlock()
		}()
	}
	return st
}

// attachReply accepts the receiving half of a CBS or management pair: the
// link whose target address the requests name as reply-to.
func (h *handler) attachReply(l *amqp.Link) (amqp.LinkHandler, *amqp.Error) {
	if l.Target == nil || l.Target.Address == "" {
		return nil, &amqp.Error{Condition: amqp.ErrInvalidField, Description: "a reply link needs a target address"}
	}
	st := h.state(l.Conn())
	h.mu.Lock()
	st.replies[l.Target.Address] = l
	h.mu.Unlock()
	return &replyLink{h: h, st: st, addr: l.Target.Address}, nil
}

// replyLink has nothing to do but forget itself when it ends.
type replyLink struct {
	h    *handler
	st   *connState
	addr string
}

func (r *replyLink) Transfer(*amqp.Link, *amqp.IncomingDelivery) amqp.DeliveryState { return nil }
func (r *replyLink) Flow(*amqp.Link)                                                {}
func (r *replyLink) Disposition(*amqp.Link, []byte, amqp.DeliveryState, bool) amqp.DeliveryState {
	return nil
}
func (r *replyLink) Detached(l *amqp.Link, _ *amqp.Error) {
	r.h.mu.Lock()
	if r.st.replies[r.addr] == l {
		delete(r.st.replies, r.addr)
	}
	r.h.mu.Unlock()
}

// replyLinkFor finds the link a response must go to.
func (h *handler) replyLinkFor(c *amqp.Conn, replyTo string) *amqp.Link {
	st := h.state(c)
	h.mu.Lock()
	defer h.mu.Unlock()
	return st.replies[replyTo]
}

// receiverByName finds an entity receiver link of the connection by name.
func (h *handler) receiverByName(c *amqp.Conn, name string) *receiverLink {
	if name == "" {
		return nil
	}
	st := h.state(c)
	h.mu.Lock()
	defer h.mu.Unlock()
	return st.receivers[name]
}

// authorize records a successful put-token for a path.
func (h *handler) authorize(c *amqp.Conn, path string, until time.Time) {
	st := h.state(c)
	h.mu.Lock()
	st.authorized[strings.ToLower(path)] = until
	h.mu.Unlock()
}

// checkAuthorized refuses a link when keys are enforced and the connection
// holds no valid token for the path (a client that skipped CBS).
func (h *handler) checkAuthorized(c *amqp.Conn, path string) *amqp.Error {
	if h.em.cfg.SASKey == "" {
		return nil
	}
	st := h.state(c)
	h.mu.Lock()
	until, ok := st.authorized[strings.ToLower(path)]
	h.mu.Unlock()
	if !ok || !h.em.cfg.Now().Before(until) {
		return &amqp.Error{Condition: amqp.ErrUnauthorized,
			Description: "Unauthorized access. A valid token for '" + path + "' is required (put-token on $cbs)"}
	}
	return nil
}

// track and untrack keep the set of entity links for DetachLinks.
func (h *handler) track(l *amqp.Link) {
	h.mu.Lock()
	h.entities[l] = struct{}{}
	h.mu.Unlock()
}

func (h *handler) untrack(l *amqp.Link) {
	h.mu.Lock()
	delete(h.entities, l)
	h.mu.Unlock()
}

func (h *handler) entityLinks() []*amqp.Link {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*amqp.Link, 0, len(h.entities))
	for l := range h.entities {
		out = append(out, l)
	}
	return out
}

// closeAll stops every receiver pump (the server has already dropped the
// connections; this releases broker receivers whose Detached never ran).
func (h *handler) closeAll() {
	h.mu.Lock()
	var rls []*receiverLink
	for _, st := range h.conns {
		for _, rl := range st.receivers {
			rls = append(rls, rl)
		}
	}
	h.mu.Unlock()
	for _, rl := range rls {
		rl.stop()
	}
}

// attachManagement accepts the request half of a management pair.
func (h *handler) attachManagement(l *amqp.Link, path string) (amqp.LinkHandler, *amqp.Error) {
	if err := h.em.Broker.CheckPath(path); err != nil {
		return nil, toAMQPError(err)
	}
	if aerr := h.checkAuthorized(l.Conn(), path); aerr != nil {
		return nil, aerr
	}
	return &requestLink{h: h, path: path}, nil
}

// toAMQPError maps a broker error (or any error) to an AMQP error.
func toAMQPError(err error) *amqp.Error {
	var be *broker.Error
	if errors.As(err, &be) {
		return &amqp.Error{Condition: amqp.Symbol(be.Condition), Description: be.Description}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &amqp.Error{Condition: amqp.ErrTimeout, Description: "the operation timed out"}
	}
	if errors.Is(err, errInvalidMessage) {
		return &amqp.Error{Condition: amqp.ErrNotAllowed, Description: err.Error()}
	}
	return &amqp.Error{Condition: amqp.ErrInternal, Description: err.Error()}
}

// statusOf maps an error to a management status code and description.
func statusOf(err error) (int32, string) {
	var be *broker.Error
	if errors.As(err, &be) {
		status := int32(be.Status)
		if status == 0 {
			status = 500
		}
		return status, be.Description
	}
	if errors.Is(err, errInvalidMessage) || errors.Is(err, errBadRequest) {
		return 400, err.Error()
	}
	return 500, err.Error()
}

// audiencePath extracts the entity path from a CBS audience
// ("amqp://host:port/q1/$management" → "q1").
func audiencePath(audience string) string {
	path := audience
	if u, err := url.Parse(audience); err == nil && u.Host != "" {
		path = u.Path
	}
	path = strings.TrimPrefix(path, "/")
	return strings.TrimSuffix(path, managementSuffix)
}
