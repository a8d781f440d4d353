package sbsvc

import (
	"context"
	"errors"
)

// errReadOnly is the cause of every refusal in read-only mode.
var errReadOnly = errors.New("the namespace is open read-only")

// write is the one path every change to Service Bus goes through (complete,
// dead-letter, resubmit, send, purge …, added in later slices). It refuses
// in read-only mode before fn can touch anything, and logs an audit line for
// what it lets through.
func (ns *Namespace) write(ctx context.Context, op, entity string, fn func(context.Context) error) error {
	if ns.info.ReadOnly {
		ns.log.Warn("write refused", "op", op, "entity", entity, "reason", "read-only")
		return newError(KindReadOnly, op, entity, errReadOnly)
	}
	ns.log.Info("audit", "op", op, "entity", entity, "namespace", ns.info.Name)
	if err := fn(ctx); err != nil {
		ns.log.Info("audit failed", "op", op, "entity", entity, "namespace", ns.info.Name, "err", Redact(err.Error()))
		return classify(op, entity, err)
	}
	return nil
}
