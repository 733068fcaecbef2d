package hallq_test

import (
	"maps"
	"math"
	"strings"
	"testing"

	"hallq"
)

// The expected values of ErlangC and ServiceLevel below were computed
// independently of the code under test, with python3 and the textbook
// factorial formula in exact rational arithmetic (fractions.Fraction):
//
//	C(N, A) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))
//	SL      = 1 − float(C) · exp(−(N − A) · target / service time)
//
// with A = arrivals an hour × service time ÷ 3600. Small cases also check by
// hand: C(1, A) = A, and for two counters C = 2ρ²/(1 + ρ) with ρ = A/2.

func TestErlangC(t *testing.T) {
	for _, tt := range []struct {
		counters int
		load     float64
		want     float64
	}{
		{11, 10, 0.6821182047},
		{12, 10, 0.4493882243},
		{15, 10, 0.1020423670},
		{1, 0.5, 0.5},
		{2, 1, 1.0 / 3},
		{2, 0.5, 0.1},
		{3, 2, 0.4444444444},
		{5, 4, 0.5541125541},
		{7, 6.25, 0.7016740258},
		// Loads whose factorials and powers overflow a float64.
		{110, 100, 0.2370075003},
		{300, 290, 0.4493598466},
		{1000, 950, 0.0682534154},

		// Edge cases: no load, nobody waits; counters ≤ load or no
		// counter, everyone does.
		{1, 0, 0},
		{5, 0, 0},
		{10, 10, 1},
		{3, 7.5, 1},
		{0, 0, 1},
		{0, 2, 1},
		{-1, 2, 1},
		{4, math.NaN(), 1},
	} {
		got := hallq.ErlangC(tt.counters, tt.load)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ErlangC(%d, %g) = %.10f, want %.10f", tt.counters, tt.load, got, tt.want)
		}
	}
	if got := hallq.ErlangC(11, 10); math.Round(got*1e4)/1e4 != 0.6821 {
		t.Errorf("ErlangC(11, 10) = %.4f, want 0.6821", got)
	}
}

func TestServiceLevel(t *testing.T) {
	for _, tt := range []struct {
		counters     int
		arrivalsPerH float64
		serviceTimeS float64
		targetS      int
		want         float64
	}{
		// 120 an hour × 300 s = 10 erlangs, a 20-second target.
		{11, 120, 300, 20, 0.3618736549},
		{12, 120, 300, 20, 0.6067074162},
		// "Tomorrow 9–11: 80 arrivals an hour, 5-minute services": 6.67 erlangs.
		{7, 80, 300, 600, 0.5578778660},
		{8, 80, 300, 600, 0.9629870982},
		{7, 80, 300, 60, 0.1944009475},
		{8, 80, 300, 60, 0.5920002550},
		{9, 80, 300, 60, 0.8035607928},
		{2, 20, 180, 60, 0.7611562298},
		{2, 20, 180, 600, 0.9881086689},
		{3, 20, 180, 600, 0.9998843060},
		{1, 6, 300, 900, 0.8884349199},
		{3, 30, 300, 900, 0.8433074718},
		{4, 30, 300, 900, 0.9964467130},
		{5, 30, 300, 900, 0.9999278937},
		{3, 30, 240, 900, 0.9895476685},
		{4, 30, 240, 900, 0.9999038114},
		{3, 30, 240, 1200, 0.9970053569},
		// A target of 0: the fraction that does not wait at all, 1 − C.
		{3, 30, 300, 0, 0.2977528090},

		// Edge cases. No arrivals: 1, even with no counter.
		{3, 0, 300, 900, 1},
		{0, 0, 300, 900, 1},
		// Counters ≤ offered load: 0 (the factorial formula gives −5880,
		// −4.04 and −5.22 for the first three).
		{3, 80, 300, 600, 0},
		{6, 80, 300, 600, 0},
		{2, 30, 300, 900, 0},
		{10, 120, 300, 20, 0},
		{0, 30, 300, 900, 0},
	} {
		got := hallq.ServiceLevel(tt.counters, tt.arrivalsPerH, tt.serviceTimeS, tt.targetS)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ServiceLevel(%d, %g/h, %g s, %d s) = %.10f, want %.10f",
				tt.counters, tt.arrivalsPerH, tt.serviceTimeS, tt.targetS, got, tt.want)
		}
	}

	t.Run("MoreCountersBetter", func(t *testing.T) {
		prev := 0.0
		for n := 7; n <= 20; n++ {
			sl := hallq.ServiceLevel(n, 80, 300, 60)
			if sl < prev || sl > 1 {
				t.Errorf("%d counters: %.6f after %.6f", n, sl, prev)
			}
			prev = sl
		}
	})
}

// staffingFloor is the default hall with these counters (service A: 300 s,
// target 900 s; B: 480 s, 1200 s; C: 180 s, 600 s):
//
//	1  A, also B   open
//	2  B           open
//	3  A and C     paused
//	4  A, B and C  closed
//	5  C, also A   open
//
// so A has 2 counters open (1 and 5), B 2 (1 and 2) and C 1 (5).
func staffingFloor(t *testing.T, st hallq.FloorState) *hallq.Floor {
	t.Helper()
	counter := func(id string, services, also []string) hallq.Counter {
		return hallq.Counter{ID: id, Name: hallq.Text{EN: "Counter " + id}, Services: services, AlsoServes: also, State: hallq.Closed}
	}
	st.Counters = []hallq.Counter{
		counter("1", []string{"A"}, []string{"B"}),
		counter("2", []string{"B"}, nil),
		counter("3", []string{"A", "C"}, nil),
		counter("4", []string{"A", "B", "C"}, nil),
		counter("5", []string{"C"}, []string{"A"}),
	}
	f := newFloorFrom(t, st)
	openCounters(t, f, t0, "1", "2", "3", "5")
	do(t, f, t0, hallq.OpPause, "3")
	return f
}

func staffing(t *testing.T, f *hallq.Floor, arrivals map[string]int, q hallq.StaffingQuery) []hallq.Staffing {
	t.Helper()
	out, err := f.Staffing(arrivals, q)
	if err != nil {
		t.Fatalf("Staffing(%v, %+v): %v", arrivals, q, err)
	}
	return out
}

func TestFloor_Staffing(t *testing.T) {
	t.Run("Measured", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		got := staffing(t, f, map[string]int{"A": 30, "C": 20, "Z": 99}, hallq.StaffingQuery{})
		want := []hallq.Staffing{
			// 2.5 erlangs at 2 counters: 0; 3 counters reach 0.8433.
			{Service: "A", ArrivalsPerH: 30, ServiceTimeS: 300, TargetS: 900, Goal: 0.8, CountersOpen: 2,
				ServiceLevel: 0, ServiceLevelPlusOne: 0.8433, ServiceLevelMinusOne: 0, CountersNeeded: 3},
			// No arrivals: 1 however many counters, and none needed.
			{Service: "B", ArrivalsPerH: 0, ServiceTimeS: 480, TargetS: 1200, Goal: 0.8, CountersOpen: 2,
				ServiceLevel: 1, ServiceLevelPlusOne: 1, ServiceLevelMinusOne: 1, CountersNeeded: 0},
			// 1 erlang at 1 counter: 0; minus one is no counter, also 0.
			{Service: "C", ArrivalsPerH: 20, ServiceTimeS: 180, TargetS: 600, Goal: 0.8, CountersOpen: 1,
				ServiceLevel: 0, ServiceLevelPlusOne: 0.9881, ServiceLevelMinusOne: 0, CountersNeeded: 2},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d services, want %d: %+v", len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("service %s:\n got %+v\nwant %+v", want[i].Service, got[i], want[i])
			}
		}
	})

	t.Run("CountersOpen", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		open := map[string]int{}
		for _, s := range staffing(t, f, nil, hallq.StaffingQuery{}) {
			open[s.Service] = s.CountersOpen
		}
		if want := map[string]int{"A": 2, "B": 2, "C": 1}; !maps.Equal(open, want) {
			t.Fatalf("counters open %v, want %v", open, want)
		}
		// Counter 3 back from its pause counts for A and C; counter 1
		// closed no longer counts for A nor, as it also serves it, for B.
		do(t, f, t0, hallq.OpOpen, "3")
		do(t, f, t0, hallq.OpClose, "1")
		open = map[string]int{}
		for _, s := range staffing(t, f, nil, hallq.StaffingQuery{}) {
			open[s.Service] = s.CountersOpen
		}
		if want := map[string]int{"A": 2, "B": 1, "C": 2}; !maps.Equal(open, want) {
			t.Fatalf("after opening 3 and closing 1: counters open %v, want %v", open, want)
		}
	})

	t.Run("ServiceTime", func(t *testing.T) {
		st := hallq.DefaultFloor(zone)
		// Four measured times of A are too few: its configured 300 s holds.
		// Five of B are enough: their mean. C has none: its 180 s.
		st.Times = map[string][]int{"A": {60, 60, 60, 60}, "B": {200, 220, 240, 260, 280}}
		f := staffingFloor(t, st)
		got := staffing(t, f, map[string]int{"A": 30, "B": 30}, hallq.StaffingQuery{})
		for i, want := range []float64{300, 240, 180} {
			if got[i].ServiceTimeS != want {
				t.Errorf("service %s: service time %g s, want %g", got[i].Service, got[i].ServiceTimeS, want)
			}
		}
		// 30 an hour × 240 s = 2 erlangs at 2 counters: 0; 3 counters,
		// with B's target of 1200 s: 0.9970053569.
		if b := got[1]; b.ServiceLevel != 0 || b.ServiceLevelPlusOne != 0.997 || b.CountersNeeded != 3 {
			t.Errorf("B with its measured times: %+v", b)
		}
	})

	t.Run("Query", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		// "Tomorrow 9–11: 80 arrivals an hour, 5-minute services", a
		// one-minute target, 8 counters.
		q := hallq.StaffingQuery{Service: "a", ArrivalsPerH: ptr(80.0), ServiceTimeS: ptr(300.0), TargetS: ptr(60), Counters: ptr(8)}
		got := staffing(t, f, map[string]int{"A": 3}, q)
		want := hallq.Staffing{Service: "A", ArrivalsPerH: 80, ServiceTimeS: 300, TargetS: 60, Goal: 0.8, CountersOpen: 8,
			ServiceLevel: 0.5920, ServiceLevelPlusOne: 0.8036, ServiceLevelMinusOne: 0.1944, CountersNeeded: 9}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("got %+v\nwant [%+v]", got, want)
		}

		// Only some numbers given: the others are measured.
		got = staffing(t, f, map[string]int{"B": 12}, hallq.StaffingQuery{Service: "B", TargetS: ptr(0)})
		if b := got[0]; b.ArrivalsPerH != 12 || b.ServiceTimeS != 480 || b.TargetS != 0 || b.CountersOpen != 2 {
			t.Errorf("B with only target_s given: %+v", b)
		}

		// Counters 0: minus one stays at none.
		got = staffing(t, f, nil, hallq.StaffingQuery{Service: "C", ArrivalsPerH: ptr(20.0), Counters: ptr(0)})
		if c := got[0]; c.CountersOpen != 0 || c.ServiceLevel != 0 || c.ServiceLevelMinusOne != 0 ||
			c.ServiceLevelPlusOne != 0 || c.CountersNeeded != 2 {
			t.Errorf("C at no counter: %+v", c)
		}

		// Arrivals 0 given: 1 at no counter, and none needed.
		got = staffing(t, f, map[string]int{"C": 50}, hallq.StaffingQuery{Service: "C", ArrivalsPerH: ptr(0.0), Counters: ptr(0)})
		if c := got[0]; c.ServiceLevel != 1 || c.ServiceLevelMinusOne != 1 || c.ServiceLevelPlusOne != 1 || c.CountersNeeded != 0 {
			t.Errorf("C with no arrivals: %+v", c)
		}
	})

	t.Run("Goal", func(t *testing.T) {
		st := hallq.DefaultFloor(zone)
		st.Settings.ServiceLevelGoal = 0.95
		f := staffingFloor(t, st)
		// A at 30 an hour: 3 counters reach 0.8433, 4 reach 0.9964.
		got := staffing(t, f, map[string]int{"A": 30}, hallq.StaffingQuery{Service: "A"})
		if a := got[0]; a.Goal != 0.95 || a.CountersNeeded != 4 {
			t.Errorf("A for a goal of 0.95: %+v", a)
		}
	})

	t.Run("Overloaded", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		// 100000 an hour × a day each: more than 1000 counters can carry.
		got := staffing(t, f, nil, hallq.StaffingQuery{Service: "A", ArrivalsPerH: ptr(100000.0), ServiceTimeS: ptr(86400.0), Counters: ptr(1000)})
		if a := got[0]; a.ServiceLevel != 0 || a.ServiceLevelPlusOne != 0 || a.CountersNeeded != 1000 {
			t.Errorf("an overloaded service: %+v", a)
		}
		// 900 erlangs: within the search.
		got = staffing(t, f, nil, hallq.StaffingQuery{Service: "A", ArrivalsPerH: ptr(10800.0), ServiceTimeS: ptr(300.0)})
		if a := got[0]; a.CountersNeeded <= 900 || a.CountersNeeded >= 1000 {
			t.Errorf("900 erlangs: %+v", a)
		}
	})

	t.Run("UnknownService", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		_, err := f.Staffing(nil, hallq.StaffingQuery{Service: "Z"})
		wantCode(t, err, hallq.EINVALID)
		if got := hallq.ErrorField(err); got != "service" {
			t.Errorf("field %q, want service", got)
		}
		if msg := hallq.ErrorMessage(err); !strings.Contains(msg, "A, B and C") {
			t.Errorf("message %q does not name the hall's services", msg)
		}
	})

	t.Run("BadQuery", func(t *testing.T) {
		f := staffingFloor(t, hallq.DefaultFloor(zone))
		for field, q := range map[string]hallq.StaffingQuery{
			"arrivals_per_h": {ArrivalsPerH: ptr(-1.0)},
			"service_time_s": {ServiceTimeS: ptr(0.0)},
			"target_s":       {TargetS: ptr(86401)},
			"counters":       {Counters: ptr(1001)},
		} {
			_, err := f.Staffing(nil, q)
			wantCode(t, err, hallq.EINVALID)
			if got := hallq.ErrorField(err); got != field {
				t.Errorf("%+v: field %q, want %q", q, got, field)
			}
		}
		for _, q := range []hallq.StaffingQuery{
			{ArrivalsPerH: ptr(math.NaN())}, {ArrivalsPerH: ptr(math.Inf(1))}, {ArrivalsPerH: ptr(100001.0)},
			{ServiceTimeS: ptr(math.NaN())}, {ServiceTimeS: ptr(-5.0)}, {ServiceTimeS: ptr(86400.5)},
			{TargetS: ptr(-1)}, {Counters: ptr(-1)},
		} {
			if _, err := f.Staffing(nil, q); hallq.ErrorCode(err) != hallq.EINVALID {
				t.Errorf("%+v: error %v, want invalid", q, err)
			}
		}
		// The bounds themselves are fine.
		staffing(t, f, nil, hallq.StaffingQuery{ArrivalsPerH: ptr(100000.0), ServiceTimeS: ptr(86400.0), TargetS: ptr(86400), Counters: ptr(1000)})
		staffing(t, f, nil, hallq.StaffingQuery{ArrivalsPerH: ptr(0.0), ServiceTimeS: ptr(0.5), TargetS: ptr(0), Counters: ptr(0)})
	})
}
