package web_test

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"hallq/web"
)

// BenchmarkHubPublish measures one message reaching every socket of a
// topic over loopback (ns/op: Publish until the last client has read it).
// The clients run in this process and read cheaply; cpu-ns/receipt is the
// process's CPU time, both sides, per message received, and with
// -cpuprofile the hub's share is under web.(*Hub).Publish.
func BenchmarkHubPublish(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
			var hub web.Hub
			srv := socketServer(b, &hub, 0)
			url := "ws" + strings.TrimPrefix(srv.URL, "http")
			dialer := websocket.Dialer{ReadBufferSize: 256, WriteBufferSize: 256}
			var got atomic.Int64
			all := make(chan struct{}, 1)
			var wg sync.WaitGroup
			conns := make([]*websocket.Conn, n)
			for i := range conns {
				c, _, err := dialer.Dial(url, nil)
				if err != nil {
					b.Fatal(err)
				}
				conns[i] = c
				if _, _, err := c.NextReader(); err != nil { // the snapshot
					b.Fatal(err)
				}
				wg.Go(func() {
					for {
						_, r, err := c.NextReader()
						if err != nil {
							return
						}
						io.Copy(io.Discard, r)
						if got.Add(1)%int64(n) == 0 {
							all <- struct{}{}
						}
					}
				})
			}
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for i := range b.N {
				if err := hub.Publish("topic", uint64(i+1), testMessage{Type: "change", Seq: uint64(i + 1), Pad: strings.Repeat("x", 200)}); err != nil {
					b.Fatal(err)
				}
				<-all
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N*n), "cpu-ns/receipt")
			for _, c := range conns {
				c.Close()
			}
			wg.Wait()
		})
	}
}

// cpuTime is the CPU time this process has used, hub and clients.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
