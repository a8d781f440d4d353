package sbsvc

import "sync"

// workPool runs settlements on a fixed set of goroutines. A goroutine per
// message costs a stack that grows on the SDK's deep settle path each
// time; long-lived workers keep theirs. run blocks while every worker is
// busy, which bounds the settlements in flight.
type workPool struct {
	jobs chan func()
	done sync.WaitGroup
}

func newWorkPool(workers int) *workPool {
	p := &workPool{jobs: make(chan func())}
	p.done.Add(workers)
	for range workers {
		go func() {
			defer p.done.Done()
			for job := range p.jobs {
				job()
			}
		}()
	}
	return p
}

// run hands job to a free worker. A job must not call run itself: with
// every worker busy that would wait forever.
func (p *workPool) run(job func()) { p.jobs <- job }

// close lets the workers finish their jobs and end.
func (p *workPool) close() {
	close(p.jobs)
	p.done.Wait()
}

// runWorkers runs n copies of work at once and returns their errors, in
// order, once all have returned.
func runWorkers(n int, work func() error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = work() })
	}
	wg.Wait()
	return errs
}
