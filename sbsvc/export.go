package sbsvc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// recordWriter writes export lines to w. flush syncs w when it can (an
// *os.File), so a batch is on disk before its messages are deleted.
type recordWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func newRecordWriter(w io.Writer) *recordWriter { return &recordWriter{w: w} }

// writeBatch writes one line per message and syncs.
func (rw *recordWriter) writeBatch(msgs []Message) error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.buf = rw.buf[:0]
	for _, m := range msgs {
		line, err := json.Marshal(recordFrom(m))
		if err != nil {
			return fmt.Errorf("export message %d: %w", m.SequenceNumber, err)
		}
		rw.buf = append(append(rw.buf, line...), '\n')
	}
	if _, err := rw.w.Write(rw.buf); err != nil {
		return fmt.Errorf("write the export file: %w", err)
	}
	if s, ok := rw.w.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			return fmt.Errorf("sync the export file: %w", err)
		}
	}
	return nil
}

// ExportOptions tune Export.
type ExportOptions struct {
	// Progress is called after each page with the number written so far.
	Progress func(written int)
}

// Export writes every message of ref (active, deferred and scheduled
// messages, or a dead-letter queue) to w as JSON Lines, one Record a line.
// It only peeks: nothing is locked, received or deleted. It returns how
// many messages it wrote.
func (ns *Namespace) Export(ctx context.Context, ref EntityRef, w io.Writer, opts ExportOptions) (int, error) {
	rw := newRecordWriter(w)
	written := 0
	for from := int64(1); ; {
		page, err := ns.Peek(ctx, ref, from, MaxPeekPage)
		if err != nil {
			return written, err
		}
		if page.End {
			return written, nil
		}
		if err := rw.writeBatch(page.Messages); err != nil {
			return written, classify("export", ref.String(), err)
		}
		written += len(page.Messages)
		if opts.Progress != nil {
			opts.Progress(written)
		}
		from = page.Next
	}
}
