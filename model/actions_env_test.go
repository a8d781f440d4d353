package model

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/sbsvc"
)

// actionEnv is an in-process emulator sharing the harness's fake clock
// (lock times are set by the "service" on the same clock the countdown
// reads), an sbsvc namespace connected to it through the real SDK, and the
// harness.
type actionEnv struct {
	t  *testing.T
	em *emulator.Emulator
	ns *sbsvc.Namespace
	h  *harness
}

var actionQueueSeq atomic.Int64

func newActionEnv(t *testing.T, opts Options) *actionEnv {
	t.Helper()
	return startActionEnv(t, opts, true)
}

// startActionEnv is newActionEnv; with fakeClock false the emulator keeps
// real time (for sbsvc's auto-renewer, which sleeps in real time).
func startActionEnv(t *testing.T, opts Options, fakeClock bool) *actionEnv {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the audit file
	var hp atomic.Pointer[harness]
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // the harness's first instant
	clock := func() time.Time {
		if h := hp.Load(); h != nil {
			return h.now()
		}
		return start
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := emulator.Config{AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)}
	if fakeClock {
		cfg.Now = clock
	}
	em, err := emulator.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("emulator: %v", err)
	}
	t.Cleanup(func() { cancel(); em.Close() })
	cctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	ns, err := sbsvc.ConnectWithOptions(cctx, sbsvc.Source{Name: "emu", Auth: sbsvc.AuthConnectionString,
		ConnectionString: em.ConnectionString, AdminEndpoint: em.HTTPAddr},
		sbsvc.ConnectOptions{Retry: sbsvc.RetryPolicy{MaxRetries: 2, Delay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { ns.Close(context.Background()) })
	h := newHarnessWith(t, opts)
	hp.Store(h)
	return &actionEnv{t: t, em: em, ns: ns, h: h}
}

// queue creates a queue with n messages ("m-0" …, property n = i).
func (e *actionEnv) queue(p broker.Properties, n int) sbsvc.Entity {
	e.t.Helper()
	name := fmt.Sprintf("work%d", actionQueueSeq.Add(1))
	if _, err := e.em.Broker.CreateQueue(name, p); err != nil {
		e.t.Fatal(err)
	}
	if n > 0 {
		msgs := make([]sbsvc.OutgoingMessage, n)
		for i := range msgs {
			msgs[i] = sbsvc.OutgoingMessage{Body: []byte(fmt.Sprintf(`{"n":%d}`, i)), ContentType: "application/json",
				MessageID: fmt.Sprintf("m-%d", i), Subject: "test", Properties: map[string]any{"n": int64(i), "tenant": "acme"}}
			if p.RequiresSession {
				msgs[i].SessionID = "s1"
			}
		}
		if _, err := e.ns.Send(e.ctx(), sbsvc.EntityRef{Queue: name}, msgs); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.entity(name)
}

// entity reads a queue through the admin API, with its counts.
func (e *actionEnv) entity(name string) sbsvc.Entity {
	e.t.Helper()
	qs, err := e.ns.ListQueues(e.ctx())
	if err != nil {
		e.t.Fatal(err)
	}
	for _, q := range qs {
		if q.Name == name {
			return q
		}
	}
	e.t.Fatalf("queue %s not listed", name)
	return sbsvc.Entity{}
}

func (e *actionEnv) counts(name string) sbsvc.Counts { return e.entity(name).Counts }

// deadLetter moves the first n active messages of q to its DLQ, reason by
// index.
func (e *actionEnv) deadLetter(q string, n int, reason func(i int) string) {
	e.t.Helper()
	ls, err := e.ns.ReceiveLocked(e.ctx(), sbsvc.EntityRef{Queue: q}, n)
	if err != nil || len(ls) != n {
		e.t.Fatalf("receive: %d %v", len(ls), err)
	}
	for i, l := range ls {
		if err := e.ns.DeadLetter(e.ctx(), l, sbsvc.DeadLetterOptions{Reason: reason(i), Description: "desc"}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *actionEnv) peekAll(ref sbsvc.EntityRef) []sbsvc.Message {
	e.t.Helper()
	p, err := e.ns.Peek(e.ctx(), ref, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Messages
}

func (e *actionEnv) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// act starts an action the way the messages view does and pushes what it
// asks for.
func (e *actionEnv) act(req actionRequest) {
	if req.conn == nil {
		req.conn = e.ns
	}
	h := e.h
	cmd, nav := startAction(h.app.sh, req)
	h.run(tea.Batch(cmd, h.app.navigate(h.app.top(), nav)))
}
