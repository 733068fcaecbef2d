package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
	"hallq/internal/loadtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if history.path != "" {
		os.RemoveAll(filepath.Dir(history.path))
	}
	os.Exit(code)
}

// benchDir is where benchmark databases live: $HALLQ_BENCH_DIR (make bench
// points it at the project's own disk), else a temporary directory.
func benchDir(b *testing.B) string {
	b.Helper()
	root := os.Getenv("HALLQ_BENCH_DIR")
	if root == "" {
		return b.TempDir()
	}
	dir, err := os.MkdirTemp(root, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// BenchmarkIssue measures durable ticket issue: every ticket is on disk
// before IssueTicket returns. It reports throughput and latency percentiles
// for one client (a lone kiosk) and for 64 at once.
func BenchmarkIssue(b *testing.B) {
	for _, clients := range []int{1, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s, err := Open(Options{Path: filepath.Join(benchDir(b), "hallq.db"), TimeZone: "UTC"})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			services := []string{"A", "B", "C"}
			loadtest.Run(b, clients, "tickets/s", func(i int) error {
				_, _, err := s.IssueTicket(context.Background(), hallq.IssueRequest{Service: services[i%3]})
				return err
			})
		})
	}
}

// BenchmarkFsync measures the disk itself: one 4 KiB write and fdatasync,
// what a commit cannot be faster than.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(benchDir(b), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	latency := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := f.WriteAt(page, int64(i%256)*4096); err != nil {
			b.Fatal(err)
		}
		if err := fdatasync(f); err != nil {
			b.Fatal(err)
		}
		latency[i] = time.Since(t0)
	}
	b.StopTimer()
	loadtest.ReportLatency(b, latency)
}

// BenchmarkOpen measures start-up with a million tickets of history: the
// store reads only the open work, so it is serving in well under 250 ms.
func BenchmarkOpen(b *testing.B) {
	const history, open = 1_000_000, 200
	path := historyFile(b, history, open)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(Options{Path: path, TimeZone: "UTC"})
		if err != nil {
			b.Fatal(err)
		}
		if q, _ := s.FindQueue(context.Background()); len(q[0].Tickets) != open {
			b.Fatalf("%d tickets waiting after start-up, want %d", len(q[0].Tickets), open)
		}
		s.Close()
	}
}

// history is the file BenchmarkOpen starts from, made once per run (the
// benchmark function runs several times while it finds its b.N) and removed
// by TestMain.
var history struct {
	once sync.Once
	path string
	err  error
}

func historyFile(b *testing.B, n, open int) string {
	history.once.Do(func() {
		dir, err := os.MkdirTemp(os.Getenv("HALLQ_BENCH_DIR"), "history")
		if err != nil {
			history.err = err
			return
		}
		history.path = filepath.Join(dir, "history.db")
		s, err := Open(Options{Path: history.path, TimeZone: "UTC"})
		if err != nil {
			history.err = err
			return
		}
		s.Close()
		history.err = fillHistory(history.path, n, open)
	})
	if history.err != nil {
		b.Fatal(history.err)
	}
	return history.path
}

// fillHistory writes n tickets of past days, each with its events, and
// leaves the last open of them waiting today.
func fillHistory(path string, n, open int) error {
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	const perTx = 50_000
	for first := 1; first <= n; first += perTx {
		err := db.Update(func(tx *bbolt.Tx) error {
			for id := first; id < first+perTx && id <= n; id++ {
				issued := now.Add(-time.Duration(n-id) * 10 * time.Second)
				t := ticketRecord{ID: uint64(id), Token: hallq.TicketToken(uint64(id), [16]byte{}), Number: hallq.Numbered("A", id%500+1),
					Service: "A", Tier: "regular", Key: issued.UnixNano(), Day: issued.Format("2006-01-02"), Lang: "en",
					State: string(hallq.Done), IssuedAt: issued.UnixNano(), LegAt: issued.UnixNano(), Leg: 1,
					CalledAt: issued.Add(5 * time.Minute).UnixNano(), FinishedAt: issued.Add(9 * time.Minute).UnixNano(),
					Counter: "1", Staff: "clerk01", EtaAtIssue: 300}
				if id > n-open {
					t.State, t.CalledAt, t.FinishedAt, t.Counter, t.Staff = string(hallq.Waiting), 0, 0, "", ""
					t.Day = now.UTC().Format("2006-01-02")
					if err := tx.Bucket(bucketOpen).Put(itob(t.ID), nil); err != nil {
						return err
					}
				}
				if err := tx.Bucket(bucketTickets).Put(itob(t.ID), marshal(t)); err != nil {
					return err
				}
				for i, typ := range []hallq.EventType{hallq.TicketIssued, hallq.TicketCalled, hallq.TicketDone} {
					e := eventRecord{Type: string(typ), At: issued.UnixNano(), Ticket: &t}
					if err := tx.Bucket(bucketEvents).Put(itob(uint64(id*3+i)), marshal(e)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return db.Update(func(tx *bbolt.Tx) error {
		var cur cursorRecord
		if err := json.Unmarshal(tx.Bucket(bucketMeta).Get(keyCursor), &cur); err != nil {
			return err
		}
		cur.LastID, cur.Day = uint64(n), now.UTC().Format("2006-01-02")
		return tx.Bucket(bucketMeta).Put(keyCursor, marshal(cur))
	})
}

// BenchmarkIssueQueued measures ticket issue with nobody waiting and with
// 3,000 waiting: the cost of an operation must not grow with the queue.
func BenchmarkIssueQueued(b *testing.B) {
	for _, waiting := range []int{0, 3000} {
		b.Run(fmt.Sprintf("waiting=%d", waiting), func(b *testing.B) {
			s, err := Open(Options{Path: filepath.Join(benchDir(b), "hallq.db"), TimeZone: "UTC"})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fill := make(chan struct{}, 64)
			var wg sync.WaitGroup
			for range waiting {
				wg.Add(1)
				fill <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-fill }()
					if _, _, err := s.IssueTicket(context.Background(), hallq.IssueRequest{Service: "B"}); err != nil {
						b.Error(err)
					}
				}()
			}
			wg.Wait()
			loadtest.Run(b, 1, "tickets/s", func(i int) error {
				_, _, err := s.IssueTicket(context.Background(), hallq.IssueRequest{Service: "A"})
				return err
			})
		})
	}
}
