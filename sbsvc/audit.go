package sbsvc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// AuditEntry is one line of the audit file: a message that was moved.
type AuditEntry struct {
	Time           time.Time `json:"time"`
	Op             string    `json:"op"`
	Namespace      string    `json:"namespace"`
	Source         string    `json:"source"`
	SequenceNumber int64     `json:"sequenceNumber"`
	MessageID      string    `json:"messageId"`
	Target         string    `json:"target"`
}

// DefaultAuditPath is $XDG_STATE_HOME/sbx/audit.jsonl, or
// ~/.local/state/sbx/audit.jsonl when XDG_STATE_HOME is unset.
func DefaultAuditPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "sbx", "audit.jsonl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "sbx", "audit.jsonl"), nil
}

// auditLog appends entries to the audit file. Each batch is written with
// one O_APPEND write and synced, so a crash loses at most the batch being
// written and never interleaves half lines with another sbx process.
type auditLog struct {
	mu sync.Mutex
	f  *os.File
}

// openAudit opens (creating) the audit file at path; "" means the default.
func openAudit(path string) (*auditLog, error) {
	if path == "" {
		p, err := DefaultAuditPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &auditLog{f: f}, nil
}

// write appends entries and syncs the file.
func (a *auditLog) write(entries []AuditEntry) error {
	if a == nil || len(entries) == 0 {
		return nil
	}
	buf := make([]byte, 0, len(entries)*auditLineGuess)
	for _, e := range entries {
		var err error
		if buf, err = appendAuditLine(buf, e, ""); err != nil {
			return err
		}
	}
	return a.writeLines(buf)
}

// writeLines appends buf, whole lines built by appendAuditLine, with one
// O_APPEND write, and syncs the file: once per batch, not per line.
func (a *auditLog) writeLines(buf []byte) error {
	if a == nil || len(buf) == 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.f.Write(buf); err != nil {
		return err
	}
	return a.f.Sync()
}

func (a *auditLog) close() error {
	if a == nil {
		return nil
	}
	return errors.Join(a.f.Sync(), a.f.Close())
}

// auditLineGuess is about how long one audit line is, to size buffers.
const auditLineGuess = 192

// appendAuditLine appends e as one JSON line, byte for byte what
// json.Marshal writes for AuditEntry (followed by "sentMessageId" when
// sentMessageID is not empty), and a newline. A resubmit writes a line per
// moved message; building it by hand instead of by reflection takes most
// of the audit's cost out of a 10,000-message run.
func appendAuditLine(b []byte, e AuditEntry, sentMessageID string) ([]byte, error) {
	start := len(b)
	b = append(b, `{"time":`...)
	if y := e.Time.Year(); y < 0 || y > 9999 {
		// json.Marshal refuses such a time; say so the same way.
		t, err := json.Marshal(e.Time)
		if err != nil {
			return b[:start], err
		}
		b = append(b, t...)
	} else {
		b = append(b, '"')
		b = e.Time.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = append(b, `,"op":`...)
	b = appendJSONString(b, e.Op)
	b = append(b, `,"namespace":`...)
	b = appendJSONString(b, e.Namespace)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, e.Source)
	b = append(b, `,"sequenceNumber":`...)
	b = strconv.AppendInt(b, e.SequenceNumber, 10)
	b = append(b, `,"messageId":`...)
	b = appendJSONString(b, e.MessageID)
	b = append(b, `,"target":`...)
	b = appendJSONString(b, e.Target)
	if sentMessageID != "" {
		b = append(b, `,"sentMessageId":`...)
		b = appendJSONString(b, sentMessageID)
	}
	return append(b, "}\n"...), nil
}

// appendJSONString appends s quoted as encoding/json quotes it. Plain
// printable ASCII, what ids and entity names almost always are, is copied
// as it is; anything else goes through encoding/json, so escapes (control
// characters, <>&, U+2028, invalid UTF-8) come out exactly as json.Marshal
// writes them.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
