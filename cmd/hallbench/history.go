package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"hallq"
	"hallq/store"
)

// historyCounters is how many counters call the history's tickets at once:
// the store's writer groups their commits.
const historyCounters = 64

// makeHistory writes n tickets of past hall days into a new database at
// path, through the store itself: each day, in turn, 64 kiosks issue a
// ticket each and 64 counters finish theirs and call the next, a second of
// the store's clock for each, until the day's tickets are served. The clock
// is moved day by day, so that the history ends yesterday.
func makeHistory(path string, n, perDay int, progress func(done int)) error {
	days := (n + perDay - 1) / perDay
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var clock atomic.Int64
	dayAt := func(d int) time.Time { return today.AddDate(0, 0, d-days-1).Add(8 * time.Hour) }
	clock.Store(dayAt(0).UnixNano())
	s, err := store.Open(store.Options{Path: path, TimeZone: "UTC",
		Now:    func() time.Time { return time.Unix(0, clock.Load()) },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	boss := hallq.Actor{Name: "admin", Role: hallq.RoleManager}
	ids := []string{"1", "2", "3", "4"}
	for i := 5; i <= historyCounters; i++ {
		id := strconv.Itoa(i)
		if _, err := s.CreateCounter(ctx, boss, hallq.NewCounter{ID: id, Name: hallq.Text{EN: "Counter " + id, ZH: id + "号窗口"},
			Services: []string{"A", "B", "C"}}); err != nil {
			return fmt.Errorf("creating counter %s: %w", id, err)
		}
		ids = append(ids, id)
	}
	current := make([]uint64, len(ids))
	act := func(i int, op hallq.CounterOp) (*hallq.ActResult, error) {
		expect := current[i]
		return s.ActAtCounter(ctx, hallq.CounterAction{Op: op, Counter: ids[i], By: boss, Expect: &expect, TakeOver: true}, "")
	}
	// kiosks issues up to one ticket at each of the 64 kiosks at once, until
	// the day's count is reached, and reports how many it issued.
	kiosks := func(next *atomic.Int64, today int) (int, error) {
		var wg sync.WaitGroup
		var made atomic.Int64
		errs := make([]error, len(ids))
		for w := range ids {
			wg.Go(func() {
				if i := next.Add(1); i <= int64(today) {
					clock.Add(int64(time.Second))
					if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: services[i%3]}); err != nil {
						errs[w] = err
						return
					}
					made.Add(1)
				}
			})
		}
		wg.Wait()
		return int(made.Load()), errors.Join(errs...)
	}
	// counters has each counter finish its ticket and call the next, at
	// once, and reports how many called one.
	counters := func(op hallq.CounterOp) (int, error) {
		var wg sync.WaitGroup
		var called atomic.Int64
		errs := make([]error, len(ids))
		for w := range ids {
			wg.Go(func() {
				clock.Add(int64(time.Second))
				res, err := act(w, op)
				if err != nil {
					errs[w] = fmt.Errorf("counter %s %s: %w", ids[w], op, err)
					return
				}
				current[w] = 0
				if t := res.Ticket; op == hallq.OpNext && t != nil {
					current[w] = t.ID
					called.Add(1)
				} else if res.Counter != nil && res.Counter.Ticket != nil {
					current[w] = res.Counter.Ticket.ID
				}
			})
		}
		wg.Wait()
		return int(called.Load()), errors.Join(errs...)
	}
	issued := 0
	for d := 0; d < days; d++ {
		clock.Store(dayAt(d).UnixNano())
		today := min(perDay, n-issued)
		if _, err := counters(hallq.OpOpen); err != nil {
			return fmt.Errorf("day %d: %w", d+1, err)
		}
		// As in a hall: customers come while the counters serve, so the
		// queue stays short and waits within their targets.
		var next atomic.Int64
		for left := today; ; {
			made, err := kiosks(&next, today)
			if err != nil {
				return fmt.Errorf("issuing day %d's tickets: %w", d+1, err)
			}
			left -= made
			called, err := counters(hallq.OpNext)
			if err != nil {
				return fmt.Errorf("day %d: %w", d+1, err)
			}
			if left == 0 && called == 0 {
				break
			}
		}
		issued += today
		if progress != nil && issued*10/n != (issued-today)*10/n {
			progress(issued)
		}
	}
	return s.Close()
}

// historyRows: a restart on a million tickets of history until the hub
// serves, and hot backups of it.
func (b *bench) historyRows() ([]row, error) {
	p := b.p
	if p.history == 0 {
		return nil, nil
	}
	restart := row{figure: fmt.Sprintf("restart with %s historical tickets until serving", thousands(float64(p.history))), target: "≤ 250 ms"}
	backup := row{figure: fmt.Sprintf("hot backup of %s tickets (to a file on the same disk, and to io.Discard)", thousands(float64(p.history))),
		target: "≤ 3 s, issue p99 during it ≤ 2 × without"}
	var h *hub
	var historyNote string
	if b.remote != nil {
		restart.measured, restart.notes = "n/a", "needs a hub started here: run without -url"
		h = b.remote
		historyNote = "the running hub's own database, not a million tickets"
	} else {
		path := filepath.Join(b.dir, "history.db")
		b.say("writing %s tickets of history through the store", thousands(float64(p.history)))
		t0 := time.Now()
		progress := func(done int) {
			b.say("  %s of %s tickets after %v", thousands(float64(done)), thousands(float64(p.history)), time.Since(t0).Round(time.Second))
		}
		if err := makeHistory(path, p.history, p.historyDay, progress); err != nil {
			return nil, fmt.Errorf("writing the history: %w", err)
		}
		made := time.Since(t0)
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		historyNote = fmt.Sprintf("history written in-process through store.Open, 64 kiosks and %d counters, %d tickets a day, in %v: %.0f MB",
			historyCounters, p.historyDay, made.Round(100*time.Millisecond), float64(st.Size())/1e6)
		b.say("restarting on it")
		v, err := b.rounds(func(r int) ([]float64, error) {
			if h != nil {
				b.done(h)
			}
			var serving time.Duration
			h, serving, err = startHub(b.binary, path)
			if err != nil {
				return nil, err
			}
			b.started = append(b.started, h)
			return []float64{ms64(serving)}, nil
		})
		if err != nil {
			return nil, err
		}
		defer b.done(h)
		restart.measured = msf(v[0])
		restart.ok = verdict(v[0] <= 250)
		restart.notes = fmt.Sprintf("%s; from the process's start to its first 200 of GET /api/v1/hall (asked every 1 ms); %s", b.roundsNote(), historyNote)
	}

	b.say("hot backups")
	// issuing runs one client issuing tickets until stop is closed, and
	// returns the latencies of those that began after from.
	issuing := func(key string, stop <-chan struct{}, from *atomic.Int64) ([]time.Duration, error) {
		var lat []time.Duration
		for i := 0; ; i++ {
			select {
			case <-stop:
				return lat, nil
			default:
			}
			t0 := time.Now()
			if err := h.issueFast(fmt.Sprintf("%s-%s-%d", b.runID, key, i), services[i%3]); err != nil {
				return nil, err
			}
			if t0.UnixNano() >= from.Load() {
				lat = append(lat, time.Since(t0))
			}
		}
	}
	during := func(key string, w func() (io.Writer, func() error, error)) (took, p99 time.Duration, size int64, err error) {
		stop := make(chan struct{})
		var from atomic.Int64
		from.Store(1 << 62)
		var lat []time.Duration
		var issueErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			lat, issueErr = issuing(key, stop, &from)
		}()
		time.Sleep(50 * time.Millisecond)
		out, finish, err := w()
		if err != nil {
			close(stop)
			<-done
			return 0, 0, 0, err
		}
		t0 := time.Now()
		from.Store(t0.UnixNano())
		size, err = h.backup(context.Background(), out)
		if err == nil {
			err = finish()
		}
		took = time.Since(t0)
		close(stop)
		<-done
		if err == nil {
			err = issueErr
		}
		return took, percentile(lat, 99), size, err
	}
	toDiscard := func() (io.Writer, func() error, error) { return io.Discard, func() error { return nil }, nil }
	toFile := func() (io.Writer, func() error, error) {
		path := filepath.Join(b.dir, "backup.db")
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, err
		}
		return f, func() error {
			defer os.Remove(path)
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}, nil
	}
	v, err := b.rounds(func(r int) ([]float64, error) {
		// Without a backup: the same client for as long as a backup takes.
		stop := make(chan struct{})
		var from atomic.Int64
		var base []time.Duration
		var baseErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			base, baseErr = issuing(fmt.Sprintf("base-%d", r), stop, &from)
		}()
		time.Sleep(max(p.single, 500*time.Millisecond))
		close(stop)
		<-done
		if baseErr != nil {
			return nil, baseErr
		}
		fileTook, fileP99, size, err := during(fmt.Sprintf("file-%d", r), toFile)
		if err != nil {
			return nil, err
		}
		discardTook, discardP99, _, err := during(fmt.Sprintf("discard-%d", r), toDiscard)
		if err != nil {
			return nil, err
		}
		baseP99 := percentile(base, 99)
		return []float64{fileTook.Seconds(), discardTook.Seconds(), ms64(baseP99), ms64(fileP99), ms64(discardP99),
			float64(fileP99) / float64(baseP99), float64(discardP99) / float64(baseP99), float64(size)}, nil
	})
	if err != nil {
		return nil, err
	}
	// Both copies' figures: the one to io.Discard is the hub's own cost
	// (reading and sending), the one to a file adds its writing to the
	// disk the hall's commits wait on.
	backup.measured = fmt.Sprintf("file %.2f s, io.Discard %.2f s; issue p99 %s (file), %s (io.Discard) vs %s: %.2f×, %.2f×",
		v[0], v[1], msf(v[3]), msf(v[4]), msf(v[2]), v[5], v[6])
	backup.ok = verdict(v[0] <= 3 && v[1] <= 3 && v[5] <= 2 && v[6] <= 2)
	backup.notes = fmt.Sprintf("%s; GET /api/v1/backup, %.0f MB, the file fsynced before the clock stops; one client issuing throughout", b.roundsNote(), v[7]/1e6)
	if b.remote != nil {
		backup.notes += "; " + historyNote
	}
	return []row{restart, backup}, nil
}
