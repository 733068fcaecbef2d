package store_test

import (
	"testing"
	"time"

	"hallq"
)

// Events keep only what they changed of their tickets; the statistics and
// the report rebuild each ticket as its events left it: a transfer's two
// legs, and a rating given after the hall day ended, which counts on the
// day it was given for the counter and staff member who served.
func TestStore_EventsKeepTheirChanges(t *testing.T) {
	clk := newClock() // 09:00 UTC
	s := MustOpen(t, clk)
	a := issue(t, s, hallq.IssueRequest{Service: "A"})
	act(t, s, hallq.OpOpen, "1")
	clk.Add(2 * time.Minute)
	act(t, s, hallq.OpNext, "1")
	if _, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", By: clerk, ToService: "B"}, ""); err != nil {
		t.Fatal(err)
	}
	clk.Add(3 * time.Minute)
	act(t, s, hallq.OpNext, "1")
	act(t, s, hallq.OpStart, "1")
	clk.Add(4 * time.Minute)
	act(t, s, hallq.OpDone, "1")

	legs, err := s.FindLegs(ctx, "2026-11-25", "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if len(legs) != 2 || legs[0].Service != "A" || legs[0].State != hallq.LegTransferred || *legs[0].WaitS() != 120 ||
		legs[1].Service != "B" || legs[1].State != string(hallq.Done) || *legs[1].WaitS() != 180 || *legs[1].ServiceS() != 240 ||
		legs[1].Number != a.Number || legs[1].Staff != "clerk01" || legs[0].EtaS == nil || legs[1].EtaS != nil {
		for _, l := range legs {
			t.Logf("%+v", *l)
		}
		t.Fatal("legs of a transferred ticket")
	}

	// The next ticket is served just before the hall day ends (midnight in
	// Asia/Shanghai is 16:00 UTC) and rated just after.
	clk.Add(time.Date(2026, 11, 25, 15, 58, 0, 0, time.UTC).Sub(clk.Now()))
	b := issue(t, s, hallq.IssueRequest{Service: "C"})
	act(t, s, hallq.OpNext, "1")
	clk.Add(time.Minute)
	act(t, s, hallq.OpDone, "1")
	clk.Add(2 * time.Minute) // 16:01: the next hall day
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RateByPhone(ctx, b.Token, 2); err != nil { // the pad forgot the visit with the day
		t.Fatal(err)
	}
	next, err := s.FindStats(ctx, "2026-11-26", "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	if next.Ratings.N != 1 || next.ByStaff["clerk01"] == nil || next.ByStaff["clerk01"].Ratings.N != 1 || next.ByService["C"] == nil {
		t.Errorf("the next day's ratings: %+v, by staff %+v", next.Ratings, next.ByStaff)
	}
	day, err := s.FindStats(ctx, "2026-11-25", "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if day.Tickets != 2 || day.Served != 2 || day.Transferred != 1 || day.Wait.Max != 180 {
		t.Errorf("the day's figures: %+v", day.Figures)
	}
}
