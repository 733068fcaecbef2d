package counter

import (
	"net/http"

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
