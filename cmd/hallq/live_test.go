package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// liveMessage is what the tests read of a websocket message.
type liveMessage struct {
	Type     string
	Seq      uint64
	Services []struct {
		ID      string
		Waiting int
	}
}

func dialHub(tb testing.TB, base, path string) *websocket.Conn {
	tb.Helper()
	h := map[string][]string{"Origin": {base}}
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+path, h)
	if err != nil {
		tb.Fatalf("dialing %s: %v", path, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func readLive(tb testing.TB, c *websocket.Conn) (liveMessage, error) {
	tb.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a bound for a broken hub, not a pace
	var m liveMessage
	err := c.ReadJSON(&m)
	return m, err
}

func waitingA(m liveMessage) int {
	for _, s := range m.Services {
		if s.ID == "A" {
			return s.Waiting
		}
	}
	return -1
}

// TestHub_LiveAcrossRestart follows a display's websocket through a clean
// restart of the hub process: a going-away close frame at shutdown, then a
// fresh snapshot with what was committed before.
func TestHub_LiveAcrossRestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startHub(t, db)
	c := dialHub(t, hub.URL, "/ws/display")
	snap, err := readLive(t, c)
	if err != nil || snap.Type != "snapshot" || waitingA(snap) != 0 {
		t.Fatalf("first message %+v, %v", snap, err)
	}
	if _, _, err := issueWithKey(hub.URL, "A-live"); err != nil { // a key of length 6: service A
		t.Fatal(err)
	}
	m, err := readLive(t, c)
	if err != nil || m.Type != "queue" || m.Seq <= snap.Seq || waitingA(m) != 1 {
		t.Fatalf("after an issue: %+v, %v", m, err)
	}

	hub.stop(t)
	_, err = readLive(t, c)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("at shutdown the display read %v, want a going-away close frame", err)
	}

	hub = startHub(t, db)
	c = dialHub(t, hub.URL, "/ws/display")
	again, err := readLive(t, c)
	if err != nil || again.Type != "snapshot" || again.Seq < m.Seq || waitingA(again) != 1 {
		t.Errorf("after the restart: %+v, %v; want a snapshot at seq ≥ %d with 1 waiting for A", again, err, m.Seq)
	}
}
