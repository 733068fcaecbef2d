package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"hallq"
)

// MaxPublicSockets is the cap on one address's sockets of a public view
// (displays, phones): a hall's devices need a few; a flood is refused.
const MaxPublicSockets = 20

// recheckEvery is how often a hub asks whether its sockets' logins and
// device pairings still hold.
const recheckEvery = 30 * time.Second

// Hub fans messages out to the websockets of each topic (all displays, one
// ticket's phone, one counter's terminal). Each message is encoded once and
// shared by every receiver; a receiver that cannot take it is dropped, never
// waited on. Every message carries the sequence number of the state it
// shows, and a socket gets only messages newer than the last it got, so its
// sequence numbers strictly increase. Its zero value is ready to use.
type Hub struct {
	// MaxPerClient caps the sockets one address may hold, for a public
	// view; 0 is no cap. The hub's own machine is not capped.
	MaxPerClient int

	timing  timing // the sockets' pings; the zero value is the defaults
	mu      sync.Mutex
	topics  map[string][]*socket
	count   int            // sockets in topics
	clients map[string]int // sockets per capped address
	ready   chan struct{}  // closed once the hub follows the feed, or is closed
	closed  bool
}

// Join says how a socket joins a hub.
type Join struct {
	Topic string
	// Snapshot returns the socket's first message and the sequence number
	// of the state it shows. It must not call Publish. An error closes the
	// socket; its page reconnects.
	Snapshot func() (seq uint64, msg any, err error)
	// Recheck, if set, is asked every 30 seconds whether the credentials
	// the socket came with still hold; when they do not, it is closed.
	Recheck func(ctx context.Context) bool
}

// ErrHubClosed is returned by Join once the hub is closing.
var ErrHubClosed = errors.New("the hub is shutting down")

// readyLocked returns the channel closed once sockets may join.
func (h *Hub) readyLocked() chan struct{} {
	if h.ready == nil {
		h.ready = make(chan struct{})
	}
	return h.ready
}

// open lets sockets join: the hub's view now receives every event.
func (h *Hub) open() {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.readyLocked():
	default:
		close(h.ready)
	}
}

// Serve upgrades the request to a websocket, joins it as j says, and starts
// it; the socket leaves when the client goes away or the hub closes it. An
// address over MaxPerClient gets 429 before the upgrade.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, j Join) {
	client := ""
	if h.MaxPerClient > 0 && !IsLoopback(r) {
		client = ClientKeyOf(r)
		if !h.reserve(client) {
			Error(w, r, hallq.Errorf(hallq.ERATELIMITED, "Too many live connections from this address; close some pages."))
			return
		}
	}
	s, err := upgrade(w, r, h.timing)
	if err != nil {
		h.release(client)
		return
	}
	switch err := h.join(s, j, client); {
	case err == nil:
		s.start(func() { h.leave(s) })
		return
	case errors.Is(err, ErrHubClosed):
		s.Close(websocket.CloseGoingAway, err.Error())
	default:
		slog.Error("web: a websocket snapshot failed", "route", routePattern(r), "err", err)
		s.Close(websocket.CloseInternalServerErr, "the view could not be made; reconnecting helps")
	}
	h.release(client)
	s.start(func() {})
}

// reserve counts a socket of client, unless it holds MaxPerClient already.
func (h *Hub) reserve(client string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients[client] >= h.MaxPerClient {
		return false
	}
	if h.clients == nil {
		h.clients = map[string]int{}
	}
	h.clients[client]++
	return true
}

// release uncounts a socket of client.
func (h *Hub) release(client string) {
	if client == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseLocked(client)
}

func (h *Hub) releaseLocked(client string) {
	if h.clients[client]--; h.clients[client] <= 0 {
		delete(h.clients, client)
	}
}

// join adds s to j's topic and queues its snapshot as one step: nothing is
// published in between, so the socket misses nothing and gets nothing twice.
// It waits until the hub follows the feed (see Follow).
func (h *Hub) join(s *socket, j Join, client string) error {
	h.mu.Lock()
	ready := h.readyLocked()
	h.mu.Unlock()
	<-ready
	if err := h.joinNow(s, j, client); err != nil {
		return err
	}
	s.flush()
	return nil
}

func (h *Hub) joinNow(s *socket, j Join, client string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	seq, msg, err := j.Snapshot()
	if err != nil {
		return err
	}
	f, err := prepare(msg)
	if err != nil {
		return err
	}
	if h.topics == nil {
		h.topics = map[string][]*socket{}
	}
	s.topic, s.index, s.seq, s.client, s.recheck = j.Topic, len(h.topics[j.Topic]), seq, client, j.Recheck
	h.topics[j.Topic] = append(h.topics[j.Topic], s)
	h.count++
	s.queue(f, false)
	return nil
}

// leave removes s from its topic.
func (h *Hub) leave(s *socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sockets := h.topics[s.topic]
	last := len(sockets) - 1
	moved := sockets[last]
	sockets[s.index], moved.index = moved, s.index
	sockets[last] = nil
	if last == 0 {
		delete(h.topics, s.topic)
	} else {
		h.topics[s.topic] = sockets[:last]
	}
	h.count--
	if s.client != "" {
		h.releaseLocked(s.client)
	}
}

// Publish sends msg, the state at seq, to every socket of topic that has not
// had seq yet. msg is encoded only if some socket takes it. The frames are
// queued under the hub's lock, which orders them, and written after it.
func (h *Hub) Publish(topic string, seq uint64, msg any) error {
	var to []*socket
	if err := func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		var f []byte
		for _, s := range h.topics[topic] {
			if seq <= s.seq {
				continue
			}
			if f == nil {
				var err error
				if f, err = prepare(msg); err != nil {
					return err
				}
			}
			s.seq = seq
			if s.queue(f, false) {
				to = append(to, s)
			}
		}
		return nil
	}(); err != nil {
		return err
	}
	flushAll(to)
	return nil
}

// spreadFlush is how many sockets one message must go to for their writes
// to be spread over the cores.
const spreadFlush = 256

// flushAll writes what is queued to each socket of to: for many, from one
// goroutine per core, since each write is a system call that does the
// loopback's or the network's work for it.
func flushAll(to []*socket) {
	n := runtime.GOMAXPROCS(0)
	if len(to) < spreadFlush || n == 1 {
		for _, s := range to {
			s.flush()
		}
		return
	}
	var wg sync.WaitGroup
	for part := range slices.Chunk(to, (len(to)+n-1)/n) {
		wg.Go(func() {
			for _, s := range part {
				s.flush()
			}
		})
	}
	wg.Wait()
}

// Topics returns the topics that have sockets.
func (h *Hub) Topics() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.topics))
	for t := range h.topics {
		out = append(out, t)
	}
	return out
}

// Len returns the number of sockets.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// all returns every socket.
func (h *Hub) all() []*socket {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*socket, 0, h.count)
	for _, sockets := range h.topics {
		out = append(out, sockets...)
	}
	return out
}

// Recheck closes the sockets whose credentials no longer hold: a login that
// ended or lost its role, a device that was unpaired. Follow runs it every
// 30 seconds.
func (h *Hub) Recheck(ctx context.Context) {
	h.mu.Lock()
	checks := map[*socket]func(context.Context) bool{}
	for _, sockets := range h.topics {
		for _, s := range sockets {
			if s.recheck != nil {
				checks[s] = s.recheck
			}
		}
	}
	h.mu.Unlock()
	for s, still := range checks {
		if !still(ctx) {
			s.Close(websocket.ClosePolicyViolation, "your login or pairing has ended")
		}
	}
}

// Reset drops every socket; their pages reconnect and take fresh snapshots.
// It is for a view that lost events.
func (h *Hub) Reset() {
	for _, s := range h.all() {
		s.Close(websocket.CloseTryAgainLater, "the view is starting over")
	}
}

// Close sends every socket a close frame saying the hub is going away,
// refuses new ones, and waits until every socket's goroutines have finished.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	select {
	case <-h.readyLocked():
	default:
		close(h.ready)
	}
	h.mu.Unlock()
	all := h.all()
	for _, s := range all {
		s.Close(websocket.CloseGoingAway, "the hub is shutting down")
	}
	for _, s := range all {
		<-s.Done()
	}
}
