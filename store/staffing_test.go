package store_test

import (
	"testing"
	"time"

	"hallq"
)

func TestStore_FindStaffing(t *testing.T) {
	clk := newClock() // 09:00
	s := MustOpen(t, clk)

	t.Run("NoTickets", func(t *testing.T) {
		got, err := s.FindStaffing(ctx, hallq.StaffingQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d services, want 3: %+v", len(got), got)
		}
		for _, st := range got {
			if st.ArrivalsPerH != 0 || st.ServiceLevel != 1 || st.CountersNeeded != 0 || st.CountersOpen != 0 {
				t.Errorf("service %s with no tickets: %+v", st.Service, st)
			}
		}
	})

	issueN := func(svc string, n int) {
		for range n {
			issue(t, s, hallq.IssueRequest{Service: svc})
		}
	}
	issueN("A", 3) // 09:00: more than an hour old at 10:15
	issueN("B", 1)
	clk.Add(15 * time.Minute)
	issueN("C", 1) // 09:15: exactly an hour old at 10:15, so out
	clk.Add(15 * time.Minute)
	issueN("A", 2) // 09:30
	issueN("C", 1)
	clk.Add(45 * time.Minute)
	issueN("A", 1) // 10:15, now
	issueN("B", 2)
	act(t, s, hallq.OpOpen, "1") // counter 1 takes A, B and C

	got, err := s.FindStaffing(ctx, hallq.StaffingQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"A": 3, "B": 2, "C": 1}
	if len(got) != len(want) {
		t.Fatalf("%d services, want %d: %+v", len(got), len(want), got)
	}
	for i, id := range []string{"A", "B", "C"} {
		st := got[i]
		if st.Service != id || st.ArrivalsPerH != want[id] || st.CountersOpen != 1 || st.Goal != 0.8 {
			t.Errorf("services[%d] = %+v, want %s with %g arrivals an hour at 1 counter", i, st, id, want[id])
		}
	}

	t.Run("Query", func(t *testing.T) {
		arrivals, serviceTime, target, counters := 80.0, 300.0, 60, 8
		got, err := s.FindStaffing(ctx, hallq.StaffingQuery{Service: "A", ArrivalsPerH: &arrivals, ServiceTimeS: &serviceTime, TargetS: &target, Counters: &counters})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ServiceLevel != 0.592 || got[0].CountersNeeded != 9 {
			t.Fatalf("got %+v, want A at 0.592 needing 9", got)
		}
	})

	t.Run("LaterStill", func(t *testing.T) {
		clk.Add(50 * time.Minute) // 11:05: only the 10:15 tickets remain
		got, err := s.FindStaffing(ctx, hallq.StaffingQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []float64{1, 2, 0} {
			if got[i].ArrivalsPerH != want {
				t.Errorf("service %s: %g arrivals an hour, want %g", got[i].Service, got[i].ArrivalsPerH, want)
			}
		}
	})

	t.Run("UnknownService", func(t *testing.T) {
		_, err := s.FindStaffing(ctx, hallq.StaffingQuery{Service: "Z"})
		if hallq.ErrorCode(err) != hallq.EINVALID || hallq.ErrorField(err) != "service" {
			t.Fatalf("got %v (field %q), want invalid service", err, hallq.ErrorField(err))
		}
	})
}
