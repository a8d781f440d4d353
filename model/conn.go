package model

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// Conn is what the browsing views need from one connected namespace.
// *sbsvc.Namespace satisfies it; small view tests may use a fake.
type Conn interface {
	Info() sbsvc.NamespaceInfo
	ListEntities(ctx context.Context) (sbsvc.Listing, error)
	ListSubscriptions(ctx context.Context, topic string) ([]sbsvc.Entity, error)
	ListRules(ctx context.Context, topic, subscription string) ([]sbsvc.Rule, error)
	ListSessions(ctx context.Context, ref sbsvc.EntityRef) ([]string, error)
	Peek(ctx context.Context, ref sbsvc.EntityRef, from int64, max int) (sbsvc.Page, error)
	Close(ctx context.Context) error
}

// The write actions need more of the namespace than browsing does; they
// ask for it with a type assertion to their own interface, so the
// browsing fakes stay small.

// Target is one row of the namespaces view: what to show before the
// namespace is connected, and how to connect it (called inside a tea.Cmd,
// never in Update).
type Target struct {
	Name     string
	Endpoint string
	Auth     string
	ReadOnly bool
	Demo     bool
	Connect  func(ctx context.Context) (Conn, error)
}

// SourceTarget makes a Target for a namespace from the config file, the
// environment or the command line.
func SourceTarget(src sbsvc.Source, opts sbsvc.ConnectOptions) Target {
	name := src.Name
	endpoint := src.FullyQualifiedNamespace
	if src.ConnectionString != "" {
		if cs, err := sbsvc.ParseConnectionString(src.ConnectionString); err == nil {
			endpoint = cs.FQDN
		}
	}
	if name == "" {
		name = endpoint
	}
	return Target{
		Name: name, Endpoint: endpoint, Auth: src.Auth.String(), ReadOnly: src.ReadOnly,
		Connect: func(ctx context.Context) (Conn, error) {
			ns, err := sbsvc.ConnectWithOptions(ctx, src, opts)
			if err != nil {
				return nil, err
			}
			return ns, nil
		},
	}
}

// Options configure New.
type Options struct {
	Targets []Target // the demo, when wanted, is one of them
	// Selected is the index of the row the cursor starts on.
	Selected int
	// ReadOnly forces read-only mode for every namespace.
	ReadOnly bool
	// Timeout bounds every service call; 0 = 30 s.
	Timeout time.Duration
	// ConnectTimeout bounds connecting (the demo starts an emulator); 0 = 90 s.
	ConnectTimeout time.Duration
	Keys           *KeyMap    // nil = DefaultKeyMap()
	Styles         *ui.Styles // nil = dark, colour
	Now            func() time.Time
	// After schedules a timer message (toast expiry, lock countdown ticks,
	// auto-refresh); nil = a runtime timer delivered through the program
	// given to App.SetProgram. Tests replace it to fire timers by hand.
	After func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	// PageSize is how many messages one peek asks for; 0 = 100.
	PageSize int
	// ConfigPath is the config file a namespace added from the TUI is
	// stored in ("" = adding is refused with a note).
	ConfigPath string
	// ConnectOptions connect a namespace added from the TUI.
	ConnectOptions sbsvc.ConnectOptions
	// TargetFor makes the row of a namespace added from the TUI; nil =
	// SourceTarget with ConnectOptions. Tests use it to stay off the
	// network.
	TargetFor func(src sbsvc.Source) Target
	// NoMouse leaves the mouse to the terminal (its own text selection).
	NoMouse bool
}

// shared is the context every view gets: size-independent settings, the
// clock, and the request counter that tags results.
type shared struct {
	keys           KeyMap
	styles         *ui.Styles
	now            func() time.Time
	timeout        time.Duration
	connectTimeout time.Duration
	readOnly       bool
	pageSize       int
	seq            uint64
	configPath     string
	targetFor      func(src sbsvc.Source) Target
	after          func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
}

// nextID numbers views and requests; results carry it so a late answer
// for a view the user has left, or for an older request, is dropped.
func (s *shared) nextID() uint64 { s.seq++; return s.seq }

// call starts one service request: a fresh id, and a context with the
// deadline whose cancel the caller keeps (Esc calls it).
func (s *shared) call(timeout time.Duration) (uint64, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	return s.nextID(), ctx, cancel
}
