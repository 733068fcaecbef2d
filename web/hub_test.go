package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"hallq"
	"hallq/web"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type testMessage struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
	Pad  string `json:"pad,omitempty"`
}

// quietFeed is a feed on which nothing happens.
type quietFeed struct{}

func (quietFeed) Subscribe(int) hallq.Subscription                          { return quietSub{make(chan hallq.Event)} }
func (quietFeed) ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time)) {}

type quietSub struct{ c chan hallq.Event }

func (s quietSub) Events() <-chan hallq.Event { return s.c }
func (s quietSub) Close()                     {}

// socketServer serves a hub, following a quiet feed, whose snapshot is at
// snapSeq; the test publishes by hand.
func socketServer(t *testing.T, hub *web.Hub, snapSeq uint64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, "topic", func() (uint64, any) { return snapSeq, testMessage{Type: "snapshot", Seq: snapSeq} })
	}))
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, quietFeed{}, func([]hallq.Event) {})
	}()
	t.Cleanup(func() {
		cancel()
		<-followed
		srv.Close()
	})
	return srv
}

func dial(t *testing.T, srv *httptest.Server, origin string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func read(t *testing.T, c *websocket.Conn) testMessage {
	t.Helper()
	var m testMessage
	if err := c.ReadJSON(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHub_SnapshotThenNewerMessagesOnly(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 5)
	c := dial(t, srv, srv.URL)
	if m := read(t, c); m.Type != "snapshot" || m.Seq != 5 {
		t.Fatalf("first message %+v, want the snapshot at 5", m)
	}
	for _, seq := range []uint64{3, 5, 6, 6, 4, 9} {
		if err := hub.Publish("topic", seq, testMessage{Type: "change", Seq: seq}); err != nil {
			t.Fatal(err)
		}
		hub.Publish("another topic", seq+100, testMessage{Type: "elsewhere", Seq: seq + 100})
	}
	for _, want := range []uint64{6, 9} {
		if m := read(t, c); m.Type != "change" || m.Seq != want {
			t.Errorf("got %+v, want the change at %d", m, want)
		}
	}
}

func TestHub_OtherOriginRefused(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 0)
	for _, origin := range []string{"http://evil.example", "null"} {
		h := http.Header{"Origin": {origin}}
		_, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), h)
		if err == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %s: %v, want 403", origin, err)
		}
	}
}

// A client that stops reading is dropped; the others keep receiving every
// message, in order, without waiting for it.
func TestHub_SlowClientDropped(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 0)
	fast, slow := dial(t, srv, ""), dial(t, srv, "")
	read(t, fast)
	read(t, slow)
	pad := strings.Repeat("x", 16<<10)
	const total = 2000
	for seq := uint64(1); seq <= total; seq++ {
		if err := hub.Publish("topic", seq, testMessage{Type: "change", Seq: seq, Pad: pad}); err != nil {
			t.Fatal(err)
		}
		if m := read(t, fast); m.Seq != seq {
			t.Fatalf("the fast client got %d, want %d", m.Seq, seq)
		}
	}
	got := 0
	for {
		if _, _, err := slow.ReadMessage(); err != nil {
			break
		}
		got++
	}
	if got >= total {
		t.Errorf("the client that did not read got all %d messages; it should have been dropped", got)
	}
	if hub.Len() > 2 {
		t.Errorf("%d sockets", hub.Len())
	}
}

// Close sends every client a close frame saying the hub is going away and
// waits for the sockets; afterwards no one can join.
func TestHub_Close(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 0)
	c := dial(t, srv, "")
	read(t, c)
	hub.Close()
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("after Close the client read %v, want a going-away close frame", err)
	}
	late := dial(t, srv, "")
	_, _, err = late.ReadMessage()
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("a client joining a closed hub read %v, want a going-away close frame", err)
	}
}
