package hallq

import (
	"math"
	"sort"
	"time"
)

// This file is the wait estimator of DESIGN.md, "Wait estimates". It reads
// the waiting tickets, the counters and the day's arrivals, and changes
// nothing.
//
// In a hall manager's words: a ticket waits until the counters that can call
// it have cleared the work in front of it. That work is the customers of its
// service ahead of it, each taking the service's recent mean service time,
// plus the VIPs likely to arrive while it waits and still be called before it
// (from the last hour's arrivals per tier, within their head start, at most
// vip_streak_cap of them for each regular customer ahead). Each open counter
// that takes the service first serves the customers of its other services
// who came before this ticket (shared with the other counters that serve
// them); a VIP window first serves every waiting VIP, and a counter's
// spare-time service gets only the time its own services leave. Paused and
// closed counters serve nobody: with no counter able to call the ticket there
// is no estimate, and the pages say so.
//
// The customers at the counters now: each has the mean residual life of a
// lognormal service time left, given how long ago they were called (a
// service that runs long is not about to end), and the counters' next
// departures come as one stream: the first after 1 ÷ Σ 1/residual on
// average (with four counters busy, far sooner than any one residual), the
// work ahead shared by all of them from then on. The 80 % range is that of a
// gamma distribution with the wait's mean and variance: long-tailed like the
// wait, and as wide as the departures still to come make it.

// maxSamples is how many recent service times of a service the estimator
// keeps: the mean of 200 has about a third of the sampling error of the mean
// of 50 (CV ÷ √n: 6 % against 11 % at CV 0.8), which weighs on every long
// queue; it follows a change of pace within a few hours of service.
const maxSamples = 200

// minSamples is how many measured service times the estimator needs before it
// trusts them over the service's assumed service time.
const minSamples = 5

// EtaNoCounter is the eta_reason of a waiting ticket, or of a service, that
// no open counter can call now: it has no estimate.
const EtaNoCounter = "no_counter"

// arrivalWindow is how far back the arrival rates look. The Floor keeps the
// issue times in memory only: after a restart the rates start again from
// nothing, and the estimate counts no VIPs to come until some arrive.
const arrivalWindow = time.Hour

// minArrivalSpan is the shortest span arrival rates are taken over, so that
// the first tickets after a start do not read as a flood.
const minArrivalSpan = 30 * time.Minute

// z80 is the standard normal quantile of 90 %: ±z80 standard deviations hold
// 80 % of a normal distribution.
const z80 = 1.2816

// Estimate is an estimated wait with its 80 % range, in seconds. Reason is ""
// for a known estimate; EtaNoCounter when no open counter can call the
// ticket, and then the figures are 0 and mean nothing.
type Estimate struct {
	S      int
	LowS   int
	HighS  int
	Reason string
}

// Known reports whether the estimate has figures.
func (e Estimate) Known() bool { return e.Reason == "" }

// arrivals remembers when tickets were issued in the last arrivalWindow, per
// service and tier, oldest first.
type arrivals struct {
	since time.Time // the first issue seen since the Floor was made
	times map[arrivalKey][]time.Time
}

type arrivalKey struct{ service, tier string }

// add records a ticket of service and tier issued at at, and forgets the
// issues of that service and tier older than the window.
func (a *arrivals) add(service, tier string, at time.Time) {
	if a.times == nil {
		a.times = map[arrivalKey][]time.Time{}
		a.since = at
	}
	k := arrivalKey{service, tier}
	ts := a.times[k]
	drop := sort.Search(len(ts), func(i int) bool { return !ts[i].Before(at.Add(-arrivalWindow)) })
	a.times[k] = append(ts[drop:], at)
}

// perSecond returns the arrival rate of service and tier at now, per second,
// over the last arrivalWindow (or since the first issue seen, if later, but
// at least minArrivalSpan).
func (a *arrivals) perSecond(service, tier string, now time.Time) float64 {
	ts := a.times[arrivalKey{service, tier}]
	if len(ts) == 0 {
		return 0
	}
	from := now.Add(-arrivalWindow)
	n := len(ts) - sort.Search(len(ts), func(i int) bool { return !ts[i].Before(from) })
	span := min(max(now.Sub(a.since), minArrivalSpan), arrivalWindow)
	return float64(n) / span.Seconds()
}

// estimator holds what the estimates of one state of the Floor share; make
// one with newEstimator and ask it for as many tickets as needed.
type estimator struct {
	f        *Floor
	now      time.Time
	services map[string]*serviceLoad
	counters []*counterLoad // the open counters
	cap      int            // vip_streak_cap
	fill     []fillCounter  // scratch
	before   []int          // scratch: per service, its tickets before the one estimated; -1 until counted
	key      time.Time      // the key of the ticket estimated
}

// serviceLoad is what the estimator knows of one service.
type serviceLoad struct {
	index     int           // in estimator.before
	mean, sd  float64       // service time, seconds
	samples   int           // how many measured service times mean and sd are from; minSamples for the assumed one
	q         []*Ticket     // waiting, by key then id
	vipBefore []int32       // vipBefore[i]: VIPs among q[:i]; made when first needed
	vipsAll   int           // VIPs in q, as the Floor counts them
	serving   int           // open counters that have it among their Services
	rate      float64       // arrivals per second, every tier
	vipRate   float64       // arrivals per second, VIP tiers
	tiers     []tierArrival // tiers with a head start that arrive
}

// tierArrival is a tier's head start and today's arrival rate per second.
type tierArrival struct {
	headStart time.Duration
	rate      float64
}

// counterLoad is an open counter, as the estimator sees it.
type counterLoad struct {
	c        *Counter
	services []*serviceLoad // its Services, in order
	ids      []string
	busyS    float64 // the time its current customer has left, on average; 0 with none
}

// fillCounter is a counter in fill: free for the ticket's service once it
// has done free seconds of other work (to which the first departure is
// added), its current customer having residual seconds left on average (0:
// none), and then giving it rate of its time.
type fillCounter struct{ free, rate, residual float64 }

// newEstimator returns an estimator of f as it is, at now.
func (f *Floor) newEstimator() *estimator {
	now := f.lastIssued
	if f.lastSeen.After(now) {
		now = f.lastSeen
	}
	e := &estimator{f: f, now: now, services: make(map[string]*serviceLoad, len(f.services)), cap: max(1, f.settings.VIPStreakCap),
		before: make([]int, len(f.services))}
	// One allocation for all services' loads, and one for all counters'.
	loads := make([]serviceLoad, len(f.services))
	for i, s := range f.services {
		l := &loads[i]
		*l = serviceLoad{index: i, q: f.queues[s.ID], vipsAll: f.vipsWaiting[s.ID]}
		e.before[i] = -1
		l.mean, l.sd, l.samples = float64(s.ServiceTimeS), float64(s.ServiceTimeS)/2, minSamples
		if recent := f.times[s.ID]; len(recent) >= minSamples {
			l.mean, l.sd = meanSD(recent)
			l.samples = len(recent)
		}
		l.mean = max(l.mean, 1)
		for _, t := range f.tiers {
			r := f.arrivals.perSecond(s.ID, t.ID, now)
			if r == 0 {
				continue
			}
			l.rate += r
			if t.Rank > 0 {
				l.vipRate += r
			}
			if t.HeadStartS > 0 {
				l.tiers = append(l.tiers, tierArrival{t.HeadStart(), r})
			}
		}
		e.services[s.ID] = l
	}
	counters, served := make([]counterLoad, len(f.counters)), 0
	for _, c := range f.counters {
		if c.State == Open {
			served += len(c.Services)
		}
	}
	servedBy := make([]*serviceLoad, 0, served)
	e.counters = make([]*counterLoad, 0, len(f.counters))
	for i, c := range f.counters {
		if c.State != Open {
			continue
		}
		cl := &counters[i]
		*cl = counterLoad{c: c, ids: c.Services}
		from := len(servedBy)
		for _, id := range c.Services {
			l := e.services[id]
			servedBy = append(servedBy, l)
			if l != nil {
				l.serving++
			}
		}
		cl.services = servedBy[from:len(servedBy):len(servedBy)]
		if c.Ticket != nil {
			if l := e.services[c.Ticket.Service]; l != nil {
				cl.busyS = residual(l.mean, l.sd, e.now.Sub(c.Ticket.CalledAt).Seconds())
			}
		}
		e.counters = append(e.counters, cl)
	}
	return e
}

// residual is how long a customer at a counter for elapsed seconds still
// has, on average, if service times are lognormal with mean and sd: the
// mean residual life, which a service running long makes longer, not
// shorter.
func residual(mean, sd, elapsed float64) float64 {
	sigma := math.Sqrt(math.Log1p(sd * sd / (mean * mean)))
	if elapsed <= 0 || sigma < 1e-3 {
		return max(mean-max(elapsed, 0), 1)
	}
	mu := math.Log(mean) - sigma*sigma/2
	z := (math.Log(elapsed) - mu) / sigma
	over := math.Erfc(z / math.Sqrt2) // 2 P(X > elapsed)
	if over == 0 {
		return max(elapsed*sigma/z, 1) // far in the tail: the Mills ratio
	}
	return max(mean*math.Erfc((z-sigma)/math.Sqrt2)/over-elapsed, 1)
}

// estimateNew returns the estimate of a ticket of service s issued at now
// with the regular tier: the figure a customer sees before taking one.
func (e *estimator) estimateNew(s *Service, now time.Time) Estimate {
	t := &Ticket{Service: s.ID, Key: now, IssuedAt: now}
	if tier := e.f.defaultTier(); tier != nil {
		t.Tier, t.Rank, t.HeadStart, t.Key = tier.ID, tier.Rank, tier.HeadStart(), now.Add(-tier.HeadStart())
	}
	return e.ticket(t, len(e.f.queues[s.ID]))
}

// countBefore returns how many of l's waiting tickets have a key before
// the estimated ticket's, counting them once per ticket.
func (e *estimator) countBefore(l *serviceLoad) int {
	if n := e.before[l.index]; n >= 0 {
		return n
	}
	lo, hi := 0, len(l.q)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.q[m].Key.Before(e.key) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	e.before[l.index] = lo
	return lo
}

// vips returns how many of l's first n waiting tickets are VIPs: all of
// them the Floor counts as it queues them; the counts before each ticket are
// made once, when first asked for.
func (l *serviceLoad) vips(n int) int {
	if n == len(l.q) {
		return l.vipsAll
	}
	if l.vipBefore == nil {
		l.vipBefore = make([]int32, len(l.q)+1)
		for i, t := range l.q {
			l.vipBefore[i+1] = l.vipBefore[i]
			if t.VIP() {
				l.vipBefore[i+1]++
			}
		}
	}
	return int(l.vipBefore[n])
}

// share returns the seconds of l's waiting work that fall to one of the
// counters serving it, for n tickets.
func (l *serviceLoad) share(n int) float64 {
	if l == nil || n == 0 {
		return 0
	}
	return float64(n) * l.mean / float64(max(1, l.serving))
}

// ticket returns the estimate of waiting ticket t, ahead tickets of its
// service before it.
func (e *estimator) ticket(t *Ticket, ahead int) Estimate {
	s := e.services[t.Service]
	if s == nil {
		return Estimate{Reason: EtaNoCounter}
	}
	fill := e.fill[:0]
	otherVar := 0.0 // the variance of the work of other tickets before t, seconds²
	e.key = t.Key
	for i := range e.before {
		e.before[i] = -1
	}
	e.before[s.index] = ahead
	for _, cl := range e.counters {
		c := cl.c
		free, rate := 0.0, 1.0
		// take adds n of l's tickets, shared with the other counters
		// serving l, to the work before the ticket, and their variance.
		take := func(l *serviceLoad, n int) {
			w := l.share(n)
			free += w
			otherVar += w * l.sd * l.sd / l.mean
		}
		switch {
		case t.Target != "" && c.ID != t.Target:
			continue
		case t.Target != "" || c.serves(t.Service):
			for i, l := range cl.services {
				if l == nil {
					continue
				}
				mine := cl.ids[i] == t.Service
				switch {
				case !c.VIPFirst && !mine:
					take(l, e.countBefore(l))
				case c.VIPFirst && t.VIP() && !mine:
					take(l, l.vips(e.countBefore(l)))
				case c.VIPFirst && !t.VIP():
					// The VIP window serves every waiting VIP first, and
					// those to come, and the others by key.
					n := e.countBefore(l)
					vipsAll := l.vips(len(l.q))
					if mine {
						take(l, vipsAll-l.vips(n))
					} else {
						// The VIPs to come of the ticket's own
						// service are its jumpers, counted below.
						take(l, vipsAll+n-l.vips(n))
						rate -= l.vipRate * l.mean / float64(max(1, l.serving))
					}
				}
			}
		case indexOf(c.AlsoServes, t.Service) >= 0:
			// Spare time: only once its own services are empty, and
			// then only the time their arrivals leave.
			for _, l := range cl.services {
				if l != nil {
					take(l, len(l.q))
					rate -= l.rate * l.mean / float64(max(1, l.serving))
				}
			}
		default:
			continue
		}
		fill = append(fill, fillCounter{free, max(rate, 0.05), cl.busyS})
	}
	e.fill = fill
	if len(fill) == 0 {
		return Estimate{Reason: EtaNoCounter}
	}
	for i := 1; i < len(fill); i++ { // by free; a handful of counters
		for j := i; j > 0 && fill[j].free < fill[j-1].free; j-- {
			fill[j], fill[j-1] = fill[j-1], fill[j]
		}
	}
	// The counters' next departures come together as one stream: the
	// first after 1 ÷ Σ 1/residual on average, sooner than any one
	// counter's residual, and the work ahead is shared from then on. A
	// counter with work of its own first (the VIP window, a spare-time
	// counter) may not be the first free for the ticket: the wait is at
	// least the time until the first that is.
	firstAt := firstFree(fill)
	first := firstAt - fill[0].free // the wait for the first free counter, beyond its own work
	pooled := pooledResidual(fill)
	for i := range fill {
		fill[i].free += pooled
	}

	// The work ahead, and the VIPs to come that will be called first: those
	// of a tier with a longer head start, arriving before t's key plus that
	// head start. For a regular ticket, a general counter calls at most
	// vip_streak_cap of them before each older regular ticket.
	work := float64(ahead) * s.mean
	limit := math.Inf(1)
	if !t.VIP() {
		limit = float64(e.cap * (ahead - s.vips(ahead) + 1))
	}
	jumpers := func(wait float64) float64 {
		n := 0.0
		for _, ta := range s.tiers {
			if ta.headStart <= t.HeadStart {
				continue
			}
			left := t.Key.Add(ta.headStart).Sub(e.now).Seconds()
			n += ta.rate * max(0, min(wait, left))
		}
		return min(n, limit)
	}
	wait, counters := fillTime(fill, work)
	var vips float64
	for range 3 {
		vips = jumpers(wait)
		wait, counters = fillTime(fill, work+vips*s.mean)
	}
	wait = max(wait, firstAt)

	// The range: a gamma distribution with the wait's mean and variance,
	// by the Wilson–Hilferty approximation of its quantiles: skewed like
	// the wait. The variance adds the first departure's (exponential: its
	// mean squared), the departures after it (each a service time's
	// variance shared by the counters), the number of VIPs to come (a
	// Poisson count) and the error of the mean service time measured.
	cv2 := s.sd * s.sd / (s.mean * s.mean)
	variance := first*first + ((float64(ahead)+vips)*s.sd*s.sd+otherVar+vips*s.mean*s.mean)/sq(counters) + cv2*sq(wait-first)/float64(s.samples)
	est := Estimate{S: round(wait)}
	if wait > 0 {
		a := variance / (9 * wait * wait)
		lo, hi := max(0, 1-a-z80*math.Sqrt(a)), 1-a+z80*math.Sqrt(a)
		est.LowS, est.HighS = round(wait*lo*lo*lo), round(wait*hi*hi*hi)
	}
	est.LowS = min(est.LowS, est.S)
	est.HighS = max(est.HighS, est.S, 1) // a known estimate always has a range above zero
	return est
}

func sq(x float64) float64 { return x * x }

// pooledResidual returns 1 ÷ Σ 1/residual over the counters in fill: the
// mean time until the first of their current customers leaves, if each
// customer's remaining time is exponential with its mean residual; 0 when
// one of them is idle.
func pooledResidual(fill []fillCounter) float64 {
	rate := 0.0
	for _, c := range fill {
		if c.residual == 0 {
			return 0
		}
		rate += 1 / c.residual
	}
	return 1 / rate
}

// firstFree returns when the first of the counters in fill (sorted by
// free) is free for the ticket on average, each after its free seconds and
// its current customer's remaining time, taken as exponential with the mean
// residual: the survival of the first is a product of exponentials, one
// more from each counter's free time on.
func firstFree(fill []fillCounter) float64 {
	t, survive, hazard := fill[0].free, 1.0, 0.0
	for i, c := range fill {
		if c.residual == 0 {
			return t // an idle counter: free at c.free for sure
		}
		hazard += 1 / c.residual
		next := math.Inf(1)
		if i+1 < len(fill) {
			next = fill[i+1].free
		}
		if next == c.free {
			continue // no time passes before the next counter is free too
		}
		left := math.Exp(-hazard * (next - c.free))
		t += survive * (1 - left) / hazard
		survive *= left
	}
	return t
}

// fillTime returns when counters, each free after fill[i].free seconds and
// then giving fill[i].rate of its time (sorted by free), have done work
// seconds of work, and how many counters' worth of time they give then.
func fillTime(fill []fillCounter, work float64) (wait, counters float64) {
	rate := 0.0
	for i, c := range fill {
		rate += c.rate
		next := math.Inf(1)
		if i+1 < len(fill) {
			next = fill[i+1].free
		}
		if done := rate * (next - c.free); work <= done {
			return c.free + work/rate, rate
		} else {
			work -= done
		}
	}
	return fill[len(fill)-1].free, rate // not reached: the last span is unbounded
}

func meanSD(xs []int) (mean, sd float64) {
	for _, x := range xs {
		mean += float64(x)
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		d := float64(x) - mean
		sd += d * d
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

func round(x float64) int { return int(math.Round(x)) }

// EstimateMoved reports whether an estimate moved from was to now by enough
// to tell the customer: it gained or lost its figures, or one of them moved
// by more than a minute and by more than 15 %. Pages are sent a new
// estimate only then, not on every event.
func EstimateMoved(was, now Estimate) bool {
	if was.Reason != now.Reason {
		return true
	}
	if !now.Known() {
		return false
	}
	moved := func(a, b int) bool {
		d := math.Abs(float64(b - a))
		return d > 60 && d > 0.15*float64(max(a, b))
	}
	return moved(was.S, now.S) || moved(was.LowS, now.LowS) || moved(was.HighS, now.HighS)
}
