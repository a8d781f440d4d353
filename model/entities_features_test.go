package model

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// treeFake is a namespace with three queues and two topics, counts chosen
// so that every sortable column orders them differently.
func treeFake() *fakeConn {
	q := func(name string, active, dlq int64, lock time.Duration) sbsvc.Entity {
		return sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: name, Ref: sbsvc.EntityRef{Queue: name}, CountsKnown: true,
			Counts: sbsvc.Counts{Active: active, DeadLetter: dlq}, Status: "Active", LockDuration: lock, MaxDeliveryCount: 10}
	}
	sub := func(topic, name string, active, dlq int64) sbsvc.Entity {
		return sbsvc.Entity{Kind: sbsvc.SubscriptionEntity, Name: name, Topic: topic,
			Ref: sbsvc.EntityRef{Topic: topic, Subscription: name}, CountsKnown: true,
			Counts: sbsvc.Counts{Active: active, DeadLetter: dlq}, Status: "Active"}
	}
	topic := func(name string) sbsvc.Entity {
		return sbsvc.Entity{Kind: sbsvc.TopicEntity, Name: name, Status: "Active", CountsKnown: true}
	}
	return &fakeConn{
		listing: sbsvc.Listing{
			Queues: []sbsvc.Entity{q("orders", 3, 2, time.Minute), q("billing", 10, 0, 30*time.Second), q("zeta-audit", 1, 7, 5*time.Minute)},
			Topics: []sbsvc.Entity{topic("events"), topic("metrics")},
		},
		subs: map[string][]sbsvc.Entity{
			"events":  {sub("events", "all", 0, 0), sub("events", "alerts", 5, 1), sub("events", "archive", 2, 0)},
			"metrics": {sub("metrics", "raw", 0, 0)},
		},
		msgs: map[sbsvc.SubQueue][]sbsvc.Message{},
		rules: map[string][]sbsvc.Rule{
			"events/alerts": {{Name: "only-high", FilterKind: "sql", Filter: "priority = 'high' AND region IN ('eu', 'us')", Action: "SET checked = 1"}},
		},
	}
}

// countingConn counts the listings asked for.
type countingConn struct {
	*fakeConn
	lists atomic.Int32
}

func (c *countingConn) ListEntities(ctx context.Context) (sbsvc.Listing, error) {
	c.lists.Add(1)
	return c.fakeConn.ListEntities(ctx)
}

func openEntities(t *testing.T, conn Conn, opts Options) (*harness, *entitiesView) {
	t.Helper()
	opts.Targets = []Target{fakeTarget("alpha", conn)}
	h := newHarnessWith(t, opts)
	h.press("enter")
	ev, ok := h.app.top().(*entitiesView)
	if !ok {
		t.Fatalf("enter did not open the entities view")
	}
	return h, ev
}

func rowNames(ev *entitiesView) string {
	var names []string
	for _, e := range ev.rows {
		names = append(names, jumpName(e))
	}
	return strings.Join(names, " ")
}

func TestEntitiesSortCyclesColumnsAndKeepsTheTree(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	natural := "orders billing zeta-audit events events/all events/alerts events/archive metrics metrics/raw"
	if got := rowNames(ev); got != natural {
		t.Fatalf("listing order %q", got)
	}
	h.press("s")
	h.mustSee("sort: NAME ▲", "NAME ▲")
	if got := rowNames(ev); got != "billing events events/alerts events/all events/archive metrics metrics/raw orders zeta-audit" {
		t.Fatalf("by name: %q", got)
	}
	h.press("S")
	h.mustSee("sort: NAME ▼")
	if got := rowNames(ev); got != "zeta-audit orders metrics metrics/raw events events/archive events/all events/alerts billing" {
		t.Fatalf("by name, reversed: %q", got)
	}
	h.press("s", "s", "s") // STATUS, ACTIVE, DLQ
	h.mustSee("sort: DLQ ▼", "DLQ ▼")
	// Counts sort biggest first; a topic by its subscriptions' total (1
	// for events), with its subscriptions sorted beneath it.
	if got := rowNames(ev); got != "zeta-audit orders events events/alerts events/all events/archive billing metrics metrics/raw" {
		t.Fatalf("by dead letters: %q", got)
	}
	h.press("S")
	h.mustSee("DLQ ▲")
	for i := 0; i < entityColumns-colDLQ; i++ {
		h.press("s")
	}
	if ev.sortCol != -1 || rowNames(ev) != natural || strings.Contains(h.screen(), "sort:") {
		t.Fatalf("cycling past the last column should return to the listing order, got col %d %q", ev.sortCol, rowNames(ev))
	}
}

func TestEntitiesSortKeepsTheCursorOnItsEntity(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("j", "j") // zeta-audit
	h.press("s")
	if e, _ := ev.selected(); e.Name != "zeta-audit" {
		t.Fatalf("cursor moved to %q after sorting", e.Name)
	}
}

func TestEntitiesFuzzyFilter(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("/")
	if !ev.typing() {
		t.Fatalf("/ did not focus the filter line")
	}
	h.typeText("ordr")
	if got := rowNames(ev); got != "orders" {
		t.Fatalf("filter ordr: %q", got)
	}
	h.mustSee("/ordr")
	// Keys the App would act on are typed into the filter instead.
	h.press("backspace", "backspace", "backspace", "backspace")
	h.typeText("q?")
	if h.quit || h.app.showHelp {
		t.Fatalf("q or ? acted while typing a filter")
	}
	h.press("backspace", "backspace")

	// A subscription that matches keeps its topic above it; a topic that
	// matches keeps all its subscriptions.
	h.typeText("alrt")
	if got := rowNames(ev); got != "events events/alerts" {
		t.Fatalf("filter alrt: %q", got)
	}
	h.send(ctrlKey('u'))
	h.typeText("METR")
	if got := rowNames(ev); got != "metrics metrics/raw" {
		t.Fatalf("filter METR (case-insensitive): %q", got)
	}
	h.press("enter")
	if ev.typing() || ev.filter != "METR" {
		t.Fatalf("enter should keep the filter and leave the line (typing %v filter %q)", ev.typing(), ev.filter)
	}
	h.mustSee("filter: METR")
	// Now keys navigate again; Esc first clears the kept filter, then leaves.
	h.press("esc")
	if h.depth() != 2 || ev.filter != "" || rowNames(ev) == "metrics metrics/raw" {
		t.Fatalf("esc should clear the kept filter first (depth %d, filter %q)", h.depth(), ev.filter)
	}
	h.press("/")
	h.typeText("zzz")
	if len(ev.rows) != 0 {
		t.Fatalf("zzz matched %q", rowNames(ev))
	}
	h.press("esc")
	if ev.typing() || ev.filter != "" || len(ev.rows) != 9 || h.depth() != 2 {
		t.Fatalf("esc while typing should drop the filter and stay (rows %d depth %d)", len(ev.rows), h.depth())
	}
	h.press("esc")
	if h.depth() != 1 {
		t.Fatalf("esc without a filter should leave the view")
	}
}

func TestEntitiesFilterTakesPaste(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("/")
	h.send(pasteMsg("zeta\n"))
	if got := rowNames(ev); got != "zeta-audit" {
		t.Fatalf("pasted filter: %q", got)
	}
}

func TestEntitiesOnlyDeadLetters(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("x")
	if got := rowNames(ev); got != "orders zeta-audit events events/alerts" {
		t.Fatalf("only dead letters: %q", got)
	}
	h.mustSee("only with dead letters", "3 of 7 entities")
	h.press("x")
	if len(ev.rows) != 9 {
		t.Fatalf("x again should show everything, got %q", rowNames(ev))
	}
}

func TestEntitiesDeadLetterCountsStandOut(t *testing.T) {
	h, _ := openEntities(t, treeFake(), Options{})
	if line := h.screenLine("zeta-audit"); !strings.Contains(line, "● 7") {
		t.Fatalf("a dead-letter count above zero is not marked: %q", line)
	}
	if line := h.screenLine("billing"); strings.Contains(line, "●") {
		t.Fatalf("a zero dead-letter count is marked: %q", line)
	}
}

func TestEntitiesAutoRefreshAndAge(t *testing.T) {
	conn := &countingConn{fakeConn: treeFake()}
	h, ev := openEntities(t, conn, Options{})
	if n := conn.lists.Load(); n != 1 {
		t.Fatalf("%d listings after opening, want 1", n)
	}
	h.mustSee("updated 0s ago", "auto-refresh 10s")
	h.advance(7 * time.Second)
	h.mustSee("updated 7s ago")
	h.advance(3 * time.Second)
	if n := conn.lists.Load(); n != 2 {
		t.Fatalf("%d listings after 10 s, want 2", n)
	}
	if h.app.anyBusy() {
		t.Fatalf("an automatic refresh should not leave work in flight")
	}
	// A manual refresh restarts the timer rather than adding a second one.
	h.advance(5 * time.Second)
	h.press("r")
	h.advance(9 * time.Second)
	if n := conn.lists.Load(); n != 3 {
		t.Fatalf("%d listings, want 3 (one timer at a time)", n)
	}
	h.advance(time.Second)
	if n := conn.lists.Load(); n != 4 {
		t.Fatalf("%d listings, want 4", n)
	}
	h.press("A")
	h.mustSee("auto-refresh off")
	h.advance(time.Minute)
	if n := conn.lists.Load(); n != 4 {
		t.Fatalf("auto-refresh off still refreshed: %d listings", n)
	}
	h.press("A")
	h.advance(10 * time.Second)
	if n := conn.lists.Load(); n != 5 {
		t.Fatalf("auto-refresh back on: %d listings, want 5", n)
	}
	// Leaving the view stops the chain.
	h.press("esc")
	h.advance(time.Minute)
	if n := conn.lists.Load(); n != 5 {
		t.Fatalf("a left view kept refreshing: %d listings", n)
	}
	_ = ev
}

func TestEntitiesTrendFollowsDeadLetters(t *testing.T) {
	f := treeFake()
	h, _ := openEntities(t, f, Options{})
	if line := h.screenLine("orders"); strings.Contains(line, "▲") || strings.Contains(line, "▼") {
		t.Fatalf("no trend before a change: %q", line)
	}
	f.listing.Queues[0].Counts.DeadLetter = 5 // orders 2 → 5
	f.listing.Queues[2].Counts.DeadLetter = 4 // zeta-audit 7 → 4
	h.advance(10 * time.Second)
	h.mustSee("TREND")
	if line := h.screenLine("orders"); !strings.Contains(line, "▲3") {
		t.Fatalf("orders rose by 3: %q", line)
	}
	if line := h.screenLine("zeta-audit"); !strings.Contains(line, "▼3") {
		t.Fatalf("zeta-audit fell by 3: %q", line)
	}
	// The history outlives the view: leave and come back.
	h.press("esc", "enter")
	if line := h.screenLine("orders"); !strings.Contains(line, "▲3") {
		t.Fatalf("the trend restarted on re-entry: %q", line)
	}
	// Sorting by TREND puts the biggest rise first.
	for range colTrend + 1 {
		h.press("s")
	}
	ev := h.app.top().(*entitiesView)
	if ev.sortCol != colTrend || ev.rows[0].Name != "orders" {
		t.Fatalf("sorted by trend: col %d first %q", ev.sortCol, ev.rows[0].Name)
	}
}

func TestEntitiesRefreshOnEntityChanged(t *testing.T) {
	conn := &countingConn{fakeConn: treeFake()}
	h, _ := openEntities(t, conn, Options{})
	h.send(entityChangedMsg{Path: "orders"})
	if n := conn.lists.Load(); n != 2 {
		t.Fatalf("entityChangedMsg: %d listings, want 2", n)
	}
}

func TestEntitiesRulesOfASubscription(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("i") // on a queue
	if h.depth() != 2 {
		t.Fatalf("rules opened for a queue")
	}
	h.mustSee("Rules belong to subscriptions")
	ev.selectPath("events/Subscriptions/alerts")
	if e, _ := ev.selected(); e.Name != "alerts" {
		t.Fatalf("could not select the subscription (got %q)", e.Name)
	}
	h.press("i")
	if h.depth() != 3 {
		t.Fatalf("i on a subscription: depth %d", h.depth())
	}
	h.mustSee("events/alerts › rules", "only-high", "sql", "priority = 'high'", "SET checked = 1", "action:")
	h.press("esc")
	if h.depth() != 2 {
		t.Fatalf("esc did not close the rules")
	}
	ev.selectPath("events/Subscriptions/all")
	h.press("i")
	h.mustSee("no rules")
}

func TestEntitiesSend(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	ev.selectPath("events/Subscriptions/alerts")
	h.press("n")
	h.mustSee("select the topic events")
	h.press("g", "n")
	if h.app.toast == nil && h.depth() == 2 {
		t.Fatalf("n on a queue did not start the send action")
	}
	if h.app.toast != nil && strings.Contains(h.app.toast.text, "read-only") {
		t.Fatalf("a read-write namespace was refused: %q", h.app.toast.text)
	}

	ro, _ := openEntities(t, treeFake(), Options{ReadOnly: true})
	ro.press("n")
	ro.mustSee("Read-only: sending is off")
	if ro.depth() != 2 {
		t.Fatalf("read-only send pushed a view")
	}
	if strings.Contains(ro.screen(), "n send new") {
		t.Fatalf("read-only hints offer sending")
	}
}

func TestEntitiesHintsAreContextual(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.mustSee("/ filter", "x only with dead letters", "n send new")
	if strings.Contains(h.screen(), "i rules") {
		t.Fatalf("rules hint on a queue")
	}
	ev.selectPath("events/Subscriptions/alerts")
	h.mustSee("i rules of subscription")
	h.press("/")
	h.mustSee("enter keep filter", "esc clear filter")
}

func TestFuzzyMatchAndScore(t *testing.T) {
	for _, c := range []struct {
		q, name string
		want    bool
	}{
		{"", "x", true}, {"ordl", "orders-dlq", true}, {"dlo", "orders-dlq", false},
		{"ée", "Émile-ée", true}, {"abc", "ab", false},
	} {
		if got := fuzzyMatch(c.q, c.name); got != c.want {
			t.Errorf("fuzzyMatch(%q, %q) = %v", c.q, c.name, got)
		}
	}
	exact, _ := fuzzyScore("orders", "orders")
	prefix, _ := fuzzyScore("orders", "orders-archive")
	inner, _ := fuzzyScore("orders", "old-orders")
	scattered, _ := fuzzyScore("orders", "o-r-d-e-r-s")
	if !(exact < prefix && prefix < inner && inner < scattered) {
		t.Fatalf("ranking exact %d prefix %d inner %d scattered %d", exact, prefix, inner, scattered)
	}
	if _, ok := fuzzyScore("xyz", "orders"); ok {
		t.Fatalf("xyz matched orders")
	}
}

func TestFuzzyPositions(t *testing.T) {
	for _, c := range []struct {
		q, name string
		want    []int
	}{
		{"ders", "orders", []int{2, 3, 4, 5}}, // a substring: one run
		{"odq", "orders-dlq", []int{0, 2, 9}}, // scattered: leftmost letters
		{"ORD", "orders", nil},                // the query is lower-cased by the caller
		{"zz", "orders", nil},
		{"é", "Café", []int{3}},
	} {
		got := fuzzyPositions(c.q, c.name)
		if len(got) != len(c.want) {
			t.Errorf("fuzzyPositions(%q, %q) = %v, want %v", c.q, c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("fuzzyPositions(%q, %q) = %v, want %v", c.q, c.name, got, c.want)
			}
		}
	}
}

func TestEntitiesFilterMarksMatchedLetters(t *testing.T) {
	h, ev := openEntities(t, treeFake(), Options{})
	h.press("/")
	h.typeText("aud")
	if len(ev.rows) != 1 {
		t.Fatalf("rows %q", rowNames(ev))
	}
	cells := entityRows{ev}.Row(0)
	// "▪ zeta-audit": the prefix is two runes, "aud" starts at rune 5.
	if want := uint64(1<<7 | 1<<8 | 1<<9); cells[0].Marks != want {
		t.Fatalf("marks %b, want %b", cells[0].Marks, want)
	}
}

func TestSparklineScalesBetweenMinAndMax(t *testing.T) {
	if got := sparkline([]int64{2, 2, 5, 9}); got != "▁▁▄█" {
		t.Fatalf("sparkline %q", got)
	}
	if got := sparkline([]int64{3, 3}); got != "▁▁" {
		t.Fatalf("flat sparkline %q", got)
	}
	tr := newDLQTrend()
	q := sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: "q", Ref: sbsvc.EntityRef{Queue: "q"}, CountsKnown: true}
	for _, n := range []int64{4, 4, 1, 2, 3, 4, 5, 6, 7, 8} {
		q.Counts.DeadLetter = n
		tr.record([]sbsvc.Entity{q})
	}
	if got := len(tr.recent["q"]); got != trendSamples {
		t.Fatalf("kept %d samples, want %d", got, trendSamples)
	}
	if c := tr.cell("q"); c.Text != "▁▂▃▄▅▆▇█ ▲4" || c.Hint != ui.HintDeadLetter {
		t.Fatalf("cell %+v", c)
	}
}
