package manager

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"hallq"
	"hallq/web"
)

// topic is the hub topic every manager's dashboard joins: they all see the
// same things.
const topic = "manager"

// snapshot is the first message on a dashboard's socket: the whole hall as
// of seq.
type snapshot struct {
	Type     string               `json:"type"`
	Seq      uint64               `json:"seq"`
	Hall     hallq.HallView       `json:"hall"`
	Counters []*hallq.Counter     `json:"counters"`
	Queue    []hallq.ServiceQueue `json:"queue"`
	Calls    []hallq.Call         `json:"calls"`  // newest first
	Alerts   []*hallq.Alert       `json:"alerts"` // not resolved, oldest first
}

// message is one event as it happened, or one change of an alert (raised,
// escalated, acknowledged, resolved) with the alert as it is after it. The
// last message of every batch carries the services' queue figures as they
// are after it, and, when the batch changed the hall's configuration or
// started a new day, the whole hall as well.
type message struct {
	Type     string           `json:"type"` // "event" or "alert"
	Seq      uint64           `json:"seq"`
	Event    *hallq.Event     `json:"event,omitempty"`
	Alert    *hallq.Alert     `json:"alert,omitempty"`
	Services []*hallq.Service `json:"services,omitempty"`
	Hall     *hallq.HallView  `json:"hall,omitempty"`
}

// handleSocket serves /ws/manager: a snapshot of the hall, then every event
// and every alert.
func (h *Handler) handleSocket(w http.ResponseWriter, r *http.Request) {
	h.hub.Serve(w, r, web.Join{Topic: topic, Snapshot: h.snapshot, Recheck: h.Auth.Recheck(r)})
}

// snapshot returns the whole hall as of the last commit.
func (h *Handler) snapshot() (uint64, any, error) {
	var snap snapshot
	h.Feed.ReadFloor(func(f *hallq.Floor, seq uint64, now time.Time) {
		snap = snapshot{Type: "snapshot", Seq: seq, Hall: f.Hall(now), Counters: f.Counters(), Queue: f.Queue(), Calls: f.Calls(), Alerts: f.Alerts()}
	})
	return snap.Seq, snap, nil
}

// Sockets returns how many websockets the handler serves now.
func (h *Handler) Sockets() int { return h.hub.Len() }

// Run keeps every dashboard up to date until ctx ends, then closes their
// sockets.
func (h *Handler) Run(ctx context.Context) {
	h.hub.Follow(ctx, h.Feed, h.publish)
}

// publish sends each event of a batch to the dashboards as one message, an
// alert for the changes of alerts and the event itself for the others, with
// the batch's figures on the last.
func (h *Handler) publish(batch []hallq.Event) {
	if len(batch) == 0 {
		return
	}
	var hall hallq.HallView
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, now time.Time) { hall = f.Hall(now) })
	msgs := make([]message, len(batch))
	configured := false
	for i := range batch {
		e := &batch[i]
		configured = configured || e.Type.Configures()
		if e.Type.IsAlert() && e.Alert != nil {
			msgs[i] = message{Type: "alert", Seq: e.Seq, Alert: e.Alert}
		} else {
			msgs[i] = message{Type: "event", Seq: e.Seq, Event: e}
		}
	}
	last := &msgs[len(msgs)-1]
	last.Services = hall.Services
	if configured {
		last.Hall = &hall
	}
	for _, m := range msgs {
		if err := h.hub.Publish(topic, m.Seq, m); err != nil {
			slog.Error("manager: a dashboard message could not be encoded", "seq", m.Seq, "type", m.Type, "err", err)
		}
	}
}
