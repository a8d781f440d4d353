package sbsvc

import (
	"context"
	"errors"
	"sort"
	"sync"
)

// Registry holds every open namespace by display name, so the TUI can show
// many at once.
type Registry struct {
	mu  sync.RWMutex
	byN map[string]*Namespace
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byN: map[string]*Namespace{}} }

// ConnectAll connects every source, keeping the ones that work. The error
// joins the failures (each an *Error naming its source), so one bad entry in
// the config does not hide the others.
func (r *Registry) ConnectAll(ctx context.Context, sources []Source, opts ConnectOptions) error {
	var errs []error
	for _, src := range sources {
		ns, err := ConnectWithOptions(ctx, src, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.Add(ns); err != nil {
			ns.Close(context.WithoutCancel(ctx))
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Add registers ns; a second namespace with the same name is refused.
func (r *Registry) Add(ns *Namespace) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byN[ns.Name()]; dup {
		return newError(KindUnknown, "add namespace", ns.Name(), errors.New("a namespace with this name is already open"))
	}
	r.byN[ns.Name()] = ns
	return nil
}

// Get returns the namespace with that name.
func (r *Registry) Get(name string) (*Namespace, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ns, ok := r.byN[name]
	return ns, ok
}

// List returns the namespaces sorted by name.
func (r *Registry) List() []*Namespace {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Namespace, 0, len(r.byN))
	for _, ns := range r.byN {
		out = append(out, ns)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Close closes every namespace and empties the registry.
func (r *Registry) Close(ctx context.Context) error {
	r.mu.Lock()
	all := r.byN
	r.byN = map[string]*Namespace{}
	r.mu.Unlock()
	var errs []error
	for _, ns := range all {
		errs = append(errs, ns.Close(ctx))
	}
	return errors.Join(errs...)
}
