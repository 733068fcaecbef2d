package hallq

import (
	"strconv"
	"strings"
	"time"
)

// CounterOp is something staff do at a counter.
type CounterOp string

// The counter operations of the API.
const (
	OpOpen     CounterOp = "open"
	OpPause    CounterOp = "pause"
	OpClose    CounterOp = "close"
	OpNext     CounterOp = "next"
	OpCall     CounterOp = "call"
	OpRecall   CounterOp = "recall"
	OpStart    CounterOp = "start"
	OpDone     CounterOp = "done"
	OpNoShow   CounterOp = "noshow"
	OpTransfer CounterOp = "transfer"
)

// CounterOps lists every counter operation.
var CounterOps = []CounterOp{OpOpen, OpPause, OpClose, OpNext, OpCall, OpRecall, OpStart, OpDone, OpNoShow, OpTransfer}

// CounterAction is one staff action at a counter.
type CounterAction struct {
	Op      CounterOp
	Counter string
	By      Actor

	// Expect names the ticket the terminal shows as current, 0 for none;
	// when the counter's ticket is another, the action is refused as stale.
	Expect    *uint64
	TakeOver  bool   // open: take the counter over from another user
	Number    string // call: the ticket to call out of turn
	Reason    string // call: why
	ToService string // transfer: to this service's queue
	ToCounter string // transfer: to this counter only
}

// Act carries out a staff action at a counter. The Change's Ticket is the
// ticket acted on (nil when next finds nothing waiting) and its Counter the
// counter after the action.
func (f *Floor) Act(now time.Time, a CounterAction) (*Change, error) {
	now = f.HallTime(now)
	c := f.counter(a.Counter)
	if c == nil {
		return nil, f.noCounter(ENOTFOUND, a.Counter)
	}
	var ch *change
	var err error
	switch a.Op {
	case OpOpen:
		ch, err = f.openCounter(now, c, a)
	case OpPause:
		ch, err = f.pauseCounter(now, c, a)
	case OpClose:
		ch, err = f.closeCounter(now, c, a)
	case OpNext, OpCall:
		ch, err = f.callTicket(now, c, a)
	case OpRecall, OpStart, OpDone, OpNoShow, OpTransfer:
		ch, err = f.actOnCurrent(now, c, a)
	default:
		return nil, Errorf(EINVALID, "%q is not a counter action.", a.Op)
	}
	if err != nil {
		return nil, err
	}
	ch.out.Counter = f.counterView(c)
	return ch.done(), nil
}

func (f *Floor) openCounter(now time.Time, c *Counter, a CounterAction) (*change, error) {
	ch := f.begin(now, a.By)
	if c.State == Open && c.Staff == a.By.Name {
		return ch, nil
	}
	if c.State != Closed && c.Staff != a.By.Name && !a.TakeOver {
		return nil, Errorf(ECONFLICT, "Counter %s is in use by %s. Take it over to work here.", c.ID, c.Staff)
	}
	if c.State == Closed {
		c.Streak = 0
	}
	c.State, c.Staff, c.Since, c.PauseAlerted = Open, a.By.Name, now, false
	ch.event(Event{Type: CounterOpened, Counter: c})
	return ch, nil
}

func (f *Floor) pauseCounter(now time.Time, c *Counter, a CounterAction) (*change, error) {
	ch := f.begin(now, a.By)
	if c.State == Closed {
		return nil, Errorf(ECONFLICT, "Counter %s is closed; there is nothing to pause.", c.ID)
	}
	if err := f.mayControl(c, a.By); err != nil {
		return nil, err
	}
	if c.State == Paused {
		return ch, nil
	}
	c.State, c.Since, c.PauseAlerted = Paused, now, false
	ch.event(Event{Type: CounterPaused, Counter: c})
	return ch, nil
}

func (f *Floor) closeCounter(now time.Time, c *Counter, a CounterAction) (*change, error) {
	ch := f.begin(now, a.By)
	if c.State == Closed {
		return ch, nil
	}
	if err := f.mayControl(c, a.By); err != nil {
		return nil, err
	}
	if c.Ticket != nil {
		return nil, Errorf(ECONFLICT, "Finish or transfer ticket %s before closing counter %s.", c.Ticket.Number, c.ID)
	}
	c.State, c.Staff, c.Since, c.PauseAlerted = Closed, "", now, false
	ch.event(Event{Type: CounterClosed, Counter: c})
	f.releaseTargets(ch, c.ID)
	return ch, nil
}

// mayControl allows the user who opened a counter, and any manager, to pause
// or close it.
func (f *Floor) mayControl(c *Counter, by Actor) error {
	if c.Staff != by.Name && by.Role != RoleManager {
		return Errorf(ECONFLICT, "Counter %s is in use by %s.", c.ID, c.Staff)
	}
	return nil
}

// atCounter checks that by works at c now.
func (f *Floor) atCounter(c *Counter, by Actor) error {
	if c.State == Closed {
		return Errorf(ECONFLICT, "Counter %s is closed. Open it first.", c.ID)
	}
	if c.Staff != by.Name {
		return Errorf(ECONFLICT, "Counter %s is in use by %s. Take it over to work here.", c.ID, c.Staff)
	}
	return nil
}

// checkExpect refuses a stale action: one that names a current ticket the
// counter no longer has, or, with 0, expects none while it has one.
func checkExpect(c *Counter, expect *uint64) error {
	if expect == nil || c.Ticket != nil && c.Ticket.ID == *expect || c.Ticket == nil && *expect == 0 {
		return nil
	}
	if c.Ticket == nil {
		return Errorf(ECONFLICT, "Counter %s has no ticket now; refresh the screen and try again.", c.ID)
	}
	return Errorf(ECONFLICT, "Counter %s is now at ticket %s; refresh the screen and try again.", c.ID, c.Ticket.Number)
}

// callTicket is next and call: finish the counter's current ticket, then
// call the next by the rule, or the one named.
func (f *Floor) callTicket(now time.Time, c *Counter, a CounterAction) (*change, error) {
	if err := f.atCounter(c, a.By); err != nil {
		return nil, err
	}
	if c.State == Paused {
		return nil, Errorf(ECONFLICT, "Counter %s is paused. Resume it to call customers.", c.ID)
	}
	if err := checkExpect(c, a.Expect); err != nil {
		return nil, err
	}
	var named *Ticket
	if a.Op == OpCall {
		var err error
		if named, err = f.findCallable(now, c, a.Number); err != nil {
			return nil, err
		}
		if err := (Text{EN: a.Reason}).validate("reason", 200, false); err != nil {
			return nil, err
		}
	}
	ch := f.begin(now, a.By)
	if c.Ticket != nil {
		f.finish(ch, c, Done, TicketDone)
	}
	if named != nil {
		f.call(ch, c, named, ByNumber, strings.TrimSpace(a.Reason))
		return ch, nil
	}
	t, streak, mode := f.pick(c)
	if t == nil {
		ch.out.Ticket = nil // nobody was called, though a current ticket may have been finished
		ch.touchCounter(c)
		return ch, nil
	}
	c.Streak = streak
	f.call(ch, c, t, mode, "")
	return ch, nil
}

// findCallable finds the ticket a call by number names: one waiting, or a
// no-show within the recall tolerance.
func (f *Floor) findCallable(now time.Time, c *Counter, number string) (*Ticket, error) {
	number = CanonicalNumber(number)
	if number == "" {
		return nil, Errorf(EINVALID, "Say which ticket to call, for example A023.")
	}
	for _, t := range f.open {
		if t.Number != number {
			continue
		}
		switch t.State {
		case Waiting:
			return t, nil
		case NoShow:
			if now.Sub(t.FinishedAt) <= time.Duration(f.settings.RecallToleranceS)*time.Second {
				return t, nil
			}
		case Called, Serving:
			if t == c.Ticket {
				return nil, Errorf(ECONFLICT, "Ticket %s is already at this counter; recall it instead.", number)
			}
			return nil, Errorf(ECONFLICT, "Ticket %s is already called to counter %s.", number, t.Counter)
		}
	}
	return nil, Errorf(EINVALID, "No ticket %s is waiting today, nor a recent no-show.", number)
}

// call calls t to counter c.
func (f *Floor) call(ch *change, c *Counter, t *Ticket, mode CallMode, reason string) {
	if t.State == Waiting {
		f.dequeue(t)
	}
	delete(f.noShows, t.ID)
	t.State = Called
	t.CalledAt, t.ServedAt, t.FinishedAt = ch.now, time.Time{}, time.Time{}
	t.Counter, t.Staff, t.Target, t.Recalls = c.ID, ch.by, "", 0
	c.Ticket = t
	call := f.announce(ch.now, c, t, false)
	ch.event(Event{Type: TicketCalled, Ticket: t, Counter: c, Call: &call, Mode: mode, Reason: reason})
	ch.result(t)
}

// announce adds a call to the recent calls.
func (f *Floor) announce(now time.Time, c *Counter, t *Ticket, recall bool) Call {
	call := Call{Ticket: t.ID, Number: t.Number, Service: t.Service, Counter: c.ID, CounterName: c.Name, At: now, Recall: recall}
	f.calls = append([]Call{call}, f.calls...)
	if len(f.calls) > maxCalls {
		f.calls = f.calls[:maxCalls]
	}
	return call
}

// finish ends the counter's current ticket as done or no_show, and records
// how long it held the counter.
func (f *Floor) finish(ch *change, c *Counter, to State, ev EventType) {
	t := c.Ticket
	t.State = to
	t.FinishedAt = ch.now
	f.recordServiceTime(t.Service, ch.now.Sub(t.CalledAt))
	if to == Done {
		c.Served++
		c.ServiceS += seconds(ch.now.Sub(t.CalledAt))
	}
	if to == NoShow {
		f.noShows[t.ID] = t
	} else {
		f.forget(t)
	}
	c.Ticket = nil
	c.Last = t.clone()
	ch.event(Event{Type: ev, Ticket: t, Counter: c})
	ch.result(t)
}

func (f *Floor) recordServiceTime(service string, d time.Duration) {
	s := append(f.times[service], seconds(d))
	if len(s) > maxSamples {
		s = s[len(s)-maxSamples:]
	}
	f.times[service] = s
}

// actOnCurrent is recall, start, done, noshow and transfer: actions on the
// counter's current ticket.
func (f *Floor) actOnCurrent(now time.Time, c *Counter, a CounterAction) (*change, error) {
	if err := f.atCounter(c, a.By); err != nil {
		return nil, err
	}
	ch := f.begin(now, a.By)
	t := c.Ticket
	if t == nil {
		// Repeating a done or a no-show that is already in effect is fine.
		last := c.Last
		if last != nil && (a.Op == OpDone && last.State == Done || a.Op == OpNoShow && last.State == NoShow) &&
			(a.Expect == nil || *a.Expect == last.ID) {
			ch.out.Ticket = f.Decorate(last.clone())
			return ch, nil
		}
		return nil, Errorf(ECONFLICT, "Counter %s has no ticket called now.", c.ID)
	}
	if err := checkExpect(c, a.Expect); err != nil {
		return nil, err
	}
	switch a.Op {
	case OpRecall:
		if _, err := Move(t.State, ActRecall); err != nil {
			return nil, err
		}
		if t.Recalls >= f.settings.RecallLimit {
			return nil, Errorf(ECONFLICT, "Ticket %s has been recalled %d times, the limit. Mark it as a no-show, or serve it.", t.Number, t.Recalls)
		}
		t.Recalls++
		call := f.announce(now, c, t, true)
		ch.event(Event{Type: TicketRecalled, Ticket: t, Counter: c, Call: &call, Mode: ByRecall})
		ch.result(t)
	case OpStart:
		if t.State == Serving {
			ch.result(t)
			return ch, nil
		}
		to, err := Move(t.State, ActStart)
		if err != nil {
			return nil, err
		}
		t.State, t.ServedAt = to, now
		ch.event(Event{Type: TicketStarted, Ticket: t, Counter: c})
		ch.result(t)
	case OpDone:
		f.finish(ch, c, Done, TicketDone)
	case OpNoShow:
		to, err := Move(t.State, ActNoShow)
		if err != nil {
			return nil, err
		}
		f.finish(ch, c, to, TicketNoShow)
	case OpTransfer:
		return ch, f.transfer(ch, c, a)
	}
	return ch, nil
}

// transfer puts the counter's ticket back in a queue: another service's, or
// one counter's. It keeps its number and key.
func (f *Floor) transfer(ch *change, c *Counter, a CounterAction) error {
	t := c.Ticket
	if (a.ToService == "") == (a.ToCounter == "") {
		return Errorf(EINVALID, "Transfer to a service or to a counter: name one of them.")
	}
	if a.ToService != "" && f.service(a.ToService) == nil {
		return WithField(f.noService(EINVALID, a.ToService), "service")
	}
	if a.ToCounter != "" {
		to := f.counter(a.ToCounter)
		if to == nil {
			return WithField(f.noCounter(EINVALID, a.ToCounter), "counter")
		}
		if to.State == Closed {
			// No other counter takes a ticket sent to one, and closing it
			// again would release nothing: the customer would be stranded.
			return Errorf(ECONFLICT, "Counter %s is closed, so no one would call this customer there. Transfer to an open counter, or to a service.", to.ID)
		}
	}
	if _, err := Move(t.State, ActTransfer); err != nil {
		return err
	}
	f.recordServiceTime(t.Service, ch.now.Sub(t.CalledAt))
	from := t.Service
	if a.ToService != "" {
		t.Service, t.Target = a.ToService, ""
	} else {
		t.Target = a.ToCounter
	}
	t.State, t.Leg, t.LegAt = Waiting, t.Leg+1, ch.now
	t.CalledAt, t.ServedAt = time.Time{}, time.Time{}
	t.Counter, t.Staff, t.Recalls, t.WaitAlerted = "", "", 0, false
	f.enqueue(t)
	c.Ticket = nil
	c.Last = t.clone()
	ch.event(Event{Type: TicketTransferred, Ticket: t, Counter: c, From: from})
	ch.result(t)
	return nil
}

// CanonicalNumber writes a ticket number as tickets show it: "a23" and
// "A0023" are A023. Anything else is returned as typed, in capitals.
func CanonicalNumber(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	digits := strings.TrimLeft(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	n, err := strconv.Atoi(digits)
	if err != nil || digits == "" || digits == s || n < 1 {
		return s
	}
	return Numbered(s[:len(s)-len(digits)], n)
}
