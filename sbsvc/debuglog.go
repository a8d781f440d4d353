package sbsvc

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// DebugLog is the --debug log file: sbx's own records and the SDK's log
// events, all passed through Redact.
type DebugLog struct {
	Logger *slog.Logger
	file   *os.File
	once   sync.Once
}

// OpenDebugLog creates (or truncates) path with mode 0600 and routes sbx's
// and the Azure SDK's logging into it. json picks the JSON handler over
// text. Close stops the SDK's events and closes the file.
func OpenDebugLog(path string, json bool) (*DebugLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("debug log: %w", err)
	}
	// An existing file keeps its mode on open: tighten it, since the log
	// names hosts and entities even with secrets masked.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("debug log: %w", err)
	}
	logger := slog.New(newRedactingHandler(f, json))
	d := &DebugLog{Logger: logger, file: f}
	azlog.SetEvents(
		azservicebus.EventConn, azservicebus.EventAuth, azservicebus.EventReceiver,
		azservicebus.EventSender, azservicebus.EventAdmin,
		azlog.EventRequest, azlog.EventResponse, azlog.EventResponseError, azlog.EventRetryPolicy,
	)
	azlog.SetListener(func(ev azlog.Event, msg string) {
		logger.Debug(msg, "sdk", string(ev))
	})
	return d, nil
}

// Close detaches the SDK listener and closes the file.
func (d *DebugLog) Close() error {
	var err error
	d.once.Do(func() {
		azlog.SetListener(nil)
		err = d.file.Close()
	})
	return err
}

// newRedactingHandler writes records to w with every message and attribute
// value passed through Redact.
func newRedactingHandler(w io.Writer, json bool) slog.Handler {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: redactAttr}
	if json {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}

// redactAttr masks secrets in an attribute. Values that are not plain
// numbers, times or booleans are printed first (which uses their String
// method, itself redacting) and then redacted as text.
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, Redact(x.Error()))
		default:
			return slog.String(a.Key, Redact(fmt.Sprint(x)))
		}
	case slog.KindGroup:
		return a
	}
	a.Value = v
	return a
}
