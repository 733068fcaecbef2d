package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
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

	mu      sync.Mutex
	topics  map[string]map[*Socket]*member
	members map[*Socket]*member
	clients map[string]int // sockets per capped address
	ready   chan struct{}  // closed once the hub follows the feed, or is closed
	closed  bool
}

// member is a socket's place in a hub.
type member struct {
	topic   string
	seq     uint64 // the last sequence number it was sent
	client  string // its address, when capped
	recheck func(context.Context) bool
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
	s, err := Upgrade(w, r)
	if err != nil {
		h.release(client)
		return
	}
	switch err := h.join(s, j, client); {
	case err == nil:
		s.Start(func() { h.leave(s) })
		return
	case errors.Is(err, ErrHubClosed):
		s.Close(websocket.CloseGoingAway, err.Error())
	default:
		slog.Error("web: a websocket snapshot failed", "route", routePattern(r), "err", err)
		s.Close(websocket.CloseInternalServerErr, "the view could not be made; reconnecting helps")
	}
	h.release(client)
	s.Start(func() {})
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

// join adds s to j's topic and sends it its snapshot as one step: nothing is
// published in between, so the socket misses nothing and gets nothing twice.
// It waits until the hub follows the feed (see Follow).
func (h *Hub) join(s *Socket, j Join, client string) error {
	h.mu.Lock()
	ready := h.readyLocked()
	h.mu.Unlock()
	<-ready
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	seq, msg, err := j.Snapshot()
	if err != nil {
		return err
	}
	m, err := prepare(msg)
	if err != nil {
		return err
	}
	if h.topics == nil {
		h.topics, h.members = map[string]map[*Socket]*member{}, map[*Socket]*member{}
	}
	if h.topics[j.Topic] == nil {
		h.topics[j.Topic] = map[*Socket]*member{}
	}
	mb := &member{topic: j.Topic, seq: seq, client: client, recheck: j.Recheck}
	h.topics[j.Topic][s], h.members[s] = mb, mb
	s.Send(m)
	return nil
}

// leave removes s from its topic.
func (h *Hub) leave(s *Socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	mb, ok := h.members[s]
	if !ok {
		return
	}
	delete(h.members, s)
	delete(h.topics[mb.topic], s)
	if len(h.topics[mb.topic]) == 0 {
		delete(h.topics, mb.topic)
	}
	if mb.client != "" {
		h.releaseLocked(mb.client)
	}
}

// Publish sends msg, the state at seq, to every socket of topic that has not
// had seq yet. msg is encoded only if some socket takes it.
func (h *Hub) Publish(topic string, seq uint64, msg any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var m *websocket.PreparedMessage
	for s, mb := range h.topics[topic] {
		if seq <= mb.seq {
			continue
		}
		if m == nil {
			var err error
			if m, err = prepare(msg); err != nil {
				return err
			}
		}
		mb.seq = seq
		s.Send(m)
	}
	return nil
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
	return len(h.members)
}

// Recheck closes the sockets whose credentials no longer hold: a login that
// ended or lost its role, a device that was unpaired. Follow runs it every
// 30 seconds.
func (h *Hub) Recheck(ctx context.Context) {
	h.mu.Lock()
	checks := map[*Socket]func(context.Context) bool{}
	for s, mb := range h.members {
		if mb.recheck != nil {
			checks[s] = mb.recheck
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
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.members {
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
	var all []*Socket
	for s := range h.members {
		s.Close(websocket.CloseGoingAway, "the hub is shutting down")
		all = append(all, s)
	}
	h.mu.Unlock()
	for _, s := range all {
		<-s.Done()
	}
}
