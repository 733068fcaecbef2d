package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"hallq/internal/loadtest"
	"hallq/store"
)

// openBenchStore opens a store on a new file, in HALLQ_BENCH_DIR when set
// (a benchmark of durable writes needs the disk a hall would use, not a
// tmpfs), closed and removed when the benchmark ends.
func openBenchStore(b *testing.B) *store.Store {
	b.Helper()
	dir := b.TempDir()
	if root := os.Getenv("HALLQ_BENCH_DIR"); root != "" {
		var err error
		if dir, err = os.MkdirTemp(root, "http"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	st, err := store.Open(store.Options{Path: filepath.Join(dir, "hallq.db"), TimeZone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkHTTPIssue measures POST /api/v1/tickets end to end, through the
// whole router on a loopback socket: each 201 is sent after the ticket's
// commit is on disk.
func BenchmarkHTTPIssue(b *testing.B) {
	for _, clients := range []int{1, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			st := openBenchStore(b)
			srv := httptest.NewServer(newServer(st, config{issueRate: 60, publicURL: "http://127.0.0.1"}).Handler)
			defer srv.Close()
			transport := &http.Transport{MaxIdleConnsPerHost: clients}
			defer transport.CloseIdleConnections()
			hc := &http.Client{Transport: transport}

			loadtest.Run(b, clients, "tickets/s", func(int) error {
				res, err := hc.Post(srv.URL+"/api/v1/tickets", "application/json", strings.NewReader(`{"service":"A"}`))
				if err != nil {
					return err
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					return fmt.Errorf("status %d", res.StatusCode)
				}
				return nil
			})
		})
	}
}

// BenchmarkDisplaySockets connects 1,000 displays to a hub process and
// measures what they cost it: resident memory per connected client, and the
// time one change takes to reach all of them (ns/op).
func BenchmarkDisplaySockets(b *testing.B) {
	const clients = 1000
	hub := startHub(b, filepath.Join(b.TempDir(), "hallq.db"))
	before := residentBytes(b, hub.cmd.Process.Pid)
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		conns[i] = dialHub(b, hub.URL, "/ws/display")
		if _, err := readLive(b, conns[i]); err != nil {
			b.Fatal(err)
		}
	}
	perClient := float64(residentBytes(b, hub.cmd.Process.Pid)-before) / clients

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := issueWithKey(hub.URL, fmt.Sprintf("A%05d", i)); err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, c := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if m, err := readLive(b, c); err != nil || m.Type != "queue" {
					b.Errorf("a display read %+v, %v", m, err)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(perClient, "B/client")
}

// residentBytes reads a process's resident memory from /proc.
func residentBytes(tb testing.TB, pid int) int64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Skipf("no /proc here: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n << 10
		}
	}
	tb.Fatal("no VmRSS in /proc status")
	return 0
}

// BenchmarkIssueHandler measures what the hub alone spends on one POST
// /api/v1/tickets, through the whole router and a durable commit but no
// network: allocations per ticket (-benchmem) and, with many requests in
// flight so that commits are grouped as under load, CPU per ticket
// (-cpuprofile).
func BenchmarkIssueHandler(b *testing.B) {
	st := openBenchStore(b)
	h := newServer(st, config{issueRate: 60, publicURL: "http://127.0.0.1"}).Handler
	var n atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	cpu := processCPU()
	defer func() { b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op") }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/api/v1/tickets", strings.NewReader(`{"service":"A"}`))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Idempotency-Key", fmt.Sprintf("%016x-bench", uint64(n.Add(1))*0x9e3779b97f4a7c15)) // as kiosks send
			r.RemoteAddr = "127.0.0.1:40000"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusCreated {
				b.Errorf("status %d: %s", w.Code, w.Body)
				return
			}
		}
	})
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
