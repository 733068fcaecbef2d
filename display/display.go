// Package display serves the waiting-room displays: what they show, over
// HTTP and live over a websocket. Nothing they get is personal: numbers,
// counters and queue figures only.
package display

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/assets"
	"hallq/web"
)

// Handler serves the displays.
type Handler struct {
	Hall hallq.HallService
	Feed hallq.FeedService
	// Publicity serves the slides and the hall's own voice.
	Publicity hallq.PublicityService
	hub       web.Hub
}

// Routes registers the handler's routes, with their full paths, on r.
func (h *Handler) Routes(r chi.Router) {
	h.hub.MaxPerClient = web.MaxPublicSockets
	r.Get("/display", assets.Page("display.html"))
	r.Get("/display/counter/{id}", assets.Page("counter-display.html"))
	r.Get("/api/v1/display", h.handleDisplay)
	r.Get("/ws/display", h.handleSocket)
	r.Get("/api/v1/slides", h.handleSlides)
	r.Get("/api/v1/slides/images/{hash}", h.handleSlideImage)
	r.Get("/api/v1/voice", h.handleVoice)
	r.Get("/api/v1/voice/{clip}", h.handleVoiceClip)
}

// handleDisplay replies with what the displays show: the calls newest first,
// the services and the public view of the counters.
func (h *Handler) handleDisplay(w http.ResponseWriter, r *http.Request) {
	d, err := h.Hall.FindDisplay(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, d)
}

// snapshot is the first message on a display's socket, and the message that
// replaces its whole view after the hall's configuration changes.
type snapshot struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
	Now  string `json:"now"` // the hub's clock when it was made, RFC 3339
	*hallq.Display
}

// newSnapshot returns the snapshot of d, made at now with seq.
func newSnapshot(seq uint64, now time.Time, d *hallq.Display) snapshot {
	return snapshot{Type: "snapshot", Seq: seq, Now: now.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Display: d}
}

// message is a change: a call (with its counter), a counter, or the queue.
// Every message carries the services' queue figures as they are now.
type message struct {
	Type     string               `json:"type"`
	Seq      uint64               `json:"seq"`
	Call     *hallq.Call          `json:"call,omitempty"`
	Counter  *hallq.PublicCounter `json:"counter,omitempty"`
	Services []*hallq.Service     `json:"services,omitempty"`
}

// handleSocket serves /ws/display: a snapshot, then every change.
func (h *Handler) handleSocket(w http.ResponseWriter, r *http.Request) {
	h.hub.Serve(w, r, web.Join{Topic: "display", Snapshot: func() (uint64, any, error) {
		var snap snapshot
		h.Feed.ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time) {
			snap = newSnapshot(seq, now, f.Display(now))
		})
		return snap.Seq, snap, nil
	}})
}

// Sockets returns how many websockets the handler serves now.
func (h *Handler) Sockets() int { return h.hub.Len() }

// Run keeps every display up to date until ctx ends, then closes their
// sockets.
func (h *Handler) Run(ctx context.Context) {
	h.hub.Follow(ctx, h.Feed, h.publish)
}

// publish turns a batch of events into the displays' messages: one per call
// and per counter change that no later message of the batch supersedes,
// the queue once per batch, and a whole new snapshot after a change of
// configuration.
func (h *Handler) publish(batch []hallq.Event) {
	var msgs []message
	var queueSeq, resetSeq uint64
	for _, e := range batch {
		switch {
		case resetSeq != 0:
		case e.Type.Configures():
			resetSeq = e.Seq
		case e.Call != nil:
			p := e.Counter.Public()
			msgs = append(msgs, message{Type: "call", Seq: e.Seq, Call: e.Call, Counter: &p})
		case e.Counter != nil && !e.Type.IsAlert() && e.Type != hallq.TicketRated:
			p := e.Counter.Public()
			msgs = append(msgs, message{Type: "counter", Seq: e.Seq, Counter: &p})
		}
		if !e.Type.IsAlert() && e.Type != hallq.TicketRated {
			queueSeq = e.Seq
		}
	}
	msgs = dropSuperseded(msgs)
	var d *hallq.Display
	var floorSeq uint64
	var floorNow time.Time
	h.Feed.ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time) { d, floorSeq, floorNow = f.Display(now), seq, now })
	if resetSeq != 0 {
		// The configuration changed: the displays take the whole view, at
		// the sequence number of the state it shows. Calls made after the
		// change are in the snapshot's calls, not messages of their own: a
		// display announces the calls a snapshot brings that it had not
		// seen.
		for _, m := range msgs {
			h.hub.Publish("display", m.Seq, m)
		}
		h.hub.Publish("display", floorSeq, newSnapshot(floorSeq, floorNow, d))
		return
	}
	if queueSeq != 0 && (len(msgs) == 0 || msgs[len(msgs)-1].Seq < queueSeq) {
		msgs = append(msgs, message{Type: "queue", Seq: queueSeq})
	}
	if len(msgs) > 0 {
		msgs[len(msgs)-1].Services = d.Services
	}
	for _, m := range msgs {
		h.hub.Publish("display", m.Seq, m)
	}
}

// dropSuperseded drops each counter message that a later message of the
// batch, a call or a counter of the same counter, makes moot: a display
// takes the counter from each message whole, so it would show the first
// only until the next. A next that finishes one ticket and calls another is
// then one message to every display, not two.
func dropSuperseded(msgs []message) []message {
	later := map[string]bool{}
	out := msgs[:0:0]
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Type == "counter" && later[m.Counter.ID] {
			continue
		}
		if m.Counter != nil {
			later[m.Counter.ID] = true
		}
		out = append(out, m)
	}
	slices.Reverse(out)
	return out
}
