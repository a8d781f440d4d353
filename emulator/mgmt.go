package emulator

import (
	"fmt"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Management operation names (application property "operation").
const (
	opPeek              = "com.microsoft:peek-message"
	opRenewLock         = "com.microsoft:renew-lock"
	opSchedule          = "com.microsoft:schedule-message"
	opCancelScheduled   = "com.microsoft:cancel-scheduled-message"
	opReceiveBySequence = "com.microsoft:receive-by-sequence-number"
	opUpdateDisposition = "com.microsoft:update-disposition"
	opRenewSessionLock  = "com.microsoft:renew-session-lock"
	opGetSessionState   = "com.microsoft:get-session-state"
	opSetSessionState   = "com.microsoft:set-session-state"
	opGetMessageSession = "com.microsoft:get-message-sessions"
)

// listSessionsDefault is the SDK's "no filter" last-updated-time (year 10000).
const listSessionsDefault = 253402300800000

// mgmtRequest is one decoded management request.
type mgmtRequest struct {
	path string
	body *amqp.Map
	// assoc is the entity receiver named by associated-link-name, if it is
	// on this connection.
	assoc *receiverLink
}

// sessionScope is the session a request is about: an explicit session-id,
// else the session of the associated session receiver.
func (r *mgmtRequest) sessionScope() *string {
	if s := brokerSessionID(r.body); s != nil {
		return s
	}
	if r.assoc != nil {
		return r.assoc.session
	}
	return nil
}

// manage answers one request on path's $management node.
func (h *handler) manage(l *amqp.Link, path string, req *amqp.Message) response {
	if kind, ok := h.em.Faults.take(OpManagement); ok {
		return response{status: kind.status(), description: "injected fault: " + string(kind)}
	}
	op, _ := appProp(req, "operation")
	r := &mgmtRequest{path: path, body: &amqp.Map{}}
	if v, err := req.BodyValue(); err == nil {
		if m, isMap := v.(*amqp.Map); isMap && m != nil {
			r.body = m
		}
	}
	if name, ok := appProp(req, "associated-link-name"); ok {
		r.assoc = h.receiverByName(l.Conn(), name)
	}
	b := h.em.Broker
	switch op {
	case opPeek:
		return h.peek(r)
	case opRenewLock:
		tokens, err := lockTokens(r.body)
		if err != nil {
			return failed(err)
		}
		exp, err := b.RenewLock(tokens)
		if err != nil {
			return failed(err)
		}
		return ok(bodyMap("expirations", utcTimes(exp)))
	case opSchedule:
		return h.schedule(r)
	case opCancelScheduled:
		seqs, err := int64s(r.body, "sequence-numbers")
		if err != nil {
			return failed(err)
		}
		if err := b.CancelScheduled(path, seqs); err != nil {
			return failed(err)
		}
		return ok(nil)
	case opReceiveBySequence:
		return h.receiveBySequence(r)
	case opUpdateDisposition:
		return h.updateDisposition(r)
	case opRenewSessionLock, opGetSessionState, opSetSessionState:
		return h.sessionOp(op, r)
	case opGetMessageSession:
		return h.listSessions(r)
	}
	return response{status: 501, description: fmt.Sprintf("operation %q is not supported", op)}
}

func (h *handler) peek(r *mgmtRequest) response {
	from, _ := int64Field(r.body, "from-sequence-number")
	count, _ := int64Field(r.body, "message-count")
	if count <= 0 {
		count = 1
	}
	msgs, err := h.em.Broker.Peek(r.path, from, int(count), r.sessionScope())
	if err != nil {
		return failed(err)
	}
	if len(msgs) == 0 {
		return response{status: 204, description: "No Content"}
	}
	// Each message is encoded straight into the response when it is sent.
	list := make([]any, 0, len(msgs))
	build := newMessageBuilder(len(msgs))
	for _, m := range msgs {
		list = append(list, bodyMap("message", amqp.MessageBinary{Message: build.build(m, nil)}))
	}
	return ok(bodyMap("messages", list))
}

func (h *handler) schedule(r *mgmtRequest) response {
	v, _ := r.body.Get("messages")
	items, isList := v.([]any)
	if !isList {
		return failed(fmt.Errorf("%w: messages must be a list", errBadRequest))
	}
	msgs := make([]*broker.Message, 0, len(items))
	for i, item := range items {
		m, _ := item.(*amqp.Map)
		raw, _ := m.Get("message")
		enc, isBinary := raw.([]byte)
		if !isBinary {
			return failed(fmt.Errorf("%w: messages[%d].message must be binary", errBadRequest, i))
		}
		dec, err := amqp.DecodeMessageRaw(enc)
		if err != nil {
			return failed(fmt.Errorf("%w: messages[%d]: %v", errBadRequest, i, err))
		}
		bm, err := toBrokerMessage(dec, 0)
		if err != nil {
			return failed(err)
		}
		if sid := brokerSessionID(m); sid != nil && bm.SessionID == nil {
			bm.SessionID = sid
			bm.EncodedProperties = nil
		}
		if bm.ScheduledEnqueueTime.IsZero() {
			bm.ScheduledEnqueueTime = h.em.cfg.Now()
		}
		msgs = append(msgs, bm)
	}
	seqs, err := h.em.Broker.Schedule(r.path, msgs)
	if err != nil {
		return failed(err)
	}
	return ok(bodyMap("sequence-numbers", seqs))
}

func (h *handler) receiveBySequence(r *mgmtRequest) response {
	seqs, err := int64s(r.body, "sequence-numbers")
	if err != nil {
		return failed(err)
	}
	mode := broker.PeekLock
	if n, ok := int64Field(r.body, "receiver-settle-mode"); ok && n == 0 {
		mode = broker.ReceiveAndDelete
	}
	ds, err := h.em.Broker.ReceiveBySequence(r.path, seqs, mode, r.sessionScope())
	if err != nil {
		return failed(err)
	}
	list := make([]any, 0, len(ds))
	build := newMessageBuilder(len(ds))
	for _, d := range ds {
		var lock *lockInfo
		if mode == broker.PeekLock {
			lock = &lockInfo{token: d.LockToken, lockedUntil: d.LockedUntil}
		}
		list = append(list, &amqp.Map{Pairs: []amqp.MapPair{
			{Key: "lock-token", Value: amqp.UUID(d.LockToken)},
			{Key: "message", Value: amqp.MessageBinary{Message: build.build(d.Message, lock)}},
		}})
	}
	return ok(bodyMap("messages", list))
}

func (h *handler) updateDisposition(r *mgmtRequest) response {
	tokens, err := lockTokens(r.body)
	if err != nil {
		return failed(err)
	}
	status, _ := stringField(r.body, "disposition-status")
	var props map[string]any
	if v, ok := r.body.Get("properties-to-modify"); ok {
		if m, isMap := v.(*amqp.Map); isMap {
			if props, err = mapToProps(m); err != nil {
				return failed(fmt.Errorf("%w: %v", errBadRequest, err))
			}
		}
	}
	b := h.em.Broker
	for _, t := range tokens {
		switch status {
		case "completed":
			err = b.Complete(t)
		case "abandoned":
			err = b.Abandon(t, props)
		case "defered", "deferred":
			err = b.Defer(t, props)
		case "suspended":
			reason, _ := stringField(r.body, "deadletter-reason")
			desc, _ := stringField(r.body, "deadletter-description")
			err = b.DeadLetter(t, reason, desc, props)
		default:
			err = fmt.Errorf("%w: unknown disposition-status %q", errBadRequest, status)
		}
		if err != nil {
			return failed(err)
		}
	}
	return ok(nil)
}

func (h *handler) sessionOp(op string, r *mgmtRequest) response {
	sid := r.sessionScope()
	if sid == nil {
		return failed(fmt.Errorf("%w: session-id is required", errBadRequest))
	}
	b := h.em.Broker
	switch op {
	case opRenewSessionLock:
		until, err := b.RenewSessionLock(r.path, *sid)
		if err != nil {
			return failed(err)
		}
		return ok(bodyMap("expiration", until.UTC()))
	case opGetSessionState:
		state, err := b.GetSessionState(r.path, *sid)
		if err != nil {
			return failed(err)
		}
		var v any // null when there is no state: never an empty binary
		if len(state) > 0 {
			v = state
		}
		return ok(bodyMap("session-state", v))
	default:
		v, _ := r.body.Get("session-state")
		state, _ := v.([]byte)
		if err := b.SetSessionState(r.path, *sid, state); err != nil {
			return failed(err)
		}
		return ok(nil)
	}
}

func (h *handler) listSessions(r *mgmtRequest) response {
	var since time.Time
	if v, ok := r.body.Get("last-updated-time"); ok {
		if t, isTime := v.(time.Time); isTime && t.UnixMilli() != listSessionsDefault {
			since = t
		}
	}
	skip, _ := int64Field(r.body, "skip")
	top, _ := int64Field(r.body, "top")
	if top <= 0 {
		top = 100
	}
	ids, err := h.em.Broker.ListSessions(r.path, since, int(skip), int(top))
	if err != nil {
		return failed(err)
	}
	if len(ids) == 0 {
		return response{status: 204, description: "No Content"}
	}
	return ok(&amqp.Map{Pairs: []amqp.MapPair{
		{Key: "skip", Value: int32(int(skip) + len(ids))},
		{Key: "sessions-ids", Value: ids},
	}})
}

// bodyMap is a one-entry response body with a string key.
func bodyMap(key string, value any) *amqp.Map {
	return &amqp.Map{Pairs: []amqp.MapPair{{Key: key, Value: value}}}
}

func utcTimes(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}

// lockTokens reads the lock-tokens array of a request.
func lockTokens(body *amqp.Map) ([][16]byte, error) {
	v, _ := body.Get("lock-tokens")
	var elems []any
	switch a := v.(type) {
	case amqp.Array:
		elems = a.Elems
	case *amqp.Array:
		if a != nil {
			elems = a.Elems
		}
	case []any:
		elems = a
	case []amqp.UUID:
		out := make([][16]byte, len(a))
		for i, u := range a {
			out[i] = u
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: lock-tokens must be an array of uuid", errBadRequest)
	}
	out := make([][16]byte, 0, len(elems))
	for _, e := range elems {
		u, isUUID := e.(amqp.UUID)
		if !isUUID {
			return nil, fmt.Errorf("%w: lock-tokens must hold uuids", errBadRequest)
		}
		out = append(out, u)
	}
	return out, nil
}

// int64s reads an array (or list) of integers.
func int64s(body *amqp.Map, key string) ([]int64, error) {
	v, _ := body.Get(key)
	var elems []any
	switch a := v.(type) {
	case amqp.Array:
		elems = a.Elems
	case *amqp.Array:
		if a != nil {
			elems = a.Elems
		}
	case []any:
		elems = a
	case []int64:
		return a, nil
	default:
		return nil, fmt.Errorf("%w: %s must be an array of long", errBadRequest, key)
	}
	out := make([]int64, 0, len(elems))
	for _, e := range elems {
		n, ok := toInt64(e)
		if !ok {
			return nil, fmt.Errorf("%w: %s must hold integers", errBadRequest, key)
		}
		out = append(out, n)
	}
	return out, nil
}

func int64Field(body *amqp.Map, key string) (int64, bool) {
	v, ok := body.Get(key)
	if !ok {
		return 0, false
	}
	return toInt64(v)
}

func stringField(body *amqp.Map, key string) (string, bool) {
	v, _ := body.Get(key)
	switch s := v.(type) {
	case string:
		return s, true
	case amqp.Symbol:
		return string(s), true
	}
	return "", false
}

// toInt64 accepts any AMQP integer type (clients differ in which they use).
func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		if n > 1<<63-1 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

// brokerSessionID reads the session id a management request names, if any.
func brokerSessionID(body *amqp.Map) *string {
	if v, ok := body.Get("session-id"); ok {
		if s, ok := v.(string); ok {
			return &s
		}
	}
	return nil
}
