package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
)

var services = []string{"A", "B", "C"}

// load runs do from clients goroutines at once until d has passed, and
// returns every call's latency and how long the load took.
func load(clients int, d time.Duration, do func(client, i int) error) ([]time.Duration, time.Duration, error) {
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var failed atomic.Bool
	var wg sync.WaitGroup
	began := time.Now()
	end := began.Add(d)
	for c := range clients {
		wg.Go(func() {
			for i := 0; time.Now().Before(end) && !failed.Load(); i++ {
				t0 := time.Now()
				if err := do(c, i); err != nil {
					errs[c] = err
					failed.Store(true)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	took := time.Since(began)
	var all []time.Duration
	for c := range clients {
		if errs[c] != nil {
			return nil, 0, errs[c]
		}
		all = append(all, lat[c]...)
	}
	return all, took, nil
}

// cpuMeter reads the hub's and this process's CPU time before and after.
type cpuMeter struct {
	pid         int
	hub, self   time.Duration
	began       time.Time
	hubOK       bool
	hubD, selfD time.Duration
	wall        time.Duration
}

func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid, began: time.Now()}
	if pid != 0 {
		var err error
		m.hub, err = cpu(pid)
		m.hubOK = err == nil
	}
	m.self, _ = cpu(os.Getpid())
	return m
}

func (m *cpuMeter) stop() *cpuMeter {
	m.wall = time.Since(m.began)
	if m.hubOK {
		h, err := cpu(m.pid)
		m.hubOK = err == nil
		m.hubD = h - m.hub
	}
	s, _ := cpu(os.Getpid())
	m.selfD = s - m.self
	return m
}

// cores is CPU time as a share of one core over the wall time.
func cores(cpu, wall time.Duration) float64 { return cpu.Seconds() / wall.Seconds() }

// issueRows: durable ticket issue from one kiosk, from 64 at once, and the
// hub's CPU per ticket.
func (b *bench) issueRows() ([]row, error) {
	h, err := b.hubFor("issue")
	if err != nil {
		return nil, err
	}
	defer b.done(h)
	b.say("durable ticket issue, one client")
	one, err := b.rounds(func(r int) ([]float64, error) {
		lat, took, err := load(1, b.p.single, func(_, i int) error {
			return h.issueFast(fmt.Sprintf("%s-one-%d-%d", b.runID, r, i), services[i%3])
		})
		if err != nil {
			return nil, err
		}
		return []float64{ms64(percentile(lat, 99)), ms64(percentile(lat, 50)), float64(len(lat)) / took.Seconds()}, nil
	})
	if err != nil {
		return nil, err
	}
	oneTarget := 1.5*ms64(b.disk.boltP99) + 0.3

	b.say("durable ticket issue, %d clients", b.p.clients)
	many, err := b.rounds(func(r int) ([]float64, error) {
		meter := startCPU(h.pid)
		lat, took, err := load(b.p.clients, b.p.concurrent, func(c, i int) error {
			return h.issueFast(fmt.Sprintf("%s-many-%d-%d-%d", b.runID, r, c, i), services[(c+i)%3])
		})
		meter.stop()
		if err != nil {
			return nil, err
		}
		n := float64(len(lat))
		return []float64{n / took.Seconds(), ms64(percentile(lat, 99)), ms64(percentile(lat, 50)),
			ms64(meter.hubD) / n, ms64(meter.selfD) / n, cores(meter.hubD, meter.wall), cores(meter.selfD, meter.wall), b2f(meter.hubOK)}, nil
	})
	if err != nil {
		return nil, err
	}
	floor := 3 * b.disk.boltRate
	rows := []row{
		{
			figure:   "durable ticket issue, one client: p99",
			measured: fmt.Sprintf("p99 %s (p50 %s, %s tickets/s)", msf(one[0]), msf(one[1]), thousands(one[2])),
			target:   fmt.Sprintf("≤ 1.5 × bbolt p99 %s + 0.3 ms = %s", ms(b.disk.boltP99), msf(oneTarget)),
			ok:       verdict(one[0] <= oneTarget),
			notes:    fmt.Sprintf("%s of %v; POST /api/v1/tickets with an Idempotency-Key, 201 after fsync", b.roundsNote(), b.p.single),
		},
		{
			figure:   fmt.Sprintf("durable ticket issue, %d concurrent clients", b.p.clients),
			measured: fmt.Sprintf("%s tickets/s, p99 %s (p50 %s)", thousands(many[0]), msf(many[1]), msf(many[2])),
			target:   fmt.Sprintf("≥ 10,000/s, p99 ≤ 10 ms; ≥ 3 × bbolt %s/s = %s/s", thousands(b.disk.boltRate), thousands(floor)),
			ok:       verdict(many[0] >= 10_000 && many[1] <= 10 && many[0] >= floor),
			notes: fmt.Sprintf("%s of %v; CPU: hub %.2f cores, load generator %.2f cores of %d",
				b.roundsNote(), b.p.concurrent, many[5], many[6], b.m.cores),
		},
	}
	cpuRow := row{figure: "hub CPU per ticket issued (no screens connected)", target: "≤ 0.1 ms"}
	if many[7] == 1 {
		cpuRow.measured = fmt.Sprintf("%.3f ms", many[3])
		cpuRow.ok = verdict(many[3] <= 0.1)
		cpuRow.notes = fmt.Sprintf("/proc/PID/stat utime+stime over the %d-client rounds ÷ tickets; load generator %.3f ms per ticket", b.p.clients, many[4])
	} else {
		cpuRow.measured, cpuRow.notes = "n/a", "the hub's process is not known here"
	}
	return append(rows, cpuRow), nil
}

// queueRows: one client's issue and next with a long queue waiting against
// an empty one.
func (b *bench) queueRows() ([]row, error) {
	b.say("issue and next with %d waiting vs none", b.p.waiting)
	v, err := b.rounds(func(r int) ([]float64, error) {
		h, err := b.hubFor("queue")
		if err != nil {
			return nil, err
		}
		defer b.done(h)
		c, err := h.openCounter("1", fmt.Sprintf("%s-queue-%d-c1", b.runID, r))
		if err != nil {
			return nil, err
		}
		phase := func(name string) (issue, next time.Duration, err error) {
			var is, ns []time.Duration
			for i, end := 0, time.Now().Add(b.p.queueFor); time.Now().Before(end); i++ {
				t0 := time.Now()
				if err := h.issueFast(fmt.Sprintf("%s-queue-%d-%s-%d", b.runID, r, name, i), services[i%3]); err != nil {
					return 0, 0, err
				}
				t1 := time.Now()
				if _, err := c.act("next"); err != nil {
					return 0, 0, err
				}
				is, ns = append(is, t1.Sub(t0)), append(ns, time.Since(t1))
			}
			return percentile(is, 50), percentile(ns, 50), nil
		}
		issueEmpty, nextEmpty, err := phase("empty")
		if err != nil {
			return nil, err
		}
		var fill atomic.Int64
		if _, _, err := load(b.p.clients, time.Hour, func(cl, i int) error {
			n := fill.Add(1)
			if n > int64(b.p.waiting) {
				return errFull
			}
			return h.issueFast(fmt.Sprintf("%s-queue-%d-fill-%d", b.runID, r, n), services[n%3])
		}); err != nil && err != errFull {
			return nil, err
		}
		issueFull, nextFull, err := phase("full")
		if err != nil {
			return nil, err
		}
		return []float64{float64(issueFull) / float64(issueEmpty), float64(nextFull) / float64(nextEmpty),
			ms64(issueEmpty), ms64(issueFull), ms64(nextEmpty), ms64(nextFull)}, nil
	})
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("%s of %v per phase; p50 issue %s → %s, next %s → %s", b.roundsNote(), b.p.queueFor, msf(v[2]), msf(v[3]), msf(v[4]), msf(v[5]))
	if b.remote != nil {
		note += "; the 'empty' phase ran on the hub's queue as it was"
	}
	return []row{{
		figure:   fmt.Sprintf("issue and next with %s waiting vs an empty queue", thousands(float64(b.p.waiting))),
		measured: fmt.Sprintf("issue %.2f×, next %.2f×", v[0], v[1]),
		target:   "≤ 1.2 × (p50, one client)",
		ok:       verdict(v[0] <= 1.2 && v[1] <= 1.2),
		notes:    note,
	}}, nil
}

var errFull = fmt.Errorf("the queue is full")

// lifecycleRows: the database's bytes per ticket lifecycle.
func (b *bench) lifecycleRows() ([]row, error) {
	h, err := b.hubFor("lifecycle")
	if err != nil {
		return nil, err
	}
	defer b.done(h)
	b.say("database bytes per ticket lifecycle")
	var terminals []*counter
	for _, id := range []string{"1", "2", "3", "4"} {
		c, err := h.openCounter(id, fmt.Sprintf("%s-life-c%s", b.runID, id))
		if err != nil {
			return nil, err
		}
		terminals = append(terminals, c)
	}
	var mu sync.Mutex
	tokens := map[uint64]string{}
	tokenOf := func(id uint64) (string, error) {
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Microsecond) {
			mu.Lock()
			tok, ok := tokens[id]
			mu.Unlock()
			if ok {
				return tok, nil
			}
		}
		return "", fmt.Errorf("ticket %d was called before its issue was answered", id)
	}
	// serve carries a ticket the counter calls through start, done and a
	// rating on the phone; false when nothing was waiting.
	serve := func(c *counter) (bool, error) {
		tk, err := c.act("next")
		if err != nil || tk == nil {
			return false, err
		}
		if _, err := c.act("start"); err != nil {
			return false, err
		}
		if _, err := c.act("done"); err != nil {
			return false, err
		}
		tok, err := tokenOf(tk.ID)
		if err != nil {
			return false, err
		}
		status, body, err := request("POST", h.URL+"/api/v1/tickets/"+tok+"/rating", "", "", `{"score":5}`)
		if err != nil {
			return false, err
		}
		if status != 201 {
			return false, fmt.Errorf("rating: %d %s", status, body)
		}
		return true, nil
	}
	v, err := b.rounds(func(r int) ([]float64, error) {
		before, err := keptBytes(h, b.dir)
		if err != nil {
			return nil, err
		}
		var lives atomic.Int64
		if _, _, err := load(len(terminals), b.p.lifecycles, func(w, i int) error {
			tk, err := h.issue(fmt.Sprintf("%s-life-%d-%d-%d", b.runID, r, w, i), services[i%3])
			if err != nil {
				return err
			}
			mu.Lock()
			tokens[tk.ID] = tk.Token
			mu.Unlock()
			served, err := serve(terminals[w])
			if served {
				lives.Add(1)
			}
			return err
		}); err != nil {
			return nil, err
		}
		for { // what is still waiting
			served, err := serve(terminals[0])
			if err != nil {
				return nil, err
			}
			if !served {
				break
			}
			lives.Add(1)
		}
		if _, err := terminals[0].act("next"); err != nil { // 204, and nothing current
			return nil, err
		}
		after, err := keptBytes(h, b.dir)
		if err != nil {
			return nil, err
		}
		n := float64(lives.Load())
		return []float64{float64(after.kept-before.kept) / n, n, float64(after.file - before.file),
			float64(after.transient-before.transient) / n}, nil
	})
	if err != nil {
		return nil, err
	}
	return []row{{
		figure:   "database bytes per ticket lifecycle (issue, call, start, done, rating)",
		measured: fmt.Sprintf("%s B", thousands(v[0])),
		target:   "≤ 1 KiB",
		ok:       verdict(v[0] <= 1024),
		notes: fmt.Sprintf("%s of %v: %s lifecycles by 4 counters; the pages of what is kept (every bucket but the idempotency records, which go after 25 h: %s B more a ticket while they last); the file grew %s B",
			b.roundsNote(), b.p.lifecycles, thousands(v[1]), thousands(v[3]), thousands(v[2])),
	}}, nil
}

// sizes are a database's bytes: the file, the pages of what it keeps, and
// of the idempotency records that go after 25 hours.
type sizes struct{ file, kept, transient int64 }

// keptBytes takes a backup of the hub into dir and measures it: bucket by
// bucket, the pages in use.
func keptBytes(h *hub, dir string) (sizes, error) {
	f, err := os.CreateTemp(dir, "hallbench-backup-*")
	if err != nil {
		return sizes{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := h.backup(context.Background(), f)
	if err != nil {
		return sizes{}, err
	}
	db, err := bbolt.Open(f.Name(), 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		return sizes{}, err
	}
	defer db.Close()
	out := sizes{file: n}
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bbolt.Bucket) error {
			st := bk.Stats()
			size := int64(st.BranchAlloc + st.LeafAlloc)
			if string(name) == "idem" || string(name) == "idem_by_time" {
				out.transient += size
			} else {
				out.kept += size
			}
			return nil
		})
	})
	return out, err
}

func ms64(d time.Duration) float64 { return float64(d) / 1e6 }

func b2f(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}
