package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/config"
	"github.com/sbx-tui/sbx/internal/demoseed"
)

const defaultConfigFile = "Config.json"

// runEmulator runs `sbx emulator`: it serves until SIGINT/SIGTERM.
func runEmulator(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	em, cleanup, err := startEmulator(ctx, args, stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	<-ctx.Done()
	fmt.Fprintln(stdout, "sbx emulator: stopping")
	return em.Close()
}

// startEmulator parses the flags, starts the emulator and, for the demo
// namespace, seeds it. It is separate from runEmulator so tests can drive it.
func startEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) (*emulator.Emulator, func(), error) {
	fset := flag.NewFlagSet("sbx emulator", flag.ContinueOnError)
	fset.SetOutput(stderr)
	configPath := fset.String("config", defaultConfigFile, "entities in the official emulator's Config.json format; without the file the demo namespace is served")
	demo := fset.Bool("demo", false, "serve the seeded demo namespace even if a Config.json exists")
	amqpAddr := fset.String("amqp-addr", "127.0.0.1:5672", "AMQP listen address (port 0 picks a free port)")
	httpAddr := fset.String("http-addr", "127.0.0.1:5300", "management (ATOM) and /health listen address (port 0 picks a free port)")
	keyName := fset.String("sas-key-name", "RootManageSharedAccessKey", "shared access key name in the printed connection string")
	key := fset.String("sas-key", "", "verify tokens against this key (default: accept any key, like the official emulator)")
	verbose := fset.Bool("v", false, "log every connection and error")
	latency := fset.Duration("fault-latency", 0, "fault injection: delay every operation by this much (e.g. 200ms)")
	dropAfter := fset.Int("fault-drop-after-frames", 0, "fault injection: drop the connection after this many AMQP frames")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sbx emulator [flags]\n\nRuns a Service Bus emulator that the Azure SDKs talk to over plain AMQP (UseDevelopmentEmulator=true).\n\nFlags:")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, usageError{err.Error()}
	}
	if fset.NArg() > 0 {
		return nil, nil, usageError{fmt.Sprintf("emulator: unexpected argument %q", fset.Arg(0))}
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	entities, seedDemo, err := chooseEntities(*configPath, *demo, flagWasSet(fset, "config"))
	if err != nil {
		return nil, nil, err
	}
	em, err := emulator.Start(ctx, emulator.Config{
		AMQPAddr:   *amqpAddr,
		HTTPAddr:   *httpAddr,
		Entities:   entities,
		SASKeyName: *keyName,
		SASKey:     *key,
		Logger:     logger,
	})
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, nil, fmt.Errorf("%w\n  another emulator (or RabbitMQ, or the official emulator) holds the port: stop it, or pick other ports, e.g. --amqp-addr 127.0.0.1:0 --http-addr 127.0.0.1:0", err)
	}
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = em.Close() }
	if seedDemo {
		seedCtx, cancel := context.WithTimeout(ctx, time.Minute)
		err := demoseed.Seed(seedCtx, em.ConnectionString, emulator.DemoMessages())
		cancel()
		if err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	// Faults are armed after seeding so the demo itself is not disturbed.
	if *latency > 0 {
		em.Faults.SetLatency(*latency)
	}
	if *dropAfter > 0 {
		em.Faults.DropAfterFrames(*dropAfter)
	}
	what := "entities from " + *configPath
	if seedDemo {
		what = "the demo namespace (sbx-demo)"
	}
	fmt.Fprintf(stdout, "sbx emulator: serving %s\n  AMQP:       %s\n  management: http://%s (GET /health)\n  connection string:\n    %s\n",
		what, em.AMQPAddr, em.HTTPAddr, em.ConnectionString)
	return em, cleanup, nil
}

// chooseEntities picks the Config.json to serve. The default file name is
// optional: without it the demo namespace is served; a file named explicitly
// must exist.
func chooseEntities(path string, demo, explicit bool) (*config.Config, bool, error) {
	if demo {
		return emulator.DemoConfig(), true, nil
	}
	cfg, err := config.Load(path)
	if err == nil {
		return cfg, false, nil
	}
	if !explicit && errors.Is(err, fs.ErrNotExist) {
		return emulator.DemoConfig(), true, nil
	}
	return nil, false, err
}

func flagWasSet(fset *flag.FlagSet, name string) bool {
	set := false
	fset.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
