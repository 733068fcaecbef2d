package hallq_test

import (
	"fmt"
	"testing"
	"time"

	"hallq"
)

// alertChanges returns the alert events of a change, as "type:kind:level:state".
func alertChanges(ch *hallq.Change) []string {
	var out []string
	for _, e := range ch.Events {
		if e.Type.IsAlert() {
			out = append(out, string(e.Type)+":"+e.Alert.Kind+":"+itoa(e.Alert.Level)+":"+e.Alert.State)
		}
	}
	return out
}

func itoa(n int) string { return string(rune('0' + n)) }

func wantChanges(t *testing.T, what string, ch *hallq.Change, want ...string) {
	t.Helper()
	got := alertChanges(ch)
	if len(got) != len(want) {
		t.Fatalf("%s: alert changes %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: alert changes %v, want %v", what, got, want)
		}
	}
}

// A wait past its target raises one alert at level 1, which turns red at
// 1.5 × the target, never climbs further, and resolves by itself when the
// ticket is called.
func TestAlerts_WaitLadder(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	a := issue(t, f, clk.now, "C", "") // C's target: 10 min
	wantChanges(t, "at 10 min", f.CheckAlerts(clk.Add(10*time.Minute)))
	wantChanges(t, "past 10 min", f.CheckAlerts(clk.Add(time.Second)), "alert.raised:wait_over:1:open")
	wantChanges(t, "again", f.CheckAlerts(clk.Add(time.Second)))
	alerts := f.Alerts()
	if len(alerts) != 1 || alerts[0].Number != a.Number || !alerts[0].EscalatesAt.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("alerts %+v, want A's escalating at 15 min", alerts)
	}
	wantChanges(t, "at 15 min", f.CheckAlerts(t0.Add(15*time.Minute)), "alert.escalated:wait_over:2:open")
	if ch := f.CheckAlerts(t0.Add(5 * time.Hour)); len(ch.Escalations) != 0 || len(alertChanges(ch)) != 0 {
		t.Fatalf("hours on: %v; a wait never goes past level 2", alertChanges(ch))
	}
	openCounters(t, f, clk.now, "1")
	ch := do(t, f, t0.Add(5*time.Hour), hallq.OpNext, "1")
	wantChanges(t, "called", ch, "alert.resolved:wait_over:2:resolved")
	if len(ch.Alerts) != 1 || ch.Alerts[0].ResolvedAt.IsZero() || ch.Alerts[0].ResolvedBy != "" {
		t.Errorf("resolved alert %+v, want resolved by itself", ch.Alerts)
	}
	if len(f.Alerts()) != 0 {
		t.Errorf("alerts still open: %+v", f.Alerts())
	}
}

// The escalation to level 2 of a wait goes to the webhook, named once.
func TestAlerts_EscalationNotice(t *testing.T) {
	f := newFloor(t)
	issue(t, f, t0, "C", "")
	f.CheckAlerts(t0.Add(11 * time.Minute))
	ch := f.CheckAlerts(t0.Add(16 * time.Minute))
	if len(ch.Escalations) != 1 {
		t.Fatalf("escalations %+v, want one", ch.Escalations)
	}
	e := ch.Escalations[0]
	if e.ID != "alert-1-level-2" || e.Level != 2 || e.Alert.Level != 2 || !e.At.Equal(t0.Add(16*time.Minute)) {
		t.Errorf("escalation %+v", e)
	}
}

// A transfer starts a new leg: the old leg's alert resolves, and the new
// one may raise its own.
func TestAlerts_TransferEndsTheLeg(t *testing.T) {
	f := newFloor(t)
	issue(t, f, t0, "C", "")
	f.CheckAlerts(t0.Add(11 * time.Minute))
	openCounters(t, f, t0, "1")
	now := t0.Add(12 * time.Minute)
	do(t, f, now, hallq.OpNext, "1")
	ch := act(t, f, now.Add(time.Minute), hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToService: "A"})
	if len(f.Alerts()) != 0 {
		t.Fatalf("alerts %+v after the call and transfer: %v", f.Alerts(), alertChanges(ch))
	}
	wantChanges(t, "the new leg past A's 15 min", f.CheckAlerts(now.Add(17*time.Minute)), "alert.raised:wait_over:1:open")
}

// A long pause is an alert that resolves when the counter reopens.
func TestAlerts_Pause(t *testing.T) {
	f := newFloor(t)
	openCounters(t, f, t0, "2")
	do(t, f, t0, hallq.OpPause, "2")
	wantChanges(t, "16 min", f.CheckAlerts(t0.Add(16*time.Minute)), "alert.raised:paused_long:1:open")
	wantChanges(t, "reopened", do(t, f, t0.Add(17*time.Minute), hallq.OpOpen, "2"), "alert.resolved:paused_long:1:resolved")
}

// A complaint about a finished visit climbs by the hall's limits; staff
// acknowledge it, only a manager resolves it, with a note the customer
// reads on the ticket.
func TestAlerts_Complaint(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	tk := issue(t, f, clk.now, "A", "")
	openCounters(t, f, clk.now, "1")
	do(t, f, clk.Add(time.Minute), hallq.OpNext, "1")
	done := do(t, f, clk.Add(time.Minute), hallq.OpDone, "1").Ticket // the visit as the store keeps it
	ch, c, err := f.Complain(clk.now, customer, hallq.ComplaintByPhone, hallq.NewComplaint{Category: "attitude", Text: "Rude."}, 7, done)
	if err != nil {
		t.Fatal(err)
	}
	wantChanges(t, "complained", ch, "alert.raised:complaint:1:open")
	done = ch.Tickets[0] // as the store keeps it now, with its complaint
	a, ok := f.Alert(c.Alert)
	if !ok || a.Complaint == nil || a.Complaint.ID != 7 || a.Number != tk.Number ||
		!a.EscalatesAt.Equal(clk.now.Add(15*time.Minute)) {
		t.Fatalf("complaint alert %+v", a)
	}
	if a.Message.EN != "A complaint about ticket A001 (staff attitude, sent from a phone): Rude." {
		t.Errorf("message %q", a.Message.EN)
	}

	// Acknowledged: in hand, and the clock goes on.
	if _, _, err := f.AcknowledgeAlert(clk.now, staffAt("1"), c.Alert, "", done); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.ResolveAlert(clk.now, staffAt("1"), c.Alert, "Apologised.", hallq.AlertContext{Ticket: done}); hallq.ErrorCode(err) != hallq.EFORBIDDEN {
		t.Errorf("staff resolving: %v, want forbidden", err)
	}
	wantChanges(t, "15 min", f.CheckAlerts(clk.Add(15*time.Minute)), "alert.escalated:complaint:2:acknowledged")
	wantChanges(t, "1 h", f.CheckAlerts(clk.Add(45*time.Minute)), "alert.escalated:complaint:3:acknowledged")
	wantChanges(t, "later", f.CheckAlerts(clk.Add(5*time.Hour)))

	if _, _, err := f.ResolveAlert(clk.now, manager, c.Alert, "  ", hallq.AlertContext{Ticket: done}); hallq.ErrorField(err) != "note" {
		t.Errorf("resolving without a note: %v, want an error on note", err)
	}
	ch, a, err = f.ResolveAlert(clk.now, manager, c.Alert, "We called the customer and apologised.", hallq.AlertContext{Ticket: done})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != hallq.AlertStateResolved || a.ResolvedBy != "boss" || len(a.Notes) != 1 || a.Complaint.State != hallq.ComplaintResolved {
		t.Errorf("resolved: %+v", a)
	}
	e := findEvent(ch, hallq.AlertResolved)
	if e == nil || e.Ticket == nil || e.Ticket.Complaint == nil || e.Ticket.Complaint.State != hallq.ComplaintResolved ||
		e.Ticket.Complaint.Resolution != "We called the customer and apologised." {
		t.Fatalf("the ticket's customer sees %+v", e)
	}
	if len(ch.Tickets) != 1 || ch.Tickets[0].Complaint.State != hallq.ComplaintResolved {
		t.Errorf("the ticket to keep: %+v", ch.Tickets)
	}
	if _, _, err := f.AcknowledgeAlert(clk.now, manager, c.Alert, "", done); hallq.ErrorCode(err) != hallq.ENOTFOUND {
		t.Errorf("acknowledging a resolved alert: %v", err)
	}
}

// A printer's alert follows the printer: the problem changes in place,
// paper running low does not climb, working again resolves it.
func TestAlerts_Printer(t *testing.T) {
	f := newFloor(t)
	p := hallq.Alert{Kind: hallq.AlertPrinter, Device: 4, Name: "Door", Printer: "10.0.0.5:9100"}
	raise := func(now time.Time, problem string) *hallq.Change {
		t.Helper()
		p.Problem = problem
		ch, err := f.RaiseAlert(now, p)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	wantChanges(t, "ok first", raise(t0, hallq.PrinterOK))
	wantChanges(t, "low", raise(t0, hallq.PrinterPaperLow), "alert.raised:printer:1:open")
	wantChanges(t, "an hour low", f.CheckAlerts(t0.Add(time.Hour)))
	wantChanges(t, "out", raise(t0.Add(time.Hour), hallq.PrinterPaperOut), "alert.updated:printer:1:open")
	wantChanges(t, "same", raise(t0.Add(time.Hour), hallq.PrinterPaperOut))
	p.Device = 5 // another kiosk on the same printer
	wantChanges(t, "15 min out", f.CheckAlerts(t0.Add(75*time.Minute)), "alert.escalated:printer:2:open")
	wantChanges(t, "works", raise(t0.Add(80*time.Minute), hallq.PrinterOK), "alert.resolved:printer:2:resolved")
	if _, err := f.RaiseAlert(t0, hallq.Alert{Kind: hallq.AlertWait}); hallq.ErrorCode(err) != hallq.EINVALID {
		t.Errorf("a wait alert from outside: %v", err)
	}
}

// Open alerts, with their levels and numbering, come back with the Floor.
func TestAlerts_Restart(t *testing.T) {
	f := newFloor(t)
	issue(t, f, t0, "C", "")
	f.CheckAlerts(t0.Add(16 * time.Minute))
	g := newFloorFrom(t, f.State())
	if got := g.Alerts(); len(got) != 1 || got[0].Level != 2 || got[0].ID != 1 {
		t.Fatalf("alerts after a restart: %+v", got)
	}
	openCounters(t, g, t0, "3")
	wantChanges(t, "called after the restart", do(t, g, t0.Add(17*time.Minute), hallq.OpNext, "3"), "alert.resolved:wait_over:2:resolved")
	issue(t, g, t0.Add(17*time.Minute), "C", "")
	g.CheckAlerts(t0.Add(28 * time.Minute))
	if got := g.Alerts(); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("the next alert: %+v, want id 2", got)
	}
}

// BenchmarkIssueWithOpenAlerts: ticket issue costs the same with many
// alerts open (waits past their targets, complaints) as with none.
func BenchmarkIssueWithOpenAlerts(b *testing.B) {
	for _, open := range []int{0, 2000} {
		b.Run(itoaN(open), func(b *testing.B) {
			f := newFloor(b)
			now := t0
			for range open {
				if _, _, err := f.Complain(now, customer, hallq.ComplaintAtCounter, hallq.NewComplaint{Text: "Cold."}, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				now = now.Add(time.Millisecond)
				issue(b, f, now, []string{"A", "B", "C"}[i%3], "")
			}
		})
	}
}

func itoaN(n int) string { return fmt.Sprintf("open=%d", n) }

// A counter's view of the queue counts every ticket it may call but carries
// only the first n: its messages stay small with 3,000 waiting.
func TestFloor_QueueFor(t *testing.T) {
	f := newFloor(t)
	now := t0
	for i := range 60 {
		tier := ""
		if i%10 == 0 {
			tier = "priority"
		}
		issueOrder(t, f, now.Add(time.Duration(i)*time.Second), hallq.IssueOrder{Service: "A", Tier: tier, By: clerk})
	}
	issue(t, f, now, "B", "")
	c := counter(t, f, "1")
	q := f.QueueFor(c, 50)
	var a *hallq.CounterQueue
	for i := range q {
		if q[i].ID == "A" {
			a = &q[i]
		}
	}
	if a == nil || a.Waiting != 60 || len(a.Tickets) != 50 || a.VIPs != 6 || a.ToMe != 0 || a.Oldest == nil {
		t.Fatalf("A as counter 1 sees it: %+v", a)
	}
	if a.Tickets[0].Ahead != 0 || a.Tickets[49].Ahead != 49 {
		t.Errorf("tickets out of call order: %d, %d ahead", a.Tickets[0].Ahead, a.Tickets[49].Ahead)
	}
}
