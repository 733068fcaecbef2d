package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.StaffingService = (*Store)(nil)

// FindStaffing returns the staffing advice of each service, or of the one
// q names, from the tickets issued over the last hour, the recent service
// times and the counters open, or from the numbers q gives in their place.
func (s *Store) FindStaffing(ctx context.Context, q hallq.StaffingQuery) ([]hallq.Staffing, error) {
	arrivals, err := s.arrivalsSince(s.now().Add(-time.Hour))
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.floor.Staffing(arrivals, q)
}

// arrivalRecord is the part of a ticketRecord that counting arrivals reads.
type arrivalRecord struct {
	Service  string `json:"svc"`
	IssuedAt int64  `json:"iss"`
}

// arrivalsSince counts the tickets issued after since, per service. Ticket
// ids increase in issue order and issue times never go backwards, so it
// reads from the newest ticket back and stops at the first issued at or
// before since. A ticket counts for the service it is in now: one
// transferred from another counts where it went.
func (s *Store) arrivalsSince(since time.Time) (map[string]int, error) {
	cutoff := nanos(since)
	arrivals := map[string]int{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketTickets).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r arrivalRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading ticket %d: %w", btoi(k), err)
			}
			if r.IssuedAt <= cutoff {
				break
			}
			arrivals[r.Service]++
		}
		return nil
	})
	return arrivals, err
}
