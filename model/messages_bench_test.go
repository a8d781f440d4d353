package model

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkMessagesFilterKeystroke is one key typed into the message
// filter at 100,000 loaded rows, the scan it starts (run at once, as the
// harness runs commands) and the re-render. Every row carries the shared
// 250-byte JSON body and two properties.
//   - full-scan: a query no row matches, typed on an empty filter, so
//     every field and body of every row is scanned (the worst case);
//   - narrowing: "order-0004" typed one key at a time; each key after the
//     first scans only the previous key's matches.
func BenchmarkMessagesFilterKeystroke(b *testing.B) {
	const n = 100_000
	h, mv := loadedMessages(b, n)
	defer h.app.Close(context.Background())
	h.send(keyMsg("/"))
	clearLine := tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	typeKey := func(r rune) { h.send(tea.KeyPressMsg{Code: r, Text: string(r)}) }

	b.Run("full-scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			h.send(clearLine)
			b.StartTimer()
			typeKey('z')
			_ = h.app.View()
		}
		b.StopTimer()
		if got := len(mv.tab().shown); got != 0 {
			b.Fatalf("z matched %d rows", got)
		}
	})
	b.Run("narrowing", func(b *testing.B) {
		const query = "order-0004"
		b.ReportAllocs()
		typed := 0
		for b.Loop() {
			if typed == len(query) {
				b.StopTimer()
				h.send(clearLine)
				typed = 0
				b.StartTimer()
			}
			typeKey(rune(query[typed]))
			typed++
			_ = h.app.View()
		}
		b.StopTimer()
		if typed == len(query) && len(mv.tab().shown) != 10_000 {
			b.Fatalf("%q matched %d rows, want 10,000", query, len(mv.tab().shown))
		}
	})
}
