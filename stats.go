package hallq

import (
	"math"
	"slices"
	"time"
)

// This file computes the hall's statistics from its events, as DESIGN.md
// asks: each leg of a transferred ticket counts on its own. It reads events
// and changes nothing.

// Stats are the figures of a range of hall days, for the whole hall and
// broken down by service, tier, counter and staff member.
type Stats struct {
	From string `json:"from"`
	To   string `json:"to"`
	Figures
	ByService map[string]*Figures `json:"by_service"`
	ByTier    map[string]*Figures `json:"by_tier"`
	ByCounter map[string]*Figures `json:"by_counter"`
	ByStaff   map[string]*Figures `json:"by_staff"`
	// ByHour is by the hour of the hall's clock, "00" to "23", each event
	// in the hour it happened: tickets in the hour they were issued, waits
	// in the hour they were called. Over several days the hours add up.
	ByHour map[string]*Figures `json:"by_hour"`
}

// Figures are the statistics of one group of ticket legs.
type Figures struct {
	Tickets       int          `json:"tickets"` // issued
	Served        int          `json:"served"`  // legs finished done
	NoShow        int          `json:"no_show"`
	Cancelled     int          `json:"cancelled"`
	Expired       int          `json:"expired"`
	Transferred   int          `json:"transferred"` // legs that ended in a transfer
	Wait          Spread       `json:"wait_s"`      // of legs called
	Service       Mean         `json:"service_s"`   // of legs served
	ServiceLevel  *float64     `json:"service_level"`
	CallsByNumber int          `json:"calls_by_number"`
	Ratings       RatingCounts `json:"ratings"`
	Estimate      Accuracy     `json:"estimate"`
	Complaints    int          `json:"complaints"`

	waits           []int
	services        []int
	withinTarget    int // legs called within their target
	calledOrOverdue int // legs called, and legs cancelled or expired after their target
	ratingSum       int
	estimateSquares float64
	estimateInRange int
}

// Spread is the average, 90th percentile and largest of some seconds.
type Spread struct {
	Avg int `json:"avg"`
	P90 int `json:"p90"`
	Max int `json:"max"`
}

// Mean is the average of some seconds.
type Mean struct {
	Avg int `json:"avg"`
}

// RatingCounts are the ratings given: how many, their mean, and how many
// came from each source (pad, phone).
type RatingCounts struct {
	N        int            `json:"n"`
	Avg      *float64       `json:"avg"`
	BySource map[string]int `json:"by_source"`
}

// Accuracy is how well the estimate given at issue foretold the first wait:
// over n tickets called, the root mean square error and the fraction whose
// wait fell within the range given.
type Accuracy struct {
	N           int      `json:"n"`
	RMSES       *int     `json:"rmse_s"`
	WithinRange *float64 `json:"within_range"`
}

// ComputeStats returns the statistics of the events of hall days from to
// to, in commit order. targets are the services' target waits in seconds,
// by service id, as the hall is configured now; loc is the hall's time
// zone, for the hours.
func ComputeStats(from, to string, events []Event, targets map[string]int, loc *time.Location) *Stats {
	s := &Stats{From: from, To: to, ByService: map[string]*Figures{}, ByTier: map[string]*Figures{},
		ByCounter: map[string]*Figures{}, ByStaff: map[string]*Figures{}, ByHour: map[string]*Figures{}}
	group := func(m map[string]*Figures, key string) *Figures {
		if key == "" {
			return nil
		}
		if m[key] == nil {
			m[key] = &Figures{}
		}
		return m[key]
	}
	for i := range events {
		e := &events[i]
		t := e.Ticket
		if t == nil {
			if e.Type == ComplaintRaised {
				s.Complaints++
			}
			continue
		}
		// Each event counts for the whole hall, its ticket's service and
		// tier, and, when it happened at a counter, for that counter and
		// the staff member there (a rating for the one who served).
		service := t.Service
		if e.Type == TicketTransferred {
			service = e.From // the leg that ended was of the service it left
		}
		all := []*Figures{&s.Figures, group(s.ByService, service), group(s.ByTier, t.Tier), group(s.ByHour, e.At.In(loc).Format("15"))}
		var counter, staff string
		switch {
		case e.Type == TicketRated:
			counter, staff = t.Counter, t.Staff
		case e.Counter != nil:
			counter, staff = e.Counter.ID, e.Staff
		}
		if counter != "" {
			all = append(all, group(s.ByCounter, counter), group(s.ByStaff, staff))
		}
		for _, f := range all {
			if f != nil {
				f.add(e, targets[service])
			}
		}
	}
	for _, f := range append([]*Figures{&s.Figures}, values(s.ByService, s.ByTier, s.ByCounter, s.ByStaff, s.ByHour)...) {
		f.finish()
	}
	return s
}

func values(ms ...map[string]*Figures) []*Figures {
	var out []*Figures
	for _, m := range ms {
		for _, f := range m {
			out = append(out, f)
		}
	}
	return out
}

// add counts event e, of a ticket whose service aims at target seconds.
func (f *Figures) add(e *Event, target int) {
	t := e.Ticket
	switch e.Type {
	case TicketIssued:
		f.Tickets++
	case TicketCalled:
		if t.CalledAt.IsZero() || t.LegAt.IsZero() {
			return
		}
		wait := seconds(t.CalledAt.Sub(t.LegAt))
		f.waits = append(f.waits, wait)
		f.calledOrOverdue++
		if target == 0 || wait <= target {
			f.withinTarget++
		}
		if e.Mode == ByNumber {
			f.CallsByNumber++
		}
		if t.Leg == 1 && !t.IssuedAt.IsZero() && t.EstimatedAtIssue() { // a ticket issued with no estimate has nothing to measure
			f.Estimate.N++
			miss := float64(wait - t.EtaAtIssue)
			f.estimateSquares += miss * miss
			if wait >= t.EtaLowAtIssue && wait <= t.EtaHighAtIssue {
				f.estimateInRange++
			}
		}
	case TicketDone:
		f.Served++
		f.services = append(f.services, seconds(t.FinishedAt.Sub(t.CalledAt)))
	case TicketNoShow:
		f.NoShow++
	case TicketTransferred:
		f.Transferred++
	case TicketCancelled, TicketExpired:
		if e.Type == TicketCancelled {
			f.Cancelled++
		} else {
			f.Expired++
		}
		if target > 0 && t.FinishedAt.Sub(t.LegAt) > time.Duration(target)*time.Second {
			f.calledOrOverdue++
		}
	case TicketRated:
		f.Ratings.N++
		f.ratingSum += t.Rating
		if f.Ratings.BySource == nil {
			f.Ratings.BySource = map[string]int{}
		}
		f.Ratings.BySource[t.RatingSource]++
	case ComplaintRaised:
		f.Complaints++
	}
}

// finish works out the averages and fractions.
func (f *Figures) finish() {
	if n := len(f.waits); n > 0 {
		slices.Sort(f.waits)
		f.Wait = Spread{Avg: meanOf(f.waits), P90: f.waits[int(math.Ceil(0.9*float64(n)))-1], Max: f.waits[n-1]}
	}
	if len(f.services) > 0 {
		f.Service.Avg = meanOf(f.services)
	}
	if f.calledOrOverdue > 0 {
		f.ServiceLevel = ptrTo(float64(f.withinTarget) / float64(f.calledOrOverdue))
	}
	if f.Ratings.N > 0 {
		f.Ratings.Avg = ptrTo(math.Round(float64(f.ratingSum)/float64(f.Ratings.N)*100) / 100)
	}
	if f.Ratings.BySource == nil {
		f.Ratings.BySource = map[string]int{}
	}
	if f.Estimate.N > 0 {
		rmse := int(math.Round(math.Sqrt(f.estimateSquares / float64(f.Estimate.N))))
		f.Estimate.RMSES = &rmse
		f.Estimate.WithinRange = ptrTo(float64(f.estimateInRange) / float64(f.Estimate.N))
	}
}

func meanOf(xs []int) int {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	return int(math.Round(float64(sum) / float64(len(xs))))
}

func ptrTo[T any](v T) *T { return &v }

// Leg is one leg of a ticket, as the tickets report lists it: from its issue
// or transfer until it was finished, transferred on, or the report's end.
type Leg struct {
	Ticket     uint64
	Number     string
	Service    string
	Tier       string
	State      string // a ticket State, or "transferred" for a leg that ended in a transfer
	IssuedAt   time.Time
	LegAt      time.Time // when this leg began waiting
	CalledAt   time.Time
	ServedAt   time.Time
	FinishedAt time.Time
	Counter    string
	Staff      string
	EtaS       *int // the estimate given at issue, for a first leg
	Rating     int
}

// LegTransferred is the state of a leg that ended in a transfer.
const LegTransferred = "transferred"

// WaitS is how long the leg waited until it was called, or nil.
func (l *Leg) WaitS() *int {
	if l.CalledAt.IsZero() || l.LegAt.IsZero() {
		return nil
	}
	return ptrTo(seconds(l.CalledAt.Sub(l.LegAt)))
}

// ServiceS is how long a served leg held its counter, or nil.
func (l *Leg) ServiceS() *int {
	if l.State != string(Done) || l.CalledAt.IsZero() || l.FinishedAt.IsZero() {
		return nil
	}
	return ptrTo(seconds(l.FinishedAt.Sub(l.CalledAt)))
}

// Legs returns the ticket legs that the events (in commit order) show, in
// the order their legs began: one per leg, so a transferred ticket gives
// one row ending in LegTransferred and one for where it went.
func Legs(events []Event) []*Leg {
	var out []*Leg
	current := map[uint64]*Leg{}
	last := map[uint64]*Leg{} // the last leg of each ticket, for its rating
	for i := range events {
		e := &events[i]
		t := e.Ticket
		if t == nil {
			continue
		}
		l := current[t.ID]
		if l == nil && e.Type != TicketRated {
			l = &Leg{Ticket: t.ID, Number: t.Number, Service: t.Service, Tier: t.Tier, IssuedAt: t.IssuedAt, LegAt: t.LegAt}
			if t.Leg == 1 {
				l.EtaS = ptrTo(t.EtaAtIssue)
			}
			current[t.ID], last[t.ID] = l, l
			out = append(out, l)
		}
		switch e.Type {
		case TicketRated:
			if l := last[t.ID]; l != nil {
				l.Rating = t.Rating
			}
			continue
		case TicketTransferred:
			l.State, l.FinishedAt = LegTransferred, e.At
			next := &Leg{Ticket: t.ID, Number: t.Number, Service: t.Service, Tier: t.Tier, IssuedAt: t.IssuedAt,
				LegAt: t.LegAt, State: string(Waiting)}
			current[t.ID], last[t.ID] = next, next
			out = append(out, next)
			continue
		}
		l.State, l.Service = string(t.State), t.Service
		l.CalledAt, l.ServedAt, l.FinishedAt = t.CalledAt, t.ServedAt, t.FinishedAt
		if t.Counter != "" {
			l.Counter, l.Staff = t.Counter, t.Staff
		}
	}
	return out
}
