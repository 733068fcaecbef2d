package hallq

import "time"

// Where a rating came from.
const (
	RatedAtPad   = "pad"   // the pad facing the customer at the counter
	RatedByPhone = "phone" // the phone page of the ticket
)

// RateWindow is how long after a ticket is finished its customer may rate
// the visit on the counter's pad.
const RateWindow = 2 * time.Minute

// PhoneRateWindow is how long after a ticket is finished its customer may
// rate the visit on the phone page, in halls without pads.
const PhoneRateWindow = 10 * time.Minute

func validScore(score int) error {
	if score < 1 || score > 5 {
		return Errorf(EINVALID, "A rating is a score from 1 to 5.")
	}
	return nil
}

// Rate records the customer's rating, 1 to 5, of the ticket just finished at
// a counter, from its pad: only that ticket, only once whichever way it
// comes, only within RateWindow.
func (f *Floor) Rate(now time.Time, counterID string, ticketID uint64, score int) (*Change, error) {
	now = f.HallTime(now)
	c := f.counter(counterID)
	if c == nil {
		return nil, f.noCounter(ENOTFOUND, counterID)
	}
	if err := validScore(score); err != nil {
		return nil, err
	}
	last := c.Last
	switch {
	case last == nil || last.ID != ticketID || last.State != Done:
		return nil, Errorf(ECONFLICT, "Only the visit just finished at this counter can be rated.")
	case last.Rating != 0:
		return nil, errRatedAlready
	case now.Sub(last.FinishedAt) > RateWindow:
		return nil, Errorf(ECONFLICT, "The time to rate this visit has passed.")
	}
	ch := f.begin(now, Actor{})
	last.Rating, last.RatingSource, last.RatedAt = score, RatedAtPad, now
	ch.event(Event{Type: TicketRated, Ticket: last, Counter: c})
	ch.result(last)
	return ch.done(), nil
}

var errRatedAlready = Errorf(ECONFLICT, "This visit has already been rated. Thank you!")

// RateVisit records the rating, 1 to 5, that the customer of ticket t (a
// finished ticket, as stored) gives on its phone page: only a done visit,
// only once whichever way it comes, within PhoneRateWindow. A counter whose
// last visit it is learns of it, so that its pad does not ask again.
func (f *Floor) RateVisit(now time.Time, t *Ticket, score int) (*Change, error) {
	now = f.HallTime(now)
	if err := validScore(score); err != nil {
		return nil, err
	}
	switch {
	case t.State != Done:
		return nil, Errorf(ECONFLICT, "Ticket %s is %s; a visit is rated once it is done.", t.Number, t.State)
	case t.Rating != 0:
		return nil, errRatedAlready
	case now.Sub(t.FinishedAt) > PhoneRateWindow:
		return nil, Errorf(ECONFLICT, "The time to rate this visit has passed.")
	}
	for _, c := range f.counters {
		if c.Last != nil && c.Last.ID == t.ID && c.Last.Rating != 0 {
			return nil, errRatedAlready
		}
	}
	ch := f.begin(now, Actor{})
	t = t.clone()
	t.Rating, t.RatingSource, t.RatedAt = score, RatedByPhone, now
	ev := Event{Type: TicketRated, Ticket: t}
	for _, c := range f.counters {
		if c.Last != nil && c.Last.ID == t.ID {
			c.Last = t.clone()
			ev.Counter = c
		}
	}
	ch.event(ev)
	ch.result(t)
	return ch.done(), nil
}
