package emulator

import (
	"encoding/binary"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sbx-tui/sbx/emulator/amqp"
)

// errBadRequest marks a malformed management request (status 400).
var errBadRequest = errors.New("bad request")

// requestLink receives CBS or management requests; each gets one response on
// the reply link its reply-to names.
type requestLink struct {
	h    *handler
	cbs  bool
	path string // entity path of a management link
}

// response is what an operation answers.
type response struct {
	status      int32
	description string
	body        any // amqp-value body; nil: no body
}

func ok(body any) response { return response{status: 200, description: "OK", body: body} }

func failed(err error) response {
	status, desc := statusOf(err)
	return response{status: status, description: desc}
}

// Transfer implements amqp.LinkHandler. The request is answered on its own
// goroutine so a slow operation (or injected latency) never stalls the
// connection's reader.
func (r *requestLink) Transfer(l *amqp.Link, d *amqp.IncomingDelivery) amqp.DeliveryState {
	req, err := amqp.DecodeMessage(d.Payload)
	if err != nil {
		return &amqp.Rejected{Error: &amqp.Error{Condition: amqp.ErrDecode, Description: err.Error()}}
	}
	go r.serve(l, req)
	return &amqp.Accepted{}
}

func (r *requestLink) serve(l *amqp.Link, req *amqp.Message) {
	em := r.h.em
	em.Faults.delay()
	var resp response
	if r.cbs {
		resp = r.h.putToken(l.Conn(), req)
	} else {
		resp = r.h.manage(l, r.path, req)
	}
	em.stats.requests.Add(1)
	r.h.reply(l.Conn(), req, resp)
}

func (r *requestLink) Flow(*amqp.Link) {}
func (r *requestLink) Disposition(*amqp.Link, []byte, amqp.DeliveryState, bool) amqp.DeliveryState {
	return nil
}
func (r *requestLink) Detached(*amqp.Link, *amqp.Error) {}

// replyTag numbers responses; tags only need to be unique per link.
var replyTag atomic.Uint64

// replyBuffers holds encode buffers for responses with a body; the largest
// (peeks of hundreds of messages) are worth reusing, the rarest giants not.
var replyBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledReply = 4 << 20

// reply sends resp to the link named by the request's reply-to, correlated
// with the request's message-id. Requests without a reply link are dropped,
// as the client can never see an answer anyway.
func (h *handler) reply(c *amqp.Conn, req *amqp.Message, resp response) {
	if req.Properties == nil || req.Properties.ReplyTo == nil {
		return
	}
	link := h.replyLinkFor(c, *req.Properties.ReplyTo)
	if link == nil {
		h.em.log.Debug("no reply link", "reply-to", *req.Properties.ReplyTo)
		return
	}
	out := &amqp.Message{
		Properties: &amqp.Properties{CorrelationID: req.Properties.MessageID},
		ApplicationProperties: &amqp.Map{Pairs: []amqp.MapPair{
			{Key: "status-code", Value: resp.status},
			{Key: "status-description", Value: resp.description},
		}},
	}
	var payload []byte
	var err error
	if resp.body != nil {
		// Encoded in one go into a reused buffer: a body of many messages
		// is written once, and Send copies it out before it is reused.
		pooled := replyBuffers.Get().(*[]byte)
		defer func() {
			if cap(payload) <= maxPooledReply {
				*pooled = payload[:0]
			}
			replyBuffers.Put(pooled)
		}()
		if payload, err = amqp.AppendMessageWithValue((*pooled)[:0], out, resp.body); err != nil {
			h.em.log.Error("encoding a response", "err", err)
			out.ApplicationProperties.Set("status-code", int32(500))
			out.ApplicationProperties.Set("status-description", err.Error())
		}
	}
	if payload == nil {
		payload, err = amqp.EncodeMessage(out)
	}
	if err != nil {
		h.em.log.Error("encoding a response", "err", err)
		return
	}
	tag := binary.BigEndian.AppendUint64(nil, replyTag.Add(1))
	// The client grants 1000 credits and tops them up as it reads; wait
	// briefly rather than dropping a response when they run out.
	for range 100 {
		err = link.Send(amqp.OutgoingDelivery{Tag: tag, Payload: payload, Settled: true})
		if !errors.Is(err, amqp.ErrNoCredit) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		h.em.log.Debug("sending a response", "err", err)
	}
}

// putToken answers a CBS put-token: 404 for an audience naming no entity,
// 401 for a bad token when keys are enforced, 202 otherwise.
func (h *handler) putToken(c *amqp.Conn, req *amqp.Message) response {
	if kind, ok := h.em.Faults.take(OpCBS); ok {
		return response{status: kind.status(), description: "injected fault: " + string(kind)}
	}
	op, _ := appProp(req, "operation")
	if op != "put-token" {
		return response{status: 400, description: "unsupported CBS operation " + strconv.Quote(op)}
	}
	audience, _ := appProp(req, "name")
	path := audiencePath(audience)
	if path == "" {
		return response{status: 400, description: "the audience names no entity"}
	}
	if err := h.em.Broker.CheckPath(path); err != nil {
		status, desc := statusOf(err)
		if status != 404 {
			return response{status: status, description: desc}
		}
		return response{status: 404, description: "The messaging entity '" + path + "' could not be found."}
	}
	now := h.em.cfg.Now()
	until := now.Add(24 * time.Hour)
	if key := h.em.cfg.SASKey; key != "" {
		v, _ := req.BodyValue()
		token, isString := v.(string)
		if !isString {
			return response{status: 401, description: "the token must be a string"}
		}
		exp, err := verifySAS(token, audience, h.em.cfg.SASKeyName, key, now)
		if err != nil {
			return response{status: 401, description: err.Error()}
		}
		until = exp
	}
	h.authorize(c, path, until)
	return response{status: 202, description: "Accepted"}
}

// appProp reads a string application property of a request.
func appProp(m *amqp.Message, key string) (string, bool) {
	v, ok := m.ApplicationProperties.Get(key)
	if !ok {
		return "", false
	}
	switch s := v.(type) {
	case string:
		return s, true
	case amqp.Symbol:
		return string(s), true
	}
	return "", false
}
