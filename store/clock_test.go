package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"hallq"
	"hallq/internal/fakeclock"
)

const year = 365 * 24 * time.Hour

// The morning's tickets, then a reboot on a clock a year ahead, a few
// tickets, then the clock corrected and the hub restarted: the hall keeps
// its time, a manager confirms the PC's clock, and the hall is back on the
// real day with every ticket in order, numbering after the morning's, and
// the day's figures reading as one day.
func TestStore_ClockSetAheadThenCorrected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hallq.db")
	morning := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clk := fakeclock.NewMonotonic(morning)
	s := mustOpenPath(t, path, clk)
	for range 5 {
		issue(t, s, hallq.IssueRequest{Service: "A"}) // A001–A005
	}
	act(t, s, hallq.OpOpen, "1")
	act(t, s, hallq.OpNext, "1") // A001 called
	s.Close()

	ahead := fakeclock.NewMonotonic(morning.Add(year + time.Hour))
	s = mustOpenPath(t, path, ahead) // the PC's clock a year ahead: a new day, the open tickets expire
	wrong := issue(t, s, hallq.IssueRequest{Service: "A"})
	if wrong.Number != "A001" || wrong.Day == "2026-11-25" {
		t.Fatalf("on the clock a year ahead: %s of %s", wrong.Number, wrong.Day)
	}
	s.Close()

	clk = fakeclock.NewMonotonic(morning.Add(2 * time.Hour))
	s = mustOpenPath(t, path, clk) // corrected, restarted
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	alerts, err := s.FindAlerts(ctx, hallq.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var clock *hallq.Alert
	for _, a := range alerts {
		if a.Kind == hallq.AlertClock {
			clock = a
		}
	}
	if clock == nil || clock.Level != 2 {
		t.Fatalf("alerts %+v, want the clock's at level 2", alerts)
	}
	if _, err := s.ResolveAlert(ctx, hallq.Actor{Name: "admin", Role: hallq.RoleManager}, clock.ID, "The PC's clock is right."); err != nil {
		t.Fatal(err)
	}
	next := issue(t, s, hallq.IssueRequest{Service: "A"})
	if next.Number != "A006" || next.Day != "2026-11-25" {
		t.Errorf("after the confirmation: %s of %s, want A006 of 2026-11-25", next.Number, next.Day)
	}
	got, err := s.FindTicketByToken(ctx, wrong.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != hallq.Waiting || got.Day != "2026-11-25" || got.IssuedAt.After(next.IssuedAt) {
		t.Errorf("the ticket of the wrong day: %+v", got)
	}
	r := act(t, s, hallq.OpNext, "1")
	if r.Ticket == nil || r.Ticket.ID != wrong.ID {
		t.Errorf("next called %+v, want %s of the wrong day, which waited first", r.Ticket, wrong.Number)
	}
	stats, err := s.FindStats(ctx, "2026-11-25", "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Tickets != 7 {
		t.Errorf("the day's figures count %d tickets, want 7: the morning's, the wrong day's and the one after", stats.Tickets)
	}
}
