package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hallq/store"
)

// BenchmarkHTTPIssue measures POST /api/v1/tickets end to end, through the
// whole router on a loopback socket: each 201 is sent after the ticket's
// commit is on disk.
func BenchmarkHTTPIssue(b *testing.B) {
	for _, clients := range []int{1, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			dir := b.TempDir()
			if root := os.Getenv("HALLQ_BENCH_DIR"); root != "" {
				var err error
				if dir, err = os.MkdirTemp(root, "http"); err != nil {
					b.Fatal(err)
				}
				defer os.RemoveAll(dir)
			}
			st, err := store.Open(store.Options{Path: filepath.Join(dir, "hallq.db"), TimeZone: "UTC"})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			srv := httptest.NewServer(newServer(st, config{issueRate: 60, publicURL: "http://127.0.0.1"}).Handler)
			defer srv.Close()
			transport := &http.Transport{MaxIdleConnsPerHost: clients}
			defer transport.CloseIdleConnections()
			hc := &http.Client{Transport: transport}

			latency := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						t0 := time.Now()
						res, err := hc.Post(srv.URL+"/api/v1/tickets", "application/json", strings.NewReader(`{"service":"A"}`))
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						latency[i] = time.Since(t0)
						if res.StatusCode != http.StatusCreated {
							b.Errorf("status %d", res.StatusCode)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(latency)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tickets/s")
			b.ReportMetric(float64(latency[len(latency)/2])/1e6, "p50-ms")
			b.ReportMetric(float64(latency[len(latency)*99/100])/1e6, "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
