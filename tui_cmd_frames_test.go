package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sbx-tui/sbx/sbsvc"
)

// --debug-frames turns on frame tracing in the options every namespace
// connects with, and only together with --debug: the frames go to its log.
func TestDebugFramesFlag(t *testing.T) {
	log := filepath.Join(t.TempDir(), "debug.log")
	f, err := parseTUIFlags([]string{"--debug", log, "--debug-frames"}, io.Discard)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	logger := slog.New(slog.DiscardHandler)
	if opts := f.connectOptions(logger); !opts.TraceFrames || opts.Logger != logger {
		t.Fatalf("options %+v: want frame tracing to the debug logger", opts)
	}
	f, err = parseTUIFlags([]string{"--debug", log}, io.Discard)
	if err != nil || f.connectOptions(logger).TraceFrames {
		t.Fatalf("without --debug-frames: %v, tracing %v", err, f.connectOptions(logger).TraceFrames)
	}

	_, err = parseTUIFlags([]string{"--debug-frames"}, io.Discard)
	if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), "--debug FILE") {
		t.Fatalf("--debug-frames alone: %v, want a usage error naming --debug FILE", err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--debug-frames"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--debug-frames needs --debug") {
		t.Fatalf("exit code %d, stderr %q; want 2 and the reason", code, errOut.String())
	}
}

// The demo namespace connects with the same options: with frame tracing on,
// its AMQP frames reach the debug log.
func TestDebugFramesTraceTheDemo(t *testing.T) {
	f, err := parseTUIFlags([]string{"--debug", filepath.Join(t.TempDir(), "debug.log"), "--debug-frames"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := demoTargetWith(f.connectOptions(logger)).Connect(ctx)
	if err != nil {
		t.Fatalf("demo connect: %v", err)
	}
	// A peek is the first use of the AMQP connection (listing goes over
	// HTTP).
	if page, err := conn.Peek(ctx, sbsvc.EntityRef{Queue: "orders"}, 0, 1); err != nil || len(page.Messages) != 1 {
		t.Fatalf("peek: %v", err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if log := buf.String(); !strings.Contains(log, "amqp frame") || !strings.Contains(log, "performative=attach") {
		t.Fatalf("no AMQP frames in the debug log:\n%.2000s", log)
	}
}
