package store

import (
	"context"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.CounterService = (*Store)(nil)

// FindCounters returns every counter with its current ticket.
func (s *Store) FindCounters(ctx context.Context) ([]*hallq.Counter, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.floor.Counters(), nil
}

// FindCounter returns counter id with its current ticket.
func (s *Store) FindCounter(ctx context.Context, id string) (*hallq.Counter, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.floor.Counter(id)
}

// ActAtCounter carries out a staff action at a counter once it is durable.
// A retry with the same idempotency key returns the first result.
func (s *Store) ActAtCounter(ctx context.Context, a hallq.CounterAction, key string) (*hallq.ActResult, error) {
	scope := "POST /api/v1/counters/" + a.Counter + "/" + string(a.Op)
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		first, err := s.getIdem(tx, scope, key)
		if err != nil {
			return nil, nil, err
		}
		if first != nil {
			r := &hallq.ActResult{Ticket: s.replayTicket(first), Replayed: true}
			if first.Counter != nil {
				c := first.Counter.counter()
				c.Ticket = nil
				if first.CounterTicket != nil {
					c.Ticket = s.floor.Decorate(first.CounterTicket.ticket())
				}
				r.Counter = &c
			}
			return nil, r, nil
		}
		ch, err := s.floor.Act(now, a)
		if err != nil {
			return nil, nil, err
		}
		rec := idemRecord{At: now.UnixNano()}
		if ch.Ticket != nil {
			t := encodeTicket(ch.Ticket)
			rec.Ticket = &t
		}
		c := encodeCounter(ch.Counter)
		rec.Counter = &c
		if ch.Counter.Ticket != nil {
			t := encodeTicket(ch.Counter.Ticket)
			rec.CounterTicket = &t
		}
		if err := s.putIdem(tx, scope, key, rec); err != nil {
			return nil, nil, err
		}
		return ch, &hallq.ActResult{Ticket: ch.Ticket, Counter: ch.Counter}, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.ActResult), nil
}
