package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.etcd.io/bbolt"

	"hallq"
)

// BenchmarkLifecycleBytes measures what a ticket's whole life (issue, call,
// start, done, a rating at the pad) leaves in the file: the bytes of every
// bucket's pages, per ticket, beside what the idempotency records (kept 25
// hours) take.
func BenchmarkLifecycleBytes(b *testing.B) {
	path := filepath.Join(benchDir(b), "hallq.db")
	s, err := Open(Options{Path: path, TimeZone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	by := hallq.Actor{Name: "clerk01", Role: hallq.RoleStaff}
	counters := []string{"1", "2", "3"}
	for _, c := range counters {
		if _, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpOpen, Counter: c, By: by}, ""); err != nil {
			b.Fatal(err)
		}
	}
	before := bucketBytes(b, s.db)
	n := max(b.N, 300)
	var wg sync.WaitGroup
	for w, c := range counters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += len(counters) {
				key := fmt.Sprintf("t%d", i)
				if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", IdempotencyKey: key}); err != nil {
					b.Error(err)
					return
				}
				var t *hallq.Ticket
				for _, op := range []hallq.CounterOp{hallq.OpNext, hallq.OpStart, hallq.OpDone} {
					r, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: op, Counter: c, By: by}, key+string(op))
					if err != nil {
						b.Error(err)
						return
					}
					t = r.Ticket
				}
				if _, err := s.RateTicket(ctx, c, t.ID, 5); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	after := bucketBytes(b, s.db)
	var kept, idem int64
	for name, size := range after {
		d := size - before[name]
		if name == string(bucketIdem) || name == string(bucketIdemTime) {
			idem += d
		} else {
			kept += d
		}
		if os.Getenv("HALLQ_BUCKETS") != "" {
			fmt.Printf("%-14s %7.0f B/ticket\n", name, float64(d)/float64(n))
		}
	}
	b.ReportMetric(float64(kept)/float64(n), "B/ticket")
	b.ReportMetric(float64(idem)/float64(n), "idem-B/ticket")
}

// bucketBytes returns the bytes of pages each bucket holds.
func bucketBytes(b *testing.B, db *bbolt.DB) map[string]int64 {
	out := map[string]int64{}
	err := db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bbolt.Bucket) error {
			st := bk.Stats()
			out[string(name)] = int64(st.BranchAlloc + st.LeafAlloc)
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
