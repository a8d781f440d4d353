package ui

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Progress is a snapshot of a bulk action (resubmit, purge, export). The
// caller passes Now so that renders are deterministic under a fake clock.
type Progress struct {
	Done, Total  int64 // Total <= 0 means unknown
	Started, Now time.Time
}

// Fraction is Done/Total clamped to [0, 1] (0 when Total is unknown).
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return math.Min(math.Max(float64(p.Done)/float64(p.Total), 0), 1)
}

// Rate is items per second since Started (0 before any time has passed).
func (p Progress) Rate() float64 {
	el := p.Now.Sub(p.Started).Seconds()
	if el <= 0 || p.Done <= 0 {
		return 0
	}
	return float64(p.Done) / el
}

// ETA is the time left at the average rate so far; ok is false when it
// cannot be known yet (no rate or no total).
func (p Progress) ETA() (d time.Duration, ok bool) {
	if p.Total <= 0 {
		return 0, false
	}
	left := p.Total - p.Done
	if left <= 0 {
		return 0, true
	}
	r := p.Rate()
	if r <= 0 {
		return 0, false
	}
	secs := float64(left) / r
	if secs > float64(math.MaxInt64/int64(time.Second)) {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

// formatRate writes 1234.4 as "1,234/s" and small rates with one decimal.
func formatRate(r float64) string {
	if r < 10 {
		return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
	}
	return FormatCount(int64(r+0.5)) + "/s"
}

// Text is the words part: "4,200/10,000 · 1,234/s · ETA 0:05".
func (p Progress) Text() string {
	var parts []string
	if p.Total > 0 {
		parts = append(parts, FormatCount(p.Done)+"/"+FormatCount(p.Total))
	} else {
		parts = append(parts, FormatCount(p.Done))
	}
	parts = append(parts, formatRate(p.Rate()))
	if d, ok := p.ETA(); ok {
		if p.Done >= p.Total {
			parts = append(parts, "done in "+FormatClock(p.Now.Sub(p.Started), false))
		} else {
			parts = append(parts, "ETA "+FormatClock(d, false))
		}
	} else if p.Total > 0 {
		parts = append(parts, "ETA -:--")
	}
	return strings.Join(parts, " · ")
}

// minBar is the narrowest bar worth drawing.
const minBar = 5

// ProgressBar renders "████░░ 4,200/10,000 · 1,234/s · ETA 0:05" in width
// cells: the text keeps its room and the bar takes the rest; when too
// narrow the bar goes first, then the text is cut.
func (s *Styles) ProgressBar(p Progress, width int) string {
	if width <= 0 {
		return ""
	}
	text := p.Text()
	tw := Width(text)
	barW := width - tw - 1
	if p.Total <= 0 || barW < minBar {
		return s.ProgressText.Render(Fit(text, width))
	}
	filled := int(math.Floor(p.Fraction()*float64(barW) + 1e-9))
	bar := s.ProgressFilled.Render(strings.Repeat("█", filled)) +
		s.ProgressEmpty.Render(strings.Repeat("░", barW-filled))
	return bar + " " + s.ProgressText.Render(text)
}
