package manager_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/internal/hubtest"
	"hallq/manager"
	"hallq/web"
)

// newHub starts a hub with the manager routes and their dashboards' loop
// (see startHub), and returns it with the admin's credentials.
func newHub(t *testing.T) (*hubtest.Hub, hubtest.Request) {
	t.Helper()
	h, m := startHub(t)
	h.Run(t, m.Run)
	return h, hubtest.Bearer(h.Manager(t))
}

// startHub starts a hub with the manager routes, a stand-in for the kiosk's
// GET /api/v1/hall and one for the counter package's GET /api/v1/counters
// (to show that the routes live side by side), the pairing route of
// cmd/hallq, and a stand-in for a pad's route. Running the handler's loop is
// left to the caller.
func startHub(t *testing.T) (*hubtest.Hub, *manager.Handler) {
	t.Helper()
	var m *manager.Handler
	h := hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		m = &manager.Handler{Hall: h.Store, Cards: h.Store, Users: h.Store, Devices: h.Store, Backup: h.Store, Publicity: h.Store, Reports: h.Store,
			Alerts: h.Store, Staffing: h.Store, Feed: h.Store, Auth: h.Auth, Now: h.Clock.Now}
		m.Routes(r)
		r.Post("/api/v1/devices/pair", h.Auth.HandlePair)
		r.With(h.Auth.RequireDevice(hallq.DevicePad)).Get("/test/pad", func(w http.ResponseWriter, r *http.Request) {
			web.JSON(w, http.StatusOK, web.DeviceFrom(r.Context()))
		})
		r.Get("/api/v1/hall", func(w http.ResponseWriter, r *http.Request) {
			hall, err := h.Store.FindHall(r.Context())
			if err != nil {
				web.Error(w, r, err)
				return
			}
			web.JSON(w, http.StatusOK, hall)
		})
		r.With(h.Auth.RequireStaff).Get("/api/v1/counters", func(w http.ResponseWriter, r *http.Request) {
			counters, err := h.Store.FindCounters(r.Context())
			if err != nil {
				web.Error(w, r, err)
				return
			}
			web.JSON(w, http.StatusOK, counters)
		})
		r.With(h.Auth.RequireStaff).Get("/api/v1/counters/{id}", func(w http.ResponseWriter, r *http.Request) {
			c, err := h.Store.FindCounter(r.Context(), chi.URLParam(r, "id"))
			if err != nil {
				web.Error(w, r, err)
				return
			}
			web.JSON(w, http.StatusOK, c)
		})
	})
	return h, m
}

// badBodies are bodies every JSON endpoint refuses with 400.
var badBodies = map[string]string{
	"Empty":        ``,
	"NotJSON":      `{"name":`,
	"Array":        `[1, 2]`,
	"UnknownField": `{"colour": "red"}`,
	"Trailing":     `{} {}`,
}

func TestHandler_Auth(t *testing.T) {
	h, _ := newHub(t)
	staff := hubtest.Bearer(h.Staff(t, "clerk01"))
	routes := []struct{ method, path string }{
		{"PUT", "/api/v1/hall"},
		{"GET", "/api/v1/services"},
		{"POST", "/api/v1/services"},
		{"GET", "/api/v1/services/A"},
		{"PUT", "/api/v1/services/A"},
		{"GET", "/api/v1/tiers"},
		{"POST", "/api/v1/tiers"},
		{"PUT", "/api/v1/tiers/gold"},
		{"POST", "/api/v1/counters"},
		{"PUT", "/api/v1/counters/1"},
		{"DELETE", "/api/v1/counters/1"},
		{"GET", "/api/v1/cards"},
		{"POST", "/api/v1/cards"},
		{"POST", "/api/v1/cards/import"},
		{"GET", "/api/v1/cards/6222000011112222"},
		{"PUT", "/api/v1/cards/6222000011112222"},
		{"DELETE", "/api/v1/cards/6222000011112222"},
		{"GET", "/api/v1/users"},
		{"POST", "/api/v1/users"},
		{"PUT", "/api/v1/users/admin"},
		{"DELETE", "/api/v1/users/admin"},
		{"GET", "/api/v1/devices"},
		{"POST", "/api/v1/devices"},
		{"DELETE", "/api/v1/devices/1"},
		{"GET", "/api/v1/backup"},
		{"GET", "/ws/manager"},
	}
	for _, rt := range routes {
		t.Run(rt.method+rt.path, func(t *testing.T) {
			h.Do(t, rt.method, rt.path, "{}").WantError(t, http.StatusUnauthorized, "unauthorized")
			h.Do(t, rt.method, rt.path, "{}", staff).WantError(t, http.StatusForbidden, "forbidden")
		})
	}
	// Nothing the refused requests asked for happened.
	if _, err := h.Store.FindCounter(t.Context(), "1"); err != nil {
		t.Fatalf("counter 1: %v", err)
	}
	if users, _ := h.Store.FindUsers(t.Context()); len(users) != 2 {
		t.Fatalf("%d users, want 2", len(users))
	}
}

func TestHandler_Origin(t *testing.T) {
	h, admin := newHub(t)
	for _, origin := range []string{"http://evil.test", "null"} {
		h.Do(t, "PUT", "/api/v1/hall", `{"vip_streak_cap": 5}`, admin, hubtest.Header("Origin", origin)).
			WantError(t, http.StatusForbidden, "forbidden")
	}
	h.Do(t, "DELETE", "/api/v1/counters/3", nil, admin, hubtest.Header("Origin", "http://evil.test")).
		WantError(t, http.StatusForbidden, "forbidden")
	if hall, _ := h.Store.FindHall(t.Context()); hall.VIPStreakCap != 3 {
		t.Fatalf("streak cap %d after refused requests, want 3", hall.VIPStreakCap)
	}
	h.Do(t, "PUT", "/api/v1/hall", `{"vip_streak_cap": 5}`, admin, hubtest.Header("Origin", h.Server.URL)).
		Want(t, http.StatusOK)
}
