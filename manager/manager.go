// Package manager serves the hall manager's endpoints: hall settings,
// services, tiers, counters, the card registry, staff accounts, paired
// devices, backups, and the live dashboard over a websocket. Every route
// needs a manager's login.
package manager

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// Handler serves the manager endpoints of the API.
type Handler struct {
	Hall    hallq.HallService
	Cards   hallq.CardService
	Users   hallq.UserService
	Devices hallq.DeviceService
	Backup  hallq.BackupService
	// Publicity keeps the displays' slides and the hall's own voice.
	Publicity hallq.PublicityService
	// Reports works out the statistics and the tickets report.
	Reports hallq.ReportService
	// Alerts are the alerts staff acknowledge and managers resolve.
	Alerts hallq.AlertDesk
	// Staffing advises on the counters each service needs.
	Staffing hallq.StaffingService
	Feed     hallq.FeedService // the live dashboard's events and state; see Run
	Auth     *web.Auth
	Now      func() time.Time // the clock for backup file names; nil means time.Now

	hub web.Hub // the dashboards' websockets
}

// Routes registers the handler's routes, with their full paths, on r. GET
// /api/v1/hall, GET /api/v1/counters and POST /api/v1/devices/pair belong
// to other packages.
func (h *Handler) Routes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(h.Auth.RequireManager)

		r.Put("/api/v1/hall", h.handleSettingsUpdate)

		r.Get("/api/v1/services", h.handleServiceList)
		r.Post("/api/v1/services", h.handleServiceCreate)
		r.Get("/api/v1/services/{id}", h.handleServiceGet)
		r.Put("/api/v1/services/{id}", h.handleServiceUpdate)

		r.Get("/api/v1/tiers", h.handleTierList)
		r.Post("/api/v1/tiers", h.handleTierCreate)
		r.Get("/api/v1/tiers/{id}", h.handleTierGet)
		r.Put("/api/v1/tiers/{id}", h.handleTierUpdate)

		r.Post("/api/v1/counters", h.handleCounterCreate)
		r.Put("/api/v1/counters/{id}", h.handleCounterUpdate)
		r.Delete("/api/v1/counters/{id}", h.handleCounterDelete)

		r.Get("/api/v1/cards", h.handleCardList)
		r.Post("/api/v1/cards", h.handleCardCreate)
		r.Post("/api/v1/cards/import", h.handleCardImport)
		r.Get("/api/v1/cards/export.csv", h.handleCardExport)
		r.Get("/api/v1/cards/{number}/visits", h.handleCardVisits)
		r.Get("/api/v1/cards/{number}", h.handleCardGet)
		r.Put("/api/v1/cards/{number}", h.handleCardUpdate)
		r.Delete("/api/v1/cards/{number}", h.handleCardDelete)

		r.Get("/api/v1/users", h.handleUserList)
		r.Post("/api/v1/users", h.handleUserCreate)
		r.Get("/api/v1/users/{username}", h.handleUserGet)
		r.Put("/api/v1/users/{username}", h.handleUserUpdate)
		r.Delete("/api/v1/users/{username}", h.handleUserDelete)

		r.Get("/api/v1/devices", h.handleDeviceList)
		r.Post("/api/v1/devices", h.handleDeviceCreate)
		r.Delete("/api/v1/devices/{id}", h.handleDeviceDelete)

		r.Get("/api/v1/backup", h.handleBackup)
		r.Get("/api/v1/stats", h.handleStats)
		r.Get("/api/v1/reports/tickets.csv", h.handleTicketsReport)

		r.Post("/api/v1/slides", h.handleSlideCreate)
		r.Get("/api/v1/slides/{id}", h.handleSlideGet)
		r.Put("/api/v1/slides/{id}", h.handleSlideUpdate)
		r.Delete("/api/v1/slides/{id}", h.handleSlideDelete)
		r.Put("/api/v1/voice", h.handleVoiceUpdate)
		r.Delete("/api/v1/voice", h.handleVoiceDelete)

		r.Get("/ws/manager", h.handleSocket)
		r.Get("/api/v1/staffing", h.handleStaffing)
		r.Post("/api/v1/alerts/{id}/resolve", h.handleAlertResolve)
	})
	r.Group(func(r chi.Router) {
		r.Use(h.Auth.RequireStaff) // staff see and take alerts too
		r.Get("/api/v1/alerts", h.handleAlertList)
		r.Get("/api/v1/alerts/{id}", h.handleAlertGet)
		r.Post("/api/v1/alerts/{id}/ack", h.handleAlertAck)
	})
}

// reply writes v as JSON with status, or err when there is one.
func reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, status, v)
}

// noContent answers 204, or err when there is one.
func noContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// now returns the time of h.Now, or of time.Now.
func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}
