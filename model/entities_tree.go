package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sbx-tui/sbx/sbsvc"
)

// entityNode is a queue or a topic with its subscriptions, as indexes
// into entitiesView.all: sorting and filtering work on nodes so
// subscriptions stay beneath their topic, and moving indexes is cheap.
type entityNode struct {
	e        int
	children []int
}

// treeOf groups the flat listing (queues, then each topic followed by its
// subscriptions) into nodes. A subscription without its topic (a listing
// scoped to one subscription) stands alone.
func treeOf(flat []sbsvc.Entity) []entityNode {
	nodes := make([]entityNode, 0, len(flat))
	for i, e := range flat {
		if e.Kind == sbsvc.SubscriptionEntity && len(nodes) > 0 {
			last := &nodes[len(nodes)-1]
			if t := flat[last.e]; t.Kind == sbsvc.TopicEntity && t.Name == e.Topic {
				last.children = append(last.children, i)
				continue
			}
		}
		nodes = append(nodes, entityNode{e: i})
	}
	return nodes
}

// resort orders the tree by the sort column (after a load or a sort
// key). Filtering then only walks the ordered tree, so a filter
// keystroke does not sort again.
func (v *entitiesView) resort() {
	v.lower = v.lower[:0]
	for _, e := range v.all {
		v.lower = append(v.lower, strings.ToLower(e.Name))
	}
	v.order = treeOf(v.all)
	if v.sortCol >= 0 {
		// A topic holds no messages itself: it sorts by its
		// subscriptions' counts added up, so "most dead letters first"
		// brings up the topic whose subscriptions have the most.
		sums := map[int]*sbsvc.Entity{}
		for _, n := range v.order {
			if len(n.children) > 0 {
				t := v.all[n.e]
				for _, c := range n.children {
					cc := v.all[c].Counts
					t.Counts.Active += cc.Active
					t.Counts.DeadLetter += cc.DeadLetter
					t.Counts.Scheduled += cc.Scheduled
					t.Counts.TransferDeadLetter += cc.TransferDeadLetter
				}
				sums[n.e] = &t
			}
		}
		entity := func(i int) *sbsvc.Entity {
			if t, ok := sums[i]; ok {
				return t
			}
			return &v.all[i]
		}
		byCol := func(a, b int) int {
			c := v.compare(entity(a), entity(b), v.sortCol)
			if v.sortDesc {
				c = -c
			}
			if c == 0 { // ties read A→Z whichever the direction
				c = strings.Compare(v.lower[a], v.lower[b])
			}
			return c
		}
		slices.SortStableFunc(v.order, func(a, b entityNode) int { return byCol(a.e, b.e) })
		for _, n := range v.order {
			slices.SortStableFunc(n.children, byCol)
		}
	}
	v.table.SetSort(v.sortCol, v.sortDesc)
	v.rebuild()
}

// rebuild recomputes the rows shown from the ordered tree: filter and
// dead-letter toggle. The cursor stays on the same entity when it is
// still shown.
func (v *entitiesView) rebuild() {
	var keep string
	if e, ok := v.selected(); ok {
		keep = e.Path()
	}
	query := strings.ToLower(v.filter)
	rows := v.rows[:0]
	for _, n := range v.order {
		e := &v.all[n.e]
		if e.Kind != sbsvc.TopicEntity {
			if v.shows(e, query) {
				rows = append(rows, *e)
			}
			continue
		}
		// A topic whose own name matches keeps all its (dead-letter
		// filtered) subscriptions; otherwise only the matching ones, with
		// the topic above them for context.
		topicMatches := query == "" || fuzzyMatch(query, e.Name)
		start := len(rows)
		rows = append(rows, *e)
		for _, c := range n.children {
			s := &v.all[c]
			if (!v.onlyDLQ || hasDeadLetters(s)) && (topicMatches || fuzzyMatch(query, s.Name)) {
				rows = append(rows, *s)
			}
		}
		if len(rows) == start+1 && (v.onlyDLQ || !topicMatches) {
			rows = rows[:start] // nothing beneath it qualifies
		}
	}
	v.rows = rows
	v.table.Invalidate()
	cursor := v.table.Cursor()
	for i := range rows {
		if keep != "" && rows[i].Path() == keep {
			cursor = i
			break
		}
	}
	v.table.SetCursor(cursor)
}

// shows reports whether a queue (or a lone subscription) passes the
// filter and the dead-letter toggle.
func (v *entitiesView) shows(e *sbsvc.Entity, query string) bool {
	if v.onlyDLQ && !hasDeadLetters(e) {
		return false
	}
	return query == "" || fuzzyMatch(query, e.Name)
}

func hasDeadLetters(e *sbsvc.Entity) bool {
	return e.Counts.DeadLetter > 0 || e.Counts.TransferDeadLetter > 0
}

// setFilter applies a new filter text at once.
func (v *entitiesView) setFilter(text string) {
	v.filter = text
	v.rebuild()
}

// compare orders two entities by one column, ascending.
func (v *entitiesView) compare(a, b *sbsvc.Entity, col int) int {
	switch col {
	case colName:
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	case colStatus:
		return strings.Compare(a.Status, b.Status)
	case colActive:
		return cmp.Compare(a.Counts.Active, b.Counts.Active)
	case colDLQ:
		return cmp.Compare(a.Counts.DeadLetter, b.Counts.DeadLetter)
	case colScheduled:
		return cmp.Compare(a.Counts.Scheduled, b.Counts.Scheduled)
	case colTransferDLQ:
		return cmp.Compare(a.Counts.TransferDeadLetter, b.Counts.TransferDeadLetter)
	case colSize:
		return cmp.Compare(a.SizeBytes, b.SizeBytes)
	case colLock:
		return cmp.Compare(a.LockDuration, b.LockDuration)
	case colMaxDeliveries:
		return cmp.Compare(a.MaxDeliveryCount, b.MaxDeliveryCount)
	case colSessions:
		return cmp.Compare(boolRank(a.RequiresSession), boolRank(b.RequiresSession))
	case colTrend:
		return cmp.Compare(v.trend.delta(a.Path()), v.trend.delta(b.Path()))
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fuzzyMatch reports whether every rune of query (already lower case)
// appears in name in order, ignoring case: "ordl" matches "orders-dlq".
func fuzzyMatch(query, name string) bool {
	if query == "" {
		return true
	}
	q := []rune(query)
	i := 0
	for _, r := range name {
		if toLowerRune(r) == q[i] {
			i++
			if i == len(q) {
				return true
			}
		}
	}
	return false
}

// fuzzyScore ranks a match for completion: lower is better. An exact name
// beats a prefix, a prefix beats a substring, a substring beats scattered
// letters; ties go to the shorter name. ok is false when it does not match.
func fuzzyScore(query, name string) (score int, ok bool) {
	lname := strings.ToLower(name)
	switch {
	case lname == query:
		return 0, true
	case strings.HasPrefix(lname, query):
		return 1000 + len(name), true
	case strings.Contains(lname, query):
		return 2000 + len(name), true
	case fuzzyMatch(query, name):
		return 3000 + len(name), true
	}
	return 0, false
}

func toLowerRune(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return []rune(strings.ToLower(string(r)))[0]
}

// selectPath puts the cursor on the entity with path, when it is shown.
func (v *entitiesView) selectPath(path string) {
	for i, e := range v.rows {
		if e.Path() == path {
			v.table.SetCursor(i)
			return
		}
	}
}

// fuzzyPositions are the rune indexes of name that query (lower case)
// matched: a contiguous run when the query is a substring, else the
// leftmost letters in order. nil when it does not match.
func fuzzyPositions(query, name string) []int {
	if query == "" {
		return nil
	}
	lower := []rune(strings.ToLower(name))
	q := []rune(query)
	if len(lower) != len([]rune(name)) {
		return nil // case folding changed the length: no safe positions
	}
	if at := strings.Index(string(lower), query); at >= 0 {
		start := len([]rune(string(lower)[:at]))
		out := make([]int, len(q))
		for i := range out {
			out[i] = start + i
		}
		return out
	}
	var out []int
	for i, r := range lower {
		if len(out) < len(q) && r == q[len(out)] {
			out = append(out, i)
		}
	}
	if len(out) < len(q) {
		return nil
	}
	return out
}
