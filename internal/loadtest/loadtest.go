// Package loadtest runs a benchmark's requests from many clients at once
// and reports what a hall cares about: throughput and latency percentiles.
package loadtest

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Run makes b.N requests, calling do(i) for i in [0, b.N), from clients
// goroutines at once, and reports requests per second (named unit, such as
// "tickets/s") and the p50 and p99 latencies. A failed request fails the
// benchmark.
func Run(b *testing.B, clients int, unit string, do func(i int) error) {
	b.Helper()
	latency := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				err := do(int(i))
				latency[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), unit)
	b.ReportMetric(0, "ns/op")
	ReportLatency(b, latency)
}

// ReportLatency reports the median and 99th percentile of latencies, in
// milliseconds.
func ReportLatency(b *testing.B, latencies []time.Duration) {
	b.Helper()
	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(latencies[len(latencies)/2]), "p50-ms")
	b.ReportMetric(ms(latencies[len(latencies)*99/100]), "p99-ms")
}
