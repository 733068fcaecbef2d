// Package display serves the waiting-room and counter displays: the recent
// calls, the services' queues and the counters, with no personal data.
package display

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// Handler serves the displays' API. It needs no login.
type Handler struct {
	Hall hallq.HallService
}

// Routes registers the handler's routes, with their full paths, on r.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/api/v1/display", h.handleDisplay)
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
