package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"hallq"
	"hallq/internal/loadtest"
)

// BenchmarkHTTPIssueQueued measures POST /api/v1/tickets by one client,
// with the live views running, with nobody waiting and with 3,000 waiting:
// an operation must not cost more as the queue grows.
func BenchmarkHTTPIssueQueued(b *testing.B) {
	for _, waiting := range []int{0, 3000} {
		b.Run(fmt.Sprintf("waiting=%d", waiting), func(b *testing.B) {
			st := openBenchStore(b)
			hub := newServer(st, config{publicURL: "http://127.0.0.1"})
			ctx, stop := context.WithCancel(context.Background())
			var views sync.WaitGroup
			views.Add(1)
			go func() { defer views.Done(); hub.run(ctx) }()
			defer func() { stop(); views.Wait() }()
			srv := httptest.NewServer(hub.Handler)
			defer srv.Close()
			var wg sync.WaitGroup
			sem := make(chan struct{}, 64)
			for range waiting {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					if _, _, err := st.IssueTicket(ctx, hallq.IssueRequest{Service: "B"}); err != nil {
						b.Error(err)
					}
				}()
			}
			wg.Wait()
			hc := &http.Client{}
			loadtest.Run(b, 1, "tickets/s", func(int) error {
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
