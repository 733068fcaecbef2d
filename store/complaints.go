package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.ComplaintService = (*Store)(nil)

// RateByPhone records the score the customer of the ticket with token gives
// on its phone page.
func (s *Store) RateByPhone(ctx context.Context, token string, score int) (*hallq.Ticket, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		t, err := findTicket(tx, token)
		if err != nil {
			return nil, nil, err
		}
		ch, err := s.floor.RateVisit(now, t, score)
		if err != nil {
			return nil, nil, err
		}
		return ch, s.floor.Decorate(ch.Ticket), nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Ticket), nil
}

// Complain records a complaint from source about the ticket ref names, or
// about no ticket. From a pad (ComplaintByRating) it must follow a rating
// of 1 or 2 of that ticket at the pad's counter, within RateWindow.
func (s *Store) Complain(ctx context.Context, by hallq.Actor, source string, ref hallq.TicketRef, n hallq.NewComplaint) (*hallq.Complaint, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		t, err := s.refTicket(tx, ref)
		if err != nil {
			return nil, nil, err
		}
		if source == hallq.ComplaintByRating {
			if err := lowRatingAt(t, ref.Counter, s.floor.HallTime(now)); err != nil {
				return nil, nil, err
			}
		}
		b := tx.Bucket(bucketComplain)
		id := b.Sequence() + 1
		ch, c, err := s.floor.Complain(now, by, source, n, id, t)
		if err != nil {
			return nil, nil, err
		}
		if _, err := b.NextSequence(); err != nil {
			return nil, nil, err
		}
		if err := b.Put(itob(c.ID), marshal(encodeComplaint(c, s.floor.Day()))); err != nil {
			return nil, nil, err
		}
		return ch, c, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Complaint), nil
}

// lowRatingAt checks that t was rated 1 or 2 at counter's pad within
// RateWindow of now: a pad opens a complaint only after a low rating.
func lowRatingAt(t *hallq.Ticket, counter string, now time.Time) error {
	if t == nil || t.Counter != counter || t.RatingSource != hallq.RatedAtPad || t.Rating < 1 || t.Rating > 2 ||
		now.Sub(t.RatedAt) > hallq.RateWindow {
		return hallq.Errorf(hallq.ECONFLICT, "A pad passes on a complaint only just after a low rating of that visit.")
	}
	return nil
}

// refTicket returns the ticket ref names, as it is now, or nil for none.
func (s *Store) refTicket(tx *bbolt.Tx, ref hallq.TicketRef) (*hallq.Ticket, error) {
	switch {
	case ref.Token != "":
		return findTicket(tx, ref.Token)
	case ref.ID != 0:
		if t, ok := s.floor.OpenTicket(ref.ID); ok {
			return t, nil
		}
		return getTicket(tx.Bucket(bucketTickets), ref.ID)
	case ref.Number != "":
		return s.ticketByNumber(tx, ref.Number)
	}
	return nil, nil
}

// ticketByNumber finds today's ticket with number, open or finished.
func (s *Store) ticketByNumber(tx *bbolt.Tx, number string) (*hallq.Ticket, error) {
	if t, ok := s.floor.OpenTicketByNumber(number); ok {
		return t, nil
	}
	day, want := s.floor.Day(), hallq.CanonicalNumber(number)
	// Today's tickets were issued after today's day.started event; their
	// ids are the largest, so read back from the newest.
	c := tx.Bucket(bucketTickets).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var r ticketRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("reading ticket %d: %w", btoi(k), err)
		}
		if r.Day != day {
			break
		}
		if r.Number == want {
			return r.ticket(), nil
		}
	}
	return nil, notToday(number)
}

func notToday(number string) error {
	return hallq.WithField(hallq.Errorf(hallq.EINVALID, "No ticket %s was issued today.", number), "ticket")
}

// FindComplaints returns the complaints raised on hall days from to to
// (YYYY-MM-DD, inclusive), in the given state ("" for any), newest first.
func (s *Store) FindComplaints(ctx context.Context, from, to, state string) ([]*hallq.Complaint, error) {
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	out := []*hallq.Complaint{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketComplain).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r complaintRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading complaint %d: %w", btoi(k), err)
			}
			if r.Day < from {
				break
			}
			if r.Day <= to && (state == "" || r.State == state) {
				out = append(out, r.complaint())
			}
		}
		return nil
	})
	return out, err
}
