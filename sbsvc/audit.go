package sbsvc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"
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
	var buf []byte
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf = append(append(buf, line...), '\n')
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
