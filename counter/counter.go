// Package counter serves the staff at the counters: the counters with their
// current tickets, the actions staff take at a counter (open, call, recall,
// serve, finish, transfer, pause, close) and the queue they call from, over
// HTTP and live over a websocket. It also serves the rating pads facing the
// customers at the counters, which see only public views.
package counter

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/assets"
	"hallq/web"
)

// Handler serves the counters and the queue to staff, and the rating pads.
// Every staff route needs a staff or manager login; every pad route the
// device token of a paired pad. Run keeps the websockets up to date.
type Handler struct {
	Counters hallq.CounterService
	Tickets  hallq.TicketService
	Ratings  hallq.RatingService
	// Complaints takes the complaints staff take at a counter, and those a
	// pad passes on after a low rating.
	Complaints hallq.ComplaintService
	Feed       hallq.FeedService
	Auth       *web.Auth
	hub        web.Hub
}

// Routes registers the handler's routes, with their full paths, on r. Each
// counter action has its own path, so an unknown action is a path that does
// not exist: 404.
func (h *Handler) Routes(r chi.Router) {
	staff := r.With(h.Auth.RequireStaff)
	staff.Get("/api/v1/counters", h.handleCounterList)
	staff.Get("/api/v1/counters/{id}", h.handleCounterGet)
	for _, op := range hallq.CounterOps {
		staff.Post("/api/v1/counters/{id}/"+string(op), h.handleCounterAction(op))
	}
	staff.Get("/api/v1/queue", h.handleQueue)
	staff.Post("/api/v1/complaints", h.handleComplaintCreate)
	staff.Get("/api/v1/complaints", h.handleComplaintList)
	staff.Get("/ws/counters/{id}", h.handleCounterSocket)

	r.Get("/counter", assets.Page("counter.html"))
	r.Get("/pad", assets.Page("pad.html"))

	pad := r.With(h.Auth.RequireDevice(hallq.DevicePad))
	pad.Get("/ws/pad", h.handlePadSocket)
	pad.Post("/api/v1/ratings", h.handleRatingCreate)
	pad.Post("/api/v1/ratings/complaint", h.handlePadComplaint)
}

// handleCounterList answers GET /api/v1/counters: every counter with its
// current ticket.
func (h *Handler) handleCounterList(w http.ResponseWriter, r *http.Request) {
	counters, err := h.Counters.FindCounters(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	for i, c := range counters {
		counters[i] = staffCounter(c)
	}
	web.JSON(w, http.StatusOK, counters)
}

// handleCounterGet answers GET /api/v1/counters/{id}: one counter with its
// current ticket.
func (h *Handler) handleCounterGet(w http.ResponseWriter, r *http.Request) {
	c, err := h.Counters.FindCounter(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, staffCounter(c))
}

// handleCounterAction returns the handler of POST /api/v1/counters/{id}/{op}
// for one op. Open, pause and close answer with the counter; the others with
// the ticket acted on, or 204 when next finds nobody waiting. A request that
// repeats an Idempotency-Key gets the first result again.
func (h *Handler) handleCounterAction(op hallq.CounterOp) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, err := web.IdempotencyKey(r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		body := newActionBody(op)
		if err := web.DecodeOptional(w, r, body); err != nil {
			web.Error(w, r, err)
			return
		}
		a := hallq.CounterAction{Op: op, Counter: chi.URLParam(r, "id"), By: web.ActorFrom(r.Context())}
		body.apply(&a)
		res, err := h.Counters.ActAtCounter(r.Context(), a, key)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		writeActResult(w, op, res)
	}
}

// ReplayHeader marks the reply to a counter action whose Idempotency-Key
// was seen before: the action was already carried out, and this is its
// first result, so a terminal can say "A023 was already called".
const ReplayHeader = "Idempotent-Replayed"

// writeActResult writes the reply to a counter action.
func writeActResult(w http.ResponseWriter, op hallq.CounterOp, res *hallq.ActResult) {
	if res.Replayed {
		w.Header().Set(ReplayHeader, "true")
	}
	switch {
	case op == hallq.OpOpen || op == hallq.OpPause || op == hallq.OpClose:
		web.JSON(w, http.StatusOK, staffCounter(res.Counter))
	case res.Ticket == nil: // next found nobody waiting
		w.WriteHeader(http.StatusNoContent)
	default:
		web.JSON(w, http.StatusOK, staffTicket(res.Ticket))
	}
}

// queueReply is the body of GET /api/v1/queue.
type queueReply struct {
	Services []hallq.ServiceQueue `json:"services"`
}

// handleQueue answers GET /api/v1/queue: the waiting tickets of each
// service, by key, then id.
func (h *Handler) handleQueue(w http.ResponseWriter, r *http.Request) {
	services, err := h.Tickets.FindQueue(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, queueReply{Services: staffQueue(services)})
}

// staffTicket returns a copy of t as staff see it: with the name of the VIP
// card holder, so that they can greet them. Public views never carry it.
func staffTicket(t *hallq.Ticket) *hallq.Ticket {
	if t == nil {
		return nil
	}
	v := t.ViewCopy()
	v.StaffView = true
	return v
}

// staffCounter returns a copy of c whose ticket staff see.
func staffCounter(c *hallq.Counter) *hallq.Counter {
	if c == nil {
		return nil
	}
	v := *c
	v.Ticket = staffTicket(c.Ticket)
	return &v
}

// staffQueue returns a copy of the queue whose tickets staff see.
func staffQueue(queue []hallq.ServiceQueue) []hallq.ServiceQueue {
	out := make([]hallq.ServiceQueue, len(queue))
	for i, q := range queue {
		out[i] = hallq.ServiceQueue{ID: q.ID, Tickets: make([]*hallq.Ticket, len(q.Tickets))}
		for j, t := range q.Tickets {
			out[i].Tickets[j] = staffTicket(t)
		}
	}
	return out
}
