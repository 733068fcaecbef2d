package simulate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"hallq"
)

// The oracle: at a ticket's issue, the hall is cloned (the Floor's State
// read back into a new Floor, and the simulation's own pending work) and its
// future simulated many times with fresh random draws from the true
// distributions and the scenario's schedule. The waits of the ticket over
// those runs are the best any estimator could know at that moment: their
// mean minimises the expected squared error, and their 10 and 90 %
// quantiles make an 80 % range.
//
// What the oracle knows: everything the Floor holds, the true service-time
// distributions and arrival rates, the schedule (the peak, the pauses),
// how long each customer at a counter has been there (their remaining time
// is drawn given that), and whether a called customer came (a counter
// waiting for a no-show marks it after the recall wait). What it does not:
// the future draws, and which waiting customers will lose patience (it
// draws that again, given how long each has waited). The ticket followed
// never leaves: its wait is the wait until it is called.

// snapshot is a main run's state at a ticket's issue, before any counter
// calls.
type snapshot struct {
	index    int
	target   uint64
	now      float64
	st       hallq.FloorState
	counters []counterSim
	waiting  []ticketSim
}

func (e *engine) snapshot(target uint64) *snapshot {
	s := &snapshot{target: target, now: e.now, st: e.f.State()}
	for _, c := range e.counters {
		s.counters = append(s.counters, *c)
	}
	for _, t := range e.waiting {
		s.waiting = append(s.waiting, ticketSim{id: t.id, service: t.service, issuedAt: t.issuedAt})
	}
	slices.SortFunc(s.waiting, func(a, b ticketSim) int { return cmp.Compare(a.id, b.id) })
	return s
}

// oracleRun simulates the future of s once and returns the target's wait,
// false if it was not called before the day's end.
func oracleRun(sc *Scenario, days int, s *snapshot, rng *rand.Rand) (float64, bool, error) {
	f, err := hallq.NewFloor(s.st)
	if err != nil {
		return 0, false, err
	}
	e := newEngine(sc, f, rng)
	e.days, e.target = days, s.target
	var pending []event
	for i, c := range s.counters {
		x := e.counters[i]
		x.paused, x.busy, x.noShow, x.from, x.svc = c.paused, c.busy, c.noShow, c.from, c.svc
		switch {
		case c.busy && c.noShow:
			pending = append(pending, event{at: c.from + sc.RecallWaitS, kind: evFinish, i: i})
		case c.busy:
			pending = append(pending, event{at: s.now + e.serviceTime(c.svc, s.now-c.from), kind: evFinish, i: i})
		}
	}
	for _, t := range s.waiting {
		t := t
		e.waiting[t.id] = &t
		if t.id == s.target || sc.CancelP == 0 {
			continue
		}
		// Whether this customer is one who leaves, given that they have
		// not left yet; their patience is memoryless.
		stay := math.Exp(-(s.now - t.issuedAt) / sc.PatienceS)
		if p := sc.CancelP * stay / (sc.CancelP*stay + 1 - sc.CancelP); rng.Float64() < p {
			pending = append(pending, event{at: s.now + rng.ExpFloat64()*sc.PatienceS, kind: evCancel, id: t.id})
		}
	}
	e.start(s.now, pending)
	for _, c := range e.counters {
		if called, err := e.call(c); err != nil {
			return 0, false, err
		} else if called {
			break
		}
	}
	if err := e.run(math.Floor(s.now/86400)*86400 + 86400); err != nil {
		return 0, false, err
	}
	return e.targetWait, e.targetDone, nil
}

type oracleResult struct {
	index          int
	ok             bool
	mean, p10, p90 float64
}

// oraclePool runs the oracle for snapshots on worker goroutines. Each
// ticket's runs draw from their own random stream, so the figures do not
// depend on which worker ran them, or when.
type oraclePool struct {
	sc      *Scenario
	opt     Options
	jobs    chan *snapshot
	wg      sync.WaitGroup
	mu      sync.Mutex
	results []oracleResult
	err     error
}

func newOraclePool(sc *Scenario, opt Options) *oraclePool {
	if opt.OracleRuns <= 0 {
		return nil
	}
	p := &oraclePool{sc: sc, opt: opt, jobs: make(chan *snapshot, 256)}
	for range max(1, opt.Workers) {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *oraclePool) submit(index int, s *snapshot) {
	s.index = index
	p.jobs <- s
}

func (p *oraclePool) close() {
	if p != nil {
		close(p.jobs)
		p.wg.Wait()
	}
}

// wait waits for every job and returns the results, in no order.
func (p *oraclePool) wait() ([]oracleResult, error) {
	p.close()
	return p.results, p.err
}

func (p *oraclePool) work() {
	defer p.wg.Done()
	waits := make([]float64, 0, p.opt.OracleRuns)
	for s := range p.jobs {
		rng := rand.New(rand.NewPCG(p.opt.Seed^0x6f7261636c65, streamID(p.sc.Name)^(uint64(s.index)+1)*0x9E3779B97F4A7C15))
		waits = waits[:0]
		var err error
		for range p.opt.OracleRuns {
			w, ok, e := oracleRun(p.sc, p.opt.Days, s, rng)
			if e != nil {
				err = e
				break
			}
			if ok {
				waits = append(waits, w)
			}
		}
		r := oracleResult{index: s.index}
		if len(waits) > 0 && len(waits) == p.opt.OracleRuns {
			slices.Sort(waits)
			r.ok = true
			r.mean = mean(waits)
			r.p10, r.p90 = quantile(waits, 0.1), quantile(waits, 0.9)
		}
		p.mu.Lock()
		p.results = append(p.results, r)
		if err != nil && p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// quantile returns the q-quantile of sorted xs at the plotting position
// q(n+1) (Hyndman and Fan's type 6): the range between the 0.1 and 0.9
// quantiles of n runs then holds a new draw 80 % of the time on average,
// where the usual q(n−1) position holds it only 0.8(n−1)/(n+1) of the
// time, 77 % for 50 runs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := q*float64(len(xs)+1) - 1
	switch {
	case h <= 0:
		return xs[0]
	case h >= float64(len(xs)-1):
		return xs[len(xs)-1]
	}
	i := int(math.Floor(h))
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}
