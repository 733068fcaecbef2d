package counter

import (
	"net/http"
	"time"

	"hallq"
	"hallq/web"
)

// ratingRequest is the body of POST /api/v1/ratings.
type ratingRequest struct {
	Ticket uint64 `json:"ticket"` // the visit the pad asked about
	Score  int    `json:"score"`  // 1 to 5
}

// ratingReply is the reply to a rating: the visit and its score, never the
// ticket's token.
type ratingReply struct {
	Ticket uint64 `json:"ticket"`
	Number string `json:"number"`
	Rating int    `json:"rating"`
}

// handleRatingCreate answers POST /api/v1/ratings from a paired pad: the
// customer's score of the visit just finished at the pad's counter. Only
// that visit, once, within hallq.RateWindow.
func (h *Handler) handleRatingCreate(w http.ResponseWriter, r *http.Request) {
	var req ratingRequest
	if err := web.Decode(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	pad := web.DeviceFrom(r.Context())
	t, err := h.Ratings.RateTicket(r.Context(), pad.Counter, req.Ticket, req.Score)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, ratingReply{Ticket: t.ID, Number: t.Number, Rating: t.Rating})
}

// padComplaintRequest is the body of POST /api/v1/ratings/complaint.
type padComplaintRequest struct {
	Ticket   uint64 `json:"ticket"`   // the visit just rated 1 or 2 at the pad
	Category string `json:"category"` // what went wrong
	Text     string `json:"text"`
}

// handlePadComplaint answers POST /api/v1/ratings/complaint from a paired
// pad: after a rating of 1 or 2 the customer said what went wrong, and the
// hall takes it as a complaint.
func (h *Handler) handlePadComplaint(w http.ResponseWriter, r *http.Request) {
	var req padComplaintRequest
	if err := web.Decode(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	pad := web.DeviceFrom(r.Context())
	c, err := h.Complaints.Complain(r.Context(), hallq.Actor{}, hallq.ComplaintByRating,
		hallq.TicketRef{ID: req.Ticket, Counter: pad.Counter}, hallq.NewComplaint{Category: req.Category, Text: req.Text})
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, c)
}

// handleComplaintCreate answers POST /api/v1/complaints from staff: a
// complaint taken at the counter, about a ticket (by number) or not.
func (h *Handler) handleComplaintCreate(w http.ResponseWriter, r *http.Request) {
	var req hallq.NewComplaint
	if err := web.Decode(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := h.Complaints.Complain(r.Context(), web.ActorFrom(r.Context()), hallq.ComplaintAtCounter,
		hallq.TicketRef{Number: req.Ticket}, req)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, c)
}

// handleComplaintList answers GET /api/v1/complaints?from=&to=&state=: the
// complaints of those hall days (default today), newest first.
func (h *Handler) handleComplaintList(w http.ResponseWriter, r *http.Request) {
	var today string
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, _ time.Time) { today = f.Day() })
	from, to := web.DayRange(r, today)
	state := r.URL.Query().Get("state")
	switch state {
	case "", hallq.ComplaintReceived, hallq.ComplaintInHand, hallq.ComplaintResolved:
	default:
		web.Error(w, r, hallq.Errorf(hallq.EINVALID, "A complaint's state is received, in_hand or resolved; %q is not.", state))
		return
	}
	out, err := h.Complaints.FindComplaints(r.Context(), from, to, state)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, out)
}
