package web

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"hallq"
)

// stillFeed is a feed on which nothing happens.
type stillFeed struct{}

func (stillFeed) Subscribe(int) hallq.Subscription                          { return stillSub{make(chan hallq.Event)} }
func (stillFeed) ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time)) {}

type stillSub struct{ c chan hallq.Event }

func (s stillSub) Events() <-chan hallq.Event { return s.c }
func (s stillSub) Close()                     {}

type message struct {
	Seq uint64 `json:"seq"`
	Pad string `json:"pad,omitempty"`
}

// The hub's connections, capped per client, are written without waiting;
// a TLS connection's bytes go through it.
func TestRawConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	capped := CapConnections(ln, 4)
	defer capped.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c, err := capped.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if rawConn(c) == nil {
		t.Error("a capped connection has no descriptor to write without waiting")
	}
	if rawConn(tls.Server(c, &tls.Config{})) != nil {
		t.Error("a TLS connection would be written around TLS")
	}
}

// A client that falls behind gets a writer goroutine, which waits on it;
// once it has read everything the writer is gone, and the next message is
// written at once, in order.
func TestSocket_WriterOnlyWhileBehind(t *testing.T) {
	var hub Hub
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Join{Topic: "t", Snapshot: func() (uint64, any, error) { return 0, message{}, nil }})
	}))
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		hub.Follow(ctx, stillFeed{}, func([]hallq.Event) {})
	}()
	defer func() {
		cancel()
		<-followed
		srv.Close()
	}()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	next := func() uint64 {
		t.Helper()
		var m message
		if _, b, err := c.ReadMessage(); err != nil || json.Unmarshal(b, &m) != nil {
			t.Fatalf("reading: %v", err)
		}
		return m.Seq
	}
	next() // the snapshot
	s := hub.all()[0]
	writing := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.writing
	}

	// The client reads nothing until the kernel's buffers are full and a
	// writer has the rest.
	pad := strings.Repeat("x", 64<<10)
	seq := uint64(0)
	for !writing() {
		seq++
		if err := hub.Publish("t", seq, message{Seq: seq, Pad: pad}); err != nil {
			t.Fatal(err)
		}
		if seq > 100_000 {
			t.Fatal("the kernel took 6 GB without a writer")
		}
	}
	for want := uint64(1); want <= seq; want++ {
		if got := next(); got != want {
			t.Fatalf("got %d, want %d", got, want)
		}
	}
	// Everything is read: the writer leaves (it takes the socket's lock
	// once more to see the queue empty; nothing else is waited for).
	for writing() {
		runtime.Gosched()
	}
	seq++
	if err := hub.Publish("t", seq, message{Seq: seq}); err != nil {
		t.Fatal(err)
	}
	if writing() {
		t.Error("a message to a client that keeps up started a writer")
	}
	if got := next(); got != seq {
		t.Errorf("after the writer left: got %d, want %d", got, seq)
	}
}
