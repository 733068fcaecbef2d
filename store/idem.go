package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

// idemTTL is how long an idempotency key is kept: the API promises 24 hours.
const idemTTL = 25 * time.Hour

// sweepEvery is how often expired keys and sessions are removed.
const sweepEvery = time.Hour

func idemKey(scope, key string) []byte {
	return []byte(scope + "\x00" + key)
}

// getIdem returns the first result recorded for key in scope, or nil.
func getIdem(tx *bbolt.Tx, scope, key string) (*idemRecord, error) {
	if key == "" {
		return nil, nil
	}
	v := tx.Bucket(bucketIdem).Get(idemKey(scope, key))
	if v == nil {
		return nil, nil
	}
	var r idemRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading an idempotency record: %w", err)
	}
	return &r, nil
}

// putIdem records the first result for key in scope.
func putIdem(tx *bbolt.Tx, scope, key string, r idemRecord) error {
	if key == "" {
		return nil
	}
	k := idemKey(scope, key)
	if err := tx.Bucket(bucketIdem).Put(k, marshal(r)); err != nil {
		return err
	}
	return tx.Bucket(bucketIdemTime).Put(append(itob(uint64(r.At)), k...), nil)
}

// maintain removes idempotency keys past their time and expired sessions,
// once every sweepEvery. It reports whether it removed anything.
func (s *Store) maintain(tx *bbolt.Tx, now time.Time) (bool, error) {
	if now.Sub(s.lastSweep) < sweepEvery {
		return false, nil
	}
	s.lastSweep = now
	var stale [][]byte // bbolt cursors skip entries when deleting as they go
	c := tx.Bucket(bucketIdemTime).Cursor()
	cutoff := itob(uint64(now.Add(-idemTTL).UnixNano()))
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.Next() {
		stale = append(stale, append([]byte(nil), k...))
	}
	for _, k := range stale {
		if err := tx.Bucket(bucketIdem).Delete(k[8:]); err != nil {
			return false, err
		}
		if err := tx.Bucket(bucketIdemTime).Delete(k); err != nil {
			return false, err
		}
	}
	var expired [][]byte
	err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var r sessionRecord
		if json.Unmarshal(v, &r) != nil || r.Expires < now.UnixNano() {
			expired = append(expired, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, k := range expired {
		if err := tx.Bucket(bucketSessions).Delete(k); err != nil {
			return false, err
		}
	}
	removed := len(stale) > 0 || len(expired) > 0
	return removed, nil
}

// replayTicket returns the ticket of a recorded first result.
func (s *Store) replayTicket(r *idemRecord) *hallq.Ticket {
	if r.Ticket == nil {
		return nil
	}
	return s.floor.Decorate(r.Ticket.ticket())
}
