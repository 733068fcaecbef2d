package kiosk_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/internal/hubtest"
	"hallq/kiosk"
	"hallq/web"
)

// admin is the actor of test setup done directly on the store.
var admin = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// ticket is the API's Ticket object, as a client reads it.
type ticket struct {
	ID        uint64 `json:"id"`
	Number    string `json:"number"`
	Service   string `json:"service"`
	Tier      string `json:"tier"`
	State     string `json:"state"`
	Lang      string `json:"lang"`
	Ahead     int    `json:"ahead"`
	EtaS      int    `json:"eta_s"`
	EtaLowS   int    `json:"eta_low_s"`
	EtaHighS  int    `json:"eta_high_s"`
	EtaReason string `json:"eta_reason"`
	Counter   string `json:"counter"`
	Recalls   int    `json:"recalls"`
	Token     string `json:"token"`
	StatusURL string `json:"status_url"`
}

// limits are the rate limits of a test hub, in requests per minute; 0 is off.
type limits struct{ issue, card int }

// newHub starts a hub serving the kiosk routes with the given limits, and
// the phones' live view.
func newHub(t *testing.T, l limits) *hubtest.Hub {
	t.Helper()
	h, k := newHandler(t, l)
	k.run(t, h)
	return h
}

// live is a kiosk handler whose live view a test starts.
type live struct{ *kiosk.Handler }

// newHandler starts a hub serving the kiosk routes with the given limits,
// and returns the handler, whose live view is not running.
func newHandler(t *testing.T, l limits) (*hubtest.Hub, *live) {
	t.Helper()
	k := &live{}
	h := hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		k.Handler = &kiosk.Handler{
			Tickets:    h.Store,
			Hall:       h.Store,
			Ratings:    h.Store,
			Complaints: h.Store,
			Auth:       h.Auth,
			IssueLimit: web.NewRateLimiter(l.issue, h.Clock.Now),
			CardLimit:  web.NewRateLimiter(l.card, h.Clock.Now),
			Feed:       h.Store,
		}
		k.Routes(r)
	})
	return h, k
}

// run runs the live view for the rest of t, or until stop.
func (k *live) run(t *testing.T, h *hubtest.Hub) (stop func()) {
	t.Helper()
	return h.Run(t, k.Run)
}

// issue issues a ticket through the API and returns it.
func issue(t *testing.T, h *hubtest.Hub, body any, opts ...hubtest.Request) ticket {
	t.Helper()
	var tk ticket
	h.Do(t, "POST", "/api/v1/tickets", body, opts...).Want(t, http.StatusCreated).Decode(t, &tk)
	return tk
}

// addCard registers a card directly in the store.
func addCard(t *testing.T, h *hubtest.Hub, c hallq.Card) {
	t.Helper()
	if _, err := h.Store.CreateCard(context.Background(), admin, c); err != nil {
		t.Fatal(err)
	}
}

func TestHall(t *testing.T) {
	h := newHub(t, limits{})
	var hall struct {
		Services   []struct{ ID string }
		Tiers      []struct{ ID string }
		Languages  []string
		TimeZone   string                       `json:"time_zone"`
		Escalation *struct{ WebhookURL string } `json:"escalation"`
	}
	h.Do(t, "GET", "/api/v1/hall", nil).Want(t, http.StatusOK).Decode(t, &hall)
	if hall.Escalation != nil {
		t.Errorf("the public hall shows its escalation: %+v", hall.Escalation)
	}
	if got, want := len(hall.Services), 3; got != want {
		t.Errorf("%d services, want %d", got, want)
	}
	if len(hall.Tiers) == 0 {
		t.Error("no tiers")
	}
	if got, want := strings.Join(hall.Languages, ","), "en,zh"; got != want {
		t.Errorf("languages %q, want %q", got, want)
	}
	if got, want := hall.TimeZone, "Asia/Shanghai"; got != want {
		t.Errorf("time zone %q, want %q", got, want)
	}
}

func TestTicketCreate(t *testing.T) {
	// With every counter closed the reply has no estimate: eta_s,
	// eta_low_s and eta_high_s are null, and eta_reason says why.
	t.Run("NoCounter", func(t *testing.T) {
		h := newHub(t, limits{})
		issue(t, h, map[string]string{"service": "A"})
		var tk map[string]any
		h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "A"}).Want(t, http.StatusCreated).Decode(t, &tk)
		for _, k := range []string{"eta_s", "eta_low_s", "eta_high_s"} {
			if v, ok := tk[k]; !ok || v != nil {
				t.Errorf("%s = %v (present: %v), want null", k, v, ok)
			}
		}
		if tk["eta_reason"] != "no_counter" || tk["ahead"] != 1.0 {
			t.Errorf("eta_reason %v, ahead %v; want no_counter, 1", tk["eta_reason"], tk["ahead"])
		}
		var got map[string]any
		h.Do(t, "GET", "/api/v1/tickets/"+tk["token"].(string), nil).Want(t, http.StatusOK).Decode(t, &got)
		if got["eta_s"] != nil || got["eta_reason"] != "no_counter" {
			t.Errorf("GET: eta_s %v, eta_reason %v; want null, no_counter", got["eta_s"], got["eta_reason"])
		}
		var hall struct {
			Services []map[string]any `json:"services"`
		}
		h.Do(t, "GET", "/api/v1/hall", nil).Want(t, http.StatusOK).Decode(t, &hall)
		for _, s := range hall.Services {
			if s["eta_s"] != nil || s["eta_reason"] != "no_counter" {
				t.Errorf("service %v: eta_s %v, eta_reason %v; want null, no_counter", s["id"], s["eta_s"], s["eta_reason"])
			}
		}
		// A counter opens: the same ticket has figures again.
		act(t, h, hallq.CounterAction{Op: hallq.OpOpen, Counter: "1"})
		got = nil
		h.Do(t, "GET", "/api/v1/tickets/"+tk["token"].(string), nil).Want(t, http.StatusOK).Decode(t, &got)
		if got["eta_s"] != 300.0 || got["eta_reason"] != nil {
			t.Errorf("with counter 1 open: eta_s %v, eta_reason %v; want 300, none", got["eta_s"], got["eta_reason"])
		}
	})

	t.Run("Numbering", func(t *testing.T) {
		h := newHub(t, limits{})
		act(t, h, hallq.CounterAction{Op: hallq.OpOpen, Counter: "1"})
		for _, want := range []struct {
			service, number string
			ahead, etaS     int
		}{
			{"A", "A001", 0, 0},
			{"A", "A002", 1, 300},
			{"B", "B001", 0, 0},
			{"A", "A003", 2, 600},
		} {
			res := h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": want.service}).Want(t, http.StatusCreated)
			var tk ticket
			res.Decode(t, &tk)
			if tk.Number != want.number || tk.Service != want.service || tk.State != "waiting" || tk.Tier != "regular" {
				t.Errorf("ticket %+v, want number %s, service %s, waiting, regular", tk, want.number, want.service)
			}
			if tk.Ahead != want.ahead || tk.EtaS != want.etaS {
				t.Errorf("%s: ahead %d, eta_s %d; want %d, %d", tk.Number, tk.Ahead, tk.EtaS, want.ahead, want.etaS)
			}
			if tk.EtaLowS > tk.EtaS || tk.EtaHighS < tk.EtaS || tk.EtaHighS == 0 {
				t.Errorf("%s: eta range %d–%d does not hold eta %d", tk.Number, tk.EtaLowS, tk.EtaHighS, tk.EtaS)
			}
			if tk.Token == "" || tk.StatusURL != "http://hall.test/t/"+tk.Token {
				t.Errorf("%s: token %q, status_url %q", tk.Number, tk.Token, tk.StatusURL)
			}
			if got, want := res.Header.Get("Location"), "/api/v1/tickets/"+tk.Token; got != want {
				t.Errorf("Location %q, want %q", got, want)
			}
		}
	})

	t.Run("Lang", func(t *testing.T) {
		h := newHub(t, limits{})
		for _, tt := range []struct{ lang, want string }{{"", "en"}, {"en", "en"}, {"zh", "zh"}} {
			body := map[string]string{"service": "C"}
			if tt.lang != "" {
				body["lang"] = tt.lang
			}
			if got := issue(t, h, body).Lang; got != tt.want {
				t.Errorf("lang %q: ticket lang %q, want %q", tt.lang, got, tt.want)
			}
		}
	})

	t.Run("Idempotency", func(t *testing.T) {
		h := newHub(t, limits{})
		key := hubtest.Header("Idempotency-Key", "kiosk-1-42")
		first := issue(t, h, map[string]string{"service": "A"}, key)
		var again ticket
		// A retry gets the first result, whatever its body.
		h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "B"}, key).Want(t, http.StatusOK).Decode(t, &again)
		if again.ID != first.ID || again.Number != "A001" || again.Token != first.Token || again.StatusURL != first.StatusURL {
			t.Errorf("replay %+v, want the first ticket %+v", again, first)
		}
		if got := issue(t, h, map[string]string{"service": "A"}).Number; got != "A002" {
			t.Errorf("next ticket %s, want A002: the replay must not issue one", got)
		}
		h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "A"},
			hubtest.Header("Idempotency-Key", strings.Repeat("k", 200))).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	})

	t.Run("Tier", func(t *testing.T) {
		h := newHub(t, limits{})
		regular := issue(t, h, map[string]string{"service": "A"})
		body := map[string]string{"service": "A", "tier": "priority"}
		h.Do(t, "POST", "/api/v1/tickets", body).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)

		staff := h.Staff(t, "clerk01")
		tk := issue(t, h, body, hubtest.Bearer(staff))
		if tk.Tier != "priority" || tk.Number != "A002" || tk.Ahead != 0 {
			t.Errorf("priority ticket %+v, want tier priority, A002, ahead of %s", tk, regular.Number)
		}
		if got := issue(t, h, map[string]string{"service": "B", "tier": "gold"}, hubtest.Bearer(h.Manager(t))).Tier; got != "gold" {
			t.Errorf("manager's ticket tier %q, want gold", got)
		}
		h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "A", "tier": "diamond"},
			hubtest.Bearer(staff)).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	})

	t.Run("Card", func(t *testing.T) {
		h := newHub(t, limits{})
		addCard(t, h, hallq.Card{Number: "6222020200112233", Tier: "gold", Holder: "Li Wei"})
		addCard(t, h, hallq.Card{Number: "6222020200445566", Tier: "silver", Holder: "Wang Fang", Expires: "2026-11-24"})
		issue(t, h, map[string]string{"service": "A"})
		for i, card := range []string{"6222020200112233", ";6222020200112233=2512101?", "6222 0202 0011 2233"} {
			// Each gold ticket goes after the earlier gold ones, before A001.
			tk := issue(t, h, map[string]string{"service": "A", "card": card})
			if tk.Tier != "gold" || tk.Ahead != i {
				t.Errorf("card %q: ticket %+v, want gold with %d ahead", card, tk, i)
			}
		}
		if got := issue(t, h, map[string]string{"service": "A", "card": ""}).Tier; got != "regular" {
			t.Errorf("empty card: tier %q, want regular", got)
		}
		for _, card := range []string{"6222020200999999", "6222020200445566"} { // unknown, expired
			h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "A", "card": card}).
				WantError(t, http.StatusUnprocessableEntity, hallq.ECARDUNKNOWN)
		}
	})

	t.Run("Closed", func(t *testing.T) {
		h := newHub(t, limits{})
		closed := false
		if _, err := h.Store.UpdateService(context.Background(), admin, "B", hallq.ServiceUpdate{Open: &closed}); err != nil {
			t.Fatal(err)
		}
		h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "B"}).WantError(t, http.StatusConflict, hallq.ECLOSED)
	})

	t.Run("Errors", func(t *testing.T) {
		h := newHub(t, limits{})
		for _, tt := range []struct {
			name   string
			body   any
			opts   []hubtest.Request
			status int
			code   string
		}{
			{"UnknownService", `{"service":"Z"}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"NoService", `{"lang":"en"}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"BadLang", `{"service":"A","lang":"fr"}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"UnknownField", `{"service":"A","vip":true}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"WrongType", `{"service":1}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"Malformed", `{"service":"A"`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"Trailing", `{"service":"A"} {}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"Empty", ``, nil, http.StatusBadRequest, hallq.EINVALID},
			{"BadCard", `{"service":"A","card":"12/34"}`, nil, http.StatusBadRequest, hallq.EINVALID},
			{"TooLarge", `{"service":"A","card":"` + strings.Repeat("1", 64<<10) + `"}`, nil,
				http.StatusRequestEntityTooLarge, hallq.ETOOLARGE},
			{"OtherOrigin", `{"service":"A"}`, []hubtest.Request{hubtest.Header("Origin", "http://evil.example")},
				http.StatusForbidden, hallq.EFORBIDDEN},
		} {
			t.Run(tt.name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/tickets", tt.body, tt.opts...).WantError(t, tt.status, tt.code)
			})
		}
		if got := issue(t, h, map[string]string{"service": "A"}).Number; got != "A001" {
			t.Errorf("first ticket after the refused requests is %s, want A001", got)
		}
	})
}

func TestTicket(t *testing.T) {
	h := newHub(t, limits{})
	first := issue(t, h, map[string]string{"service": "A"})
	second := issue(t, h, map[string]string{"service": "A", "lang": "zh"})
	var got ticket
	h.Do(t, "GET", "/api/v1/tickets/"+second.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got != second {
		t.Errorf("ticket %+v, want %+v", got, second)
	}

	h.Do(t, "DELETE", "/api/v1/tickets/"+first.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got.ID != first.ID || got.State != "cancelled" {
		t.Errorf("cancelled ticket %+v, want %s cancelled", got, first.Number)
	}
	h.Do(t, "GET", "/api/v1/tickets/"+second.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got.Ahead != 0 {
		t.Errorf("%s has %d ahead after %s left, want 0", got.Number, got.Ahead, first.Number)
	}
}

func TestTicketCancel(t *testing.T) {
	h := newHub(t, limits{})
	tk := issue(t, h, map[string]string{"service": "A"})
	h.Do(t, "DELETE", "/api/v1/tickets/"+tk.Token, nil, hubtest.Header("Origin", "http://evil.example")).
		WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	h.Do(t, "DELETE", "/api/v1/tickets/"+tk.Token, nil, hubtest.Header("Origin", h.Server.URL)).Want(t, http.StatusOK)
	// Cancelling again is in effect already: 200, as a retry after a lost
	// reply expects.
	var got ticket
	h.Do(t, "DELETE", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got.State != "cancelled" {
		t.Errorf("state %q, want cancelled", got.State)
	}
	h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got.State != "cancelled" {
		t.Errorf("state %q, want cancelled", got.State)
	}
	// A ticket no longer waiting cannot be cancelled.
	called := issue(t, h, map[string]string{"service": "A"})
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpNext, "1", "clerk01")
	h.Do(t, "DELETE", "/api/v1/tickets/"+called.Token, nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
}

func TestTicketQR(t *testing.T) {
	h := newHub(t, limits{})
	tk := issue(t, h, map[string]string{"service": "A"})
	res := h.Do(t, "GET", "/api/v1/tickets/"+tk.Token+"/qr.png", nil).Want(t, http.StatusOK)
	if got, want := res.Header.Get("Content-Type"), "image/png"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	img, err := png.Decode(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("the reply is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("image %v, want 256×256", b)
	}
}

func TestUnknownToken(t *testing.T) {
	h := newHub(t, limits{})
	tk := issue(t, h, map[string]string{"service": "A"})
	// The second names the real ticket's id with another random part.
	forged := tk.Token[:len(tk.Token)-4] + "AAAA"
	if forged == tk.Token {
		forged = tk.Token[:len(tk.Token)-4] + "BBBB"
	}
	for _, token := range []string{"nope", forged} {
		for _, req := range []struct{ method, path string }{
			{"GET", "/api/v1/tickets/" + token},
			{"DELETE", "/api/v1/tickets/" + token},
			{"GET", "/api/v1/tickets/" + token + "/qr.png"},
		} {
			h.Do(t, req.method, req.path, nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
		}
	}
}

// serve sends a request straight to the hub's router from 192.0.2.1, an
// address that is not loopback, as httptest.NewRequest makes it.
func serve(h *hubtest.Hub, body string, opts ...hubtest.Request) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/tickets", strings.NewReader(body))
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	h.Server.Config.Handler.ServeHTTP(rec, req)
	return rec
}

// wantStatus fails the test unless rec has the given status and, for 429, a
// Retry-After header.
func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body: %s", rec.Code, status, rec.Body)
	}
	if status == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
		t.Error("a 429 without Retry-After")
	}
}

func TestRateLimit(t *testing.T) {
	t.Run("Issue", func(t *testing.T) {
		h := newHub(t, limits{issue: 2})
		const body = `{"service":"A"}`
		wantStatus(t, serve(h, body), http.StatusCreated)
		wantStatus(t, serve(h, body), http.StatusCreated)
		rec := serve(h, body)
		wantStatus(t, rec, http.StatusTooManyRequests)
		if got, want := rec.Header().Get("Retry-After"), "30"; got != want {
			t.Errorf("Retry-After %q, want %q", got, want)
		}

		other := func(r *http.Request) { r.RemoteAddr = "198.51.100.9:4000" }
		wantStatus(t, serve(h, body, other), http.StatusCreated)
		staff := h.Staff(t, "clerk01")
		for range 3 {
			wantStatus(t, serve(h, body, hubtest.Bearer(staff)), http.StatusCreated)
			issue(t, h, body) // loopback
		}

		h.Clock.Add(30 * time.Second)
		wantStatus(t, serve(h, body), http.StatusCreated)
		wantStatus(t, serve(h, body), http.StatusTooManyRequests)

		// A paired kiosk serves the whole hall: no limit; a pad is no kiosk.
		for kind, want := range map[string]int{hallq.DeviceKiosk: http.StatusCreated, hallq.DevicePad: http.StatusTooManyRequests} {
			n := hallq.NewDevice{Kind: kind}
			if kind == hallq.DevicePad {
				n.Counter = "1"
			}
			d, err := h.Store.CreateDevice(context.Background(), admin, n)
			if err != nil {
				t.Fatal(err)
			}
			_, token, err := h.Store.PairDevice(context.Background(), d.Code)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				wantStatus(t, serve(h, body, hubtest.Header("Authorization", "Device "+token)), want)
			}
		}
	})

	t.Run("CardUnknown", func(t *testing.T) {
		h := newHub(t, limits{card: 2})
		addCard(t, h, hallq.Card{Number: "6222020200112233", Tier: "gold", Holder: "Li Wei"})
		const unknown = `{"service":"A","card":"6222020200999999"}`
		wantStatus(t, serve(h, unknown), http.StatusUnprocessableEntity)
		wantStatus(t, serve(h, unknown), http.StatusUnprocessableEntity)
		wantStatus(t, serve(h, unknown), http.StatusTooManyRequests)
		// Over the limit, a registered card gets the same answer: the
		// client cannot tell registered numbers from the others.
		wantStatus(t, serve(h, `{"service":"A","card":"6222020200112233"}`), http.StatusTooManyRequests)
		wantStatus(t, serve(h, `{"service":"A"}`), http.StatusCreated)
		wantStatus(t, serve(h, unknown, hubtest.Bearer(h.Staff(t, "clerk01"))), http.StatusUnprocessableEntity)
		h.Do(t, "POST", "/api/v1/tickets", unknown).WantError(t, http.StatusUnprocessableEntity, hallq.ECARDUNKNOWN)

		h.Clock.Add(30 * time.Second)
		wantStatus(t, serve(h, `{"service":"A","card":"6222020200112233"}`), http.StatusCreated)
	})
}

func TestStatusURL(t *testing.T) {
	for _, tt := range []struct {
		name, target, statusURL, want string
	}{
		{"PublicURL", "http://10.0.0.5:8080/", "http://hall.test/t/tok", "http://hall.test/t/tok"},
		{"NoPublicURL", "http://10.0.0.5:8080/", "/t/tok", "http://10.0.0.5:8080/t/tok"},
		{"NoPublicURLOverTLS", "https://10.0.0.5:8443/", "/t/tok", "https://10.0.0.5:8443/t/tok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			if got := kiosk.StatusURL(r, &hallq.Ticket{Token: "tok", Live: &hallq.Live{StatusURL: tt.statusURL}}); got != tt.want {
				t.Errorf("status URL %q, want %q", got, tt.want)
			}
		})
	}
}

// One client that is not a paired kiosk, staff or the hub's own machine
// takes at most its share of a service's daily quota; the others still get
// theirs, and a retry with the same key takes no more of it.
func TestQuotaShare(t *testing.T) {
	h := newHub(t, limits{})
	if _, err := h.Store.UpdateService(context.Background(), admin, "A", hallq.ServiceUpdate{DailyQuota: &[]int{80}[0]}); err != nil {
		t.Fatal(err)
	}
	const body = `{"service":"A"}`
	share := kiosk.QuotaShare(80)
	if share != 8 {
		t.Fatalf("the share of 80 is %d, want 8", share)
	}
	for i := range share {
		key := hubtest.Header("Idempotency-Key", fmt.Sprintf("guest-%d", i))
		wantStatus(t, serve(h, body, key), http.StatusCreated)
		wantStatus(t, serve(h, body, key), http.StatusOK) // a retry
	}
	rec := serve(h, body)
	wantStatus(t, rec, http.StatusTooManyRequests)
	if !strings.Contains(rec.Body.String(), "share of today's tickets for A (8 of 80)") {
		t.Errorf("refused with %s", rec.Body)
	}
	wantStatus(t, serve(h, `{"service":"B"}`), http.StatusCreated) // B has no quota
	other := func(r *http.Request) { r.RemoteAddr = "198.51.100.9:4000" }
	wantStatus(t, serve(h, body, other), http.StatusCreated)
	issue(t, h, body) // loopback: the hub's own machine

	// A new hall day, a new share.
	h.Clock.Add(24 * time.Hour)
	if err := h.Store.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, serve(h, body), http.StatusCreated)
}
