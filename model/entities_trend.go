package model

import (
	"fmt"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// trendSamples is how many recent dead-letter counts the sparkline shows.
const trendSamples = 8

// dlqTrend remembers each entity's dead-letter count as first seen and
// its last few values, one per successful refresh. It lives on the
// namespace row, so leaving and re-entering a namespace keeps the history
// since sbx started.
type dlqTrend struct {
	first  map[string]int64
	recent map[string][]int64
}

func newDLQTrend() *dlqTrend {
	return &dlqTrend{first: map[string]int64{}, recent: map[string][]int64{}}
}

// record adds one refresh's counts.
func (t *dlqTrend) record(rows []sbsvc.Entity) {
	for _, e := range rows {
		if e.Kind == sbsvc.TopicEntity || !e.CountsKnown {
			continue
		}
		p, n := e.Path(), e.Counts.DeadLetter
		if _, seen := t.first[p]; !seen {
			t.first[p] = n
		}
		r := append(t.recent[p], n)
		if len(r) > trendSamples {
			r = append(r[:0], r[len(r)-trendSamples:]...)
		}
		t.recent[p] = r
	}
}

// delta is the change of the dead-letter count since first seen.
func (t *dlqTrend) delta(path string) int64 {
	r := t.recent[path]
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1] - t.first[path]
}

// cell is the TREND column: a sparkline of the recent counts and the
// change since sbx first saw the entity ("▁▃▅█ ▲3"), "—" when the count
// has never moved. A rise carries the dead-letter hint.
func (t *dlqTrend) cell(path string) ui.Cell {
	r := t.recent[path]
	d := t.delta(path)
	flat := true
	for _, n := range r {
		if n != r[0] {
			flat = false
		}
	}
	if flat && d == 0 {
		return ui.Cell{Text: "—", Hint: ui.HintDim}
	}
	text := sparkline(r) + " "
	switch {
	case d > 0:
		return ui.Cell{Text: text + fmt.Sprintf("▲%d", d), Hint: ui.HintDeadLetter}
	case d < 0:
		return ui.Cell{Text: text + fmt.Sprintf("▼%d", -d), Hint: ui.HintOK}
	}
	return ui.Cell{Text: text + "=0"}
}

var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values scaled between their minimum and maximum.
func sparkline(values []int64) string {
	if len(values) == 0 {
		return ""
	}
	lo, hi := values[0], values[0]
	for _, n := range values {
		lo, hi = min(lo, n), max(hi, n)
	}
	out := make([]rune, len(values))
	for i, n := range values {
		level := 0
		if hi > lo {
			level = int((n - lo) * int64(len(sparkBars)-1) / (hi - lo))
		}
		out[i] = sparkBars[level]
	}
	return string(out)
}
