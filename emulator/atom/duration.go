package atom

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// infiniteDuration is how the service prints TimeSpan.MaxValue, its "never".
// Go's time.Duration cannot hold it, so broker.MaxDuration stands in for it.
const infiniteDuration = "P10675199DT2H48M5.4775807S"

// formatDuration prints d as an xs:duration the way .NET's XmlConvert does:
// days, then a time part with hours, minutes and (fractional) seconds, each
// only when non-zero ("PT45S", "PT1M", "P14D", "P1DT2H"). broker.MaxDuration
// prints as the service's infinite value so it round-trips.
func formatDuration(d time.Duration) string {
	if d == broker.MaxDuration {
		return infiniteDuration
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		if d == math.MinInt64 {
			d = math.MaxInt64
		} else {
			d = -d
		}
	}
	b.WriteByte('P')
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	hours := d / time.Hour
	d -= hours * time.Hour
	minutes := d / time.Minute
	d -= minutes * time.Minute
	seconds := d / time.Second
	nanos := d - seconds*time.Second

	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if hours == 0 && minutes == 0 && seconds == 0 && nanos == 0 {
		if days == 0 {
			b.WriteString("T0S")
		}
		return b.String()
	}
	b.WriteByte('T')
	if hours > 0 {
		fmt.Fprintf(&b, "%dH", hours)
	}
	if minutes > 0 {
		fmt.Fprintf(&b, "%dM", minutes)
	}
	if seconds > 0 || nanos > 0 {
		b.WriteString(strconv.FormatInt(int64(seconds), 10))
		if nanos > 0 {
			frac := strings.TrimRight(fmt.Sprintf("%09d", int64(nanos)), "0")
			b.WriteString("." + frac)
		}
		b.WriteByte('S')
	}
	return b.String()
}

// dateUnits and timeUnits are the nanoseconds per designator before and after
// the T; years and months take the fixed lengths XmlConvert gives TimeSpans
// (365 and 30 days).
var (
	dateUnits = map[byte]*big.Int{
		'Y': big.NewInt(int64(365 * 24 * time.Hour)),
		'M': big.NewInt(int64(30 * 24 * time.Hour)),
		'W': big.NewInt(int64(7 * 24 * time.Hour)),
		'D': big.NewInt(int64(24 * time.Hour)),
	}
	timeUnits = map[byte]*big.Int{
		'H': big.NewInt(int64(time.Hour)),
		'M': big.NewInt(int64(time.Minute)),
		'S': big.NewInt(int64(time.Second)),
	}
)

// parseDuration reads an xs:duration ("PT45S", "P14D", "P1DT2H30M",
// "PT0.5S"). Values beyond what time.Duration holds (the service's infinite
// "P10675199DT2H48M5.4775807S" among them) become broker.MaxDuration.
// Negative durations are refused: no Service Bus property takes one.
func parseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) error {
		return fmt.Errorf("%q is not an ISO 8601 duration (%s)", s, why)
	}
	if strings.HasPrefix(in, "-") {
		return 0, bad("negative durations are not allowed")
	}
	if !strings.HasPrefix(in, "P") {
		return 0, bad("it must start with P")
	}
	in = in[1:]
	if in == "" {
		return 0, bad("no value after P")
	}
	total := new(big.Int)
	inTime := false
	seen := 0
	for len(in) > 0 {
		if in[0] == 'T' {
			if inTime {
				return 0, bad("T appears twice")
			}
			inTime = true
			in = in[1:]
			if in == "" {
				return 0, bad("no value after T")
			}
			continue
		}
		i := 0
		for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.') {
			i++
		}
		if i == 0 || i == len(in) {
			return 0, bad("expected a number followed by a designator")
		}
		num, unit := in[:i], in[i]
		in = in[i+1:]
		units := dateUnits
		if inTime {
			units = timeUnits
		}
		per, ok := units[unit]
		if !ok {
			return 0, bad(fmt.Sprintf("unknown designator %q", unit))
		}
		v, err := scaleDecimal(num, per, unit == 'S' && inTime)
		if err != nil {
			return 0, bad(err.Error())
		}
		total.Add(total, v)
		seen++
	}
	if seen == 0 {
		return 0, bad("no components")
	}
	if !total.IsInt64() {
		return broker.MaxDuration, nil
	}
	return time.Duration(total.Int64()), nil
}

// scaleDecimal multiplies a decimal number by per nanoseconds. Fractions are
// only allowed on seconds, and finer than a nanosecond is truncated.
func scaleDecimal(num string, per *big.Int, fractionAllowed bool) (*big.Int, error) {
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" && !hasFrac || strings.Contains(frac, ".") {
		return nil, fmt.Errorf("malformed number %q", num)
	}
	if hasFrac && !fractionAllowed {
		return nil, fmt.Errorf("only seconds may have a fraction")
	}
	if hasFrac && frac == "" {
		return nil, fmt.Errorf("malformed number %q", num)
	}
	if whole == "" {
		whole = "0"
	}
	w, ok := new(big.Int).SetString(whole, 10)
	if !ok {
		return nil, fmt.Errorf("malformed number %q", num)
	}
	out := new(big.Int).Mul(w, per)
	if hasFrac {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		frac += strings.Repeat("0", 9-len(frac))
		f, ok := new(big.Int).SetString(frac, 10)
		if !ok {
			return nil, fmt.Errorf("malformed number %q", num)
		}
		out.Add(out, f) // per is one second here: the fraction is in nanoseconds
	}
	return out, nil
}
