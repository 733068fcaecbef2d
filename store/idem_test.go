package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

// An idempotency key replays its first ticket across a restart, whether
// its record is kept by time (as now) or by key (as files written before);
// after its 25 hours it is forgotten, in the file and in the index.
func TestStore_IdempotencyKeptByTime(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, clk)
	first := issue(t, s, hallq.IssueRequest{Service: "A", IdempotencyKey: "k-new"})
	old := issue(t, s, hallq.IssueRequest{Service: "A", IdempotencyKey: "k-old"})
	s.Close()

	// Move k-old's record where an older file kept it: by key in idem,
	// with nothing beside its time in idem_by_time.
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		byTime, byKey := tx.Bucket([]byte("idem_by_time")), tx.Bucket([]byte("idem"))
		var moved int
		c := byTime.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if string(k[8:]) == "POST /api/v1/tickets\x00k-old" {
				if err := byKey.Put(k[8:], append([]byte(nil), v...)); err != nil {
					return err
				}
				if err := byTime.Put(append([]byte(nil), k...), nil); err != nil {
					return err
				}
				moved++
			}
		}
		if moved != 1 {
			t.Fatalf("found k-old's record %d times in idem_by_time", moved)
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = mustOpenPath(t, path, clk)
	for _, c := range []struct {
		key  string
		want *hallq.Ticket
	}{{"k-new", first}, {"k-old", old}} {
		got, replayed, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "B", IdempotencyKey: c.key})
		if err != nil || !replayed || got.ID != c.want.ID {
			t.Errorf("%s after a restart: %+v, replayed %v, %v; want %s again", c.key, got, replayed, err, c.want.Number)
		}
	}

	clk.Add(26 * time.Hour)
	for _, key := range []string{"k-new", "k-old"} {
		got, replayed, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "B", IdempotencyKey: key})
		if err != nil || replayed || got.Service != "B" {
			t.Errorf("%s 26 hours on: %+v, replayed %v, %v; want a new ticket", key, got, replayed, err)
		}
	}
}
