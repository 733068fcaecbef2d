package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHub_SlowBodyCut: a request whose body never comes is cut off at the
// read timeout, and one client cannot hold more connections than its cap.
func TestHub_SlowBodyCut(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"), "-read-timeout", "1s", "-max-conns-per-client", "4")
	addr := strings.TrimPrefix(hub.URL, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("POST /api/v1/tickets HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"serv"))
	c.SetReadDeadline(time.Now().Add(20 * time.Second)) // a bound for a broken hub, not a pace
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the hub still holds a connection whose body never came")
			}
			break // closed by the hub
		}
	}

	var held []net.Conn
	for range 4 {
		h, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, h)
	}
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	over.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := over.Read(buf); err == nil {
		t.Error("a fifth connection was served")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("a fifth connection from one client is held open past the cap")
	}
	for _, h := range append(held, over) {
		h.Close() // the places come back as the hub sees them close (web's TestCapConnections)
	}
}
