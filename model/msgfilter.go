package model

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
)

// The message filter matches, case-insensitively, the text a user may
// remember of a message: its ids, subject, content type, dead-letter
// reason and description, application property keys and values, the
// decoded preview already computed per row, and the raw body bytes. It
// never decodes a body again: a keystroke costs one scan over what is
// already in memory, run in a tea.Cmd, and a query that extends the
// previous one scans only the previous matches.

// filterBodyBytes caps how much of one raw body the filter scans, so one
// 20 MB message cannot make every keystroke slow.
const filterBodyBytes = 256 << 10

// filterCheckEvery is how many rows a scan takes between looks at its
// context (a newer keystroke cancels the older scan).
const filterCheckEvery = 4096

// groupKey is one dead-letter reason group: reason plus description.
type groupKey struct{ reason, description string }

// msgFilter is what the list is narrowed to.
type msgFilter struct {
	query string    // as typed
	group *groupKey // a reason group picked in the summary
}

func (f msgFilter) active() bool { return f.query != "" || f.group != nil }

// narrows reports whether every message matching f also matches prev, so
// f can be applied to prev's matches alone.
func (f msgFilter) narrows(prev msgFilter) bool {
	if !prev.active() {
		return false
	}
	if prev.group != nil && (f.group == nil || *f.group != *prev.group) {
		return false
	}
	return strings.Contains(strings.ToLower(f.query), strings.ToLower(prev.query))
}

// matcher is a compiled filter, safe to use from a tea.Cmd.
type matcher struct {
	q     string // lower-cased query
	ascii bool   // q is ASCII: fold without allocating
	group *groupKey
	// seq is the query read as a sequence number, when it is one.
	seq   int64
	isSeq bool
}

func (f msgFilter) matcher() matcher {
	q := strings.ToLower(f.query)
	ascii := true
	for i := 0; i < len(q); i++ {
		if q[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	seq, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64)
	return matcher{q: q, ascii: ascii, group: f.group, seq: seq, isSeq: err == nil}
}

// match reports whether m (with its preview) passes the filter.
func (mt *matcher) match(m *sbsvc.Message, preview string) bool {
	if mt.group != nil && (m.DeadLetterReason != mt.group.reason || m.DeadLetterDescription != mt.group.description) {
		return false
	}
	if mt.q == "" {
		return true
	}
	for _, s := range [...]string{m.MessageID, m.Subject, m.ContentType, m.CorrelationID, m.SessionID,
		m.DeadLetterReason, m.DeadLetterDescription, preview} {
		if mt.has(s) {
			return true
		}
	}
	if mt.isSeq && m.SequenceNumber == mt.seq {
		return true
	}
	for k, val := range m.Properties {
		if mt.has(k) || mt.hasValue(val) {
			return true
		}
	}
	body := m.Body
	if len(body) > filterBodyBytes {
		body = body[:filterBodyBytes]
	}
	return mt.hasBytes(body)
}

func (mt *matcher) has(s string) bool {
	if mt.ascii {
		return containsFoldASCII(s, mt.q)
	}
	return strings.Contains(strings.ToLower(s), mt.q)
}

func (mt *matcher) hasBytes(b []byte) bool {
	if mt.ascii {
		return containsFoldASCII(bytesView(b), mt.q)
	}
	return bytes.Contains(bytes.ToLower(b), []byte(mt.q))
}

// hasValue matches a property value as it would print, formatting the
// common types without fmt (and so without allocating).
func (mt *matcher) hasValue(val any) bool {
	var buf [40]byte
	switch x := val.(type) {
	case string:
		return mt.has(x)
	case []byte:
		return mt.hasBytes(x)
	case int64:
		return mt.hasBytes(strconv.AppendInt(buf[:0], x, 10))
	case int32:
		return mt.hasBytes(strconv.AppendInt(buf[:0], int64(x), 10))
	case int:
		return mt.hasBytes(strconv.AppendInt(buf[:0], int64(x), 10))
	case float64:
		return mt.hasBytes(strconv.AppendFloat(buf[:0], x, 'g', -1, 64))
	case bool:
		return mt.hasBytes(strconv.AppendBool(buf[:0], x))
	case nil:
		return false
	}
	return mt.has(fmt.Sprint(val))
}

// shortField is the length below which a field is scanned byte by byte.
const shortField = 48

// containsFoldASCII reports whether s holds q ignoring ASCII case; q is
// already lower case. It finds candidates with IndexByte (vectorised) for
// both cases of q's first byte, then compares the rest.
func containsFoldASCII(s, q string) bool {
	n := len(q)
	if n == 0 {
		return true
	}
	lo := q[0]
	up := lo
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	if len(s) < shortField {
		// Most fields are short ids and names: one plain pass beats two
		// IndexByte calls per field.
		for i := 0; i+n <= len(s); i++ {
			if c := s[i]; (c == lo || c == up) && equalFoldASCII(s[i+1:i+n], q[1:]) {
				return true
			}
		}
		return false
	}
	for i := 0; i+n <= len(s); {
		window := s[i : len(s)-n+1]
		j := strings.IndexByte(window, lo)
		if up != lo {
			limit := window
			if j >= 0 {
				limit = window[:j]
			}
			if k := strings.IndexByte(limit, up); k >= 0 {
				j = k
			}
		}
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(s[i+1:i+n], q[1:]) {
			return true
		}
		i++
	}
	return false
}

// bytesView reads b as a string without copying: a body or a formatted
// number is scanned in place, and nothing writes to it meanwhile (message
// bodies are never modified once peeked).
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// equalFoldASCII compares s with the lower-case q, folding s's ASCII
// letters.
func equalFoldASCII(s, q string) bool {
	for i := 0; i < len(q); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != q[i] {
			return false
		}
	}
	return true
}

// appendMatches adds to shown the indexes from `from` on that match.
func appendMatches(shown []int32, msgs []sbsvc.Message, previews []string, mt matcher, from int) []int32 {
	for i := from; i < len(msgs); i++ {
		if mt.match(&msgs[i], previews[i]) {
			shown = append(shown, int32(i))
		}
	}
	return shown
}

// parallelFrom is the row count from which a scan is split across the
// CPUs; below it the goroutines cost more than they save.
const parallelFrom = 16_384

// filterRows scans msgs (or only the candidates, when narrowing) and
// returns the matching indexes in order; it stops early when ctx is
// cancelled. A big scan runs on every CPU, each on its own slice of rows.
func filterRows(ctx context.Context, msgs []sbsvc.Message, previews []string, mt matcher, candidates []int32) ([]int32, error) {
	n := len(msgs)
	if candidates != nil {
		n = len(candidates)
	}
	rowAt := func(k int) int32 {
		if candidates != nil {
			return candidates[k]
		}
		return int32(k)
	}
	scan := func(from, to int) ([]int32, error) {
		out := make([]int32, 0, 64)
		for k := from; k < to; k++ {
			if (k-from)%filterCheckEvery == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if i := rowAt(k); mt.match(&msgs[i], previews[i]) {
				out = append(out, i)
			}
		}
		return out, nil
	}
	workers := min(runtime.GOMAXPROCS(0), n/parallelFrom*2)
	if workers < 2 {
		return scan(0, n)
	}
	parts := make([][]int32, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w], errs[w] = scan(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
	total := 0
	for w := range workers {
		if errs[w] != nil {
			return nil, errs[w]
		}
		total += len(parts[w])
	}
	out := make([]int32, 0, total)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out, nil
}

// filterDoneMsg brings a scan's result for one tab.
type filterDoneMsg struct {
	view, req uint64
	tab       int
	shown     []int32
	upto      int // rows the scan covered; later pages are matched on arrival
	err       error
}

func (m filterDoneMsg) target() uint64 { return m.view }

// setFilter applies f to the current tab: at once when it is cleared,
// otherwise in a tea.Cmd over a snapshot of the loaded rows (appending
// pages never changes the rows a snapshot covers).
func (v *messagesView) setFilter(f msgFilter) tea.Cmd {
	t := v.tab()
	prev := t.filter
	t.filter = f
	t.filtering.cancel()
	if !f.active() {
		v.applyShown(t, nil)
		v.table.EmptyText = "no messages"
		return nil
	}
	v.table.EmptyText = "no loaded message matches the filter"
	var candidates []int32
	if f.narrows(prev) && t.shown != nil {
		candidates = t.shown
	}
	req, ctx, stop := v.sh.call(v.sh.timeout)
	t.filtering.start(req, stop)
	msgs, previews, mt, view, tab := t.msgs, t.previews, f.matcher(), v.vid, v.cur
	return func() tea.Msg {
		shown, err := filterRows(ctx, msgs, previews, mt, candidates)
		return filterDoneMsg{view: view, req: req, tab: tab, shown: shown, upto: len(msgs), err: err}
	}
}

// filterArrived shows a scan's result, matching the rows that arrived
// while it ran.
func (v *messagesView) filterArrived(msg filterDoneMsg) {
	if msg.tab < 0 || msg.tab >= len(v.tabs) {
		return
	}
	t := v.tabs[msg.tab]
	if !t.filtering.accept(msg.req) || msg.err != nil {
		return
	}
	shown := appendMatches(msg.shown, t.msgs, t.previews, t.filter.matcher(), msg.upto)
	if msg.tab == v.cur {
		v.applyShown(t, shown)
	} else {
		t.shown = shown
	}
}

// applyShown swaps the row index list, keeping the cursor on the same
// message when it still shows (else on the next one that does).
func (v *messagesView) applyShown(t *msgTab, shown []int32) {
	at, ok := t.rowIndex(v.table.Cursor())
	t.shown = shown
	v.table.SetSource(msgRows{v, t})
	if !ok {
		v.table.SetCursor(0)
		return
	}
	if shown == nil {
		v.table.SetCursor(at)
		return
	}
	v.table.SetCursor(sort.Search(len(shown), func(i int) bool { return int(shown[i]) >= at }))
}

// filterKey edits the filter line; every change re-filters. Enter keeps
// the filter, Esc drops it.
func (v *messagesView) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	t := v.tab()
	switch msg.String() {
	case "enter":
		v.editing = false
		return nil
	case "esc":
		v.editing = false
		return v.setFilter(msgFilter{group: t.filter.group})
	case "up", "down":
		moveTable(v.table, v.sh.keys, msg)
		return nil
	}
	if v.input.handle(msg) {
		return v.setFilter(msgFilter{query: v.input.text(), group: t.filter.group})
	}
	return nil
}
