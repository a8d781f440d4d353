// Command sbx is a terminal UI explorer for Azure Service Bus: `sbx` opens
// the TUI (with the embedded demo namespace), `sbx emulator` serves the
// emulator on its own.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// version is set by the release build (-ldflags "-X main.version=…").
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code: 0 on
// success, 2 on a usage error, 1 on anything else.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") || len(args) > 0 && isGlobalHelp(args[0]) {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "emulator":
		err = runEmulator(args, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "sbx", version)
	case "help", "-h", "--help":
		usage(stdout)
	case "":
		err = runTUI(args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "sbx: unknown command %q\n\n", cmd)
		usage(stderr)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintln(stderr, "sbx:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "sbx:", err)
		return 1
	}
}

func isGlobalHelp(a string) bool { return a == "-h" || a == "--help" || a == "--version" }

// usageError marks a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprint(w, `sbx — a terminal UI explorer for Azure Service Bus

Usage:
  sbx [flags]            open the terminal UI (the embedded demo namespace is always offered)
  sbx emulator [flags]   run the embedded Service Bus emulator (AMQP + management API)
  sbx version            print the version
  sbx help               this help

TUI flags:
  --connection-string S  add a namespace by connection string (or env:VAR / file:path)
  --namespace FQDN       add a namespace signed in with Microsoft Entra ID (--auth …)
  --entity NAME          scope that namespace to one queue or topic/Subscriptions/sub
  --read-only            read-only mode for every namespace
  --config PATH          the config file of namespaces
  --no-demo              do not offer the embedded demo namespace
  --keys PATH            key overrides file (default: <user config dir>/sbx/keys.json)
  --debug FILE           write a debug log to FILE (secrets redacted)
  --debug-frames         with --debug: also log each AMQP frame's header (never its payload)
  --no-mouse             leave the mouse to the terminal (its own text selection)

Run "sbx emulator -h" for the emulator's flags.
`)
}
