package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// socketServer serves a hub, following a still feed, whose snapshot is at
// snapSeq; the test publishes by hand.
func socketServer(t testing.TB, hub *web.Hub, snapSeq uint64) *httptest.Server {
	t.Helper()
	return joinServer(t, hub, web.Join{Topic: "topic", Snapshot: func() (uint64, any, error) {
		return snapSeq, testMessage{Type: "snapshot", Seq: snapSeq}, nil
	}}, nil)
}

// joinServer serves a hub whose sockets join as j says, following a still
// feed; from, if set, rewrites each request first.
func joinServer(t testing.TB, hub *web.Hub, j web.Join, from func(r *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if from != nil {
			from(r)
		}
		hub.Serve(w, r, j)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, web.StillFeed{}, func([]hallq.Event) {})
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

// An address may hold MaxPerClient sockets of a public view; the hub's own
// machine any number.
func TestHub_MaxPerClient(t *testing.T) {
	hub := web.Hub{MaxPerClient: 2}
	snapshot := func() (uint64, any, error) { return 0, testMessage{Type: "snapshot"}, nil }
	outside := func(r *http.Request) { r.RemoteAddr = "192.0.2.9:5000" }
	srv := joinServer(t, &hub, web.Join{Topic: "topic", Snapshot: snapshot}, outside)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	var conns []*websocket.Conn
	for range 2 {
		c := dial(t, srv, "")
		read(t, c)
		conns = append(conns, c)
	}
	_, res, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a third socket from one address: %v, want 429", err)
	}
	// One leaves: another may come, once the hub has seen it go (each try
	// is a round trip, so this waits on the hub, not on a timer).
	conns[0].Close()
	for try := 0; ; try++ {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err == nil {
			defer c.Close()
			read(t, c)
			break
		}
		if try == 1000 {
			t.Fatalf("no room after a socket left: %v", err)
		}
	}
	local := joinServer(t, &web.Hub{MaxPerClient: 1}, web.Join{Topic: "topic", Snapshot: snapshot}, nil)
	for range 3 {
		read(t, dial(t, local, ""))
	}
}

// A socket whose credentials no longer hold is closed at the next recheck;
// the others stay.
func TestHub_Recheck(t *testing.T) {
	var hub web.Hub
	var mu sync.Mutex
	valid := true
	still := func(context.Context) bool {
		mu.Lock()
		defer mu.Unlock()
		return valid
	}
	snapshot := func() (uint64, any, error) { return 0, testMessage{Type: "snapshot"}, nil }
	checked := joinServer(t, &hub, web.Join{Topic: "t", Snapshot: snapshot, Recheck: still}, nil)
	public := joinServer(t, &hub, web.Join{Topic: "t", Snapshot: snapshot}, nil)
	a, b := dial(t, checked, ""), dial(t, public, "")
	read(t, a)
	read(t, b)
	hub.Recheck(context.Background())
	mu.Lock()
	valid = false
	mu.Unlock()
	hub.Recheck(context.Background())
	_, _, err := a.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("the socket whose login ended read %v, want a policy-violation close frame", err)
	}
	hub.Publish("t", 1, testMessage{Type: "change", Seq: 1})
	if m := read(t, b); m.Seq != 1 {
		t.Errorf("the other socket got %+v", m)
	}
}

// Every frame length a message may need (RFC 6455's 7-bit, 16-bit and
// 64-bit lengths, at their edges) reaches the client whole.
func TestHub_FrameLengths(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 0)
	c := dial(t, srv, "")
	read(t, c)
	empty, _ := json.Marshal(testMessage{Type: "change", Seq: 1, Pad: "x"})
	overhead := len(empty) - 1 // the message's bytes but for its padding
	for i, size := range []int{overhead + 1, 125, 126, 127, 65535, 65536, 70000} {
		seq := uint64(i + 1)
		pad := strings.Repeat("x", size-overhead)
		if err := hub.Publish("topic", seq, testMessage{Type: "change", Seq: seq, Pad: pad}); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("a message of %d bytes: %v", size, err)
		}
		var m testMessage
		if len(b) != size || json.Unmarshal(b, &m) != nil || m.Seq != seq || m.Pad != pad {
			t.Errorf("a message of %d bytes arrived as %d bytes", size, len(b))
		}
	}
}

// A client that reads answers the hub's pings, and stays connected however
// long it has nothing else to hear; one that never answers is closed once
// it has been silent for the pong wait.
func TestHub_Pings(t *testing.T) {
	const every, wait = 20 * time.Millisecond, 500 * time.Millisecond
	t.Run("Answered", func(t *testing.T) {
		var hub web.Hub
		web.SetPings(&hub, every, wait)
		srv := socketServer(t, &hub, 0)
		c := dial(t, srv, "")
		read(t, c)
		pings := 0
		c.SetPingHandler(func(data string) error {
			// Forty pings are twice the wait: only the pongs kept it open.
			if pings++; pings == int(2*wait/every) {
				hub.Publish("topic", 1, testMessage{Type: "change", Seq: 1})
			}
			return c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		})
		if m := read(t, c); m.Seq != 1 {
			t.Errorf("after %d pings the client read %+v", pings, m)
		}
	})
	t.Run("Unanswered", func(t *testing.T) {
		var hub web.Hub
		web.SetPings(&hub, every, wait)
		srv := socketServer(t, &hub, 0)
		c := dial(t, srv, "")
		read(t, c)
		pings := 0
		c.SetPingHandler(func(string) error { pings++; return nil })
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure || pings == 0 {
			t.Errorf("a client that never answered read %v after %d pings, want a close frame", err, pings)
		}
	})
}

// The hub answers a client's ping with a pong, and its close with a close
// frame of the same code, then ends the connection.
func TestHub_ClientControlFrames(t *testing.T) {
	var hub web.Hub
	srv := socketServer(t, &hub, 0)
	c := dial(t, srv, "")
	read(t, c)
	pong := ""
	c.SetPongHandler(func(data string) error {
		pong = data
		return hub.Publish("topic", 1, testMessage{Type: "change", Seq: 1})
	})
	if err := c.WriteControl(websocket.PingMessage, []byte("hello"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if m := read(t, c); m.Seq != 1 || pong != "hello" { // published on the pong
		t.Errorf("read %+v after a pong of %q", m, pong)
	}
	closed := make(chan int, 1)
	c.SetCloseHandler(func(code int, _ string) error { closed <- code; return nil })
	if err := c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4000, "bye"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("the connection goes on after the client's close")
	}
	if code := <-closed; code != 4000 {
		t.Errorf("the hub answered a close with code %d, want 4000", code)
	}
}

// Over TLS, where every write goes through the TLS connection, a socket
// gets its snapshot, every message in order, and the close frame.
func TestHub_TLS(t *testing.T) {
	var hub web.Hub
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, web.Join{Topic: "topic", Snapshot: func() (uint64, any, error) {
			return 0, testMessage{Type: "snapshot"}, nil
		}})
	}))
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, web.StillFeed{}, func([]hallq.Event) {})
	}()
	defer func() {
		cancel()
		<-followed
		srv.Close()
	}()
	dialer := websocket.Dialer{TLSClientConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig}
	c, _, err := dialer.Dial("wss"+strings.TrimPrefix(srv.URL, "https"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if m := read(t, c); m.Type != "snapshot" {
		t.Fatalf("first message %+v", m)
	}
	pad := strings.Repeat("x", 16<<10)
	const total = 50
	for seq := uint64(1); seq <= total; seq++ {
		if err := hub.Publish("topic", seq, testMessage{Type: "change", Seq: seq, Pad: pad}); err != nil {
			t.Fatal(err)
		}
	}
	for seq := uint64(1); seq <= total; seq++ {
		if m := read(t, c); m.Seq != seq {
			t.Fatalf("got %d, want %d", m.Seq, seq)
		}
	}
	hub.Close()
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("after Close the client read %v, want a going-away close frame", err)
	}
}

// pushFeed is a feed whose events the test sends.
type pushFeed struct{ events chan hallq.Event }

func (f pushFeed) Subscribe(int) hallq.Subscription                        { return pushSub(f) }
func (pushFeed) ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time)) {}

type pushSub struct{ events chan hallq.Event }

func (s pushSub) Events() <-chan hallq.Event { return s.events }
func (pushSub) Close()                       {}

// A hub with no socket hands no batch to its view (a socket that joins
// later takes a snapshot that holds it); with one, every batch.
func TestHub_FollowWithoutSockets(t *testing.T) {
	var hub web.Hub
	feed := pushFeed{make(chan hallq.Event)}
	handled := make(chan uint64, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, web.Join{Topic: "topic", Snapshot: func() (uint64, any, error) {
			return 1, testMessage{Type: "snapshot", Seq: 1}, nil
		}})
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, feed, func(batch []hallq.Event) { handled <- batch[len(batch)-1].Seq })
	}()
	defer func() { cancel(); <-followed }()

	feed.events <- hallq.Event{Seq: 1}
	feed.events <- hallq.Event{Seq: 2} // Follow took the first before this one was received
	c := dial(t, srv, "")
	defer c.Close()
	if m := read(t, c); m.Type != "snapshot" {
		t.Fatalf("first message %+v, want the snapshot", m)
	}
	feed.events <- hallq.Event{Seq: 3}
	if seq := <-handled; seq != 2 && seq != 3 {
		t.Fatalf("a batch ending at %d was handed on with no socket joined", seq)
	} else if seq == 2 {
		// The second event's batch was handed on after the socket joined:
		// allowed; the third must follow.
		if seq = <-handled; seq != 3 {
			t.Fatalf("the batch after the socket joined ends at %d, want 3", seq)
		}
	}
	select {
	case seq := <-handled:
		t.Errorf("an extra batch ending at %d", seq)
	default:
	}
}
