package sbsvc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auditLineWithSent is the shape json.Marshal gives a line that names the
// id a copy was sent with.
type auditLineWithSent struct {
	AuditEntry
	SentMessageID string `json:"sentMessageId,omitempty"`
}

// TestAuditLineMatchesJSON checks the hand-built audit line against
// encoding/json for awkward strings and times: readers of the audit file
// must not be able to tell which wrote it.
func TestAuditLineMatchesJSON(t *testing.T) {
	strs := []string{"", "plain-id-42", `quote"back\slash`, "tab\tnew\nline\x00", "<script>&amp;",
		"ünïcödé ✓", "line\u2028sep\u2029", "bad\xffutf8", "\x7f del", strings.Repeat("x", 300)}
	times := []time.Time{
		time.Date(2026, 11, 26, 1, 2, 3, 0, time.UTC),
		time.Date(2026, 11, 26, 1, 2, 3, 123456789, time.UTC),
		time.Date(1999, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 5*3600+30*60)),
		{},
	}
	n := 0
	for i, s := range strs {
		for j, tm := range times {
			e := AuditEntry{Time: tm, Op: "resubmit", Namespace: s, Source: "q/$deadletterqueue",
				SequenceNumber: int64(i*1000 - j), MessageID: strs[(i+j)%len(strs)], Target: s}
			for _, sent := range []string{"", strs[(i+2*j+1)%len(strs)]} {
				want, err := json.Marshal(auditLineWithSent{AuditEntry: e, SentMessageID: sent})
				if err != nil {
					t.Fatal(err)
				}
				got, err := appendAuditLine([]byte("prefix"), e, sent)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != "prefix"+string(want)+"\n" {
					t.Fatalf("line for %+v (sent %q)\n got %s\nwant %s", e, sent, got, want)
				}
				n++
			}
		}
	}
	if n != len(strs)*len(times)*2 {
		t.Fatalf("compared %d lines", n)
	}
}

// TestAuditLineRefusesBadYear keeps json.Marshal's refusal of a year it
// cannot write, and leaves the buffer as it was.
func TestAuditLineRefusesBadYear(t *testing.T) {
	e := AuditEntry{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Op: "resubmit"}
	got, err := appendAuditLine([]byte("keep"), e, "")
	if err == nil {
		t.Fatalf("no error for year 10000: %s", got)
	}
	if string(got) != "keep" {
		t.Fatalf("buffer changed to %q", got)
	}
}

// TestAuditWriteBatches writes two batches and reads back every line.
func TestAuditWriteBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "audit.jsonl")
	a, err := openAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	batch := func(from int) []AuditEntry {
		var es []AuditEntry
		for i := range 3 {
			es = append(es, AuditEntry{Time: now, Op: "resubmit", Namespace: "ns", Source: "q",
				SequenceNumber: int64(from + i), MessageID: "m", Target: "t"})
		}
		return es
	}
	if err := a.write(batch(1)); err != nil {
		t.Fatal(err)
	}
	if err := a.write(batch(4)); err != nil {
		t.Fatal(err)
	}
	if err := a.write(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(lines), data)
	}
	for i, l := range lines {
		var e AuditEntry
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if e.SequenceNumber != int64(i+1) || !e.Time.Equal(now) {
			t.Fatalf("line %d = %+v", i, e)
		}
	}
}

// BenchmarkAuditLine compares building a batch of 500 audit lines by hand
// with json.Marshal, the way they were built before.
func BenchmarkAuditLine(b *testing.B) {
	entries := make([]AuditEntry, 500)
	now := time.Now().UTC()
	for i := range entries {
		entries[i] = AuditEntry{Time: now, Op: "resubmit", Namespace: "orders-prod", Source: "orders/$DeadLetterQueue",
			SequenceNumber: int64(1000 + i), MessageID: "m-" + time.Duration(i).String(), Target: "orders"}
	}
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			for _, e := range entries {
				buf, _ = appendAuditLine(buf, e, "")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/line")
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			var buf []byte
			for _, e := range entries {
				line, _ := json.Marshal(e)
				buf = append(append(buf, line...), '\n')
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/line")
	})
}
