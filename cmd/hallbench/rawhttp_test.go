package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// The load rows' client reads replies, keeps connections alive, sends a
// request again on a new connection when a kept one was closed by the hub
// (never twice for one that was answered), and does not keep a connection
// the hub says it closes.
func TestRawClient(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Idempotency-Key") == "close" {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusCreated)
		if r.Header.Get("Idempotency-Key") == "chunked" {
			w.(http.Flusher).Flush() // before the body: no Content-Length, chunked
		}
		w.Write(body)
	}))
	defer srv.Close()
	c := rawClientFor(srv.URL)
	post := func(key string) (int, string, error) {
		status, reply, err := c.post("/api/v1/tickets", key, `{"service":"A"}`)
		return status, string(reply), err
	}
	for i := 0; i < 3; i++ {
		if status, reply, err := post("k"); err != nil || status != 201 || reply != `{"service":"A"}` {
			t.Fatalf("request %d: %d %q %v", i, status, reply, err)
		}
	}
	if got := len(c.idle); got != 1 {
		t.Errorf("%d connections kept after requests one at a time, want 1", got)
	}

	srv.CloseClientConnections() // as a hub does with idle connections
	requests.Store(0)
	if status, _, err := post("k"); err != nil || status != 201 {
		t.Fatalf("after the hub closed the kept connection: %d %v", status, err)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("%d requests reached the hub, want 1", got)
	}

	for len(c.idle) > 0 {
		(<-c.idle).conn.Close()
	}
	if status, _, err := post("close"); err != nil || status != 201 {
		t.Fatalf("a reply with Connection: close: %d %v", status, err)
	}
	if got := len(c.idle); got != 0 {
		t.Errorf("a connection the hub closes was kept")
	}

	requests.Store(0)
	if _, _, err := post("chunked"); err == nil {
		t.Errorf("a chunked reply was read as if it had a length")
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("a reply that cannot be read was asked for %d times, want once", got)
	}
}
