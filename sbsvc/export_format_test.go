package sbsvc

import (
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTypedValuesRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 25, 1, 2, 3, 456789000, time.UTC)
	cases := map[string]any{
		"string": "héllo", "bool": true, "int8": int8(-8), "int16": int16(-16), "int32": int32(-32),
		"int64 past 2^53": int64(math.MaxInt64), "uint8": uint8(8), "uint16": uint16(16), "uint32": uint32(32),
		"uint64 max": uint64(math.MaxUint64), "float32": float32(1.5), "float64": 2.25, "time": at,
		"binary": []byte{0, 1, 2, 255}, "null": nil,
		"list":     []any{int64(1), "two", []any{true}},
		"map":      map[string]any{"a": int32(1), "b": []byte("x")},
		"sequence": [][]any{{"a"}, {int64(2)}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			line, err := json.Marshal(Record{Properties: map[string]TypedValue{"p": typed(v)}, BodyKind: "none"})
			if err != nil {
				t.Fatal(err)
			}
			rec, err := parseRecord(line)
			if err != nil {
				t.Fatal(err)
			}
			got, err := values(rec.Properties)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["p"], v) {
				t.Errorf("got %#v (%T), want %#v (%T)", got["p"], got["p"], v, v)
			}
		})
	}
}

func TestDefaultAuditPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/state")
	if p, err := DefaultAuditPath(); err != nil || p != filepath.Join("/tmp/state", "sbx", "audit.jsonl") {
		t.Errorf("with XDG_STATE_HOME: %q %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "relative") // ignored, as the spec says
	t.Setenv("HOME", "/home/u")
	if p, err := DefaultAuditPath(); err != nil || p != "/home/u/.local/state/sbx/audit.jsonl" {
		t.Errorf("without: %q %v", p, err)
	}
}

// FuzzImportLine feeds arbitrary lines to the import parser: it must
// return an error or a message, never panic.
func FuzzImportLine(f *testing.F) {
	f.Add(`{"messageId":"a","bodyKind":"data","body":"aGk="}`)
	f.Add(`{"bodyKind":"value","bodyValue":{"type":"map","value":{"k":{"type":"list","value":[{"type":"int64","value":"1"}]}}}}`)
	f.Add(`{"bodyKind":"sequence","bodyValue":{"type":"sequence","value":[{"type":"string","value":"x"}]}}`)
	f.Add(`{"properties":{"x":{"type":"time","value":5}}}`)
	f.Fuzz(func(t *testing.T, line string) {
		rec, err := parseRecord([]byte(line))
		if err != nil {
			return
		}
		m, err := messageFromRecord(rec, true)
		if err == nil && m == nil {
			t.Fatal("no message and no error")
		}
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("empty error")
		}
	})
}
