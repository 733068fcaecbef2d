package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"hallq"
)

// Alerts not resolved come back after a restart with their ids, levels and
// escalation times, and go on climbing; resolved ones stay in the history;
// numbering goes on.
func TestStore_AlertsAcrossRestart(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, clk)
	c, err := s.Complain(ctx, clerk, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Category: "environment", Text: "Too cold."})
	if err != nil {
		t.Fatal(err)
	}
	issue(t, s, hallq.IssueRequest{Service: "C"})
	clk.Add(16 * time.Minute) // C's target is 10 min; the complaint's time to respond 15
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	act(t, s, hallq.OpOpen, "1")
	act(t, s, hallq.OpNext, "1") // the wait alert resolves
	s.Close()

	s = mustOpenPath(t, path, clk)
	open, err := s.FindAlerts(ctx, hallq.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != c.Alert || open[0].Level != 2 || open[0].Complaint == nil ||
		!open[0].EscalatesAt.Equal(newClock().Now().Add(time.Hour)) {
		t.Fatalf("open after the restart: %+v", open)
	}
	resolved, err := s.FindAlerts(ctx, hallq.AlertQuery{State: hallq.AlertStateResolved})
	if err != nil {
		t.Fatal(err)
	}
	if len(resolved) != 1 || resolved[0].Kind != hallq.AlertWait || resolved[0].Level != 2 || resolved[0].ResolvedAt.IsZero() {
		t.Fatalf("resolved after the restart: %+v", resolved)
	}
	clk.Add(44 * time.Minute)
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if a, err := s.FindAlert(ctx, c.Alert); err != nil || a.Level != 3 {
		t.Fatalf("an hour after it was raised: %+v, %v; want level 3", a, err)
	}
	c2, err := s.Complain(ctx, clerk, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Text: "Still cold."})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Alert <= resolved[0].ID || c2.Alert <= c.Alert {
		t.Errorf("the next alert is %d, after %d and %d", c2.Alert, c.Alert, resolved[0].ID)
	}
}
