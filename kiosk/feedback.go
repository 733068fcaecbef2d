package kiosk

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// scoreRequest is the body of a phone's rating.
type scoreRequest struct {
	Score int `json:"score"` // 1 to 5
}

// handleTicketRating answers POST /api/v1/tickets/{token}/rating: the
// customer rates their visit on the phone page, once, within
// hallq.PhoneRateWindow of its end. Staff never rate: a browser that
// carries a staff login is refused.
func (h *Handler) handleTicketRating(w http.ResponseWriter, r *http.Request) {
	if web.UserFrom(r.Context()) != nil {
		web.Error(w, r, hallq.Errorf(hallq.EFORBIDDEN, "Staff cannot rate a visit; the customer rates it on their own phone."))
		return
	}
	var req scoreRequest
	if err := web.Decode(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	t, err := h.Ratings.RateByPhone(r.Context(), chi.URLParam(r, "token"), req.Score)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, t)
}

// complaintRequest is the body of a phone's complaint.
type complaintRequest struct {
	Category string `json:"category"`
	Text     string `json:"text"`
}

// handleTicketComplaint answers POST /api/v1/tickets/{token}/complaint: the
// customer tells the hall what went wrong. One open complaint per ticket,
// and a few per client a minute.
func (h *Handler) handleTicketComplaint(w http.ResponseWriter, r *http.Request) {
	if !unlimited(r) {
		if err := allow(h.ComplaintLimit, web.ClientKeyOf(r)); err != nil {
			web.Error(w, r, err)
			return
		}
	}
	var req complaintRequest
	if err := web.Decode(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	ref := hallq.TicketRef{Token: chi.URLParam(r, "token")}
	c, err := h.Complaints.Complain(r.Context(), hallq.Actor{}, hallq.ComplaintByPhone, ref,
		hallq.NewComplaint{Category: req.Category, Text: req.Text})
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, c)
}
