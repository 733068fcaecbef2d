package manager

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// alertNote is the body of an acknowledgement or a resolution.
type alertNote struct {
	Note string `json:"note"`
}

// handleAlertList answers GET /api/v1/alerts?state=&from=&to=: the alerts
// not resolved, newest first, or those in state (resolved ones of the hall
// days from to to, today by default).
func (h *Handler) handleAlertList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	alerts, err := h.Alerts.FindAlerts(r.Context(), hallq.AlertQuery{State: q.Get("state"), From: q.Get("from"), To: q.Get("to")})
	reply(w, r, http.StatusOK, alerts, err)
}

// handleAlertGet answers GET /api/v1/alerts/{id}.
func (h *Handler) handleAlertGet(w http.ResponseWriter, r *http.Request) {
	id, err := alertID(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	a, err := h.Alerts.FindAlert(r.Context(), id)
	reply(w, r, http.StatusOK, a, err)
}

// handleAlertAck answers POST /api/v1/alerts/{id}/ack {note?}: the one
// logged in has the alert in hand.
func (h *Handler) handleAlertAck(w http.ResponseWriter, r *http.Request) {
	id, n, err := alertRequest(w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	a, err := h.Alerts.AcknowledgeAlert(r.Context(), web.ActorFrom(r.Context()), id, n.Note)
	reply(w, r, http.StatusOK, a, err)
}

// handleAlertResolve answers POST /api/v1/alerts/{id}/resolve {note}.
func (h *Handler) handleAlertResolve(w http.ResponseWriter, r *http.Request) {
	id, n, err := alertRequest(w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	a, err := h.Alerts.ResolveAlert(r.Context(), web.ActorFrom(r.Context()), id, n.Note)
	reply(w, r, http.StatusOK, a, err)
}

func alertRequest(w http.ResponseWriter, r *http.Request) (uint64, alertNote, error) {
	var n alertNote
	id, err := alertID(r)
	if err != nil {
		return 0, n, err
	}
	return id, n, web.DecodeOptional(w, r, &n)
}

func alertID(r *http.Request) (uint64, error) {
	param := chi.URLParam(r, "id")
	id, err := strconv.ParseUint(param, 10, 64)
	if err != nil {
		return 0, hallq.Errorf(hallq.EINVALID, "An alert id is a whole number, such as 12; %q is not one.", param)
	}
	return id, nil
}
