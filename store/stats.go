package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

// maxReportDays bounds the hall days one statistics or report request
// reads.
const maxReportDays = 400

// event returns the event a record keeps, its ticket as the event left it
// (rebuilt by fold from what each event changed), its counter and complaint
// with only their ids.
func (r *eventRecord) event(seq uint64, fold *ticketFold) (hallq.Event, error) {
	e := hallq.Event{Seq: seq, Type: hallq.EventType(r.Type), At: fromNanos(r.At), Staff: r.Staff,
		Mode: hallq.CallMode(r.Mode), Reason: r.Reason, From: r.From, Subject: r.Subject}
	if r.Alert != nil {
		e.Alert = r.Alert.alert()
	}
	if r.Counter != "" {
		e.Counter = &hallq.Counter{ID: r.Counter}
	}
	switch {
	case r.Change != nil:
		t, err := fold.ticket(r.TicketID, r.Change)
		if err != nil {
			return e, err
		}
		e.Ticket = t
	case r.Ticket != nil: // written before events kept only their changes
		e.Ticket = r.Ticket.ticket()
		fold.views[r.Ticket.ID] = viewOf(r.Ticket)
	}
	if r.Call != nil {
		c := r.Call.call()
		e.Call = &c
	}
	if r.Complaint != 0 {
		e.Complaint = &hallq.Complaint{ID: r.Complaint}
	}
	return e, nil
}

// checkDays checks a range of hall days, YYYY-MM-DD, inclusive.
func checkDays(from, to string) error {
	f, err := time.Parse("2006-01-02", from)
	if err != nil {
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "from is a hall day, YYYY-MM-DD; %q is not.", from), "from")
	}
	t, err := time.Parse("2006-01-02", to)
	if err != nil {
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "to is a hall day, YYYY-MM-DD; %q is not.", to), "to")
	}
	switch days := int(t.Sub(f).Hours()/24) + 1; {
	case days < 1:
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "to (%s) is before from (%s).", to, from), "to")
	case days > maxReportDays:
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "A report covers at most %d hall days; this asks for %d.", maxReportDays, days), "to")
	}
	return nil
}

// eventsOf returns the events of hall days from to to, in commit order:
// from the day.started of from to the one after to.
func (s *Store) eventsOf(from, to string) ([]hallq.Event, error) {
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	var out []hallq.Event
	err := s.db.View(func(tx *bbolt.Tx) error {
		days := tx.Bucket(bucketDays).Cursor()
		k, v := days.Seek([]byte(from))
		var first uint64 = 1
		switch {
		case k != nil && string(k) <= to:
			first = btoi(v)
		case k == nil:
			if prev, _ := days.Last(); prev != nil {
				return nil // every day of the range is after the last one the hall had
			}
		default:
			if prev, _ := days.Prev(); prev != nil {
				return nil // the hall had no day in the range
			}
		}
		// A hall whose first day has no day.started (a file from before it
		// was recorded) starts at the first event.
		var end uint64 // the first seq after the range; 0: to the last event
		for ; k != nil; k, v = days.Next() {
			if string(k) > to {
				end = btoi(v)
				break
			}
		}
		fold := &ticketFold{tickets: tx.Bucket(bucketTickets), views: map[uint64]ticketView{}}
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(itob(first)); k != nil && (end == 0 || bytes.Compare(k, itob(end)) < 0); k, v = c.Next() {
			r, err := decodeEventRecord(v)
			if err != nil {
				return fmt.Errorf("reading event %d: %w", btoi(k), err)
			}
			e, err := r.event(btoi(k), fold)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// FindStats returns the statistics of hall days from to to.
func (s *Store) FindStats(ctx context.Context, from, to string) (*hallq.Stats, error) {
	events, err := s.eventsOf(from, to)
	if err != nil {
		return nil, err
	}
	targets := map[string]int{}
	var loc *time.Location
	s.read(func(f *hallq.Floor) {
		for _, sv := range f.Services(f.HallTime(s.now())) {
			targets[sv.ID] = sv.TargetWaitS
		}
		loc = f.Days().Location()
	})
	return hallq.ComputeStats(from, to, events, targets, loc), nil
}

// FindLegs returns the ticket legs of hall days from to to, for the
// tickets report.
func (s *Store) FindLegs(ctx context.Context, from, to string) ([]*hallq.Leg, error) {
	events, err := s.eventsOf(from, to)
	if err != nil {
		return nil, err
	}
	return hallq.Legs(events), nil
}
