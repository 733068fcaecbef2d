package manager

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// handleSettingsUpdate changes the hall settings present in the body and
// returns the whole hall.
func (h *Handler) handleSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	var u hallq.SettingsUpdate
	if err := web.DecodeUpdate(w, r, &u, nil, "services", "tiers", "languages", "head_start_max_s", "day", "public_url", "public_url_local"); err != nil {
		web.Error(w, r, err)
		return
	}
	hall, err := h.Hall.UpdateSettings(r.Context(), web.ActorFrom(r.Context()), u)
	reply(w, r, http.StatusOK, hall, err)
}

// handleServiceList returns every service with its live figures.
func (h *Handler) handleServiceList(w http.ResponseWriter, r *http.Request) {
	services, err := h.Hall.FindServices(r.Context())
	reply(w, r, http.StatusOK, services, err)
}

// handleServiceGet returns one service.
func (h *Handler) handleServiceGet(w http.ResponseWriter, r *http.Request) {
	s, err := h.Hall.FindService(r.Context(), chi.URLParam(r, "id"))
	reply(w, r, http.StatusOK, s, err)
}

// handleServiceCreate adds a service.
func (h *Handler) handleServiceCreate(w http.ResponseWriter, r *http.Request) {
	var n hallq.NewService
	if err := web.Decode(w, r, &n); err != nil {
		web.Error(w, r, err)
		return
	}
	s, err := h.Hall.CreateService(r.Context(), web.ActorFrom(r.Context()), n)
	reply(w, r, http.StatusCreated, s, err)
}

// handleServiceUpdate changes the fields of a service present in the body.
func (h *Handler) handleServiceUpdate(w http.ResponseWriter, r *http.Request) {
	current, err := h.Hall.FindService(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var u hallq.ServiceUpdate
	if err := web.DecodeUpdate(w, r, &u, map[string]any{"id": current.ID},
		"accepting", "closed_reason", "waiting", "eta_s", "eta_low_s", "eta_high_s", "eta_reason", "issued"); err != nil {
		web.Error(w, r, err)
		return
	}
	s, err := h.Hall.UpdateService(r.Context(), web.ActorFrom(r.Context()), current.ID, u)
	reply(w, r, http.StatusOK, s, err)
}

// handleTierList returns the tiers, by rank.
func (h *Handler) handleTierList(w http.ResponseWriter, r *http.Request) {
	tiers, err := h.Hall.FindTiers(r.Context())
	reply(w, r, http.StatusOK, tiers, err)
}

// handleTierCreate adds a tier.
func (h *Handler) handleTierCreate(w http.ResponseWriter, r *http.Request) {
	var t hallq.Tier
	if err := web.Decode(w, r, &t); err != nil {
		web.Error(w, r, err)
		return
	}
	tier, err := h.Hall.CreateTier(r.Context(), web.ActorFrom(r.Context()), t)
	reply(w, r, http.StatusCreated, tier, err)
}

// handleTierUpdate changes the fields of a tier present in the body. A new
// head start applies to tickets issued afterwards.
func (h *Handler) handleTierUpdate(w http.ResponseWriter, r *http.Request) {
	var u hallq.TierUpdate
	if err := web.DecodeUpdate(w, r, &u, map[string]any{"id": chi.URLParam(r, "id")}); err != nil {
		web.Error(w, r, err)
		return
	}
	tier, err := h.Hall.UpdateTier(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "id"), u)
	reply(w, r, http.StatusOK, tier, err)
}

// handleTierGet returns one tier.
func (h *Handler) handleTierGet(w http.ResponseWriter, r *http.Request) {
	t, err := h.Hall.FindTier(r.Context(), chi.URLParam(r, "id"))
	reply(w, r, http.StatusOK, t, err)
}

// handleCounterCreate adds a counter, closed.
func (h *Handler) handleCounterCreate(w http.ResponseWriter, r *http.Request) {
	var n hallq.NewCounter
	if err := web.Decode(w, r, &n); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := h.Hall.CreateCounter(r.Context(), web.ActorFrom(r.Context()), n)
	reply(w, r, http.StatusCreated, c, err)
}

// handleCounterUpdate changes the fields of a counter present in the body.
func (h *Handler) handleCounterUpdate(w http.ResponseWriter, r *http.Request) {
	current, err := h.Hall.FindCounter(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var u hallq.CounterUpdate
	if err := web.DecodeUpdate(w, r, &u, map[string]any{"id": current.ID, "state": current.State},
		"since", "ticket", "staff", "served_today", "service_s_avg"); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := h.Hall.UpdateCounter(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "id"), u)
	reply(w, r, http.StatusOK, c, err)
}

// handleCounterDelete removes a closed counter.
func (h *Handler) handleCounterDelete(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Hall.DeleteCounter(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "id")))
}
