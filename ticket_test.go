package hallq_test

import (
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"hallq"
)

// TestMove checks the state table of DESIGN.md, "Tickets and their states":
// every State × Action pair, the listed ones allowed and all others refused.
func TestMove(t *testing.T) {
	states := []hallq.State{hallq.Waiting, hallq.Called, hallq.Serving, hallq.Done, hallq.NoShow, hallq.Cancelled, hallq.Expired}
	actions := []hallq.Action{hallq.ActCall, hallq.ActCancel, hallq.ActRecall, hallq.ActStart, hallq.ActFinish, hallq.ActNoShow, hallq.ActTransfer, hallq.ActExpire}
	type move struct {
		from hallq.State
		a    hallq.Action
	}
	allowed := map[move]hallq.State{
		{hallq.Waiting, hallq.ActCall}:     hallq.Called,
		{hallq.NoShow, hallq.ActCall}:      hallq.Called,
		{hallq.Waiting, hallq.ActCancel}:   hallq.Cancelled,
		{hallq.Called, hallq.ActRecall}:    hallq.Called,
		{hallq.Called, hallq.ActStart}:     hallq.Serving,
		{hallq.Called, hallq.ActFinish}:    hallq.Done,
		{hallq.Serving, hallq.ActFinish}:   hallq.Done,
		{hallq.Called, hallq.ActNoShow}:    hallq.NoShow,
		{hallq.Called, hallq.ActTransfer}:  hallq.Waiting,
		{hallq.Serving, hallq.ActTransfer}: hallq.Waiting,
		{hallq.Waiting, hallq.ActExpire}:   hallq.Expired,
		{hallq.Called, hallq.ActExpire}:    hallq.Expired,
		{hallq.Serving, hallq.ActExpire}:   hallq.Expired,
	}
	for _, from := range states {
		for _, a := range actions {
			got, err := hallq.Move(from, a)
			want, ok := allowed[move{from, a}]
			switch {
			case ok && err != nil:
				t.Errorf("Move(%s, %s): %v, want %s", from, a, err, want)
			case ok && got != want:
				t.Errorf("Move(%s, %s) = %s, want %s", from, a, got, want)
			case !ok && hallq.ErrorCode(err) != hallq.ECONFLICT:
				t.Errorf("Move(%s, %s) = %q, %v; want a conflict", from, a, got, err)
			}
		}
	}

	t.Run("UnknownAction", func(t *testing.T) {
		_, err := hallq.Move(hallq.Waiting, "teleport")
		wantCode(t, err, hallq.EINVALID)
	})
}

func TestState_Open(t *testing.T) {
	for s, want := range map[hallq.State]bool{
		hallq.Waiting: true, hallq.Called: true, hallq.Serving: true, hallq.NoShow: true,
		hallq.Done: false, hallq.Cancelled: false, hallq.Expired: false,
	} {
		if got := s.Open(); got != want {
			t.Errorf("%s.Open() = %v, want %v", s, got, want)
		}
	}
}

func TestNumbered(t *testing.T) {
	for _, tt := range []struct {
		service string
		n       int
		want    string
	}{{"A", 1, "A001"}, {"A", 10, "A010"}, {"A", 99, "A099"}, {"A", 100, "A100"}, {"B", 23, "B023"}, {"AB", 999, "AB999"},
		{"C", 1000, "C1000"}, {"VIP-LONG-SERVICE-NAME-XYZ", 7, "VIP-LONG-SERVICE-NAME-XYZ007"}} {
		if got := hallq.Numbered(tt.service, tt.n); got != tt.want {
			t.Errorf("Numbered(%q, %d) = %q, want %q", tt.service, tt.n, got, tt.want)
		}
	}
}

func TestTicketToken(t *testing.T) {
	random := [16]byte{0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xfe}
	for _, id := range []uint64{1, 42, 1 << 40} {
		tok := hallq.TicketToken(id, random)
		if got, ok := hallq.TicketIDFromToken(tok); !ok || got != id {
			t.Errorf("TicketIDFromToken(%q) = %d, %v; want %d", tok, got, ok, id)
		}
		if other := hallq.TicketToken(id, [16]byte{}); other == tok {
			t.Errorf("token %q does not depend on the random bytes", tok)
		}
	}
	for _, bad := range []string{"", "abc", "!!!!", hallq.TicketToken(1, random) + "AA"} {
		if id, ok := hallq.TicketIDFromToken(bad); ok {
			t.Errorf("TicketIDFromToken(%q) = %d, true; want false", bad, id)
		}
	}
}

// calledAt1 returns a floor with counter 1 open and one A ticket called there.
func calledAt1(t *testing.T) (*hallq.Floor, *clock, *hallq.Ticket) {
	t.Helper()
	f := newFloor(t)
	clk := &clock{t0}
	issue(t, f, clk.now, "A", "")
	openCounters(t, f, clk.now, "1")
	called, _ := next(t, f, clk.Add(time.Minute), "1")
	if called == nil || called.State != hallq.Called {
		t.Fatalf("next called %+v", called)
	}
	return f, clk, called
}

// TestFloor_TicketStates drives the state table through the Floor's
// operations.
func TestFloor_TicketStates(t *testing.T) {
	t.Run("StartWithoutCall", func(t *testing.T) {
		f := newFloor(t)
		issue(t, f, t0, "A", "")
		openCounters(t, f, t0, "1")
		for _, op := range []hallq.CounterOp{hallq.OpStart, hallq.OpRecall, hallq.OpNoShow, hallq.OpDone} {
			if got, want := actErr(t, f, t0, hallq.CounterAction{Op: op, Counter: "1"}), hallq.ECONFLICT; got != want {
				t.Errorf("%s with a waiting ticket and none called: code %q, want %q", op, got, want)
			}
		}
		if code := actErr(t, f, t0, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToService: "B"}); code != hallq.ECONFLICT {
			t.Errorf("transfer with none called: code %q, want conflict", code)
		}
	})

	t.Run("StartServingDone", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		ch := do(t, f, clk.Add(time.Minute), hallq.OpStart, "1")
		if got, want := ch.Ticket.State, hallq.Serving; got != want {
			t.Fatalf("after start: %s, want %s", got, want)
		}
		ch = do(t, f, clk.Add(5*time.Minute), hallq.OpDone, "1")
		if got, want := ch.Ticket.State, hallq.Done; got != want {
			t.Fatalf("after done: %s, want %s", got, want)
		}
		if _, ok := f.OpenTicket(called.ID); ok {
			t.Error("a done ticket is still open")
		}
		if c := counter(t, f, "1"); c.Ticket != nil {
			t.Errorf("counter still holds %s", c.Ticket.Number)
		}
	})

	t.Run("RecallLimit", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		limit := f.Settings().RecallLimit
		for i := 1; i <= limit; i++ {
			ch := do(t, f, clk.Add(30*time.Second), hallq.OpRecall, "1")
			e := findEvent(ch, hallq.TicketRecalled)
			if e == nil || !e.Call.Recall || e.Mode != hallq.ByRecall {
				t.Fatalf("recall %d: events %v", i, eventTypes(ch))
			}
			if got, want := ch.Ticket.Recalls, i; got != want {
				t.Errorf("recalls = %d, want %d", got, want)
			}
		}
		if got, want := actErr(t, f, clk.Add(time.Second), hallq.CounterAction{Op: hallq.OpRecall, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("recall beyond the limit: code %q, want %q", got, want)
		}
		if got, want := f.Calls()[0].Ticket, called.ID; got != want {
			t.Errorf("latest call is of ticket %d, want %d", got, want)
		}
	})

	t.Run("RecallServing", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		do(t, f, clk.now, hallq.OpStart, "1")
		for _, op := range []hallq.CounterOp{hallq.OpRecall, hallq.OpNoShow} {
			if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: op, Counter: "1"}), hallq.ECONFLICT; got != want {
				t.Errorf("%s of a ticket being served: code %q, want %q", op, got, want)
			}
		}
	})

	t.Run("NoShowCalledBackByNumber", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		do(t, f, clk.Add(time.Minute), hallq.OpNoShow, "1")
		if got, want := ticket(t, f, called.ID).State, hallq.NoShow; got != want {
			t.Fatalf("state = %s, want %s", got, want)
		}
		tolerance := time.Duration(f.Settings().RecallToleranceS) * time.Second
		ch := act(t, f, clk.Add(tolerance), hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: called.Number, Reason: "came back"})
		e := findEvent(ch, hallq.TicketCalled)
		if e == nil {
			t.Fatalf("no call: %v", eventTypes(ch))
		}
		if got, want := e.Mode, hallq.ByNumber; got != want {
			t.Errorf("mode = %s, want %s", got, want)
		}
		if got, want := e.Reason, "came back"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if got, want := e.Ticket.State, hallq.Called; got != want {
			t.Errorf("state = %s, want %s", got, want)
		}
	})

	t.Run("NoShowAfterTolerance", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		do(t, f, clk.Add(time.Minute), hallq.OpNoShow, "1")
		tolerance := time.Duration(f.Settings().RecallToleranceS) * time.Second
		late := clk.Add(tolerance + time.Second)
		if code := actErr(t, f, late, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: called.Number}); code == "" {
			t.Fatal("no error")
		}
		// Advance lets the no-show go for good.
		ch := f.Advance(late)
		if !slices.Contains(ch.Dropped, called.ID) {
			t.Errorf("Advance dropped %v, want %d among them", ch.Dropped, called.ID)
		}
		if _, ok := f.OpenTicket(called.ID); ok {
			t.Error("the no-show is still open")
		}
	})

	t.Run("CallByNumberCurrent", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: called.Number}), hallq.ECONFLICT; got != want {
			t.Errorf("calling the counter's own ticket: code %q, want %q", got, want)
		}
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: "Z999"}), hallq.EINVALID; got != want {
			t.Errorf("calling an unknown number: code %q, want %q", got, want)
		}
	})

	t.Run("CancelOnlyWhileWaiting", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		waiting := issue(t, f, clk.now, "B", "")
		_, err := f.Cancel(clk.now, called.ID, customer)
		wantCode(t, err, hallq.ECONFLICT)

		ch, err := f.Cancel(clk.now, waiting.ID, customer)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ch.Ticket.State, hallq.Cancelled; got != want {
			t.Errorf("state = %s, want %s", got, want)
		}
		if got, want := eventTypes(ch), []hallq.EventType{hallq.TicketCancelled}; !slices.Equal(got, want) {
			t.Errorf("events = %v, want %v", got, want)
		}
		_, err = f.Cancel(clk.now, waiting.ID, customer)
		wantCode(t, err, hallq.ENOTFOUND)

		do(t, f, clk.now, hallq.OpNoShow, "1")
		_, err = f.Cancel(clk.now, called.ID, customer)
		wantCode(t, err, hallq.ECONFLICT)
	})

	t.Run("TransferToService", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		do(t, f, clk.now, hallq.OpStart, "1")
		ch := act(t, f, clk.Add(2*time.Minute), hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToService: "B"})
		got := ch.Ticket
		if got.Number != called.Number || !got.Key.Equal(called.Key) || !got.IssuedAt.Equal(called.IssuedAt) {
			t.Errorf("transfer changed number, key or issue time: %+v, was %+v", got, called)
		}
		if got.Leg != 2 || got.State != hallq.Waiting || got.Service != "B" || got.Target != "" || !got.LegAt.Equal(clk.now) {
			t.Errorf("after transfer: leg %d, state %s, service %s, target %q, leg at %v", got.Leg, got.State, got.Service, got.Target, got.LegAt)
		}
		e := findEvent(ch, hallq.TicketTransferred)
		if e == nil || e.From != "A" {
			t.Errorf("transfer event %+v, want one from A", e)
		}
		if c := counter(t, f, "1"); c.Ticket != nil {
			t.Errorf("counter still holds %s", c.Ticket.Number)
		}
		if q := f.Queue(); len(q[1].Tickets) != 1 || q[1].Tickets[0].ID != called.ID {
			t.Errorf("queue of B = %+v, want the transferred ticket", q[1].Tickets)
		}
	})

	t.Run("TransferToCounter", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		openCounters(t, f, clk.now, "2")
		ch := act(t, f, clk.Add(time.Minute), hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "2"})
		if got := ch.Ticket; got.Target != "2" || got.Service != "A" || got.Leg != 2 || !got.Key.Equal(called.Key) {
			t.Errorf("after transfer: target %q, service %s, leg %d, key %v", got.Target, got.Service, got.Leg, got.Key)
		}
		// Only counter 2 takes it now; the ticket's second leg starts afresh.
		if got, _ := next(t, f, clk.now, "1"); got != nil {
			t.Errorf("counter 1 called %s, a ticket transferred to counter 2", got.Number)
		}
		got, mode := next(t, f, clk.Add(time.Minute), "2")
		if got == nil || got.ID != called.ID || got.Target != "" || got.Leg != 2 || got.Recalls != 0 {
			t.Fatalf("counter 2 called %+v", got)
		}
		if mode != hallq.ByRule {
			t.Errorf("mode = %s, want %s", mode, hallq.ByRule)
		}
	})

	t.Run("TransferBadTarget", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		for name, a := range map[string]hallq.CounterAction{
			"Neither":        {},
			"Both":           {ToService: "B", ToCounter: "2"},
			"UnknownService": {ToService: "Q"},
			"UnknownCounter": {ToCounter: "99"},
		} {
			a.Op, a.Counter = hallq.OpTransfer, "1"
			if got, want := actErr(t, f, clk.now, a), hallq.EINVALID; got != want {
				t.Errorf("%s: code %q, want %q", name, got, want)
			}
		}
	})

	t.Run("NextFinishesCurrent", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		second := issue(t, f, clk.now, "A", "")
		ch := do(t, f, clk.Add(3*time.Minute), hallq.OpNext, "1")
		if got, want := eventTypes(ch), []hallq.EventType{hallq.TicketDone, hallq.TicketCalled}; !slices.Equal(got, want) {
			t.Fatalf("events = %v, want %v", got, want)
		}
		if got := ch.Events[0].Ticket; got.ID != called.ID || got.State != hallq.Done {
			t.Errorf("finished %s (%s), want %s done", got.Number, got.State, called.Number)
		}
		if got, want := ch.Ticket.ID, second.ID; got != want {
			t.Errorf("result ticket %d, want %d", got, want)
		}
		if got, want := len(ch.Tickets), 2; got != want {
			t.Errorf("changed tickets = %d, want %d", got, want)
		}
	})

	t.Run("NextFindsNobody", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		ch := do(t, f, clk.Add(3*time.Minute), hallq.OpNext, "1")
		if got, want := eventTypes(ch), []hallq.EventType{hallq.TicketDone}; !slices.Equal(got, want) {
			t.Fatalf("events = %v, want %v", got, want)
		}
		if ch.Ticket != nil {
			t.Errorf("result ticket = %s, want nil: nobody was called", ch.Ticket.Number)
		}
		if got := ch.Counter; got.Ticket != nil || got.Last == nil || got.Last.ID != called.ID {
			t.Errorf("counter after next: %+v", got)
		}
	})

	t.Run("RepeatIsNoOp", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		repeat := func(op hallq.CounterOp) {
			t.Helper()
			if ch := do(t, f, clk.now, op, "1"); len(ch.Events) != 0 {
				t.Errorf("repeated %s: events %v, want none", op, eventTypes(ch))
			}
		}
		repeat(hallq.OpOpen)
		do(t, f, clk.now, hallq.OpStart, "1")
		repeat(hallq.OpStart)
		do(t, f, clk.now, hallq.OpDone, "1")
		repeat(hallq.OpDone)
		ch := act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpDone, Counter: "1", Expect: &called.ID})
		if ch.Ticket == nil || ch.Ticket.ID != called.ID {
			t.Errorf("repeated done returned %+v, want the done ticket", ch.Ticket)
		}
		do(t, f, clk.now, hallq.OpPause, "1")
		repeat(hallq.OpPause)
		do(t, f, clk.now, hallq.OpClose, "1")
		repeat(hallq.OpClose)
	})

	t.Run("RepeatNoShow", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		do(t, f, clk.now, hallq.OpNoShow, "1")
		if ch := do(t, f, clk.now, hallq.OpNoShow, "1"); len(ch.Events) != 0 {
			t.Errorf("repeated noshow: events %v", eventTypes(ch))
		}
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpDone, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("done after a no-show: code %q, want %q", got, want)
		}
	})

	t.Run("ExpectStale", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		other := issue(t, f, clk.now, "A", "")
		for _, op := range []hallq.CounterOp{hallq.OpNext, hallq.OpDone, hallq.OpStart, hallq.OpRecall, hallq.OpNoShow} {
			a := hallq.CounterAction{Op: op, Counter: "1", Expect: &other.ID}
			if got, want := actErr(t, f, clk.now, a), hallq.ECONFLICT; got != want {
				t.Errorf("%s expecting another ticket: code %q, want %q", op, got, want)
			}
		}
		act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpStart, Counter: "1", Expect: &called.ID})
	})

	t.Run("OtherUser", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		intruder := staffAt("2")
		for _, op := range []hallq.CounterOp{hallq.OpOpen, hallq.OpPause, hallq.OpClose, hallq.OpNext, hallq.OpStart, hallq.OpDone, hallq.OpRecall, hallq.OpNoShow} {
			if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: op, Counter: "1", By: intruder}), hallq.ECONFLICT; got != want {
				t.Errorf("%s by another user: code %q, want %q", op, got, want)
			}
		}
		// A manager may pause a counter, but not serve at it.
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: manager}), hallq.ECONFLICT; got != want {
			t.Errorf("next by a manager: code %q, want %q", got, want)
		}
		act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpPause, Counter: "1", By: manager})
	})

	t.Run("TakeOver", func(t *testing.T) {
		f, clk, called := calledAt1(t)
		intruder := staffAt("2")
		ch := act(t, f, clk.Add(time.Minute), hallq.CounterAction{Op: hallq.OpOpen, Counter: "1", By: intruder, TakeOver: true})
		if got, want := ch.Counter.Staff, intruder.Name; got != want {
			t.Errorf("staff = %q, want %q", got, want)
		}
		if ch.Counter.Ticket == nil || ch.Counter.Ticket.ID != called.ID {
			t.Errorf("the taken-over counter lost its ticket: %+v", ch.Counter.Ticket)
		}
		act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpDone, Counter: "1", By: intruder})
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("next by the former user: code %q, want %q", got, want)
		}
	})

	t.Run("CloseWithTicket", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpClose, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("close with a ticket: code %q, want %q", got, want)
		}
		do(t, f, clk.now, hallq.OpDone, "1")
		ch := do(t, f, clk.now, hallq.OpClose, "1")
		if got, want := ch.Counter.State, hallq.Closed; got != want {
			t.Errorf("state = %s, want %s", got, want)
		}
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("next at a closed counter: code %q, want %q", got, want)
		}
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpPause, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("pause of a closed counter: code %q, want %q", got, want)
		}
	})

	t.Run("Paused", func(t *testing.T) {
		f, clk, _ := calledAt1(t)
		issue(t, f, clk.now, "A", "")
		do(t, f, clk.now, hallq.OpPause, "1")
		if got, want := actErr(t, f, clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1"}), hallq.ECONFLICT; got != want {
			t.Errorf("next at a paused counter: code %q, want %q", got, want)
		}
		do(t, f, clk.now, hallq.OpDone, "1") // the customer at the window is still served
		ch := do(t, f, clk.now, hallq.OpOpen, "1")
		if got, want := eventTypes(ch), []hallq.EventType{hallq.CounterOpened}; !slices.Equal(got, want) {
			t.Errorf("resume: events %v, want %v", got, want)
		}
	})

	t.Run("UnknownCounterOrOp", func(t *testing.T) {
		f := newFloor(t)
		_, err := f.Act(t0, hallq.CounterAction{Op: hallq.OpOpen, Counter: "99", By: staffAt("99")})
		wantCode(t, err, hallq.ENOTFOUND)
		_, err = f.Act(t0, hallq.CounterAction{Op: "dance", Counter: "1", By: staffAt("1")})
		wantCode(t, err, hallq.EINVALID)
	})
}

// Staff may type a number as they hear it: "a2" and "A0002" are A002.
func TestFloor_CallByNumberAsTyped(t *testing.T) {
	for _, typed := range []string{"A002", "a2", " A0002 ", "a002"} {
		t.Run(typed, func(t *testing.T) {
			f := newFloor(t)
			issue(t, f, t0, "A", "")
			want := issue(t, f, t0, "A", "")
			openCounters(t, f, t0, "1")
			ch := act(t, f, t0, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: typed})
			if ch.Ticket.ID != want.ID {
				t.Errorf("called %s, want %s", ch.Ticket.Number, want.Number)
			}
		})
	}
	f := newFloor(t)
	issue(t, f, t0, "A", "")
	openCounters(t, f, t0, "1")
	for _, typed := range []string{"A0", "A", "7", "A-1"} {
		if got, want := actErr(t, f, t0, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: typed}), hallq.EINVALID; got != want {
			t.Errorf("%q: %s, want %s", typed, got, want)
		}
	}
}

// A ticket as the Floor keeps it fits in Go's small objects (at most 512
// bytes), which the collector marks a span at a time; its live figures are
// kept apart, on its views (see BenchmarkMarkOpenTickets).
func TestTicket_SmallObject(t *testing.T) {
	if size := unsafe.Sizeof(hallq.Ticket{}); size > 512 {
		t.Errorf("a ticket as kept takes %d bytes, more than 512: the collector marks each of them alone", size)
	}
}

// BenchmarkMarkOpenTickets measures a full collection with 75,000 tickets
// waiting, as the 64-client row of hallbench leaves the hub: the marking that
// each of the hub's collections does while it serves.
func BenchmarkMarkOpenTickets(b *testing.B) {
	f := newFloor(b)
	now := t0
	for i := range 75_000 {
		now = now.Add(time.Millisecond)
		issue(b, f, now, []string{"A", "B", "C"}[i%3], "")
	}
	runtime.GC()
	for b.Loop() {
		runtime.GC()
	}
	runtime.KeepAlive(f)
}
