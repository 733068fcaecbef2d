package hallq

import "math"

// StaffingQuery asks for staffing advice: for one service ("" for each),
// with the numbers a manager types in place of the measured ones (nil for
// the measured value).
type StaffingQuery struct {
	Service      string
	ArrivalsPerH *float64 // customers an hour; measured: tickets issued over the last hour
	ServiceTimeS *float64 // mean service time; measured: the recent mean, else the configured service_time_s
	TargetS      *int     // the target wait; configured: the service's target_wait_s
	Counters     *int     // counters open; measured: open counters that take the service
}

// Staffing is the advice for one service, by Erlang C: the service level
// (the fraction of customers called within the target wait) expected now,
// with one counter more and one less, and the counters needed to reach the
// hall's goal.
type Staffing struct {
	Service              string  `json:"service"`
	ArrivalsPerH         float64 `json:"arrivals_per_h"`
	ServiceTimeS         float64 `json:"service_time_s"`
	TargetS              int     `json:"target_s"`
	Goal                 float64 `json:"goal"`
	CountersOpen         int     `json:"counters_open"`
	ServiceLevel         float64 `json:"service_level"`
	ServiceLevelPlusOne  float64 `json:"service_level_plus_one"`
	ServiceLevelMinusOne float64 `json:"service_level_minus_one"`
	CountersNeeded       int     `json:"counters_needed"`
}

// maxStaffingCounters bounds the counters staffing advice considers: the
// search for the counters needed stops there, and a query names at most as
// many counters open.
const maxStaffingCounters = 1000

// Bounds of the numbers a StaffingQuery gives.
const (
	maxStaffingArrivalsPerH = 100000
	maxStaffingSeconds      = 86400
)

// ErlangC returns the probability that a customer has to wait, by Erlang C,
// in a queue that counters counters serve with load erlangs of offered load
// (arrivals per second × mean service time in seconds). It is 1 when
// counters ≤ load, where the queue grows without end, and with no counter
// at all; otherwise it is 0 when there is no load. It works through the Erlang B recursion
// B(k) = load·B(k−1) / (k + load·B(k−1)), which stays within [0, 1] where
// factorials and powers overflow, then C = N·B / (N − load·(1 − B)).
func ErlangC(counters int, load float64) float64 {
	n := float64(counters)
	if counters < 1 || !(load < n) { // !(load < n) also catches NaN
		return 1
	}
	if load <= 0 {
		return 0
	}
	b := 1.0
	for k := 1; k <= counters; k++ {
		ab := load * b
		b = ab / (float64(k) + ab)
	}
	return n * b / (n - load*(1-b))
}

// ServiceLevel returns the fraction of customers expected to be called
// within targetS seconds, by Erlang C, when counters counters serve
// arrivalsPerH customers an hour whose service takes serviceTimeS seconds
// on average: P(wait ≤ target) = 1 − C·exp(−(N − A)·target / service time),
// with A = arrivalsPerH × serviceTimeS / 3600 erlangs. With no arrivals it
// is 1; with counters ≤ A (no counter at all, say) it is 0: the queue grows
// without end. It is not rounded.
func ServiceLevel(counters int, arrivalsPerH, serviceTimeS float64, targetS int) float64 {
	if !(arrivalsPerH > 0) {
		return 1
	}
	if counters < 1 {
		return 0
	}
	if !(serviceTimeS > 0) {
		return 1 // services that take no time: nobody waits for a counter
	}
	load := arrivalsPerH * serviceTimeS / 3600
	n := float64(counters)
	if !(load < n) {
		return 0
	}
	sl := 1 - ErlangC(counters, load)*math.Exp(-(n-load)*float64(targetS)/serviceTimeS)
	return math.Min(1, math.Max(0, sl))
}

// Staffing returns the staffing advice of each service in the hall's order,
// or of the one q names, by Erlang C. arrivals is the tickets issued per
// service over the last hour, as the store counts them; q's numbers, where
// given, take the place of the measured ones:
//
//   - arrivals an hour: arrivals[service];
//   - service time: the mean of the service's recent service times once the
//     estimator trusts them (minSamples of them, as EstimateWait does), else
//     the service's configured ServiceTimeS;
//   - target wait: the service's TargetWaitS;
//   - counters open: the counters whose State is Open and that take the
//     service in Services or AlsoServes; a counter that takes several
//     services counts for each, and paused or closed counters do not.
//
// Service levels are rounded to 4 decimals. The level with one counter less
// is that of max(0, counters − 1): of no counter, it stays that of none.
// CountersNeeded is the smallest number of counters whose rounded level
// reaches the hall's ServiceLevelGoal: 0 with no arrivals, and at most
// maxStaffingCounters (1000), which a load beyond what 1000 counters can
// carry to the goal reports as well. An unknown service, or a number of q
// out of bounds, is an EINVALID error naming the query parameter.
func (f *Floor) Staffing(arrivals map[string]int, q StaffingQuery) ([]Staffing, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	services := f.services
	if q.Service != "" {
		s := f.service(normalizeServiceID(q.Service))
		if s == nil {
			return nil, WithField(f.noService(EINVALID, q.Service), "service")
		}
		services = []*Service{s}
	}
	goal := f.settings.ServiceLevelGoal
	if !(goal > 0 && goal < 1) {
		goal = DefaultServiceLevelGoal
	}
	out := make([]Staffing, 0, len(services))
	for _, s := range services {
		st := Staffing{
			Service:      s.ID,
			ArrivalsPerH: float64(arrivals[s.ID]),
			ServiceTimeS: float64(s.ServiceTimeS),
			TargetS:      s.TargetWaitS,
			Goal:         goal,
		}
		if recent := f.times[s.ID]; len(recent) >= minSamples {
			st.ServiceTimeS, _ = meanSD(recent)
		}
		for _, c := range f.counters {
			if c.State == Open && c.takes(s.ID) {
				st.CountersOpen++
			}
		}
		if q.ArrivalsPerH != nil {
			st.ArrivalsPerH = *q.ArrivalsPerH
		}
		if q.ServiceTimeS != nil {
			st.ServiceTimeS = *q.ServiceTimeS
		}
		if q.TargetS != nil {
			st.TargetS = *q.TargetS
		}
		if q.Counters != nil {
			st.CountersOpen = *q.Counters
		}
		level := func(n int) float64 {
			return roundLevel(ServiceLevel(n, st.ArrivalsPerH, st.ServiceTimeS, st.TargetS))
		}
		st.ServiceLevel = level(st.CountersOpen)
		st.ServiceLevelPlusOne = level(st.CountersOpen + 1)
		st.ServiceLevelMinusOne = level(max(0, st.CountersOpen-1))
		if st.ArrivalsPerH > 0 {
			st.CountersNeeded = maxStaffingCounters
			load := st.ArrivalsPerH * st.ServiceTimeS / 3600
			// Below the load the level is 0, which never reaches a goal above 0.
			for n := max(1, int(math.Min(load, maxStaffingCounters))); n <= maxStaffingCounters; n++ {
				if level(n) >= goal {
					st.CountersNeeded = n
					break
				}
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// roundLevel rounds a service level to 4 decimals, as staffing advice
// reports it.
func roundLevel(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// validate checks the numbers q gives. Each error names the query
// parameter that carries it.
func (q *StaffingQuery) validate() error {
	if v := q.ArrivalsPerH; v != nil && !(*v >= 0 && *v <= maxStaffingArrivalsPerH) {
		return WithField(Errorf(EINVALID, "arrivals_per_h is the customers expected an hour, a number from 0 to %d.", maxStaffingArrivalsPerH), "arrivals_per_h")
	}
	if v := q.ServiceTimeS; v != nil && !(*v > 0 && *v <= maxStaffingSeconds) {
		return WithField(Errorf(EINVALID, "service_time_s is the mean service time in seconds, a number above 0 and at most %d.", maxStaffingSeconds), "service_time_s")
	}
	if v := q.TargetS; v != nil && (*v < 0 || *v > maxStaffingSeconds) {
		return WithField(Errorf(EINVALID, "target_s is the target wait in whole seconds, from 0 to %d.", maxStaffingSeconds), "target_s")
	}
	if v := q.Counters; v != nil && (*v < 0 || *v > maxStaffingCounters) {
		return WithField(Errorf(EINVALID, "counters is the number of counters open, a whole number from 0 to %d.", maxStaffingCounters), "counters")
	}
	return nil
}
