package sbsvc

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAutoRenewerKeepsAShortLockAlive(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 5*time.Second, 2)
	ls := receiveN(t, ns, ref, 2)
	kept, control := ls[0], ls[1]

	var mu sync.Mutex
	var failures []error
	a := ns.NewAutoRenewer(AutoRenewOptions{MaxDuration: time.Minute, OnFailure: func(_ *Locked, err error) {
		mu.Lock()
		failures = append(failures, err)
		mu.Unlock()
	}})
	defer a.Stop()
	if err := a.Register(kept); err != nil {
		t.Fatal(err)
	}
	time.Sleep(12500 * time.Millisecond)

	if n := a.Renewals(); n < 3 {
		t.Errorf("%d renewals in 12.5 s of a 5 s lock", n)
	}
	if until := kept.LockedUntil(); until.Before(time.Now()) {
		t.Errorf("kept lock ended at %v", until)
	}
	ctx := ctxT(t, 20*time.Second)
	// Without the renewer the other lock lapsed long ago.
	wantKind(t, ns.Complete(ctx, control), KindLockLost)
	if err := ns.Complete(ctx, kept); err != nil {
		t.Fatalf("Complete after 12.5 s: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(failures) != 0 {
		t.Errorf("failures: %v", failures)
	}
	// A settled message is dropped from the renewer without a failure.
	deadline := time.Now().Add(5 * time.Second)
	for a.Active() != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if a.Active() != 0 || a.Failures() != 0 {
		t.Errorf("active %d failures %d after settling", a.Active(), a.Failures())
	}
}

func TestAutoRenewerReportsLostLock(t *testing.T) {
	t.Parallel()
	em, ns, ref := lockFixture(t, 5*time.Second, 1)
	l := receiveN(t, ns, ref, 1)[0]
	failed := make(chan error, 1)
	a := ns.NewAutoRenewer(AutoRenewOptions{OnFailure: func(got *Locked, err error) {
		if got == l {
			failed <- err
		}
	}})
	defer a.Stop()
	if err := a.Register(l); err != nil {
		t.Fatal(err)
	}
	if err := em.Faults.ExpireLock(l.LockToken); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-failed:
		wantKind(t, err, KindLockLost)
	case <-time.After(10 * time.Second):
		t.Fatal("no failure reported for a lost lock")
	}
	// The renewer forgets the lock right after reporting it: give that a
	// moment rather than racing it.
	deadline := time.Now().Add(2 * time.Second)
	for a.Active() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.Failures() != 1 || a.Active() != 0 {
		t.Errorf("failures %d active %d", a.Failures(), a.Active())
	}
}

func TestAutoRenewerStopsAtMaxDurationAndOnStop(t *testing.T) {
	t.Parallel()
	_, ns, ref := lockFixture(t, 5*time.Second, 2)
	ls := receiveN(t, ns, ref, 2)
	short := ns.NewAutoRenewer(AutoRenewOptions{MaxDuration: 200 * time.Millisecond, RenewBefore: 4 * time.Second})
	defer short.Stop()
	if err := short.Register(ls[0]); err != nil {
		t.Fatal(err)
	}
	first := ls[0].LockedUntil()

	stopped := ns.NewAutoRenewer(AutoRenewOptions{RenewBefore: 4 * time.Second})
	if err := stopped.Register(ls[1]); err != nil {
		t.Fatal(err)
	}
	// Renewals are due about a second in: wait past that.
	time.Sleep(1500 * time.Millisecond)
	if stopped.Renewals() == 0 {
		t.Error("the control renewer did not renew")
	}
	done := make(chan struct{})
	go func() { stopped.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
	if err := stopped.Register(ls[1]); KindOf(err) != KindCancelled {
		t.Errorf("register after Stop: %v", err)
	}
	afterStop := stopped.Renewals()

	if short.Renewals() != 0 || !ls[0].LockedUntil().Equal(first) {
		t.Errorf("renewed past MaxDuration: %d renewals, until %v (was %v)", short.Renewals(), ls[0].LockedUntil(), first)
	}
	if short.Active() != 0 {
		t.Errorf("%d still active past MaxDuration", short.Active())
	}
	time.Sleep(1500 * time.Millisecond)
	if stopped.Renewals() != afterStop {
		t.Error("renewed after Stop")
	}
}

// renewerGoroutines counts the goroutines running AutoRenewer.keep, read
// from a dump of every stack (immune to other tests' goroutines).
func renewerGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "AutoRenewer).keep")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Stop leaves no goroutine behind, however many locks were registered.
func TestAutoRenewerStopLeavesNoGoroutines(t *testing.T) {
	ns := bareNamespace(false)
	a := ns.NewAutoRenewer(AutoRenewOptions{})
	for range 50 {
		l := &Locked{Ref: EntityRef{Queue: "q"}, lockedUntil: time.Now().Add(time.Hour), lockSpan: time.Hour}
		if err := a.Register(l); err != nil {
			t.Fatal(err)
		}
	}
	// waitFor polls the count: a goroutine shows in the dump once it runs,
	// and leaves it a moment after signalling it is done.
	waitFor := func(want int) int {
		n := renewerGoroutines()
		for deadline := time.Now().Add(2 * time.Second); n != want && time.Now().Before(deadline); n = renewerGoroutines() {
			time.Sleep(5 * time.Millisecond)
		}
		return n
	}
	if n := waitFor(50); a.Active() != 50 || n != 50 {
		t.Fatalf("active %d, renewer goroutines %d", a.Active(), n)
	}
	a.Stop()
	if n := waitFor(0); n != 0 || a.Active() != 0 || a.Renewals() != 0 {
		t.Errorf("after Stop: %d renewer goroutines, %d active", n, a.Active())
	}
}
