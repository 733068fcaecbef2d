package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
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

// idemIndex finds each idempotency key's record. The records are kept in
// idem_by_time, by the time they were made and then the key, so that they
// are appended: a commit of many tickets writes a few full pages, where
// records kept by their random keys dirtied a page each. The index, from a
// hash of scope 0 key to that time, is built at open and kept by the writer
// alone. A hash holds no pointer, so the collector does not look through
// the index, however many keys a busy day keeps (about 40 bytes each while
// they last, idemTTL). The record's own key is the whole key: two keys whose
// hashes met (one in 2^64 for a year of keys) would find no record rather
// than the wrong one. After a failed commit the index may name records the
// file does not have, which getIdem finds missing, or miss keys the sweep
// removed, which were past their time anyway.
type idemIndex struct {
	seeds [2]maphash.Seed
	at    map[idemHash]uint64 // the time of the key's record
}

// idemHash is 128 bits of a scope 0 key.
type idemHash [2]uint64

func newIdemIndex() idemIndex {
	return idemIndex{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, at: map[idemHash]uint64{}}
}

func (x idemIndex) hash(k []byte) idemHash {
	return idemHash{maphash.Bytes(x.seeds[0], k), maphash.Bytes(x.seeds[1], k)}
}

// loadIdem builds the index from the file.
func (s *Store) loadIdem() error {
	idem := newIdemIndex()
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketIdemTime).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) > 8 {
				idem.at[idem.hash(k[8:])] = binary.BigEndian.Uint64(k[:8])
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the idempotency keys: %w", err)
	}
	s.idem = idem
	return nil
}

// getIdem returns the first result recorded for key in scope, or nil.
func (s *Store) getIdem(tx *bbolt.Tx, scope, key string) (*idemRecord, error) {
	if key == "" {
		return nil, nil
	}
	k := idemKey(scope, key)
	at, ok := s.idem.at[s.idem.hash(k)]
	if !ok {
		return nil, nil
	}
	v := tx.Bucket(bucketIdemTime).Get(append(itob(at), k...))
	if len(v) == 0 {
		// Recorded before records moved to idem_by_time: in idem, by key.
		v = tx.Bucket(bucketIdem).Get(k)
	}
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
func (s *Store) putIdem(tx *bbolt.Tx, scope, key string, r idemRecord) error {
	if key == "" {
		return nil
	}
	k := idemKey(scope, key)
	b := tx.Bucket(bucketIdemTime)
	b.FillPercent = 1.0 // appended in time order
	if err := b.Put(append(itob(uint64(r.At)), k...), encodeJSON(&r)); err != nil {
		return err
	}
	s.idem.at[s.idem.hash(k)] = uint64(r.At)
	return nil
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
		if h := s.idem.hash(k[8:]); s.idem.at[h] == binary.BigEndian.Uint64(k[:8]) {
			delete(s.idem.at, h)
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
