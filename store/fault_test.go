package store_test

import (
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
	"hallq/internal/fakeclock"
	"hallq/store"
)

// metaSyncFails is a commit whose last fdatasync, the meta page's, fails:
// bbolt has written everything, the file reads as committed, and Commit
// returns the error.
func metaSyncFails(tx *bbolt.Tx) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	return syscall.EIO
}

// dataSyncFails is a commit whose data pages fail to sync: bbolt rolls back
// before it writes the meta page, and the file is as it was.
func dataSyncFails(tx *bbolt.Tx) error {
	tx.Rollback()
	return syscall.EIO
}

// together sends each request at once, so that they share one commit, and
// returns their errors in order.
func together(t *testing.T, s *store.Store, requests ...func() error) []error {
	t.Helper()
	release := store.HoldWriter(s)
	errs := make([]error, len(requests))
	var wg sync.WaitGroup
	for i, req := range requests {
		wg.Go(func() { errs[i] = req() })
		for store.Queued(s) < i+1 {
			runtime.Gosched() // until the request is queued: the writer is held
		}
	}
	release()
	wg.Wait()
	return errs
}

// drainEvents returns the events delivered so far.
func drainEvents(sub hallq.Subscription) []hallq.Event {
	var out []hallq.Event
	for {
		select {
		case e, ok := <-sub.Events():
			if !ok {
				return out
			}
			out = append(out, e)
		default:
			return out
		}
	}
}

// TestStore_UnconfirmedCommit: when only the meta page's sync fails, the
// batch is in the file but not confirmed durable. The store must not apply
// it again, nor answer or publish it as done: it stops, and the hub starts
// again from the file, where retries with the same keys find the first
// results.
func TestStore_UnconfirmedCommit(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, clk)
	for range 3 {
		issue(t, s, hallq.IssueRequest{Service: "A"})
	}
	act(t, s, hallq.OpOpen, "1")
	sub := s.Subscribe(100)
	defer sub.Close()

	store.FailNextCommit(s, metaSyncFails)
	var called *hallq.ActResult
	var issued *hallq.Ticket
	errs := together(t, s,
		func() (err error) {
			called, err = s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: clerk}, "next-1")
			return err
		},
		func() (err error) {
			issued, _, err = s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", IdempotencyKey: "kiosk-1"})
			return err
		})
	for i, err := range errs {
		if hallq.ErrorCode(err) != hallq.EUNAVAILABLE {
			t.Errorf("request %d of the unconfirmed commit: %v, %v, %v; want %s", i, called, issued, err, hallq.EUNAVAILABLE)
		}
	}
	select {
	case <-s.Failed():
	default:
		t.Fatal("the store goes on after a commit the disk did not confirm")
	}
	if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A"}); hallq.ErrorCode(err) != hallq.EUNAVAILABLE {
		t.Errorf("a ticket after the failure: %v, want %s", err, hallq.EUNAVAILABLE)
	}
	if got := drainEvents(sub); len(got) != 0 {
		t.Errorf("published %d events of an unconfirmed commit: %+v", len(got), got)
	}
	s.Close()

	// The hub starts again from the file, and the kiosk and the counter
	// retry with their keys.
	s = mustOpenPath(t, path, clk)
	again, replayed, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", IdempotencyKey: "kiosk-1"})
	if err != nil {
		t.Fatal(err)
	}
	next, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: clerk}, "next-1")
	if err != nil {
		t.Fatal(err)
	}
	if !replayed || again.Number != "A004" {
		t.Errorf("the kiosk's retry got %s (replayed %v), want A004 as the commit left it", again.Number, replayed)
	}
	if !next.Replayed || next.Ticket.Number != "A001" {
		t.Errorf("the counter's retry got %+v, want A001 as the commit left it", next.Ticket)
	}
	q, _ := s.FindQueue(ctx)
	var waiting []string
	for _, tk := range q[0].Tickets {
		waiting = append(waiting, tk.Number)
	}
	if want := []string{"A002", "A003", "A004"}; !slices.Equal(waiting, want) {
		t.Errorf("waiting for A after the restart: %v, want %v", waiting, want)
	}
	if c, _ := s.FindCounter(ctx, "1"); c.Ticket == nil || c.Ticket.Number != "A001" || c.Ticket.State != hallq.Called {
		t.Errorf("counter 1 after the restart: %+v, want A001 called", c.Ticket)
	}
}

// TestStore_FailedCommitRetried: a commit that failed before its meta page
// was written left the file as it was; its requests are retried one by one,
// each applied once and published once.
func TestStore_FailedCommitRetried(t *testing.T) {
	s := MustOpen(t, newClock())
	for range 3 {
		issue(t, s, hallq.IssueRequest{Service: "A"})
	}
	act(t, s, hallq.OpOpen, "1")
	sub := s.Subscribe(100)
	defer sub.Close()

	store.FailNextCommit(s, dataSyncFails)
	var called *hallq.ActResult
	var issued *hallq.Ticket
	errs := together(t, s,
		func() (err error) {
			called, err = s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: clerk}, "")
			return err
		},
		func() (err error) {
			issued, _, err = s.IssueTicket(ctx, hallq.IssueRequest{Service: "A"})
			return err
		})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d, retried on its own: %v", i, err)
		}
	}
	if called.Ticket.Number != "A001" || issued.Number != "A004" {
		t.Errorf("called %s and issued %s, want A001 and A004", called.Ticket.Number, issued.Number)
	}
	var types []hallq.EventType
	for _, e := range drainEvents(sub) {
		types = append(types, e.Type)
	}
	if want := []hallq.EventType{hallq.TicketCalled, hallq.TicketIssued}; !slices.Equal(types, want) {
		t.Errorf("published %v, want %v", types, want)
	}
	select {
	case <-s.Failed():
		t.Error("the store stopped after a commit that was rolled back")
	default:
	}
	q, _ := s.FindQueue(ctx)
	if got := len(q[0].Tickets); got != 3 {
		t.Errorf("%d waiting for A, want 3 (A002-A004)", got)
	}
}

// TestStore_FailedCommitAnnouncesHours: a service closing by its hours in a
// commit that failed is announced by the next one.
func TestStore_FailedCommitAnnouncesHours(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := fakeclock.New(time.Date(2026, 11, 25, 11, 59, 0, 0, shanghai))
	s := MustOpen(t, clk)
	if _, err := s.UpdateService(ctx, hallq.Actor{Name: "boss", Role: hallq.RoleManager}, "A",
		hallq.ServiceUpdate{Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:00", Close: "12:00"}}}); err != nil {
		t.Fatal(err)
	}
	sub := s.Subscribe(100)
	defer sub.Close()
	clk.Add(2 * time.Minute)
	store.FailNextCommit(s, dataSyncFails)
	if err := s.Maintain(ctx); hallq.ErrorCode(err) != hallq.EINTERNAL {
		t.Fatalf("upkeep in a failing commit: %v, want an internal error", err)
	}
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := drainEvents(sub); !slices.ContainsFunc(got, func(e hallq.Event) bool { return e.Type == hallq.ServiceHours && e.Subject == "A" }) {
		t.Errorf("events %+v: service A closing at 12:00 was never announced", got)
	}
}

// TestStore_ClockStepsBackAcrossRestart: tickets read back after a restart
// and tickets issued since are called in the order they were issued, with
// a clock whose times carry a monotonic reading, set back by NTP.
func TestStore_ClockStepsBackAcrossRestart(t *testing.T) {
	clk := fakeclock.NewMonotonic(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, clk)
	var want []string
	issueSome := func(n int) {
		for range n {
			clk.Add(time.Second)
			want = append(want, issue(t, s, hallq.IssueRequest{Service: "A"}).Number)
		}
	}
	issueSome(6)
	s.Close()
	s = mustOpenPath(t, path, clk)
	issueSome(3)
	clk.Step(-(4*time.Minute + 43*time.Second))
	issueSome(6)
	act(t, s, hallq.OpOpen, "1")
	var got []string
	for range want {
		clk.Add(time.Second)
		r := act(t, s, hallq.OpNext, "1")
		if r.Ticket == nil {
			break
		}
		got = append(got, r.Ticket.Number)
	}
	if !slices.Equal(got, want) {
		t.Errorf("counter 1 called %v, want %v", got, want)
	}
}
