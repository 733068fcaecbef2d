package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"hallq/assets"
	"hallq/counter"
	"hallq/display"
	"hallq/internal/webhook"
	"hallq/kiosk"
	"hallq/manager"
	"hallq/metrics"
	"hallq/store"
	"hallq/web"
)

// server is the hub's HTTP side: the router and the live views that feed
// the websockets.
type server struct {
	http.Handler
	views []func(ctx context.Context) // each view's Run
}

// newServer wires the role packages onto one router behind the shared
// middleware: recovery, security headers, same-origin checks, sessions and
// devices.
func newServer(st *store.Store, c config) *server {
	auth := &web.Auth{Users: st, Sessions: st, Devices: st, StaffNets: c.staffNets, Secure: strings.HasPrefix(c.publicURL, "https://")}
	r := chi.NewRouter()
	r.Use(web.RealIP(c.proxies), web.Recover, middleware.GetHead, web.SecureHeaders, web.HostCheck(c.names()), web.SameOrigin, auth.Identify)
	r.NotFound(web.NotFound)
	r.MethodNotAllowed(web.MethodNotAllowed)

	r.Post("/api/v1/login", auth.HandleLogin)
	r.Post("/api/v1/logout", auth.HandleLogout)
	r.Get("/api/v1/session", auth.HandleSession)
	r.Post("/api/v1/password", auth.HandlePassword)
	r.Get("/login", assets.Page("login.html"))
	r.Get("/manager", assets.Page("manager.html"))
	r.Get("/manager/report", assets.Page("report.html"))
	r.Post("/api/v1/devices/pair", auth.HandlePair)
	kiosks := &kiosk.Handler{
		Tickets:    st,
		Hall:       st,
		Ratings:    st,
		Complaints: st,
		Feed:       st,
		Auth:       auth,
		Devices:    st,
		Alerts:     st,
		IssueLimit: web.NewRateLimiter(c.issueRate, time.Now),
		CardLimit:  web.NewRateLimiter(c.issueRate, time.Now),
		PrintLimit: web.NewRateLimiter(60, time.Now),
		// A customer complains once; a few a minute leave room for phones
		// that share one carrier address.
		ComplaintLimit: web.NewRateLimiter(10, time.Now),
	}
	kiosks.Routes(r)
	displays := &display.Handler{Hall: st, Feed: st, Publicity: st}
	displays.Routes(r)
	counters := &counter.Handler{Counters: st, Tickets: st, Ratings: st, Complaints: st, Feed: st, Auth: auth}
	counters.Routes(r)
	managers := &manager.Handler{Hall: st, Cards: st, Users: st, Devices: st, Backup: st, Publicity: st, Reports: st,
		Alerts: st, Staffing: st, Feed: st, Auth: auth, Now: time.Now}
	managers.Routes(r)

	monitor := metrics.New(st, map[string]func() int{
		"phone": kiosks.Sockets, "display": displays.Sockets, "counter": counters.Sockets, "manager": managers.Sockets,
	})
	st.ObserveCommits(monitor.ObserveCommit)
	r.With(auth.RequireMonitor).Get("/metrics", monitor.Handler().ServeHTTP)

	r.Get("/", assets.Page("index.html"))
	files := assets.Handler()
	r.Handle("/assets/*", http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only the embedded files: no directory listings, and a name that
		// is not one, or not even a path, is the API's 404.
		if !assets.Has(r.URL.Path) {
			web.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})))
	// The escalations go to the hall's webhook beside the views: a slow
	// receiver never holds up a page.
	escalations := &webhook.Sender{Outbox: st}
	return &server{Handler: r, views: []func(context.Context){kiosks.Run, displays.Run, counters.Run, managers.Run, monitor.Run, escalations.Run}}
}

// run runs the live views until ctx ends; each closes its websockets with a
// close frame before run returns.
func (s *server) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, view := range s.views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			view(ctx)
		}()
	}
	wg.Wait()
}
