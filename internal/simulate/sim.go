package simulate

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"hallq"
)

// Fate is how a ticket's visit ended.
type Fate string

// The fates of a ticket.
const (
	Served    Fate = "served"
	NoShow    Fate = "no_show"
	Cancelled Fate = "cancelled"
)

// Record is one ticket of a simulated hall: what it was told at issue and
// what followed. Times are seconds.
type Record struct {
	ID      uint64
	Day     int
	Service string
	Tier    string
	VIP     bool
	Ahead   int // people ahead at issue, as the hub counts them

	// The hub's estimate at issue; HubKnown is false when it gave none (no
	// open counter could call the ticket).
	HubKnown                bool
	HubS, HubLowS, HubHighS float64

	// The naive estimate at issue: people ahead × mean service time ÷
	// counters open for the service; NaiveKnown is false with none open.
	NaiveKnown bool
	NaiveS     float64

	// The oracle's wait distribution for this ticket: mean and 10–90 %
	// range over its runs. OracleKnown is false when it was not run.
	OracleKnown                   bool
	OracleS, OracleP10, OracleP90 float64

	Fate    Fate
	IssuedS float64 // when it was issued, seconds after the first day's midnight
	Wait    float64 // issue to first call; for a cancelled ticket, to its leaving
}

// Options sets how much a run simulates.
type Options struct {
	Seed       uint64
	Days       int
	OracleRuns int // re-simulations per ticket; 0: no oracle
	// OracleEvery runs the oracle for every k-th ticket only (1 or 0: every
	// ticket).
	OracleEvery int
	Workers     int // goroutines for the oracle; 0: 1
}

// Result is a scenario's run: every ticket's record.
type Result struct {
	Scenario *Scenario
	Options  Options
	Records  []Record
}

// Run simulates sc for opt.Days days and returns every ticket's record, the
// oracle's figures included when opt.OracleRuns > 0.
func Run(sc *Scenario, opt Options) (*Result, error) {
	if opt.Days < 1 {
		return nil, fmt.Errorf("simulate: days must be at least 1")
	}
	f, err := hallq.NewFloor(sc.FloorState())
	if err != nil {
		return nil, err
	}
	e := newEngine(sc, f, rand.New(rand.NewPCG(opt.Seed, streamID(sc.Name))))
	e.days = opt.Days
	e.recIndex = map[uint64]int{}
	pool := newOraclePool(sc, opt)
	if pool != nil {
		e.onIssue = func(index int) {
			if index%max(1, opt.OracleEvery) == 0 {
				pool.submit(index, e.snapshot(e.records[index].ID))
			}
		}
	}
	e.start(0, nil)
	if err := e.run(math.Inf(1)); err != nil {
		pool.close()
		return nil, err
	}
	if pool != nil {
		results, err := pool.wait()
		if err != nil {
			return nil, err
		}
		for _, r := range results {
			rec := &e.records[r.index]
			rec.OracleKnown = r.ok
			rec.OracleS, rec.OracleP10, rec.OracleP90 = r.mean, r.p10, r.p90
		}
	}
	return &Result{Scenario: sc, Options: opt, Records: e.records}, nil
}

// streamID turns a scenario's name into the stream of its random numbers.
func streamID(name string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h
}

// engine is the event loop. The main run and each oracle run are engines;
// they differ in what they record and when they stop.
type engine struct {
	sc   *Scenario
	f    *hallq.Floor
	rng  *rand.Rand
	now  float64 // seconds after epoch
	days int     // arrivals stop after this many days
	q    events
	seq  uint64

	counters []*counterSim
	waiting  map[uint64]*ticketSim // tickets waiting, with what the hub does not know

	// The main run's records, by ticket id.
	records  []Record
	recIndex map[uint64]int
	onIssue  func(index int)

	// An oracle run: the ticket followed, and its wait once called.
	target     uint64
	targetWait float64
	targetDone bool
}

type counterSim struct {
	spec   CounterSpec
	actor  hallq.Actor
	paused bool
	busy   bool
	noShow bool    // the customer called did not come: the counter waits, then marks a no-show
	from   float64 // when its current customer was called
	svc    string  // their service
}

type ticketSim struct {
	id       uint64
	service  string
	issuedAt float64
	leaves   bool // a customer who leaves if kept waiting past their patience
}

// The kinds of event.
const (
	evArrival = iota // i: stream
	evFinish         // i: counter; done, or no-show after the recall wait
	evCancel         // id: ticket
	evPause          // i: counter
	evResume         // i: counter
	evDayOpen        // i: day
)

type event struct {
	at   float64
	seq  uint64
	kind int
	i    int
	id   uint64
}

// events is a heap of events by time, then by the order they were made in.
type events []event

func (h events) Len() int { return len(h) }
func (h events) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h events) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *events) Push(x any)   { *h = append(*h, x.(event)) }
func (h *events) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newEngine(sc *Scenario, f *hallq.Floor, rng *rand.Rand) *engine {
	e := &engine{sc: sc, f: f, rng: rng, waiting: map[uint64]*ticketSim{}}
	for _, c := range sc.Counters {
		e.counters = append(e.counters, &counterSim{spec: c, actor: hallq.Actor{Name: "staff" + c.ID, Role: hallq.RoleStaff}})
	}
	return e
}

// clerk issues the simulated tickets: staff may choose a ticket's tier, as
// a card would.
var clerk = hallq.Actor{Name: "clerk", Role: hallq.RoleStaff}

func (e *engine) at(s float64) time.Time { return epoch.Add(time.Duration(s * float64(time.Second))) }

func (e *engine) push(ev event) {
	e.seq++
	ev.seq = e.seq
	heap.Push(&e.q, ev)
}

// start schedules what follows now: each day's opening after the current
// day, the pauses of the schedule, each stream's next arrival. A fresh run
// (now 0) opens the first day; an oracle run starts from a snapshot and
// gives each counter's pending work in pending.
func (e *engine) start(now float64, pending []event) {
	e.now = now
	day := int(now / 86400)
	if now == 0 {
		e.push(event{at: float64(e.sc.OpenS), kind: evDayOpen, i: 0})
	}
	for d := day + 1; d < e.days; d++ {
		e.push(event{at: float64(d*86400 + e.sc.OpenS), kind: evDayOpen, i: d})
	}
	for d := day; d < e.days; d++ {
		for i, c := range e.counters {
			for _, p := range c.spec.Pauses {
				from, to := float64(d*86400+p.From), float64(d*86400+p.To)
				if from >= now {
					e.push(event{at: from, kind: evPause, i: i})
				}
				if to >= now {
					e.push(event{at: to, kind: evResume, i: i})
				}
			}
		}
	}
	for i := range e.sc.Arrivals {
		e.nextArrival(i, math.Max(now, float64(e.sc.OpenS)))
	}
	for _, ev := range pending {
		e.push(ev)
	}
}

// nextArrival schedules stream i's next ticket after from, by thinning: a
// Poisson stream at the schedule's highest rate, each point kept with the
// rate's share at its time. The hall takes tickets only in its hours.
func (e *engine) nextArrival(i int, from float64) {
	s := e.sc.Arrivals[i]
	top := s.PerHour / hour * e.sc.maxFactor()
	if top <= 0 {
		return
	}
	t := from
	for {
		t += e.rng.ExpFloat64() / top
		day := math.Floor(t / 86400)
		tod := t - day*86400
		switch {
		case tod < float64(e.sc.OpenS):
			t = day*86400 + float64(e.sc.OpenS)
			continue
		case tod >= float64(e.sc.CloseS):
			t = (day+1)*86400 + float64(e.sc.OpenS)
			continue
		}
		if int(day) >= e.days {
			return
		}
		if e.rng.Float64()*e.sc.maxFactor() < e.sc.factor(tod) {
			e.push(event{at: t, kind: evArrival, i: i})
			return
		}
	}
}

// run handles events until none is left, the oracle's ticket is called, or
// the time passes until.
func (e *engine) run(until float64) error {
	for e.q.Len() > 0 && !e.targetDone {
		ev := heap.Pop(&e.q).(event)
		if ev.at > until {
			return nil
		}
		e.now = ev.at
		if err := e.handle(ev); err != nil {
			return fmt.Errorf("simulate: %s at %s: %w", e.sc.Name, e.at(e.now).Format(time.DateTime), err)
		}
	}
	return nil
}

func (e *engine) handle(ev event) error {
	now := e.at(e.now)
	switch ev.kind {
	case evDayOpen:
		e.f.Advance(now)
		for _, c := range e.counters {
			if ev.i == 0 {
				if _, err := e.f.Act(now, hallq.CounterAction{Op: hallq.OpOpen, Counter: c.spec.ID, By: c.actor}); err != nil {
					return err
				}
			}
		}
	case evArrival:
		e.nextArrival(ev.i, e.now)
		return e.arrive(e.sc.Arrivals[ev.i])
	case evFinish:
		c := e.counters[ev.i]
		op := hallq.OpDone
		if c.noShow {
			op = hallq.OpNoShow
		}
		if _, err := e.f.Act(now, hallq.CounterAction{Op: op, Counter: c.spec.ID, By: c.actor}); err != nil {
			return err
		}
		c.busy, c.noShow = false, false
		_, err := e.call(c)
		return err
	case evCancel:
		t := e.waiting[ev.id]
		if t == nil {
			return nil // called before the customer lost patience
		}
		if _, err := e.f.Cancel(now, t.id, hallq.Actor{}); err != nil {
			return err
		}
		delete(e.waiting, t.id)
		if i, ok := e.recIndex[t.id]; ok {
			e.records[i].Fate, e.records[i].Wait = Cancelled, e.now-t.issuedAt
		}
	case evPause:
		c := e.counters[ev.i]
		if _, err := e.f.Act(now, hallq.CounterAction{Op: hallq.OpPause, Counter: c.spec.ID, By: c.actor}); err != nil {
			return err
		}
		c.paused = true // the customer at the counter, if any, is still served
	case evResume:
		c := e.counters[ev.i]
		if !c.paused {
			return nil
		}
		if _, err := e.f.Act(now, hallq.CounterAction{Op: hallq.OpOpen, Counter: c.spec.ID, By: c.actor}); err != nil {
			return err
		}
		c.paused = false
		_, err := e.call(c)
		return err
	}
	return nil
}

// arrive issues a ticket of stream s and lets a free counter call it.
func (e *engine) arrive(s Stream) error {
	now := e.at(e.now)
	ch, err := e.f.Issue(now, hallq.IssueOrder{Service: s.Service, Tier: s.Tier, By: clerk})
	if err != nil {
		return err
	}
	t := ch.Ticket
	ts := &ticketSim{id: t.ID, service: s.Service, issuedAt: e.now}
	e.waiting[t.ID] = ts
	if e.sc.CancelP > 0 && e.rng.Float64() < e.sc.CancelP {
		ts.leaves = true
		e.push(event{at: e.now + e.rng.ExpFloat64()*e.sc.PatienceS, kind: evCancel, id: t.ID})
	}
	if e.recIndex != nil {
		rec := Record{ID: t.ID, Day: int(e.now / 86400), Service: s.Service, Tier: s.Tier, VIP: t.Rank > 0, Ahead: t.Ahead, IssuedS: e.now}
		if t.EtaReason == "" && t.EtaHighS > 0 {
			rec.HubKnown = true
			rec.HubS, rec.HubLowS, rec.HubHighS = float64(t.EtaS), float64(t.EtaLowS), float64(t.EtaHighS)
		}
		rec.NaiveS, rec.NaiveKnown = e.naive(s.Service, t.Ahead)
		e.recIndex[t.ID] = len(e.records)
		e.records = append(e.records, rec)
		if e.onIssue != nil {
			e.onIssue(len(e.records) - 1)
		}
	}
	// Only the new ticket can be news to a free counter: the first free
	// one that calls someone is the only one that will.
	for _, c := range e.counters {
		if called, err := e.call(c); err != nil || called {
			return err
		}
	}
	return nil
}

// naive is the estimate the hub gave before issue 14: people ahead × the
// service's mean service time ÷ the counters open that take the service.
func (e *engine) naive(service string, ahead int) (float64, bool) {
	n := 0
	for _, c := range e.counters {
		if !c.paused && (contains(c.spec.Services, service) || contains(c.spec.AlsoServes, service)) {
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return float64(ahead) * e.sc.service(service).MeanS / float64(n), true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// call has counter c call the next customer by the hub's rule, if it is free
// and open, and reports whether it called anyone.
func (e *engine) call(c *counterSim) (bool, error) {
	if c.busy || c.paused {
		return false, nil
	}
	ch, err := e.f.Act(e.at(e.now), hallq.CounterAction{Op: hallq.OpNext, Counter: c.spec.ID, By: c.actor})
	if err != nil {
		return false, err
	}
	if ch.Ticket == nil {
		return false, nil
	}
	t := e.waiting[ch.Ticket.ID]
	if t == nil {
		return false, fmt.Errorf("counter %s called ticket %d, which the simulation does not know waiting", c.spec.ID, ch.Ticket.ID)
	}
	delete(e.waiting, t.id)
	c.busy, c.from, c.svc = true, e.now, t.service
	c.noShow = e.sc.NoShowP > 0 && e.rng.Float64() < e.sc.NoShowP
	if c.noShow {
		e.push(event{at: e.now + e.sc.RecallWaitS, kind: evFinish, i: e.index(c)})
	} else {
		e.push(event{at: e.now + e.serviceTime(t.service, 0), kind: evFinish, i: e.index(c)})
	}
	if i, ok := e.recIndex[t.id]; ok {
		rec := &e.records[i]
		rec.Wait, rec.Fate = e.now-t.issuedAt, Served
		if c.noShow {
			rec.Fate = NoShow
		}
	}
	if t.id == e.target {
		e.targetWait, e.targetDone = e.now-t.issuedAt, true
	}
	return true, nil
}

func (e *engine) index(c *counterSim) int {
	for i, x := range e.counters {
		if x == c {
			return i
		}
	}
	panic("simulate: unknown counter")
}

// serviceTime draws how long a customer of service takes, given that
// elapsed seconds have already passed: a lognormal with the service's mean
// and CV, conditioned on exceeding elapsed, less elapsed.
func (e *engine) serviceTime(service string, elapsed float64) float64 {
	s := e.sc.service(service)
	sigma := math.Sqrt(math.Log(1 + s.CV*s.CV))
	mu := math.Log(s.MeanS) - sigma*sigma/2
	lo := 0.0 // the CDF at elapsed
	if elapsed > 0 {
		lo = 0.5 * math.Erfc(-(math.Log(elapsed)-mu)/(sigma*math.Sqrt2))
	}
	u := lo + (1-lo)*e.rng.Float64()
	if u <= 0 || u >= 1 {
		return 1 // at the edge of float precision: about to end
	}
	d := math.Exp(mu + sigma*math.Sqrt2*math.Erfinv(2*u-1))
	return math.Max(d-elapsed, 0)
}
