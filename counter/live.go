package counter

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// The hub's topics: one per counter for its terminals, one per counter for
// its rating pads. The counter's id follows the prefix.
const (
	counterTopic = "counter:"
	padTopic     = "pad:"
)

// queueView is the queue as a counter's terminal sees it: every service's
// figures, and the waiting tickets the counter may call, service by
// service: how many, the longest waiting, and the first maxQueueTickets.
type queueView struct {
	Services []*hallq.Service     `json:"services"`
	Queue    []hallq.CounterQueue `json:"queue"`
}

// maxQueueTickets is how many of each service's waiting tickets a terminal
// gets: the next to call, and the numbers it suggests to call by number.
const maxQueueTickets = 50

// counterMessage is a message to a counter's terminals: the snapshot (the
// counter and the queue), a change of the counter, or of the queue. The
// last message of a batch that changed the queue carries the queue, so a
// counter message may carry it too.
type counterMessage struct {
	Type    string         `json:"type"`
	Seq     uint64         `json:"seq"`
	Counter *hallq.Counter `json:"counter,omitempty"`
	*queueView
}

// padMessage is a message to a counter's rating pads: the snapshot (the
// hall's name, the counter and any visit still to rate), a change of the
// counter, or a visit just finished there, to rate. Nothing in it names a
// customer or a staff member.
type padMessage struct {
	Type    string               `json:"type"`
	Seq     uint64               `json:"seq"`
	Name    *hallq.Text          `json:"name,omitempty"` // the hall's, in the snapshot
	Counter *hallq.PublicCounter `json:"counter,omitempty"`
	Ticket  *visit               `json:"ticket,omitempty"`
}

// visit is the ticket a pad asks the customer to rate.
type visit struct {
	ID     uint64 `json:"id"`
	Number string `json:"number"`
}

// handleCounterSocket serves /ws/counters/{id}: the counter and its queue,
// then every change of either.
func (h *Handler) handleCounterSocket(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, err := h.Counters.FindCounter(r.Context(), id); err != nil {
		web.Error(w, r, err)
		return
	}
	h.serve(w, r, counterTopic+id, func(f *hallq.Floor, seq uint64, now time.Time) (any, error) {
		return counterSnapshot(f, seq, now, id)
	})
}

// handlePadSocket serves /ws/pad to a paired pad: the public view of its
// counter, then every change of it, and each visit finished there to rate.
func (h *Handler) handlePadSocket(w http.ResponseWriter, r *http.Request) {
	id := web.DeviceFrom(r.Context()).Counter
	if _, err := h.Counters.FindCounter(r.Context(), id); err != nil {
		web.Error(w, r, hallq.Errorf(hallq.ENOTFOUND, "This pad's counter %s no longer exists; ask a manager to pair it with another.", id))
		return
	}
	h.serve(w, r, padTopic+id, func(f *hallq.Floor, seq uint64, now time.Time) (any, error) {
		return padSnapshot(f, seq, now, id)
	})
}

// serve upgrades the request and serves the socket on topic, starting with
// the snapshot that build makes of the floor.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, topic string, build func(f *hallq.Floor, seq uint64, now time.Time) (any, error)) {
	h.hub.Serve(w, r, web.Join{Topic: topic, Recheck: h.Auth.Recheck(r), Snapshot: func() (seq uint64, msg any, err error) {
		h.Feed.ReadFloor(func(f *hallq.Floor, s uint64, now time.Time) {
			seq = s
			msg, err = build(f, s, now)
		})
		return seq, msg, err
	}})
}

// counterSnapshot returns the whole view of counter id's terminals.
func counterSnapshot(f *hallq.Floor, seq uint64, now time.Time, id string) (*counterMessage, error) {
	c, err := f.Counter(id)
	if err != nil {
		return nil, err
	}
	return &counterMessage{Type: "snapshot", Seq: seq, Counter: staffCounter(c), queueView: queueFor(f, c, f.Services(now))}, nil
}

// padSnapshot returns the whole view of counter id's pads.
func padSnapshot(f *hallq.Floor, seq uint64, now time.Time, id string) (*padMessage, error) {
	c, err := f.Counter(id)
	if err != nil {
		return nil, err
	}
	name, p := f.Settings().Name, c.Public()
	return &padMessage{Type: "snapshot", Seq: seq, Name: &name, Counter: &p, Ticket: toRate(c, now)}, nil
}

// toRate returns the visit finished last at c if its customer may still
// rate it at now, else nil: a pad that reconnects asks again.
func toRate(c *hallq.Counter, now time.Time) *visit {
	t := c.Last
	if t == nil || t.State != hallq.Done || t.Rating != 0 || now.Sub(t.FinishedAt) > hallq.RateWindow {
		return nil
	}
	return &visit{ID: t.ID, Number: t.Number}
}

// queueFor returns the queue as counter c sees it; staff see the holders'
// names.
func queueFor(f *hallq.Floor, c *hallq.Counter, services []*hallq.Service) *queueView {
	v := &queueView{Services: services, Queue: f.QueueFor(c, maxQueueTickets)}
	for i := range v.Queue {
		for j, t := range v.Queue[i].Tickets {
			v.Queue[i].Tickets[j] = staffTicket(t)
		}
	}
	return v
}

// Sockets returns how many websockets the handler serves now.
func (h *Handler) Sockets() int { return h.hub.Len() }

// Run keeps every counter terminal and rating pad up to date until ctx
// ends, then closes their sockets.
func (h *Handler) Run(ctx context.Context) {
	h.hub.Follow(ctx, h.Feed, h.publish)
}

// publish turns a batch of events into the messages of every topic that has
// sockets: at most one message per event, the queue once per batch, and a
// whole new snapshot after a change of configuration.
func (h *Handler) publish(batch []hallq.Event) {
	topics := h.hub.Topics()
	if len(topics) == 0 {
		return
	}
	if slices.ContainsFunc(batch, func(e hallq.Event) bool { return e.Type.Configures() }) {
		h.publishSnapshots(topics)
		return
	}
	var queueSeq uint64
	for _, e := range batch {
		if movesQueue(e.Type) {
			queueSeq = e.Seq
		}
	}
	queues := h.readQueues(topics, queueSeq)
	for _, topic := range topics {
		switch id, ok := strings.CutPrefix(topic, counterTopic); {
		case ok:
			for _, m := range counterMessages(batch, id, queueSeq, queues[id]) {
				h.send(topic, m.Seq, m)
			}
		default:
			id := strings.TrimPrefix(topic, padTopic)
			for _, m := range padMessages(batch, id) {
				h.send(topic, m.Seq, m)
			}
		}
	}
}

// readQueues returns the queue as each counter with a terminal among topics
// sees it, or nil when the batch did not change the queue (queueSeq 0).
func (h *Handler) readQueues(topics []string, queueSeq uint64) map[string]*queueView {
	if queueSeq == 0 {
		return nil
	}
	out := map[string]*queueView{}
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, now time.Time) {
		services := f.Services(now)
		for _, topic := range topics {
			id, ok := strings.CutPrefix(topic, counterTopic)
			if !ok {
				continue
			}
			if c, err := f.Counter(id); err == nil { // else deleted: a later batch resets its sockets
				out[id] = queueFor(f, c, services)
			}
		}
	})
	return out
}

// counterMessages returns counter id's terminals' messages for a batch: one
// per change of the counter, and the queue (q, as of queueSeq or later) on
// the last one, or on a message of its own.
func counterMessages(batch []hallq.Event, id string, queueSeq uint64, q *queueView) []counterMessage {
	var msgs []counterMessage
	for _, e := range batch {
		if changesCounter(e, id) {
			msgs = append(msgs, counterMessage{Type: "counter", Seq: e.Seq, Counter: staffCounter(e.Counter)})
		}
	}
	if queueSeq == 0 || q == nil {
		return msgs
	}
	if len(msgs) == 0 || msgs[len(msgs)-1].Seq < queueSeq {
		msgs = append(msgs, counterMessage{Type: "queue", Seq: queueSeq})
	}
	msgs[len(msgs)-1].queueView = q
	return msgs
}

// padMessages returns counter id's pads' messages for a batch: a rate
// message, with the counter, for each visit finished there, and a counter
// message for each other change of the counter.
func padMessages(batch []hallq.Event, id string) []padMessage {
	var msgs []padMessage
	for _, e := range batch {
		if !changesCounter(e, id) {
			continue
		}
		p := e.Counter.Public()
		m := padMessage{Type: "counter", Seq: e.Seq, Counter: &p}
		if e.Type == hallq.TicketDone {
			m.Type, m.Ticket = "rate", &visit{ID: e.Ticket.ID, Number: e.Ticket.Number}
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// publishSnapshots sends every topic its whole view, after a change of
// configuration. The snapshots carry the sequence number of the state they
// show, which may be past the batch: the events in between are in them.
// When a counter with sockets is gone, every socket starts over instead:
// the pages of the deleted counter get 404.
func (h *Handler) publishSnapshots(topics []string) {
	snaps := make(map[string]any, len(topics))
	gone := false
	var seq uint64
	h.Feed.ReadFloor(func(f *hallq.Floor, floorSeq uint64, now time.Time) {
		seq = floorSeq
		for _, topic := range topics {
			var snap any
			var err error
			if id, ok := strings.CutPrefix(topic, counterTopic); ok {
				snap, err = counterSnapshot(f, seq, now, id)
			} else {
				snap, err = padSnapshot(f, seq, now, strings.TrimPrefix(topic, padTopic))
			}
			if err != nil {
				gone = true
				return
			}
			snaps[topic] = snap
		}
	})
	if gone {
		h.hub.Reset()
		return
	}
	for topic, snap := range snaps {
		h.send(topic, seq, snap)
	}
}

// send publishes msg, the state at seq, to topic.
func (h *Handler) send(topic string, seq uint64, msg any) {
	if err := h.hub.Publish(topic, seq, msg); err != nil {
		slog.Error("counter: a websocket message failed", "topic", topic, "err", err)
	}
}

// changesCounter reports whether e changed what counter id's terminals and
// pads show of it. An alert or a rating changes nothing they show.
func changesCounter(e hallq.Event, id string) bool {
	return e.Counter != nil && e.Counter.ID == id && !e.Type.IsAlert() && e.Type != hallq.TicketRated
}

// movesQueue reports whether an event of type t may change the queue or its
// figures: the waiting tickets, the open counters, the service times.
func movesQueue(t hallq.EventType) bool {
	switch t {
	case hallq.TicketRated, hallq.TicketStarted, hallq.TicketRecalled:
		return false
	}
	return !t.IsAlert()
}
