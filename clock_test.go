package hallq_test

import (
	"slices"
	"testing"
	"time"

	"hallq"
	"hallq/internal/fakeclock"
)

const year = 365 * 24 * time.Hour

// clockAlerts returns the clock alerts not resolved.
func clockAlerts(f *hallq.Floor) []*hallq.Alert {
	var out []*hallq.Alert
	for _, a := range f.Alerts() {
		if a.Kind == hallq.AlertClock {
			out = append(out, a)
		}
	}
	return out
}

// A PC clock set a year ahead while the hall runs, then corrected: the
// hall keeps its day, its tickets and their order, numbering and issue
// times go on in the hall's time, managers are told (level 2), and all is
// as before once the clock is right again.
func TestClock_StepAheadAndBack(t *testing.T) {
	clk := fakeclock.NewMonotonic(t0)
	f := newFloor(t)
	f.Advance(clk.Now())
	a1 := issue(t, f, clk.Now(), "A", "")
	clk.Add(time.Minute)
	f.Advance(clk.Now())

	clk.Step(year) // set a year ahead
	ch := f.Advance(clk.Now())
	if got := eventTypes(ch); slices.Contains(got, hallq.TicketExpired) || slices.Contains(got, hallq.DayStarted) {
		t.Fatalf("the step ended the hall day: %v", got)
	}
	if f.Day() != "2025-03-10" || f.ClockOffset() < year || f.ClockOffset() > year+time.Second {
		t.Fatalf("day %s, offset %v", f.Day(), f.ClockOffset())
	}
	if got := clockAlerts(f); len(got) != 1 || got[0].Level != 2 || len(ch.Escalations) != 1 {
		t.Fatalf("clock alerts %+v, escalations %+v; want one at level 2, told to the webhook", got, ch.Escalations)
	}
	clk.Add(time.Minute)
	f.Advance(clk.Now())
	a2 := issue(t, f, clk.Now(), "A", "")
	if a2.Number != "A002" || a2.IssuedAt.Sub(a1.IssuedAt) != 2*time.Minute {
		t.Errorf("during the step: %s issued %v after %s, want A002 two minutes after", a2.Number, a2.IssuedAt.Sub(a1.IssuedAt), a1.Number)
	}

	clk.Step(-year) // corrected
	clk.Add(time.Minute)
	ch = f.Advance(clk.Now())
	if f.ClockOffset() != 0 || len(clockAlerts(f)) != 0 || findEvent(ch, hallq.AlertResolved) == nil {
		t.Fatalf("after the correction: offset %v, alerts %+v", f.ClockOffset(), clockAlerts(f))
	}
	a3 := issue(t, f, clk.Now(), "A", "")
	if a3.Number != "A003" || a3.IssuedAt.Sub(a2.IssuedAt) != time.Minute {
		t.Errorf("after: %s issued %v after A002", a3.Number, a3.IssuedAt.Sub(a2.IssuedAt))
	}
	openCounters(t, f, clk.Now(), "1")
	var called []string
	for range 3 {
		tk, _ := next(t, f, clk.Now(), "1")
		called = append(called, tk.Number)
		do(t, f, clk.Now(), hallq.OpDone, "1")
	}
	if want := []string{"A001", "A002", "A003"}; !slices.Equal(called, want) {
		t.Errorf("called %v, want %v", called, want)
	}
}

// A step of the clock back (CMOS reset to an old date at a reboot, say)
// does not freeze the hall until real time catches up: the hall goes on
// from its last time.
func TestClock_StepBack(t *testing.T) {
	clk := fakeclock.NewMonotonic(t0)
	f := newFloor(t)
	f.Advance(clk.Now())
	issue(t, f, clk.Now(), "A", "")
	clk.Step(-10 * year)
	clk.Add(time.Hour)
	f.Advance(clk.Now())
	if got := f.HallTime(clk.Now()); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("hall time %v, want %v", got, t0.Add(time.Hour))
	}
	// The day still ends on time, by the hall's clock.
	clk.Add(15 * time.Hour)
	if ch := f.Advance(clk.Now()); findEvent(ch, hallq.DayStarted) == nil || f.Day() != "2025-03-11" {
		t.Errorf("the day did not end: %s", f.Day())
	}
}

// NTP's small corrections are not steps: the hall follows the PC's clock.
func TestClock_SmallStepsFollowed(t *testing.T) {
	clk := fakeclock.NewMonotonic(t0)
	f := newFloor(t)
	f.Advance(clk.Now())
	for _, d := range []time.Duration{2 * time.Second, -30 * time.Second, 50 * time.Minute, -59 * time.Minute} {
		clk.Step(d)
		f.Advance(clk.Now())
	}
	if f.ClockOffset() != 0 || len(clockAlerts(f)) != 0 {
		t.Errorf("offset %v, alerts %+v", f.ClockOffset(), clockAlerts(f))
	}
}

// A hub started on a clock a year ahead ran a morning; the clock was then
// corrected and the hub restarted. The hall keeps its time until a manager
// says the PC's clock is right; then it moves back to the real day with
// every open ticket in its place and order, numbering after the numbers
// that day had already.
func TestClock_RestartOnCorrectedClock(t *testing.T) {
	ahead := fakeclock.NewMonotonic(t0.Add(year))
	f := newFloor(t)
	f.Advance(ahead.Now()) // a new day begins, a year ahead
	var issued []*hallq.Ticket
	for range 3 {
		ahead.Add(time.Minute)
		issued = append(issued, issue(t, f, ahead.Now(), "A", ""))
	}
	wrongDay := f.Day()

	clk := fakeclock.NewMonotonic(t0.Add(2 * time.Hour)) // the right time, after a restart
	g := newFloorFrom(t, f.State())
	ch := g.Advance(clk.Now())
	alerts := clockAlerts(g)
	if g.Day() != wrongDay || len(alerts) != 1 || len(ch.Tickets) != 0 {
		t.Fatalf("after the restart: day %s, clock alerts %+v", g.Day(), alerts)
	}
	if _, _, err := g.ResolveAlert(clk.Now(), staffAt("1"), alerts[0].ID, "Clock fixed.", hallq.AlertContext{}); hallq.ErrorCode(err) != hallq.EFORBIDDEN {
		t.Errorf("staff confirming the clock: %v", err)
	}
	ch, _, err := g.ResolveAlert(clk.Now(), manager, alerts[0].ID, "The clock is right now.", hallq.AlertContext{Numbers: map[string]int{"A": 40, "B": 7}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Day() != "2025-03-10" || g.ClockOffset() != 0 || ch.UndoneDay != wrongDay {
		t.Fatalf("confirmed: day %s, offset %v, undone %q", g.Day(), g.ClockOffset(), ch.UndoneDay)
	}
	for i, tk := range issued {
		got := ticket(t, g, tk.ID)
		if got.Day != "2025-03-10" || !got.IssuedAt.Equal(tk.IssuedAt.Add(-year)) {
			t.Errorf("%s: day %s, issued %v, want %v", tk.Number, got.Day, got.IssuedAt, tk.IssuedAt.Add(-year))
		}
		_ = i
	}
	clk.Add(time.Minute)
	g.Advance(clk.Now())
	if ch := g.Advance(clk.Now()); findEvent(ch, hallq.TicketExpired) != nil {
		t.Fatal("the open tickets expired")
	}
	a := issue(t, g, clk.Now(), "A", "")
	b := issue(t, g, clk.Now(), "B", "")
	if a.Number != "A041" || b.Number != "B008" || !a.IssuedAt.Equal(clk.Now().Round(0)) {
		t.Errorf("issued %s at %v and %s, want A041 now and B008", a.Number, a.IssuedAt, b.Number)
	}
	openCounters(t, g, clk.Now(), "1")
	first, _ := next(t, g, clk.Now(), "1")
	if first.ID != issued[0].ID {
		t.Errorf("first called %s, want %s: the tickets of before keep their place", first.Number, issued[0].Number)
	}
}
