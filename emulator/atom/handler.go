package atom

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

const (
	// defaultNamespace is the official emulator's namespace name.
	defaultNamespace = "sbemulatorns"
	// defaultPageSize is how many entries a list answers when the client
	// sets no $top; the service pages by 100 too, and the SDK's pager keeps
	// asking until it gets an empty page.
	defaultPageSize = 100
	// maxBodyBytes bounds a PUT body; descriptions are a few KiB at most.
	maxBodyBytes = 1 << 20
	apiVersion   = "2024-05"
)

type handler struct {
	b       *broker.Broker
	ns      string
	now     func() time.Time
	created time.Time
	keyName string
	key     string
	log     *slog.Logger
}

func newHandler(b *broker.Broker, opts Options) *handler {
	h := &handler{b: b, ns: opts.Namespace, now: opts.Now, keyName: opts.SASKeyName, key: opts.SASKey, log: opts.Logger}
	if h.ns == "" {
		h.ns = defaultNamespace
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.created = h.now().UTC()
	return h
}

// apiError is a failure with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

// response is a successful answer: a status and an XML document.
type response struct {
	status int
	body   []byte
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp, err := h.serve(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.log.Debug("atom request", "method", r.Method, "path", r.URL.Path, "status", resp.status)
	if len(resp.body) > 0 {
		w.Header().Set("Content-Type", "application/atom+xml;type=entry;charset=utf-8")
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

func (h *handler) serve(r *http.Request) (response, error) {
	if h.key != "" {
		if err := verifySAS(r.Header.Get("Authorization"), h.keyName, h.key, h.now()); err != nil {
			return response{}, &apiError{status: http.StatusUnauthorized, msg: "InvalidSignature: " + err.Error()}
		}
	}
	rt, err := parseRoute(r.URL.Path)
	if err != nil {
		return response{}, badRequest("%v", err)
	}
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		return response{}, &apiError{status: http.StatusMethodNotAllowed, msg: "method " + r.Method + " is not supported"}
	}
	req := &request{r: r, route: rt}
	switch rt.kind {
	case routeNamespace:
		return h.onlyGet(req, h.getNamespace)
	case routeQueues:
		return h.onlyGet(req, h.listQueues)
	case routeTopics:
		return h.onlyGet(req, h.listTopics)
	case routeSubscriptions:
		return h.onlyGet(req, h.listSubscriptions)
	case routeRules:
		if r.Method == http.MethodPut {
			// CreateRule without a name PUTs to ".../Rules/" and names the
			// rule ($Default) only in the body.
			return h.rule(req)
		}
		return h.onlyGet(req, h.listRules)
	case routeEntity:
		return h.entity(req)
	case routeSubscription:
		return h.subscription(req)
	default:
		return h.rule(req)
	}
}

// request is one call being served.
type request struct {
	r     *http.Request
	route route
}

// selfURL is the https URL the client addressed, used for ids and links.
func (q *request) selfURL() string {
	return "https://" + q.r.Host + q.r.URL.EscapedPath() + "?api-version=" + apiVersion
}

// isUpdate tells an update from a create: the SDK sends If-Match: * on
// updates only.
func (q *request) isUpdate() bool { return q.r.Header.Get("If-Match") != "" }

func (h *handler) onlyGet(q *request, fn func(*request) (response, error)) (response, error) {
	if q.r.Method != http.MethodGet {
		return response{}, &apiError{status: http.StatusMethodNotAllowed, msg: "only GET is supported on " + q.r.URL.Path}
	}
	return fn(q)
}

// readEntry reads and decodes a PUT body.
func readEntry(q *request) (descKind, *contentIn, error) {
	body, err := io.ReadAll(io.LimitReader(q.r.Body, maxBodyBytes+1))
	if err != nil {
		return 0, nil, badRequest("reading the request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return 0, nil, &apiError{status: http.StatusRequestEntityTooLarge, msg: "the request body is larger than 1 MiB"}
	}
	kind, c, err := decodeEntry(body)
	if err != nil {
		return 0, nil, badRequest("%v", err)
	}
	return kind, c, nil
}

// writeError answers with the service's error document; azcore puts its Code
// and the body into the error the SDK returns.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, err.Error()
	var ae *apiError
	var be *broker.Error
	switch {
	case errors.As(err, &ae):
		status = ae.status
	case errors.As(err, &be):
		status = brokerStatus(be)
		msg = be.Description
		if msg == "" {
			msg = be.Condition
		}
	}
	if status >= 500 {
		h.log.Error("atom request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		h.log.Debug("atom request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", msg)
	}
	var d docWriter
	d.open("Error")
	d.int("Code", int64(status))
	d.text("Detail", msg)
	d.close("Error")
	w.Header().Set("Content-Type", "application/xml;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(d.buf.Bytes())
}

// brokerStatus is the HTTP status of a broker failure, derived from its
// condition when the broker set none.
func brokerStatus(e *broker.Error) int {
	if e.Status >= 400 && e.Status <= 599 {
		return e.Status
	}
	switch e.Condition {
	case broker.CondNotFound:
		return http.StatusNotFound
	case broker.CondConflict:
		return http.StatusConflict
	case broker.CondInvalidArgument, broker.CondNotAllowed:
		return http.StatusBadRequest
	case broker.CondResourceLimit:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// isNotFound reports a broker 404.
func isNotFound(err error) bool {
	var be *broker.Error
	return errors.As(err, &be) && brokerStatus(be) == http.StatusNotFound
}

// pageBounds reads $skip and $top. Without $top a page holds
// defaultPageSize entries.
func pageBounds(q url.Values, total int) (from, to int, err error) {
	skip, top := 0, defaultPageSize
	if s := q.Get("$skip"); s != "" {
		if skip, err = strconv.Atoi(s); err != nil || skip < 0 {
			return 0, 0, badRequest("$skip=%q is not a non-negative integer", s)
		}
	}
	if s := q.Get("$top"); s != "" {
		if top, err = strconv.Atoi(s); err != nil || top < 0 {
			return 0, 0, badRequest("$top=%q is not a non-negative integer", s)
		}
	}
	from = min(skip, total)
	to = from + min(top, total-from)
	return from, to, nil
}

// entryDoc is one ATOM entry to write.
type entryDoc struct {
	id, title          string
	published, updated time.Time
	content            func(*docWriter)
}

func (h *handler) writeEntry(w *docWriter, e entryDoc) {
	w.open("entry", "xmlns", nsAtom)
	w.text("id", e.id)
	w.text("title", e.title, "type", "text")
	w.text("published", formatTime(e.published))
	w.text("updated", formatTime(e.updated))
	w.open("author")
	w.text("name", h.ns)
	w.close("author")
	w.empty("link", "rel", "self", "href", e.id)
	w.open("content", "type", "application/xml")
	e.content(w)
	w.close("content")
	w.close("entry")
}

// entryResponse answers with a single entry.
func (h *handler) entryResponse(status int, e entryDoc) response {
	var w docWriter
	h.writeEntry(&w, e)
	return response{status: status, body: w.buf.Bytes()}
}

// feedResponse answers with a feed of entries; a page past the end is an
// empty feed, which is what stops the SDK's pager.
func (h *handler) feedResponse(q *request, title string, entries []entryDoc) response {
	var w docWriter
	self := q.selfURL()
	w.open("feed", "xmlns", nsAtom)
	w.text("title", title, "type", "text")
	w.text("id", self)
	w.text("updated", formatTime(h.now()))
	w.empty("link", "rel", "self", "href", self)
	for _, e := range entries {
		h.writeEntry(&w, e)
	}
	w.close("feed")
	return response{status: http.StatusOK, body: w.buf.Bytes()}
}

// entityURL is the https URL of an entity path, for entry ids in feeds.
func entityURL(q *request, path string) string {
	return "https://" + q.r.Host + "/" + path + "?api-version=" + apiVersion
}

// sortEntities orders a listing by name, case-insensitively, so $skip
// addresses the same entries from one page to the next.
func sortEntities(list []*broker.EntityInfo) {
	sort.SliceStable(list, func(i, j int) bool {
		return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name)
	})
}

func (h *handler) getNamespace(q *request) (response, error) {
	return h.entryResponse(http.StatusOK, entryDoc{
		id: q.selfURL(), title: h.ns, published: h.created, updated: h.created,
		content: func(w *docWriter) {
			w.open("NamespaceInfo", "xmlns", nsConnect, "xmlns:i", nsInstance)
			w.time("CreatedTime", h.created)
			w.text("MessagingSKU", "Standard")
			w.time("ModifiedTime", h.created)
			w.text("Name", h.ns)
			w.text("NamespaceType", "Messaging")
			w.close("NamespaceInfo")
		},
	}), nil
}
