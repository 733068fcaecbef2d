package web

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// Hub fans messages out to the websockets of each topic (all displays, one
// ticket's phone, one counter's terminal). Each message is encoded once and
// shared by every receiver; a receiver that cannot take it is dropped, never
// waited on. Every message carries the sequence number of the state it
// shows, and a socket gets only messages newer than the last it got, so its
// sequence numbers strictly increase.
type Hub struct {
	mu      sync.Mutex
	topics  map[string]map[*Socket]*uint64 // each socket's last sequence number
	sockets map[*Socket]string             // each socket's topic
	ready   chan struct{}                  // closed once the hub follows the feed, or is closed
	closed  bool
}

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

// ErrHubClosed is returned by Join once the hub is closing.
var ErrHubClosed = errors.New("the hub is shutting down")

// Join adds s to topic and sends it its first message, the snapshot, as one
// step: snapshot returns the message and the sequence number it shows, and
// nothing is published in between, so the socket misses nothing and gets
// nothing twice. It waits until the hub follows the feed (see Follow).
// snapshot must not call Publish.
func (h *Hub) Join(topic string, s *Socket, snapshot func() (seq uint64, msg any)) error {
	h.mu.Lock()
	ready := h.readyLocked()
	h.mu.Unlock()
	<-ready
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	seq, msg := snapshot()
	m, err := prepare(msg)
	if err != nil {
		return err
	}
	if h.topics == nil {
		h.topics, h.sockets = map[string]map[*Socket]*uint64{}, map[*Socket]string{}
	}
	if h.topics[topic] == nil {
		h.topics[topic] = map[*Socket]*uint64{}
	}
	h.topics[topic][s] = &seq
	h.sockets[s] = topic
	s.Send(m)
	return nil
}

// Serve upgrades the request to a websocket, joins it to topic with its
// snapshot (see Join), and starts it; the socket leaves the topic when the
// client goes away or the hub closes it.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, topic string, snapshot func() (seq uint64, msg any)) {
	s, err := Upgrade(w, r)
	if err != nil {
		return
	}
	switch err := h.Join(topic, s, snapshot); {
	case err == nil:
		s.Start(func() { h.Leave(s) })
		return
	case errors.Is(err, ErrHubClosed):
		s.Close(websocket.CloseGoingAway, err.Error())
	default:
		slog.Error("web: a websocket snapshot failed", "route", routePattern(r), "err", err)
		s.Close(websocket.CloseInternalServerErr, "the view could not be made; reconnecting helps")
	}
	s.Start(func() {})
}

// Leave removes s from its topic.
func (h *Hub) Leave(s *Socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	topic, ok := h.sockets[s]
	if !ok {
		return
	}
	delete(h.sockets, s)
	delete(h.topics[topic], s)
	if len(h.topics[topic]) == 0 {
		delete(h.topics, topic)
	}
}

// Publish sends msg, the state at seq, to every socket of topic that has not
// had seq yet. msg is encoded only if some socket takes it.
func (h *Hub) Publish(topic string, seq uint64, msg any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var m *websocket.PreparedMessage
	for s, last := range h.topics[topic] {
		if seq <= *last {
			continue
		}
		if m == nil {
			var err error
			if m, err = prepare(msg); err != nil {
				return err
			}
		}
		*last = seq
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
	return len(h.sockets)
}

// Reset drops every socket; their pages reconnect and take fresh snapshots.
// It is for a view that lost events.
func (h *Hub) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.sockets {
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
	for s := range h.sockets {
		s.Close(websocket.CloseGoingAway, "the hub is shutting down")
		all = append(all, s)
	}
	h.mu.Unlock()
	for _, s := range all {
		<-s.Done()
	}
}
