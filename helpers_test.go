package hallq_test

import (
	"encoding/binary"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; do not depend on the host's zoneinfo

	"hallq"
)

// zone is the hall's time zone in the tests.
const zone = "Asia/Shanghai"

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// t0 is 09:00 on Monday 10 March 2025 in the hall's zone: a working morning.
var t0 = func() time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return time.Date(2025, 3, 10, 9, 0, 0, 0, loc)
}()

// clock is a fake clock: tests move it by hand.
type clock struct{ now time.Time }

// Add moves the clock by d and returns the new time.
func (c *clock) Add(d time.Duration) time.Time {
	c.now = c.now.Add(d)
	return c.now
}

// The people in the tests.
var (
	customer = hallq.Actor{}
	clerk    = hallq.Actor{Name: "clerk", Role: hallq.RoleStaff} // issues priority tickets
	manager  = hallq.Actor{Name: "boss", Role: hallq.RoleManager}
)

// staffAt is the staff member who works at counter id.
func staffAt(id string) hallq.Actor {
	return hallq.Actor{Name: "staff" + id, Role: hallq.RoleStaff}
}

// newFloor returns the default hall, advanced to t0.
func newFloor(tb testing.TB) *hallq.Floor {
	tb.Helper()
	return newFloorFrom(tb, hallq.DefaultFloor(zone))
}

// newFloorFrom returns the Floor of st, advanced to t0.
func newFloorFrom(tb testing.TB, st hallq.FloorState) *hallq.Floor {
	tb.Helper()
	f, err := hallq.NewFloor(st)
	if err != nil {
		tb.Fatalf("NewFloor: %v", err)
	}
	f.Advance(t0)
	return f
}

var tokens uint64

// issue issues a ticket of service svc. A tier other than "" is chosen by
// staff; "" gives the regular tier.
func issue(tb testing.TB, f *hallq.Floor, now time.Time, svc, tier string) *hallq.Ticket {
	tb.Helper()
	o := hallq.IssueOrder{Service: svc, Tier: tier}
	if tier != "" {
		o.By = clerk
	}
	return issueOrder(tb, f, now, o)
}

// issueOrder issues the ticket o describes, with fresh random bytes.
func issueOrder(tb testing.TB, f *hallq.Floor, now time.Time, o hallq.IssueOrder) *hallq.Ticket {
	tb.Helper()
	if o.Random == [16]byte{} {
		tokens++
		binary.BigEndian.PutUint64(o.Random[8:], tokens)
	}
	ch, err := f.Issue(now, o)
	if err != nil {
		tb.Fatalf("Issue(%+v): %v", o, err)
	}
	if ch.Ticket == nil {
		tb.Fatalf("Issue(%+v): no ticket", o)
	}
	return ch.Ticket
}

// act carries out a, which must succeed.
func act(tb testing.TB, f *hallq.Floor, now time.Time, a hallq.CounterAction) *hallq.Change {
	tb.Helper()
	if a.By == (hallq.Actor{}) {
		a.By = staffAt(a.Counter)
	}
	ch, err := f.Act(now, a)
	if err != nil {
		tb.Fatalf("Act(%s at %s): %v", a.Op, a.Counter, err)
	}
	return ch
}

// actErr carries out a, which must be refused, and returns the error's code.
func actErr(tb testing.TB, f *hallq.Floor, now time.Time, a hallq.CounterAction) string {
	tb.Helper()
	if a.By == (hallq.Actor{}) {
		a.By = staffAt(a.Counter)
	}
	ch, err := f.Act(now, a)
	if err == nil {
		tb.Fatalf("Act(%s at %s) = %+v, want an error", a.Op, a.Counter, ch)
	}
	return hallq.ErrorCode(err)
}

// do is act with only an op and a counter.
func do(tb testing.TB, f *hallq.Floor, now time.Time, op hallq.CounterOp, counter string) *hallq.Change {
	tb.Helper()
	return act(tb, f, now, hallq.CounterAction{Op: op, Counter: counter})
}

// openCounters opens the counters by their own staff.
func openCounters(tb testing.TB, f *hallq.Floor, now time.Time, ids ...string) {
	tb.Helper()
	for _, id := range ids {
		do(tb, f, now, hallq.OpOpen, id)
	}
}

// next calls the next ticket at counter id and returns it (nil for nobody)
// with the mode of the call.
func next(tb testing.TB, f *hallq.Floor, now time.Time, id string) (*hallq.Ticket, hallq.CallMode) {
	tb.Helper()
	ch := do(tb, f, now, hallq.OpNext, id)
	e := findEvent(ch, hallq.TicketCalled)
	if e == nil {
		return nil, ""
	}
	return e.Ticket, e.Mode
}

// findEvent returns the first event of type typ in ch, or nil.
func findEvent(ch *hallq.Change, typ hallq.EventType) *hallq.Event {
	for i := range ch.Events {
		if ch.Events[i].Type == typ {
			return &ch.Events[i]
		}
	}
	return nil
}

// eventTypes lists the types of ch's events, in order.
func eventTypes(ch *hallq.Change) []hallq.EventType {
	var out []hallq.EventType
	for _, e := range ch.Events {
		out = append(out, e.Type)
	}
	return out
}

// ticket returns open ticket id with its live figures.
func ticket(tb testing.TB, f *hallq.Floor, id uint64) *hallq.Ticket {
	tb.Helper()
	t, ok := f.OpenTicket(id)
	if !ok {
		tb.Fatalf("ticket %d is not open", id)
	}
	return t
}

// counter returns counter id.
func counter(tb testing.TB, f *hallq.Floor, id string) *hallq.Counter {
	tb.Helper()
	c, err := f.Counter(id)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// wantCode fails unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := hallq.ErrorCode(err); got != code {
		tb.Fatalf("error = %v, want code %q", err, code)
	}
}

func ptr[T any](v T) *T { return &v }
