package config

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestParseISODuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"PT1M", time.Minute},
		{"PT20S", 20 * time.Second},
		{"PT1H", time.Hour},
		{"P1D", 24 * time.Hour},
		{"P14D", 14 * 24 * time.Hour},
		{"P1DT2H3M4S", 26*time.Hour + 3*time.Minute + 4*time.Second},
		{"PT0.5S", 500 * time.Millisecond},
		{"PT1,25S", 1250 * time.Millisecond},
		{"PT5.4775807S", 5*time.Second + 477580700*time.Nanosecond},
		{"PT0.0000000019S", 1 * time.Nanosecond}, // finer digits are dropped
		{"PT1.5M", 90 * time.Second},
		{"P1W", 7 * 24 * time.Hour},
		{"P1Y", 365 * 24 * time.Hour},
		{"P1M", 30 * 24 * time.Hour}, // months before T
		{"P1MT1M", 30*24*time.Hour + time.Minute},
		{"pt1m", time.Minute},
		{"PT0S", 0},
		{"PT90M", 90 * time.Minute},
		{"P10675199DT2H48M5.4775807S", broker.MaxDuration},
		{"P106751DT23H47M16.854775807S", broker.MaxDuration}, // exactly time.Duration's max
		{"P106751DT23H47M16.854775806S", broker.MaxDuration - 1},
		{"P99999999999999999999D", broker.MaxDuration},
	}
	for _, c := range cases {
		got, err := ParseISODuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseISODurationErrors(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"", "must start with P"},
		{"1M", "must start with P"},
		{"P", "has no components"},
		{"PT", "T must be followed by"},
		{"P1DT", "T must be followed by"},
		{"-PT1M", "negative"},
		{"PT1", "has no unit designator"},
		{"PT1X", "unexpected designator X"},
		{"P1H", "unexpected designator H"}, // hours need the T
		{"PT1D", "unexpected designator D"},
		{"PT1S1M", "unexpected designator M"}, // out of order
		{"P1D1D", "unexpected designator D"},
		{"PTT1M", "T appears twice"},
		{"PT1.2.3S", "bad number"},
		{"PT.S", "bad number"},
		{"PTxS", "expected a number"},
		{"1 minute", "must start with P"},
	}
	for _, c := range cases {
		_, err := ParseISODuration(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseISODuration(%q) error = %v, want %q", c.in, err, c.msg)
		}
	}
}

func TestISODuration(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{time.Minute, "PT1M"},
		{20 * time.Second, "PT20S"},
		{24 * time.Hour, "P1D"},
		{14 * 24 * time.Hour, "P14D"},
		{26*time.Hour + 3*time.Minute + 4*time.Second, "P1DT2H3M4S"},
		{500 * time.Millisecond, "PT0.5S"},
		{time.Nanosecond, "PT0.000000001S"},
		{time.Hour + time.Second, "PT1H1S"},
		{0, "PT0S"},
		{-time.Second, "PT0S"},
		{broker.MaxDuration, "P10675199DT2H48M5.4775807S"},
	}
	for _, c := range cases {
		if got := ISODuration(c.in); got != c.want {
			t.Errorf("ISODuration(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestISODurationRoundTrip formats and parses random durations.
func TestISODurationRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		d := time.Duration(r.Int64N(int64(broker.MaxDuration)))
		if r.IntN(2) == 0 {
			d = d.Truncate(time.Second) % (48 * time.Hour)
		}
		got, err := ParseISODuration(ISODuration(d))
		if err != nil || got != d {
			t.Fatalf("round trip of %v via %q = %v, %v", d, ISODuration(d), got, err)
		}
	}
}

func FuzzParseISODuration(f *testing.F) {
	for _, s := range []string{"PT1M", "P1DT2H", "PT0.5S", "P10675199DT2H48M5.4775807S", "P1Y2M3W4DT5H6M7.8S", "PT", "P,S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseISODuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseISODuration(%q) = %v, negative", s, d)
		}
		if back, err := ParseISODuration(ISODuration(d)); err != nil || back != d {
			t.Fatalf("%q → %v → %q → %v, %v", s, d, ISODuration(d), back, err)
		}
	})
}
