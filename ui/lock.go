package ui

import (
	"fmt"
	"time"
)

// LockState is how close a peek-lock is to expiry.
type LockState uint8

const (
	LockNone     LockState = iota // no lock held
	LockOK                        // 10 s or more left
	LockWarn                      // under 10 s
	LockCritical                  // under 3 s
	LockLost                      // at or after LockedUntil
)

// Thresholds at which a lock countdown changes colour (and marker).
const (
	LockWarnBelow     = 10 * time.Second
	LockCriticalBelow = 3 * time.Second
)

// LockStatus classifies a lock at time now. A zero lockedUntil means no lock.
func LockStatus(now, lockedUntil time.Time) (LockState, time.Duration) {
	if lockedUntil.IsZero() {
		return LockNone, 0
	}
	left := lockedUntil.Sub(now)
	switch {
	case left <= 0:
		return LockLost, 0
	case left < LockCriticalBelow:
		return LockCritical, left
	case left < LockWarnBelow:
		return LockWarn, left
	}
	return LockOK, left
}

// FormatClock writes a duration as m:ss (mm:ss with pad, or h:mm:ss past an
// hour), rounding up so a lock never reads 00:00 while it is still held.
func FormatClock(d time.Duration, pad bool) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 0 {
		secs = 0
	}
	h, m, s := secs/3600, secs/60%60, secs%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	case pad:
		return fmt.Sprintf("%02d:%02d", m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// lockText is the countdown's words, which carry the state without colour.
func lockText(state LockState, left time.Duration) string {
	switch state {
	case LockOK:
		return FormatClock(left, true)
	case LockWarn:
		return FormatClock(left, true) + " !"
	case LockCritical:
		return FormatClock(left, true) + " !!"
	case LockLost:
		return "lock lost"
	}
	return ""
}

// LockBadge renders the countdown to LockedUntil as the service set it:
// "04:59" while comfortable, "00:09 !" under 10 s, "00:02 !!" under 3 s and
// "lock lost" at or after expiry. The markers keep the state readable
// without colour. No lock (zero time) renders as "".
func (s *Styles) LockBadge(now, lockedUntil time.Time) string {
	state, left := LockStatus(now, lockedUntil)
	text := lockText(state, left)
	switch state {
	case LockOK:
		return s.LockOK.Render(text)
	case LockWarn:
		return s.LockWarn.Render(text)
	case LockCritical:
		return s.LockCritical.Render(text)
	case LockLost:
		return s.LockLost.Render(text)
	}
	return ""
}

// LockCell is the same countdown as a table cell (tables take plain text
// plus a hint, never pre-styled strings, because cells are sanitised).
func LockCell(now, lockedUntil time.Time) Cell {
	state, left := LockStatus(now, lockedUntil)
	c := Cell{Text: lockText(state, left)}
	switch state {
	case LockOK:
		c.Hint = HintOK
	case LockWarn:
		c.Hint = HintWarn
	case LockCritical, LockLost:
		c.Hint = HintError
	}
	return c
}
