package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq/assets"
	"hallq/counter"
	"hallq/display"
	"hallq/kiosk"
	"hallq/manager"
	"hallq/store"
	"hallq/web"
)

// newServer wires the role packages onto one router behind the shared
// middleware: recovery, security headers, same-origin checks, sessions.
func newServer(st *store.Store, c config) http.Handler {
	auth := &web.Auth{Users: st, Sessions: st, StaffNets: c.staffNets, Secure: strings.HasPrefix(c.publicURL, "https://")}
	r := chi.NewRouter()
	r.Use(web.Recover, web.SecureHeaders, web.SameOrigin, auth.Identify)
	r.NotFound(web.NotFound)
	r.MethodNotAllowed(web.MethodNotAllowed)

	r.Post("/api/v1/login", auth.HandleLogin)
	r.Post("/api/v1/logout", auth.HandleLogout)
	(&kiosk.Handler{
		Tickets:    st,
		Hall:       st,
		Auth:       auth,
		IssueLimit: web.NewRateLimiter(c.issueRate, time.Now),
		CardLimit:  web.NewRateLimiter(c.issueRate, time.Now),
	}).Routes(r)
	(&display.Handler{Hall: st}).Routes(r)
	(&counter.Handler{Counters: st, Tickets: st, Auth: auth}).Routes(r)
	(&manager.Handler{Hall: st, Cards: st, Users: st, Backup: st, Auth: auth, Now: time.Now}).Routes(r)

	r.Get("/", assets.Page("index.html"))
	r.Handle("/assets/*", http.StripPrefix("/assets/", assets.Handler()))
	return r
}
