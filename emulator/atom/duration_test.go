package atom

import (
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "PT0S"},
		{45 * time.Second, "PT45S"},
		{time.Minute, "PT1M"},
		{10 * time.Minute, "PT10M"},
		{14 * 24 * time.Hour, "P14D"},
		{26*time.Hour + 30*time.Minute, "P1DT2H30M"},
		{1500 * time.Millisecond, "PT1.5S"},
		{time.Nanosecond, "PT0.000000001S"},
		{broker.MaxDuration, infiniteDuration},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.in); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"PT45S", 45 * time.Second},
		{"PT1M", time.Minute},
		{"P14D", 14 * 24 * time.Hour},
		{"P1DT2H30M", 26*time.Hour + 30*time.Minute},
		{"PT0.5S", 500 * time.Millisecond},
		{"PT.25S", 250 * time.Millisecond},
		{"P1W", 7 * 24 * time.Hour},
		{"P1Y", 365 * 24 * time.Hour},
		{"P1M", 30 * 24 * time.Hour},
		{"PT0S", 0},
		{" PT5S ", 5 * time.Second},
		{infiniteDuration, broker.MaxDuration},
		{"P99999999999999999999D", broker.MaxDuration},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationRejects(t *testing.T) {
	for _, in := range []string{"", "P", "PT", "45S", "-PT1S", "PT1.5M", "P1.5D", "PTS", "P1X", "PT1H1", "PT1..5S", "PT1S2", "PTT1S", "P1DT", "PT1.S", "PT1S.5"} {
		if d, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", in, d)
		}
	}
}

// Round trips hold for every value the service prints (canonical forms).
func TestDurationRoundTrip(t *testing.T) {
	for _, s := range []string{"PT45S", "PT1M", "PT10M", "P14D", "PT4M", "P1DT2H3M4.5S", infiniteDuration, "PT0S"} {
		d, err := parseDuration(s)
		if err != nil {
			t.Fatalf("parseDuration(%q): %v", s, err)
		}
		if got := formatDuration(d); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT45S", "P1DT2H", infiniteDuration, "PT0.5S", "P", "-P1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseDuration(%q) = %v, negative", s, d)
		}
		// Whatever parses must print in a form that parses to the same value.
		back, err := parseDuration(formatDuration(d))
		if err != nil || back != d {
			t.Fatalf("%q → %v → %q → %v, %v", s, d, formatDuration(d), back, err)
		}
	})
}
