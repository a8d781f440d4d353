package model

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// BenchmarkEntitiesFilterKeystroke: one keystroke in the entities filter
// (Update, which re-filters and re-sorts the tree) plus the View that
// follows, over 1,000 entities. Budget: ≤ 5 ms per keystroke.
func BenchmarkEntitiesFilterKeystroke(b *testing.B) {
	conn := thousandEntities()
	app := New(Options{
		Targets: []Target{fakeTarget("bench", conn)},
		Styles:  ui.NewStyles(true, false), // colour on: the costlier render
		Now:     func() time.Time { return time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC) },
		After:   func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
	})
	h := &harness{app: app}
	defer app.Close(context.Background())
	h.send(tea.WindowSizeMsg{Width: 160, Height: 50})
	h.run(app.Init())
	h.press("enter")
	ev, ok := app.top().(*entitiesView)
	if !ok || len(ev.all) != 1000 {
		b.Fatalf("entities not loaded")
	}
	h.press("s", "s", "s", "s", "/") // sorted by dead letters: the dearer rebuild
	// Type "ord-1" and erase it again, one key per iteration.
	keys := []tea.KeyPressMsg{}
	for _, r := range "ord-1" {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	for range 5 {
		keys = append(keys, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.send(keys[i%len(keys)])
		_ = app.View()
		i++
	}
	b.StopTimer()
	if !ev.typing() {
		b.Fatalf("the filter line lost the keyboard")
	}
}

// thousandEntities is 600 queues and 40 topics of 9 subscriptions each
// (1,000 entities in all), with assorted counts.
func thousandEntities() *fakeConn {
	f := &fakeConn{subs: map[string][]sbsvc.Entity{}, msgs: map[sbsvc.SubQueue][]sbsvc.Message{}}
	prefixes := []string{"orders", "billing", "audit", "payments", "shipping", "inventory"}
	for i := range 600 {
		name := fmt.Sprintf("%s-%03d", prefixes[i%len(prefixes)], i)
		f.listing.Queues = append(f.listing.Queues, sbsvc.Entity{Kind: sbsvc.QueueEntity, Name: name,
			Ref: sbsvc.EntityRef{Queue: name}, CountsKnown: true, Status: "Active",
			Counts: sbsvc.Counts{Active: int64(i * 7 % 1000), DeadLetter: int64(i * 13 % 17)}})
	}
	for t := range 40 {
		topic := fmt.Sprintf("events-%02d", t)
		f.listing.Topics = append(f.listing.Topics, sbsvc.Entity{Kind: sbsvc.TopicEntity, Name: topic, Status: "Active", CountsKnown: true})
		for s := range 9 {
			name := strings.ToLower(fmt.Sprintf("sub-%s-%d", prefixes[(t+s)%len(prefixes)], s))
			f.subs[topic] = append(f.subs[topic], sbsvc.Entity{Kind: sbsvc.SubscriptionEntity, Name: name, Topic: topic,
				Ref: sbsvc.EntityRef{Topic: topic, Subscription: name}, CountsKnown: true, Status: "Active",
				Counts: sbsvc.Counts{Active: int64(s), DeadLetter: int64((t + s) % 3)}})
		}
	}
	return f
}
