// Package simulate is a discrete-event simulation of a service hall that
// drives the real domain core (a *hallq.Floor) on a fake clock: Poisson
// arrivals per service and tier, lognormal service times, counters with
// their services, spare-time services and VIP window, a schedule (arrival
// rates that change over the day, counters that pause), no-shows and
// cancellations. It records, for every ticket, the estimate the hub gave at
// issue and the wait that followed, and compares that estimate with a naive
// one and with an oracle that re-simulates the future from the moment of
// issue many times. Everything is seeded: the same seed gives the same
// numbers. See docs/ESTIMATES.md.
package simulate

import (
	"math"
	"time"

	"hallq"
)

// Scenario is a hall and a day's pattern of work, repeated for each
// simulated day.
type Scenario struct {
	Name  string // "a", "b", "c"
	Title string

	Services []ServiceSpec
	Arrivals []Stream // Poisson streams, per service and tier
	Counters []CounterSpec
	// Rates multiplies every stream's rate by Factor from From to To, each
	// day (times of day).
	Rates []RateChange

	OpenS, CloseS int // hours the hall takes tickets, seconds after midnight; counters serve until empty

	NoShowP     float64 // chance a called customer does not come
	RecallWaitS float64 // how long a counter waits for a called customer before marking a no-show
	CancelP     float64 // chance a customer is one who leaves if kept waiting
	PatienceS   float64 // mean patience (exponential) of those who leave
}

// ServiceSpec is a service and the true distribution of its service times.
type ServiceSpec struct {
	ID    string
	MeanS float64 // mean service time, seconds
	CV    float64 // coefficient of variation of the lognormal
}

// Stream is a Poisson stream of tickets of one service and tier.
type Stream struct {
	Service, Tier string
	PerHour       float64
}

// CounterSpec is a counter and when it pauses each day.
type CounterSpec struct {
	ID         string
	Services   []string
	AlsoServes []string
	VIPFirst   bool
	Pauses     []Interval
}

// Interval is a span of each day, in seconds after midnight.
type Interval struct{ From, To int }

// RateChange multiplies arrival rates over an interval of each day.
type RateChange struct {
	Interval
	Factor float64
}

// hour is an hour in seconds.
const hour = 3600

// vipSplit is how a stream of customers divides among the default hall's
// tiers: 85 % regular, 15 % VIP (silver 8, gold 5, platinum 2).
var vipSplit = []struct {
	tier  string
	share float64
}{{"regular", 0.85}, {"silver", 0.08}, {"gold", 0.05}, {"platinum", 0.02}}

// split divides perHour tickets of service among the tiers of vipSplit.
func split(service string, perHour float64) []Stream {
	var out []Stream
	for _, v := range vipSplit {
		out = append(out, Stream{Service: service, Tier: v.tier, PerHour: perHour * v.share})
	}
	return out
}

// Steady is scenario (a): two services, four general counters serving both,
// Poisson arrivals at 85 % load, lognormal service times with CV 0.8, 15 %
// VIP.
func Steady() *Scenario {
	sc := &Scenario{
		Name:  "a",
		Title: "steady: 2 services, 4 counters, 85 % load, CV 0.8, 15 % VIP",
		Services: []ServiceSpec{
			{ID: "A", MeanS: 300, CV: 0.8},
			{ID: "B", MeanS: 480, CV: 0.8},
		},
		OpenS: 9 * hour, CloseS: 17 * hour,
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		sc.Counters = append(sc.Counters, CounterSpec{ID: id, Services: []string{"A", "B"}})
	}
	// 85 % of four counters: A takes 70 % of the tickets, B 30 %.
	perHour := load(0.85, 4, []float64{0.7, 0.3}, []float64{300, 480})
	sc.Arrivals = append(split("A", 0.7*perHour), split("B", 0.3*perHour)...)
	return sc
}

// Peak is scenario (b): the steady hall with a lunchtime peak (arrivals
// doubling from 12:00 to 13:00) and counter 2 pausing from 12:15 to 12:35.
func Peak() *Scenario {
	sc := Steady()
	sc.Name = "b"
	sc.Title = "lunchtime peak: (a) with arrivals ×2 12:00–13:00, counter 2 paused 12:15–12:35"
	sc.Rates = []RateChange{{Interval{12 * hour, 13 * hour}, 2}}
	sc.Counters[1].Pauses = []Interval{{12*hour + 15*60, 12*hour + 35*60}}
	return sc
}

// Mixed is scenario (c): three services; counters 1 and 2 serve A and B,
// counter 3 serves B and, in its spare time, C; counter 4 is the VIP window
// for all three; 10 % no-shows, 5 % cancellations.
func Mixed() *Scenario {
	sc := &Scenario{
		Name:  "c",
		Title: "mixed: a VIP window, a spare-time service, 10 % no-shows, 5 % cancellations",
		Services: []ServiceSpec{
			{ID: "A", MeanS: 300, CV: 0.8},
			{ID: "B", MeanS: 480, CV: 0.8},
			{ID: "C", MeanS: 180, CV: 0.8},
		},
		Counters: []CounterSpec{
			{ID: "1", Services: []string{"A", "B"}},
			{ID: "2", Services: []string{"A", "B"}},
			{ID: "3", Services: []string{"B"}, AlsoServes: []string{"C"}},
			{ID: "4", Services: []string{"A", "B", "C"}, VIPFirst: true},
		},
		OpenS: 9 * hour, CloseS: 17 * hour,
		NoShowP: 0.10, RecallWaitS: 90,
		CancelP: 0.05, PatienceS: 600,
	}
	perHour := load(0.85, 4, []float64{0.55, 0.3, 0.15}, []float64{300, 480, 180})
	sc.Arrivals = append(append(split("A", 0.55*perHour), split("B", 0.3*perHour)...), split("C", 0.15*perHour)...)
	return sc
}

// Scenarios returns the three scenarios of issue 14.
func Scenarios() []*Scenario { return []*Scenario{Steady(), Peak(), Mixed()} }

// ByName returns the scenario named name, or nil.
func ByName(name string) *Scenario {
	for _, sc := range Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	return nil
}

// load returns the tickets per hour that keep counters busy rho of the time,
// for services taking shares of the tickets with the mean service times
// given.
func load(rho float64, counters int, shares, means []float64) float64 {
	work := 0.0
	for i := range shares {
		work += shares[i] * means[i]
	}
	return rho * float64(counters) * hour / work
}

// factor returns the arrival-rate multiplier at second tod of the day.
func (sc *Scenario) factor(tod float64) float64 {
	f := 1.0
	for _, r := range sc.Rates {
		if tod >= float64(r.From) && tod < float64(r.To) {
			f *= r.Factor
		}
	}
	return f
}

// maxFactor bounds the multiplier the schedule reaches, for thinning.
func (sc *Scenario) maxFactor() float64 {
	m := 1.0
	for _, r := range sc.Rates {
		m *= math.Max(1, r.Factor)
	}
	return m
}

func (sc *Scenario) service(id string) *ServiceSpec {
	for i := range sc.Services {
		if sc.Services[i].ID == id {
			return &sc.Services[i]
		}
	}
	return nil
}

// FloorState returns the hall of the scenario, as hallq.NewFloor takes it:
// the default hall's settings and tiers, the scenario's services (their
// assumed service time is the true mean) and counters, all closed.
func (sc *Scenario) FloorState() hallq.FloorState {
	st := hallq.DefaultFloor("UTC")
	st.Services = nil
	for _, s := range sc.Services {
		st.Services = append(st.Services, hallq.Service{ID: s.ID, Name: hallq.Text{EN: "Service " + s.ID, ZH: "业务 " + s.ID},
			Open: true, TargetWaitS: 3600, ServiceTimeS: int(math.Round(s.MeanS))})
	}
	st.Counters = nil
	for _, c := range sc.Counters {
		st.Counters = append(st.Counters, hallq.Counter{ID: c.ID, Name: hallq.Text{EN: "Counter " + c.ID, ZH: c.ID + "号窗口"},
			Services: c.Services, AlsoServes: c.AlsoServes, VIPFirst: c.VIPFirst, State: hallq.Closed})
	}
	return st
}

// epoch is midnight of the first simulated day: a Monday, in UTC so that no
// day is 23 or 25 hours long.
var epoch = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
