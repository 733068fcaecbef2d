package hallq_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"hallq"
	"hallq/internal/fakeclock"
)

// monotonic reports whether t carries a monotonic clock reading.
func monotonic(t time.Time) bool { return strings.Contains(t.String(), " m=") }

// restart returns the Floor a hub builds from f's state after a restart:
// times read back from the file carry no monotonic reading.
func restart(tb testing.TB, f *hallq.Floor) *hallq.Floor {
	tb.Helper()
	st := f.State()
	st.LastIssued = st.LastIssued.Round(0)
	for i := range st.Open {
		tk := &st.Open[i]
		for _, at := range []*time.Time{&tk.Key, &tk.IssuedAt, &tk.LegAt, &tk.CalledAt, &tk.ServedAt, &tk.FinishedAt} {
			*at = at.Round(0)
		}
	}
	for i := range st.Counters {
		st.Counters[i].Since = st.Counters[i].Since.Round(0)
	}
	for i := range st.Calls {
		st.Calls[i].At = st.Calls[i].At.Round(0)
	}
	g, err := hallq.NewFloor(st)
	if err != nil {
		tb.Fatalf("NewFloor after a restart: %v", err)
	}
	return g
}

// TestFloor_ClockStepsBack: time.Now's times carry a monotonic reading, and
// Before compares those readings, not the wall clock an NTP step moves. The
// Floor keeps wall times only, so issued_at never goes backwards.
func TestFloor_ClockStepsBack(t *testing.T) {
	f := newFloor(t)
	clk := fakeclock.NewMonotonic(t0)
	first := issue(t, f, clk.Now(), "A", "")
	clk.Add(time.Second)
	clk.Step(-time.Hour)
	second := issue(t, f, clk.Now(), "A", "")
	if second.IssuedAt.Before(first.IssuedAt) {
		t.Errorf("%s issued at %v, before %s at %v: the clock went back an hour and issued_at with it",
			second.Number, second.IssuedAt, first.Number, first.IssuedAt)
	}
	for _, tk := range []*hallq.Ticket{first, second} {
		if monotonic(tk.IssuedAt) || monotonic(tk.Key) || monotonic(tk.LegAt) {
			t.Errorf("%s keeps a monotonic reading: issued %v, key %v", tk.Number, tk.IssuedAt, tk.Key)
		}
	}
	openCounters(t, f, clk.Now(), "1")
	if c := counter(t, f, "1"); monotonic(c.Since) {
		t.Errorf("counter 1 opened at %v, with a monotonic reading", c.Since)
	}
}

// TestFloor_ClockStepsBackAfterRestart: tickets loaded after a restart and
// tickets issued live must order by one clock, or the queue is no order at
// all and a counter calls the same ticket again and again.
func TestFloor_ClockStepsBackAfterRestart(t *testing.T) {
	f := newFloor(t)
	clk := fakeclock.NewMonotonic(t0)
	var want []string
	issueAt := func(n int) {
		for range n {
			clk.Add(time.Second)
			want = append(want, issue(t, f, clk.Now(), "A", "").Number)
		}
	}
	issueAt(6)
	f = restart(t, f)
	issueAt(3)
	clk.Step(-(4*time.Minute + 43*time.Second))
	issueAt(6)

	openCounters(t, f, clk.Now(), "1")
	var got []string
	for range want {
		clk.Add(time.Second)
		called, _ := next(t, f, clk.Now(), "1")
		if called == nil {
			break
		}
		got = append(got, called.Number)
	}
	if !slices.Equal(got, want) {
		t.Errorf("counter 1 called %v, want %v", got, want)
	}
}

// TestFloor_TransferToClosedCounter: no open counter takes a ticket sent to
// a closed one, so the transfer is refused and the customer stays where
// they are.
func TestFloor_TransferToClosedCounter(t *testing.T) {
	f := newFloor(t)
	openCounters(t, f, t0, "1", "2")
	do(t, f, t0, hallq.OpPause, "2")
	tk := issue(t, f, t0, "A", "")
	next(t, f, t0, "1")

	if code := actErr(t, f, t0, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "3"}); code != hallq.ECONFLICT {
		t.Errorf("transfer to closed counter 3: %s, want %s", code, hallq.ECONFLICT)
	}
	if c := counter(t, f, "1"); c.Ticket == nil || c.Ticket.ID != tk.ID || c.Ticket.State != hallq.Called {
		t.Fatalf("after a refused transfer counter 1 has %+v, want %s still called", c.Ticket, tk.Number)
	}
	// A paused counter is staffed and will call again: it may take one.
	ch := act(t, f, t0, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "2"})
	if ch.Ticket.State != hallq.Waiting || ch.Ticket.Target != "2" {
		t.Errorf("transfer to paused counter 2: %+v", ch.Ticket)
	}
}

// TestFloor_NewDayForgetsCalls: yesterday's calls must not show on the
// displays of a new day, whose numbers start again.
func TestFloor_NewDayForgetsCalls(t *testing.T) {
	f := newFloor(t)
	openCounters(t, f, t0, "2")
	issue(t, f, t0, "A", "")
	next(t, f, t0, "2")
	if got := len(f.Calls()); got != 1 {
		t.Fatalf("%d calls today, want 1", got)
	}
	f.Advance(f.NextDayStart().Add(8 * time.Hour))
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("the new day starts with yesterday's calls: %+v", got)
	}
	issue(t, f, f.NextDayStart().Add(-15*time.Hour), "A", "")
	if got := f.Display(t0).Calls; len(got) != 0 {
		t.Errorf("the display shows %+v before anyone is called today", got)
	}
}

// TestFloor_ZoneChangeWithNoShows: the day's end lets no-shows go, so they
// do not stop a change of time zone or day start; tickets still waiting do.
func TestFloor_ZoneChangeWithNoShows(t *testing.T) {
	late := t0.Add(14 * time.Hour) // 23:00 in Shanghai is midnight in Tokyo
	change := hallq.SettingsUpdate{TimeZone: ptr("Asia/Tokyo")}

	f := newFloor(t)
	openCounters(t, f, t0, "1")
	issue(t, f, t0, "A", "")
	next(t, f, t0, "1")
	do(t, f, late, hallq.OpNoShow, "1")
	if _, err := f.UpdateSettings(late, manager, change); err != nil {
		t.Errorf("with only a no-show open: %v", err)
	}

	f = newFloor(t)
	issue(t, f, t0, "A", "")
	_, err := f.UpdateSettings(late, manager, change)
	wantCode(t, err, hallq.ECONFLICT)
}
