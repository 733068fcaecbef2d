package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestHub_Metrics scrapes /metrics from the hub's own machine, as a local
// Prometheus does, after a ticket and a call.
func TestHub_Metrics(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"))
	if _, status, err := issueWithKey(hub.URL, "abc"); err != nil || status != http.StatusCreated {
		t.Fatalf("issue: %d %v", status, err)
	}
	res, err := client.Get(hub.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`hallq_tickets_waiting{service="A"} 1`,
		`hallq_websocket_clients{view="display"} 0`,
		`hallq_commit_seconds_count `,
		`hallq_wait_seconds_bucket{le="60"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %q in /metrics:\n%s", want, body)
		}
	}
}
