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
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/internal/demoseed"
	"github.com/sbx-tui/sbx/model"
	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// tuiFlags is the parsed command line of `sbx [flags]`.
type tuiFlags struct {
	namespaces  sbsvc.Flags
	configPath  string
	noDemo      bool
	debugPath   string
	debugFrames bool
	keysPath    string
	noMouse     bool
}

// parseTUIFlags reads `sbx [flags]`; a mistake is a usageError.
func parseTUIFlags(args []string, stderr io.Writer) (tuiFlags, error) {
	var f tuiFlags
	fset := flag.NewFlagSet("sbx", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.StringVar(&f.namespaces.ConnectionString, "connection-string", "", "connect to this namespace (or env:VAR / file:path)")
	fset.StringVar(&f.namespaces.Namespace, "namespace", "", "fully qualified namespace for Microsoft Entra ID sign-in")
	fset.StringVar(&f.namespaces.Auth, "auth", "", "how to sign in with --namespace (default, azure-cli …)")
	fset.StringVar(&f.namespaces.Entity, "entity", "", "scope browsing to one queue or topic/Subscriptions/sub")
	fset.BoolVar(&f.namespaces.ReadOnly, "read-only", false, "read-only mode for every namespace")
	fset.StringVar(&f.configPath, "config", "", "config file (default: the user config directory's sbx/config.json)")
	fset.BoolVar(&f.noDemo, "no-demo", false, "do not offer the embedded demo namespace")
	fset.StringVar(&f.debugPath, "debug", "", "write a debug log (secrets redacted) to this file")
	fset.BoolVar(&f.debugFrames, "debug-frames", false, "also log each AMQP frame's header (never its payload) to the --debug log")
	fset.StringVar(&f.keysPath, "keys", "", "key overrides file (default: the user config directory's sbx/keys.json)")
	fset.BoolVar(&f.noMouse, "no-mouse", false, "leave the mouse to the terminal (its own text selection)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sbx [flags]\n\nOpens the terminal UI.\n\nFlags:")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, usageError{err.Error()}
	}
	if fset.NArg() > 0 {
		return f, usageError{fmt.Sprintf("unexpected argument %q", fset.Arg(0))}
	}
	// The frames go to the debug log: without one they would vanish, and
	// the user would think nothing was traced.
	if f.debugFrames && f.debugPath == "" {
		return f, usageError{"--debug-frames needs --debug FILE: the frame headers are written to that debug log"}
	}
	return f, nil
}

// connectOptions are the options every namespace connects with.
func (f tuiFlags) connectOptions(logger *slog.Logger) sbsvc.ConnectOptions {
	return sbsvc.ConnectOptions{Logger: logger, TraceFrames: f.debugFrames}
}

// runTUI runs `sbx [flags]`: the terminal UI on the namespaces view, with
// the embedded demo namespace first and selected unless a namespace was
// named on the command line.
func runTUI(args []string, stdout, stderr io.Writer) error {
	f, err := parseTUIFlags(args, stderr)
	if err != nil {
		return err
	}
	keys, err := tuiKeys(f.keysPath)
	if err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	if f.debugPath != "" {
		dl, err := sbsvc.OpenDebugLog(f.debugPath, false)
		if err != nil {
			return fmt.Errorf("--debug: %w", err)
		}
		defer dl.Close()
		logger = dl.Logger
	}
	if f.configPath == "" {
		if p, err := sbsvc.DefaultConfigPath(); err == nil {
			f.configPath = p
		}
	}
	connectOpts := f.connectOptions(logger)
	targets, selected, err := tuiTargets(f.configPath, f.namespaces, !f.noDemo, connectOpts)
	if err != nil {
		return err
	}
	logger.Info("sbx starting", "version", version, "namespaces", len(targets), "read_only", f.namespaces.ReadOnly, "config", f.configPath)
	app := model.New(model.Options{
		Targets: targets, Selected: selected, ReadOnly: f.namespaces.ReadOnly,
		// Dark until the terminal answers the background query; the App
		// then switches to the light palette if need be.
		Styles:     ui.NewStyles(true, ui.NoColorFromEnv(os.Getenv)),
		Keys:       keys,
		ConfigPath: f.configPath, ConnectOptions: connectOpts,
		NoMouse: f.noMouse,
	})
	prog := tea.NewProgram(app)
	app.SetProgram(prog.Send)
	_, runErr := prog.Run()
	logger.Info("sbx exiting", "error", runErr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	app.Close(ctx)
	if runErr != nil && strings.Contains(runErr.Error(), "TTY") {
		runErr = fmt.Errorf("%w\n  sbx needs an interactive terminal; to run only the emulator use \"sbx emulator\"", runErr)
	}
	return runErr
}

// tuiTargets gathers the namespaces: the demo, then the config file's,
// the environment's and the command line's. A namespace named by a flag
// starts selected.
func tuiTargets(configPath string, flags sbsvc.Flags, demo bool, opts sbsvc.ConnectOptions) ([]model.Target, int, error) {
	if configPath == "" {
		if p, err := sbsvc.DefaultConfigPath(); err == nil {
			configPath = p
		}
	}
	sources, _, err := sbsvc.Sources(configPath, flags, os.Getenv)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, err
	}
	var targets []model.Target
	if demo {
		targets = append(targets, demoTargetWith(opts))
	}
	selected := 0
	for _, src := range sources {
		if flags.ReadOnly {
			src.ReadOnly = true
		}
		if src.Origin == "flag" {
			selected = len(targets)
		}
		targets = append(targets, model.SourceTarget(src, opts))
	}
	return targets, selected, nil
}

// demoTarget is the embedded demo namespace: an in-process emulator on
// free loopback ports, seeded through the SDK, started only when the TUI
// connects it (inside a tea.Cmd).
func demoTarget(logger *slog.Logger) model.Target {
	return demoTargetWith(sbsvc.ConnectOptions{Logger: logger})
}

// demoTargetWith is demoTarget connecting with opts (a logger, frame
// tracing).
func demoTargetWith(opts sbsvc.ConnectOptions) model.Target {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	logger := opts.Logger
	return model.Target{
		Name: "sbx-demo", Endpoint: "embedded emulator (loopback)", Auth: "emulator", Demo: true,
		Connect: func(ctx context.Context) (model.Conn, error) {
			// The emulator lives until Close, not until ctx's deadline.
			em, err := emulator.Start(context.Background(), emulator.Config{
				AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
				Entities: emulator.DemoConfig(),
				Logger:   logger.With("component", "emulator"),
			})
			if err != nil {
				return nil, err
			}
			if err := demoseed.Seed(ctx, em.ConnectionString, emulator.DemoMessages()); err != nil {
				_ = em.Close()
				return nil, err
			}
			ns, err := sbsvc.ConnectWithOptions(ctx, sbsvc.Source{
				Name: "sbx-demo", Origin: "demo", Auth: sbsvc.AuthConnectionString,
				ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr,
			}, opts)
			if err != nil {
				_ = em.Close()
				return nil, err
			}
			return demoConn{ns, em}, nil
		},
	}
}

// demoConn closes the demo's emulator with its namespace.
type demoConn struct {
	*sbsvc.Namespace
	em *emulator.Emulator
}

func (c demoConn) Close(ctx context.Context) error {
	err := c.Namespace.Close(ctx)
	return errors.Join(err, c.em.Close())
}

// tuiKeys loads the key overrides: --keys names a file that must exist;
// otherwise the user config directory's sbx/keys.json is used if present.
func tuiKeys(path string) (*model.KeyMap, error) {
	explicit := path != ""
	if !explicit {
		p, err := defaultKeysPath()
		if err != nil {
			km := model.DefaultKeyMap()
			return &km, nil
		}
		path = p
	}
	return loadKeyMap(path, explicit)
}
