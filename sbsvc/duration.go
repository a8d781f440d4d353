package sbsvc

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Forever is how the service's "no limit" duration (TimeSpan.MaxValue,
// e.g. a default time to live) is reported.
const Forever = time.Duration(math.MaxInt64)

// parseISODuration reads the ISO 8601 durations the management API uses
// ("PT1M", "P14D", "P10675199DT2H48M5.4775807S"). Values beyond what
// time.Duration holds become Forever. Years and months are not used by the
// service and are refused.
func parseISODuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(s)), "P")
	if !ok || rest == "" {
		return 0, fmt.Errorf("duration %q does not start with P", s)
	}
	var total float64 // seconds; float so overflow is visible, not wrapped
	inTime, parts := false, 0
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("duration %q has two T separators", s)
			}
			inTime = true
			rest = rest[1:]
			continue
		}
		i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, fmt.Errorf("duration %q is malformed", s)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q is malformed", s)
		}
		unit := rest[i]
		rest = rest[i+1:]
		parts++
		switch {
		case unit == 'W' && !inTime:
			total += n * 7 * 86400
		case unit == 'D' && !inTime:
			total += n * 86400
		case unit == 'H' && inTime:
			total += n * 3600
		case unit == 'M' && inTime:
			total += n * 60
		case unit == 'S' && inTime:
			total += n
		default:
			return 0, fmt.Errorf("duration %q uses unit %c where the service does not", s, unit)
		}
	}
	if parts == 0 {
		return 0, fmt.Errorf("duration %q has no value", s)
	}
	if total*float64(time.Second) >= float64(math.MaxInt64) {
		return Forever, nil
	}
	return time.Duration(math.Round(total * float64(time.Second))), nil
}

// durationOrZero reads an optional admin duration; a malformed value is
// reported as zero (unknown) rather than failing a whole listing.
func durationOrZero(p *string) time.Duration {
	if p == nil {
		return 0
	}
	d, err := parseISODuration(*p)
	if err != nil {
		return 0
	}
	return d
}
