// Package kiosk serves the public endpoints of the kiosk and the phone page:
// the hall, ticket issue, a ticket's status, live over a websocket too,
// cancelling it and its QR code. None of them needs a login; staff may add a
// tier when they issue a ticket. A phone sees its own ticket only. Paired
// kiosks, and staff reprinting, also print tickets on a kiosk's network
// ESC/POS printer.
package kiosk

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/skip2/go-qrcode"

	"hallq"
	"hallq/assets"
	"hallq/web"
)

// Handler serves the kiosk's and the phone page's API.
type Handler struct {
	Tickets hallq.TicketService
	Hall    hallq.HallService
	// Ratings and Complaints take what a customer says of their visit on
	// the phone page.
	Ratings    hallq.RatingService
	Complaints hallq.ComplaintService
	// Auth guards the staff-only tier of a ticket; required.
	Auth *web.Auth
	// IssueLimit limits the ticket requests of each client per minute, and
	// CardLimit the requests carrying a card. Loopback clients, logged-in
	// staff and paired kiosks are exempt; nil or a limit of 0 is no limit.
	IssueLimit *web.RateLimiter
	CardLimit  *web.RateLimiter
	// ComplaintLimit limits the complaints each client sends from phones
	// per minute; nil or a limit of 0 is no limit.
	ComplaintLimit *web.RateLimiter
	// Feed is the live state the phones' sockets follow; Run keeps them up
	// to date.
	Feed hallq.FeedService
	// Devices finds the kiosk whose printer staff reprint a ticket on, and
	// Alerts tells managers when a kiosk's printer runs into trouble or
	// works again; both are required for printing.
	Devices hallq.DeviceService
	Alerts  hallq.AlertService
	// PrintTimeout bounds each step of talking to a printer: connecting, its
	// status answers, taking the job; 0 means DefaultPrintTimeout.
	PrintTimeout time.Duration
	// PrintLimit limits the print requests of each kiosk and staff member
	// per minute; nil or a limit of 0 is no limit.
	PrintLimit *web.RateLimiter
	// AlertEvery is how often, at most, managers hear of the same problem
	// with one printer; 0 means DefaultAlertEvery. Now is the clock of
	// those alerts; nil means time.Now.
	AlertEvery time.Duration
	Now        func() time.Time

	hub      web.Hub
	phones   phones
	printers printers
	shares   quotaShares // today's tickets per client, against each quota
}

// Routes registers the handler's routes, with their full paths, on r.
func (h *Handler) Routes(r chi.Router) {
	h.hub.MaxPerClient = web.MaxPublicSockets
	r.Get("/kiosk", assets.Page("kiosk.html"))
	r.Get("/t/{token}", assets.Page("ticket.html"))
	r.Get("/api/v1/hall", h.handleHall)
	r.Post("/api/v1/tickets", h.handleTicketCreate)
	r.Get("/api/v1/tickets/{token}", h.handleTicket)
	r.Delete("/api/v1/tickets/{token}", h.handleTicketCancel)
	r.Get("/api/v1/tickets/{token}/qr.png", h.handleTicketQR)
	r.Get("/ws/tickets/{token}", h.handleTicketSocket)
	r.Post("/api/v1/tickets/{token}/print", h.handleTicketPrint)
	r.Post("/api/v1/tickets/{token}/rating", h.handleTicketRating)
	r.Post("/api/v1/tickets/{token}/complaint", h.handleTicketComplaint)
	r.Get("/api/v1/devices/me", h.handleDeviceMe)
}

// handleHall replies with the hall: settings, services, tiers.
func (h *Handler) handleHall(w http.ResponseWriter, r *http.Request) {
	hall, err := h.Hall.FindHall(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if u := web.UserFrom(r.Context()); u == nil || u.Role != hallq.RoleManager {
		hall.Escalation = nil // the webhook's address may carry a secret
	}
	web.JSON(w, http.StatusOK, hall)
}

// handleTicketCreate issues a ticket: 201 with the ticket, or 200 with the
// first ticket when the Idempotency-Key was seen before. A tier in the body
// needs a staff login.
func (h *Handler) handleTicketCreate(w http.ResponseWriter, r *http.Request) {
	req, err := readTicketRequest(w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	issue := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.issue(w, r, req) })
	if req.Tier != "" {
		// Choosing a tier is a staff function, with its network rule.
		h.Auth.RequireStaff(issue).ServeHTTP(w, r)
		return
	}
	issue(w, r)
}

// readTicketRequest reads the body and headers of a ticket request.
func readTicketRequest(w http.ResponseWriter, r *http.Request) (hallq.IssueRequest, error) {
	body, err := web.ReadJSONBody(w, r, web.MaxBody)
	if err != nil {
		return hallq.IssueRequest{}, err
	}
	req, err := DecodeTicketRequest(body)
	if err != nil {
		return hallq.IssueRequest{}, err
	}
	if req.IdempotencyKey, err = web.IdempotencyKey(r); err != nil {
		return hallq.IssueRequest{}, err
	}
	req.By = web.ActorFrom(r.Context())
	if req.Lang == "" {
		req.Lang = web.AcceptLanguage(r) // "" leaves the hall's first language
	}
	return req, nil
}

// issue applies the rate limits and the quota share, and issues the ticket
// req asks for.
func (h *Handler) issue(w http.ResponseWriter, r *http.Request, req hallq.IssueRequest) {
	issued := false // a new ticket: a retry's replay takes no more of a share
	if err := h.checkLimits(r, req); err != nil {
		web.Error(w, r, err)
		return
	}
	if !unlimited(r) {
		day, left, service, quota := h.quotaOf(req.Service)
		client := web.ClientKeyOf(r)
		if quota > 0 {
			if share := QuotaShare(quota); !h.shares.take(day, service, client, share) {
				// A retry of a ticket this client got still gets it.
				req.RefuseNew = &web.RetryAfterError{Wait: left, Err: hallq.Errorf(hallq.ERATELIMITED,
					"This device has taken its share of today's tickets for %s (%d of %d). A kiosk that gives out the hall's tickets must be paired: ask a manager (Manager, Devices).", service, share, quota)}
			} else {
				defer func() {
					if !issued {
						h.shares.giveBack(day, service, client)
					}
				}()
			}
		}
	}
	t, replayed, err := h.Tickets.IssueTicket(r.Context(), req)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	issued = !replayed
	w.Header().Set("Location", "/api/v1/tickets/"+t.Token)
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	web.JSON(w, status, t)
}

// checkLimits takes a token from the client's issue bucket and, for a
// request with a card, from its card bucket. Every request with a card
// counts, not only those answered card_unknown: the check must come before
// the answer, or a client over the limit would still learn which numbers are
// registered from whether it gets a ticket, and a limiter cannot be asked
// without taking a token.
func (h *Handler) checkLimits(r *http.Request, req hallq.IssueRequest) error {
	if unlimited(r) {
		return nil
	}
	ip := web.ClientKeyOf(r)
	if err := allow(h.IssueLimit, ip); err != nil {
		return err
	}
	if req.Card != "" {
		return allow(h.CardLimit, ip)
	}
	return nil
}

// unlimited reports whether r comes from a client the limits do not apply
// to: the hub's own machine, logged-in staff, a paired kiosk.
func unlimited(r *http.Request) bool {
	d := web.DeviceFrom(r.Context())
	return web.IsLoopback(r) || web.UserFrom(r.Context()) != nil || d != nil && d.Kind == hallq.DeviceKiosk
}

// allow takes a token from key's bucket in l, or returns a rate_limited
// error. A nil limiter allows everything.
func allow(l *web.RateLimiter, key string) error {
	if l == nil {
		return nil
	}
	if ok, wait := l.Allow(key); !ok {
		return web.RateLimited(wait)
	}
	return nil
}

// DecodeTicketRequest reads a ticket request body: one JSON object
// {service, card?, lang?, tier?}. Unknown fields, wrong types and data after
// the object are refused; service is required and lang, when present, names
// one of hallq.Languages (regional tags such as zh-CN or en-GB are taken as
// zh and en). The card is kept as typed (the store reduces track data
// to the number); an empty card is no card. Its errors are *hallq.Error
// values with code invalid.
func DecodeTicketRequest(body []byte) (hallq.IssueRequest, error) {
	var req hallq.IssueRequest
	if len(bytes.TrimSpace(body)) == 0 {
		return req, hallq.Errorf(hallq.EINVALID, "The request needs a JSON body such as {\"service\": \"A\"}.")
	}
	if err := web.DecodeJSON(body, &req); err != nil {
		return hallq.IssueRequest{}, err
	}
	if req.Service == "" {
		return hallq.IssueRequest{}, hallq.Errorf(hallq.EINVALID, "Choose a service: the body needs a \"service\".")
	}
	if req.Lang != "" {
		lang, ok := web.Lang(req.Lang)
		if !ok {
			return hallq.IssueRequest{}, hallq.WithField(hallq.Errorf(hallq.EINVALID, "Language %q is not offered; use en or zh.", req.Lang), "lang")
		}
		req.Lang = lang
	}
	return req, nil
}

// handleTicket replies with the ticket a token names.
func (h *Handler) handleTicket(w http.ResponseWriter, r *http.Request) {
	t, err := h.Tickets.FindTicketByToken(r.Context(), chi.URLParam(r, "token"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, t)
}

// handleTicketCancel cancels a waiting ticket and replies with it.
func (h *Handler) handleTicketCancel(w http.ResponseWriter, r *http.Request) {
	t, err := h.Tickets.CancelTicket(r.Context(), chi.URLParam(r, "token"), web.ActorFrom(r.Context()))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, t)
}

// qrSize is the width and height of a ticket's QR code, in pixels.
const qrSize = 256

// handleTicketQR replies with a PNG QR code of the ticket's status page URL.
// The image keeps the API's no-store: it carries the ticket's token, kiosks
// are shared machines, and each code is fetched about once.
func (h *Handler) handleTicketQR(w http.ResponseWriter, r *http.Request) {
	t, err := h.Tickets.FindTicketByToken(r.Context(), chi.URLParam(r, "token"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	png, err := qrcode.Encode(statusURL(r, t), qrcode.Medium, qrSize)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.WriteHeader(http.StatusOK)
	w.Write(png)
}

// statusURL returns the absolute address of t's status page: its StatusURL,
// built on the hub's public URL, or, when no public URL is set, on the
// address this request reached the hub at.
func statusURL(r *http.Request, t *hallq.Ticket) string {
	if u, err := url.Parse(t.StatusURL); err == nil && u.IsAbs() {
		return t.StatusURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + t.StatusURL
}
