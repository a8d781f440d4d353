package config

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// timeSpanMax is how .NET prints TimeSpan.MaxValue, the service's "forever".
const timeSpanMax = "P10675199DT2H48M5.4775807S"

// ISODuration formats d as an ISO 8601 duration the way the service's
// management API does: "PT1M", "P14D", "PT0.5S". broker.MaxDuration prints as
// TimeSpan.MaxValue; zero and negative durations print as "PT0S".
func ISODuration(d time.Duration) string {
	if d == broker.MaxDuration {
		return timeSpanMax
	}
	if d <= 0 {
		return "PT0S"
	}
	var sb strings.Builder
	sb.WriteByte('P')
	if days := d / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&sb, "%dD", days)
		d -= days * 24 * time.Hour
	}
	if d == 0 {
		return sb.String()
	}
	sb.WriteByte('T')
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&sb, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&sb, "%dM", m)
		d -= m * time.Minute
	}
	if d > 0 {
		secs := d / time.Second
		frac := d - secs*time.Second
		sb.WriteString(strconv.FormatInt(int64(secs), 10))
		if frac > 0 {
			sb.WriteString(strings.TrimRight(fmt.Sprintf(".%09d", frac), "0"))
		}
		sb.WriteByte('S')
	}
	return sb.String()
}

// isoUnits are the designators in the order ISO 8601 requires them. Years
// and months count as 365 and 30 days, as .NET's XmlConvert does.
var isoUnits = []struct {
	letter byte
	inTime bool
	size   time.Duration
}{
	{'Y', false, 365 * 24 * time.Hour},
	{'M', false, 30 * 24 * time.Hour},
	{'W', false, 7 * 24 * time.Hour},
	{'D', false, 24 * time.Hour},
	{'H', true, time.Hour},
	{'M', true, time.Minute},
	{'S', true, time.Second},
}

var maxDurationBig = big.NewInt(int64(broker.MaxDuration))

// ParseISODuration parses an ISO 8601 duration such as "PT1M", "P1DT2H",
// "PT0.5S" or "P10675199DT2H48M5.4775807S". Any component may carry a
// fraction; digits finer than a nanosecond are dropped. Durations longer than
// time.Duration can hold (such as TimeSpan.MaxValue) become
// broker.MaxDuration. Negative durations are refused.
func ParseISODuration(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("negative durations are not allowed")
	}
	rest, ok := cutPrefixFold(s, "P")
	if !ok {
		return 0, errors.New("must start with P")
	}
	total := new(big.Int)
	next := 0 // index into isoUnits of the first designator still allowed
	inTime, components, timeComponents := false, 0, 0
	for rest != "" {
		if rest[0] == 'T' || rest[0] == 't' {
			if inTime {
				return 0, errors.New("T appears twice")
			}
			inTime = true
			rest = rest[1:]
			for next < len(isoUnits) && !isoUnits[next].inTime {
				next++
			}
			continue
		}
		n := 0
		for n < len(rest) && (isDigit(rest[n]) || rest[n] == '.' || rest[n] == ',') {
			n++
		}
		if n == 0 {
			return 0, fmt.Errorf("expected a number at %q", rest)
		}
		if n == len(rest) {
			return 0, fmt.Errorf("number %s has no unit designator", rest)
		}
		number, letter := rest[:n], upper(rest[n])
		rest = rest[n+1:]
		idx := -1
		for i := next; i < len(isoUnits); i++ {
			if isoUnits[i].letter == letter && isoUnits[i].inTime == inTime {
				idx = i
				break
			}
		}
		if idx < 0 {
			return 0, fmt.Errorf("unexpected designator %c", letter)
		}
		v, err := scaled(number, isoUnits[idx].size)
		if err != nil {
			return 0, err
		}
		total.Add(total, v)
		next = idx + 1
		components++
		if inTime {
			timeComponents++
		}
	}
	switch {
	case inTime && timeComponents == 0:
		return 0, errors.New("T must be followed by hours, minutes or seconds")
	case components == 0:
		return 0, errors.New("has no components")
	}
	if total.Cmp(maxDurationBig) >= 0 {
		return broker.MaxDuration, nil
	}
	return time.Duration(total.Int64()), nil
}

// scaled returns number × unit in nanoseconds, exactly, for "12", "1.5", "0,25".
func scaled(number string, unit time.Duration) (*big.Int, error) {
	whole, frac, _ := strings.Cut(strings.ReplaceAll(number, ",", "."), ".")
	digits := whole + frac
	if digits == "" || strings.Contains(frac, ".") {
		return nil, fmt.Errorf("bad number %q", number)
	}
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, fmt.Errorf("bad number %q", number)
	}
	v.Mul(v, big.NewInt(int64(unit)))
	v.Quo(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil))
	return v, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
