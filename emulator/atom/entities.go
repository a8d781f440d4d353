package atom

import (
	"net/http"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func (h *handler) queueEntry(q *request, e *broker.EntityInfo) entryDoc {
	return entryDoc{
		id: entityURL(q, e.Name), title: e.Name, published: e.CreatedAt, updated: e.UpdatedAt,
		content: func(w *docWriter) { writeQueueDescription(w, e) },
	}
}

func (h *handler) topicEntry(q *request, e *broker.EntityInfo) entryDoc {
	fc := h.filterCounts(e.Name)
	return entryDoc{
		id: entityURL(q, e.Name), title: e.Name, published: e.CreatedAt, updated: e.UpdatedAt,
		content: func(w *docWriter) { writeTopicDescription(w, e, fc) },
	}
}

// filterCounts counts the rules of all of a topic's subscriptions by filter
// family. A topic deleted meanwhile simply counts nothing.
func (h *handler) filterCounts(topic string) filterCounts {
	var fc filterCounts
	subs, err := h.b.ListSubscriptions(topic)
	if err != nil {
		return fc
	}
	for _, s := range subs {
		rules, err := h.b.ListRules(topic, s.Name)
		if err != nil {
			continue
		}
		for _, r := range rules {
			if r.Filter.Kind == broker.FilterCorrelation {
				fc.correlation++
			} else {
				fc.sql++
			}
		}
	}
	return fc
}

func (h *handler) listQueues(q *request) (response, error) {
	list := h.b.ListQueues()
	sortEntities(list)
	from, to, err := pageBounds(q.r.URL.Query(), len(list))
	if err != nil {
		return response{}, err
	}
	entries := make([]entryDoc, 0, to-from)
	for _, e := range list[from:to] {
		entries = append(entries, h.queueEntry(q, e))
	}
	return h.feedResponse(q, "Queues", entries), nil
}

func (h *handler) listTopics(q *request) (response, error) {
	list := h.b.ListTopics()
	sortEntities(list)
	from, to, err := pageBounds(q.r.URL.Query(), len(list))
	if err != nil {
		return response{}, err
	}
	entries := make([]entryDoc, 0, to-from)
	for _, e := range list[from:to] {
		entries = append(entries, h.topicEntry(q, e))
	}
	return h.feedResponse(q, "Topics", entries), nil
}

// entity serves /<name>, which is a queue or a topic (they share names).
func (h *handler) entity(q *request) (response, error) {
	name := q.route.entity
	switch q.r.Method {
	case http.MethodGet:
		if e, err := h.b.GetQueue(name); err == nil {
			return h.entryResponse(http.StatusOK, h.queueEntry(q, e)), nil
		} else if !isNotFound(err) {
			return response{}, err
		}
		e, err := h.b.GetTopic(name)
		if err != nil {
			if isNotFound(err) {
				return response{}, notFound("no queue or topic named %q", name)
			}
			return response{}, err
		}
		return h.entryResponse(http.StatusOK, h.topicEntry(q, e)), nil
	case http.MethodDelete:
		err := h.b.DeleteQueue(name)
		if isNotFound(err) {
			err = h.b.DeleteTopic(name)
			if isNotFound(err) {
				return response{}, notFound("no queue or topic named %q", name)
			}
		}
		if err != nil {
			return response{}, err
		}
		return response{status: http.StatusOK}, nil
	}
	kind, c, err := readEntry(q)
	if err != nil {
		return response{}, err
	}
	switch kind {
	case descQueue:
		return h.putQueue(q, name, c.Queue)
	case descTopic:
		return h.putTopic(q, name, c.Topic)
	}
	return response{}, badRequest("PUT /%s needs a QueueDescription or a TopicDescription", name)
}

func (h *handler) putQueue(q *request, name string, d *descIn) (response, error) {
	return h.putEntity(q, name, d, putOps{
		kind: broker.KindQueue, label: "Queue",
		create: h.b.CreateQueue, update: h.b.UpdateQueue, get: h.b.GetQueue, entry: h.queueEntry,
	})
}

func (h *handler) putTopic(q *request, name string, d *descIn) (response, error) {
	return h.putEntity(q, name, d, putOps{
		kind: broker.KindTopic, label: "Topic",
		create: h.b.CreateTopic, update: h.b.UpdateTopic, get: h.b.GetTopic, entry: h.topicEntry,
	})
}

// putOps are the broker calls and document builder of one entity kind, so
// queues and topics share one create-or-update path.
type putOps struct {
	kind           broker.Kind
	label          string
	create, update func(string, broker.Properties) (*broker.EntityInfo, error)
	get            func(string) (*broker.EntityInfo, error)
	entry          func(*request, *broker.EntityInfo) entryDoc
}

// putEntity creates (201) or, with If-Match, updates (200) a queue or topic.
func (h *handler) putEntity(q *request, name string, d *descIn, ops putOps) (response, error) {
	props, statusGiven, err := applyDescription(ops.kind, broker.Defaults(ops.kind), d)
	if err != nil {
		return response{}, badRequest("%v", err)
	}
	if !q.isUpdate() {
		e, err := ops.create(name, props)
		if err != nil {
			return response{}, err
		}
		return h.entryResponse(http.StatusCreated, ops.entry(q, e)), nil
	}
	old, err := ops.get(name)
	if err != nil {
		return response{}, err
	}
	if err := keepImmutable(&props, old.Properties, statusGiven, ops.label); err != nil {
		return response{}, err
	}
	e, err := ops.update(name, props)
	if err != nil {
		return response{}, err
	}
	return h.entryResponse(http.StatusOK, ops.entry(q, e)), nil
}

// keepImmutable applies the update rules the service enforces: an update is a
// full replacement, except that a Status the client did not send stays as it
// was, and properties fixed at creation cannot change.
func keepImmutable(p *broker.Properties, old broker.Properties, statusGiven bool, kindName string) error {
	if !statusGiven {
		p.Status = old.Status
	}
	if p.RequiresSession != old.RequiresSession {
		return badRequest("The value for the RequiresSession property of an existing %s cannot be changed.", kindName)
	}
	if p.EnablePartitioning != old.EnablePartitioning {
		return badRequest("The value for the EnablePartitioning property of an existing %s cannot be changed.", kindName)
	}
	return nil
}
