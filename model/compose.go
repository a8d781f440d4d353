package model

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// maxCopies bounds "send N copies": enough for a load test, not a flood.
const maxCopies = 10_000

// startCompose opens the send form, prefilled from the template when one
// is given.
func startCompose(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	ref := sendRef(req.entity)
	f := newFormView(sh, "Send to "+ref.Path(), "send")
	f.submitKey = "send"
	if req.entity.Kind == sbsvc.SubscriptionEntity || req.entity.Ref.Subscription != "" {
		f.warn = []string{"a subscription has no sender: this goes to topic " + ref.Topic + ", and every subscription whose rules match gets a copy"}
	}
	var t sbsvc.Message
	if req.template != nil {
		t = *req.template
		f.intro = []string{fmt.Sprintf("from template #%d %s (message id left empty: a new one)", t.SequenceNumber, t.MessageID)}
	}
	body := ""
	switch {
	case t.BodyKind == sbsvc.BodyData && utf8.Valid(t.Body):
		body = string(t.Body)
	case req.template != nil && t.BodyKind != sbsvc.BodyNone:
		f.intro = append(f.intro, "the template's body is not text: type a new one")
	}
	f.text("body", "body", body, "")
	f.line("contentType", "content type", t.ContentType, "")
	f.line("subject", "subject", t.Subject, "")
	idNote := "empty: none set"
	dedup := req.entity.RequiresDuplicateDetection && req.entity.Kind != sbsvc.SubscriptionEntity
	if dedup {
		idNote = "duplicate detection: an id this entity saw within its window is dropped without an error"
		f.intro = append(f.intro, ref.Path()+" has duplicate detection: a message id it saw within its window is dropped without an error")
	}
	f.line("messageId", "message id", "", idNote)
	f.line("correlationId", "correlation id", t.CorrelationID, "")
	sessionNote := ""
	if req.entity.RequiresSession {
		sessionNote = "required: this entity uses sessions"
	}
	session := t.SessionID
	if session == "" {
		session = req.session
	}
	f.line("sessionId", "session id", session, sessionNote)
	f.line("partitionKey", "partition key", t.PartitionKey, "")
	ttl := ""
	if t.TimeToLive > 0 && t.TimeToLive != sbsvc.Forever {
		ttl = t.TimeToLive.String()
	}
	f.line("ttl", "time to live", ttl, "e.g. 10m, 24h; empty: the entity's default")
	f.text("props", "application properties", propertyLines(t.Properties), "key=value a line; 42 → int, 1.5 → float, true → bool, \"42\" → string")
	f.line("scheduled", "scheduled time", "", "empty: now; RFC 3339 (2026-01-02T15:04:05Z) or +5m")
	f.line("count", "copies", "1", fmt.Sprintf("send this many (1–%d)", maxCopies))
	limit := wc.Info().MaxMessageSize
	f.submit = func(f *formView) (formStep, error) {
		c, err := parseCompose(composeInput{
			body: f.field("body").value, contentType: f.value("contentType"), subject: f.value("subject"),
			messageID: f.value("messageId"), correlationID: f.value("correlationId"), sessionID: f.value("sessionId"),
			partitionKey: f.value("partitionKey"), ttl: f.value("ttl"), props: f.field("props").value,
			scheduled: f.value("scheduled"), count: f.value("count"),
		}, sh.now(), limit, req.entity.RequiresSession)
		if err != nil {
			return formStep{}, err
		}
		if dedup && c.msg.MessageID != "" && c.count > 1 {
			// The service would accept the first and silently drop the rest.
			return formStep{}, fmt.Errorf("copies: %s has duplicate detection, so copies sharing one message id would be dropped; leave the message id empty to send %d", ref.Path(), c.count)
		}
		path := entityPath(req.entity)
		return formStep{async: func(ctx context.Context) (tea.Cmd, error) {
			msgs := make([]sbsvc.OutgoingMessage, c.count)
			for i := range msgs {
				msgs[i] = c.msg
			}
			if !c.at.IsZero() {
				seqs, err := wc.Schedule(ctx, ref, msgs, c.at)
				if err != nil {
					return nil, err
				}
				return tea.Batch(toast(ui.ToastSuccess, "scheduled %s for %s (%s)", plural(len(seqs), "message", "messages"),
					c.at.Local().Format(time.DateTime), seqList(seqs)), changed(path)), nil
			}
			n, err := wc.Send(ctx, ref, msgs)
			if err != nil {
				if n > 0 {
					return nil, fmt.Errorf("%d of %d sent, then: %w", n, len(msgs), err)
				}
				return nil, err
			}
			return tea.Batch(toast(ui.ToastSuccess, "sent %s to %s", plural(n, "message", "messages"), ref.Path()), changed(path)), nil
		}}, nil
	}
	return nil, &navigation{push: f}
}

// composeInput is the form's text, as typed.
type composeInput struct {
	body, contentType, subject, messageID, correlationID, sessionID string
	partitionKey, ttl, props, scheduled, count                      string
}

// composed is a checked message, how many copies, and when.
type composed struct {
	msg   sbsvc.OutgoingMessage
	count int
	at    time.Time // zero: now
}

// parseCompose checks everything before anything is sent: the size limit,
// property types, the session id a session entity needs, times and counts.
func parseCompose(in composeInput, now time.Time, limit int64, needsSession bool) (composed, error) {
	var c composed
	m := sbsvc.OutgoingMessage{Body: []byte(in.body), ContentType: in.contentType, Subject: in.subject,
		MessageID: in.messageID, CorrelationID: in.correlationID, SessionID: in.sessionID, PartitionKey: in.partitionKey}
	if needsSession && in.sessionID == "" {
		return c, fmt.Errorf("session id: this entity requires sessions, so every message needs one")
	}
	if in.ttl != "" {
		d, err := time.ParseDuration(in.ttl)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("time to live %q: a positive duration like 10m or 24h", in.ttl)
		}
		m.TimeToLive = d
	}
	props, err := parseProperties(in.props)
	if err != nil {
		return c, err
	}
	m.Properties = props
	switch s := in.scheduled; {
	case s == "":
	case strings.HasPrefix(s, "+"):
		d, err := time.ParseDuration(s[1:])
		if err != nil || d <= 0 {
			return c, fmt.Errorf("scheduled time %q: +5m, +2h …", s)
		}
		c.at = now.Add(d)
	default:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return c, fmt.Errorf("scheduled time %q: RFC 3339 like 2026-01-02T15:04:05Z, or +5m", s)
		}
		c.at = t
	}
	c.count = 1
	if in.count != "" {
		n, err := strconv.Atoi(in.count)
		if err != nil || n < 1 || n > maxCopies {
			return c, fmt.Errorf("copies: a number from 1 to %d", maxCopies)
		}
		c.count = n
	}
	if size := approxSize(&m); limit > 0 && size > limit {
		return c, fmt.Errorf("the message is about %s; the namespace accepts at most %s", bytesText(size), bytesText(limit))
	}
	c.msg = m
	return c, nil
}

// approxSize is the body plus properties and ids: close to what the
// service counts, and what sbsvc checks exactly before sending.
func approxSize(m *sbsvc.OutgoingMessage) int64 {
	n := len(m.Body) + len(m.ContentType) + len(m.Subject) + len(m.MessageID) + len(m.CorrelationID) + len(m.SessionID) + len(m.PartitionKey)
	for k, v := range m.Properties {
		n += len(k) + len(fmt.Sprint(v)) + 8
	}
	return int64(n)
}

// parseProperties reads key=value lines: whole numbers become int64,
// other numbers float64, true/false bool, a quoted value a string, the
// rest a string as typed.
func parseProperties(text string) (map[string]any, error) {
	props := map[string]any{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, fmt.Errorf("properties line %d: key=value", i+1)
		}
		if _, dup := props[k]; dup {
			return nil, fmt.Errorf("properties line %d: %q is given twice", i+1, k)
		}
		props[k] = typedValue(v)
	}
	if len(props) == 0 {
		return nil, nil
	}
	return props, nil
}

func typedValue(v string) any {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	}
	if i, err := strconv.ParseInt(v, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return f
	}
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	return v
}

// propertyLines writes a template's properties back as key=value lines, a
// string that would read as another type quoted.
func propertyLines(props map[string]any) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		var text string
		switch v := props[k].(type) {
		case string:
			text = v
			if _, isString := typedValue(v).(string); !isString || strings.HasPrefix(v, "\"") {
				text = strconv.Quote(v)
			}
		case time.Time:
			text = strconv.Quote(v.Format(time.RFC3339Nano))
		default:
			text = fmt.Sprint(v)
		}
		b.WriteString(k + "=" + strings.ReplaceAll(text, "\n", " ") + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}
