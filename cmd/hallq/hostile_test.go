package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/store"
	"hallq/web"
)

// hostileRoute is a route of the API as the hostile table sends to it.
type hostileRoute struct {
	method, path string
	// who may call it: public, anyone (login, logout), session (a login
	// that may have a password change due), staff, manager, pad, device
	// (any paired device), printer (a kiosk or staff), monitor (/metrics).
	who string
	// body is what it reads: json (required), optional (JSON or nothing),
	// none, csv, zip, slide (JSON or a multipart form), ws (a websocket).
	body string
	// valid is a body of the right shape: sent where something else must
	// refuse the request first (the login, the origin, the path).
	valid string
}

// hostileRoutes is every route of the API (docs/API.md "Contents"; the
// Routes functions of kiosk, counter, display and manager; web/auth.go;
// server.go), its pages left out.
func hostileRoutes() []hostileRoute {
	rs := []hostileRoute{
		{"POST", "/api/v1/login", "anyone", "json", `{"username":"admin","password":"not-the-password"}`},
		{"POST", "/api/v1/logout", "anyone", "none", ``},
		{"GET", "/api/v1/session", "session", "none", ``},
		{"POST", "/api/v1/password", "session", "json", `{"current":"not-the-password","new":"a-new-password"}`},
		{"GET", "/api/v1/hall", "public", "none", ``},
		{"POST", "/api/v1/tickets", "public", "json", `{"service":"A"}`},
		{"GET", "/api/v1/tickets/{token}", "public", "none", ``},
		{"DELETE", "/api/v1/tickets/{token}", "public", "none", ``},
		{"GET", "/api/v1/tickets/{token}/qr.png", "public", "none", ``},
		{"POST", "/api/v1/tickets/{token}/rating", "public", "json", `{"rating":5}`},
		{"POST", "/api/v1/tickets/{token}/complaint", "public", "json", `{"category":"wait","text":"Too slow."}`},
		{"POST", "/api/v1/tickets/{token}/print", "printer", "optional", `{}`},
		{"POST", "/api/v1/devices/pair", "public", "json", `{"code":"ABCDEFGH"}`},
		{"GET", "/api/v1/devices/me", "device", "none", ``},
		{"POST", "/api/v1/ratings", "pad", "json", `{"ticket":1,"rating":5}`},
		{"POST", "/api/v1/ratings/complaint", "pad", "json", `{"ticket":1,"category":"wait","text":"Too slow."}`},
		{"GET", "/api/v1/counters", "staff", "none", ``},
		{"GET", "/api/v1/counters/{id}", "staff", "none", ``},
		{"GET", "/api/v1/queue", "staff", "none", ``},
		{"POST", "/api/v1/complaints", "staff", "json", `{"category":"wait","text":"Too slow."}`},
		{"GET", "/api/v1/complaints", "staff", "none", ``},
		{"GET", "/api/v1/alerts", "staff", "none", ``},
		{"GET", "/api/v1/alerts/{id}", "staff", "none", ``},
		{"POST", "/api/v1/alerts/{id}/ack", "staff", "optional", `{}`},
		{"POST", "/api/v1/alerts/{id}/resolve", "manager", "optional", `{}`},
		{"GET", "/api/v1/staffing", "manager", "none", ``},
		{"GET", "/api/v1/display", "public", "none", ``},
		{"GET", "/api/v1/slides", "public", "none", ``},
		{"GET", "/api/v1/slides/images/{hash}", "public", "none", ``},
		{"GET", "/api/v1/voice", "public", "none", ``},
		{"GET", "/api/v1/voice/{clip}", "public", "none", ``},
		{"PUT", "/api/v1/hall", "manager", "json", `{"notice":{"en":"Hello","zh":"你好"}}`},
		{"GET", "/api/v1/services", "manager", "none", ``},
		{"POST", "/api/v1/services", "manager", "json", `{"id":"D","name":{"en":"Loans"}}`},
		{"GET", "/api/v1/services/{service}", "manager", "none", ``},
		{"PUT", "/api/v1/services/{service}", "manager", "json", `{"daily_quota":7}`},
		{"GET", "/api/v1/tiers", "manager", "none", ``},
		{"POST", "/api/v1/tiers", "manager", "json", `{"id":"bronze","name":{"en":"Bronze"},"rank":1}`},
		{"GET", "/api/v1/tiers/{tier}", "manager", "none", ``},
		{"PUT", "/api/v1/tiers/{tier}", "manager", "json", `{"head_start_s":60}`},
		{"POST", "/api/v1/counters", "manager", "json", `{"id":"9","name":{"en":"Nine"},"services":["A"]}`},
		{"PUT", "/api/v1/counters/{id}", "manager", "json", `{"name":{"en":"One!"}}`},
		{"DELETE", "/api/v1/counters/{id}", "manager", "none", ``},
		{"GET", "/api/v1/cards", "manager", "none", ``},
		{"POST", "/api/v1/cards", "manager", "json", `{"number":"6222000099998888","tier":"gold","holder":"Mr Zhao"}`},
		{"POST", "/api/v1/cards/import", "manager", "csv", "6222000099997777,gold,Ms Qian,\n"},
		{"GET", "/api/v1/cards/export.csv", "manager", "none", ``},
		{"GET", "/api/v1/cards/{number}/visits", "manager", "none", ``},
		{"GET", "/api/v1/cards/{number}", "manager", "none", ``},
		{"PUT", "/api/v1/cards/{number}", "manager", "json", `{"holder":"Ms Sun"}`},
		{"DELETE", "/api/v1/cards/{number}", "manager", "none", ``},
		{"GET", "/api/v1/users", "manager", "none", ``},
		{"POST", "/api/v1/users", "manager", "json", `{"username":"clerk09","password":"clerk09-secret","role":"staff"}`},
		{"GET", "/api/v1/users/{username}", "manager", "none", ``},
		{"PUT", "/api/v1/users/{username}", "manager", "json", `{"disabled":true}`},
		{"DELETE", "/api/v1/users/{username}", "manager", "none", ``},
		{"GET", "/api/v1/devices", "manager", "none", ``},
		{"POST", "/api/v1/devices", "manager", "json", `{"kind":"kiosk","name":"Door 2"}`},
		{"DELETE", "/api/v1/devices/{device}", "manager", "none", ``},
		{"GET", "/api/v1/backup", "manager", "none", ``},
		{"GET", "/api/v1/stats", "manager", "none", ``},
		{"GET", "/api/v1/reports/tickets.csv", "manager", "none", ``},
		{"POST", "/api/v1/slides", "manager", "slide", `{"text":{"en":"Welcome"}}`},
		{"GET", "/api/v1/slides/{slide}", "manager", "none", ``},
		{"PUT", "/api/v1/slides/{slide}", "manager", "json", `{"seconds":20}`},
		{"DELETE", "/api/v1/slides/{slide}", "manager", "none", ``},
		{"PUT", "/api/v1/voice", "manager", "zip", "PK\x05\x06" + strings.Repeat("\x00", 18)},
		{"DELETE", "/api/v1/voice", "manager", "none", ``},
		{"GET", "/metrics", "monitor", "none", ``},
		{"GET", "/ws/display", "public", "ws", ``},
		{"GET", "/ws/tickets/{token}", "public", "ws", ``},
		{"GET", "/ws/counters/{id}", "staff", "ws", ``},
		{"GET", "/ws/pad", "pad", "ws", ``},
		{"GET", "/ws/manager", "manager", "ws", ``},
	}
	for _, op := range hallq.CounterOps {
		rs = append(rs, hostileRoute{"POST", "/api/v1/counters/{id}/" + string(op), "staff", "optional", `{"expect":0}`})
	}
	return rs
}

// hostileHub is the whole hub as main.go serves it, its router straight on
// the listener (the browser harness puts a ServeMux in front, which would
// answer paths with ../ with its own redirects), on a stopped clock so
// that the fingerprint of its data does not move by itself.
type hostileHub struct {
	URL string
	st  *store.Store

	manager, staff, mustChange string // Bearer tokens
	pad, kiosk                 string // Device tokens
	ticket                     string // a ticket's token
	device                     string // the kiosk's id
}

const hostileCard = "6222021234567890"

func startHostileHub(t *testing.T) *hostileHub {
	t.Helper()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "hallq.db"), TimeZone: "UTC",
		PublicURL: "http://hall.test", Now: func() time.Time { return now }, Logger: log, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	server := newServer(st, config{publicURL: "http://hall.test", timeZone: "UTC"})
	srv := httptest.NewServer(server)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.run(ctx)
	}()
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	h := &hostileHub{URL: srv.URL, st: st}

	bg := context.Background()
	boss := hallq.Actor{Name: "admin", Role: hallq.RoleManager}
	if _, err := st.EnsureAdmin(bg, testAdminPassword); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name   string
		change bool
	}{{"clerk01", true}, {"clerk02", false}} {
		if _, err := st.CreateUser(bg, boss, hallq.NewUser{Username: u.name, Password: u.name + "-set", Role: hallq.RoleStaff}); err != nil {
			t.Fatal(err)
		}
		if u.change {
			if err := st.ChangePassword(bg, u.name, hallq.PasswordChange{Current: u.name + "-set", New: u.name + "-secret"}, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := st.CreateCard(bg, boss, hallq.Card{Number: hostileCard, Tier: "gold", Holder: "Ms Wang"}); err != nil {
		t.Fatal(err)
	}
	pair := func(n hallq.NewDevice) (string, uint64) {
		d, err := st.CreateDevice(bg, boss, n)
		if err != nil {
			t.Fatal(err)
		}
		paired, token, err := st.PairDevice(bg, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		return token, uint64(paired.ID)
	}
	h.pad, _ = pair(hallq.NewDevice{Kind: hallq.DevicePad, Name: "Pad 1", Counter: "1"})
	var kioskID uint64
	h.kiosk, kioskID = pair(hallq.NewDevice{Kind: hallq.DeviceKiosk, Name: "Door"})
	h.device = fmt.Sprint(kioskID)

	h.manager = hostileLogin(t, h.URL, "admin", testAdminPassword)
	h.staff = hostileLogin(t, h.URL, "clerk01", "clerk01-secret")
	h.mustChange = hostileLogin(t, h.URL, "clerk02", "clerk02-set")
	var tk struct{ Token string }
	if status, out := h.send(t, "POST", "/api/v1/tickets", nil, `{"service":"A"}`); status != http.StatusCreated || json.Unmarshal(out, &tk) != nil {
		t.Fatalf("issuing a ticket: %d %s", status, out)
	}
	h.ticket = tk.Token
	if status, out := h.send(t, "POST", "/api/v1/slides", h.as("manager"), `{"text":{"en":"Welcome"}}`); status != http.StatusCreated {
		t.Fatalf("adding a slide: %d %s", status, out)
	}
	return h
}

// hostileLogin logs in through the API and returns the session token.
func hostileLogin(t *testing.T, base, username, password string) string {
	t.Helper()
	res, err := client.Post(base+"/api/v1/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login of %s: %d %v", username, res.StatusCode, err)
	}
	return out.Token
}

// as returns the headers of a caller: "manager", "staff", "mustChange",
// "pad", "kiosk", or "" for nobody.
func (h *hostileHub) as(who string) http.Header {
	hd := http.Header{}
	switch who {
	case "manager":
		hd.Set("Authorization", "Bearer "+h.manager)
	case "staff":
		hd.Set("Authorization", "Bearer "+h.staff)
	case "mustChange":
		hd.Set("Authorization", "Bearer "+h.mustChange)
	case "pad":
		hd.Set("Authorization", "Device "+h.pad)
	case "kiosk":
		hd.Set("Authorization", "Device "+h.kiosk)
	}
	return hd
}

// rightful returns the headers of a caller the route takes.
func (h *hostileHub) rightful(rt hostileRoute) http.Header {
	switch rt.who {
	case "staff", "session":
		return h.as("staff")
	case "manager":
		return h.as("manager")
	case "pad", "device":
		return h.as("pad")
	case "printer":
		return h.as("kiosk")
	}
	return h.as("")
}

// send sends one request and returns the status and the body.
func (h *hostileHub) send(t *testing.T, method, path string, header http.Header, body string) (int, []byte) {
	t.Helper()
	status, _, out := h.sendFull(t, method, path, header, body)
	return status, out
}

func (h *hostileHub) sendFull(t *testing.T, method, path string, header http.Header, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %.200s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %.200s: reading the reply: %v", method, path, err)
	}
	return res.StatusCode, res.Header, out
}

// fingerprint is everything a manager can read of the hall's data, each
// path's JSON decoded.
func (h *hostileHub) fingerprint(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, p := range []string{"/api/v1/hall", "/api/v1/services", "/api/v1/tiers", "/api/v1/counters", "/api/v1/cards",
		"/api/v1/users", "/api/v1/devices", "/api/v1/slides", "/api/v1/queue", "/api/v1/complaints", "/api/v1/alerts",
		"/api/v1/voice", "/api/v1/display", "/api/v1/tickets/" + h.ticket, "/api/v1/cards/" + hostileCard + "/visits"} {
		status, body := h.send(t, "GET", p, h.as("manager"), "")
		var v any
		if status != http.StatusOK || json.Unmarshal(body, &v) != nil {
			t.Fatalf("fingerprint: GET %s: %d %s", p, status, body)
		}
		out[p] = v
	}
	// The sessions: each login still works as it did.
	for _, who := range []string{"manager", "staff", "mustChange"} {
		status, body := h.send(t, "GET", "/api/v1/session", h.as(who), "")
		var v any
		json.Unmarshal(body, &v)
		out["session "+who] = []any{status, v}
	}
	return out
}

// hostileCase is one hostile request and what it may get.
type hostileCase struct {
	name         string
	route        hostileRoute
	method, path string
	header       http.Header
	body         string
	refuse       bool  // the input is wrong: the answer is 4xx
	want         []int // if set, the status is one of these
}

func TestHostile_EveryRoute(t *testing.T) {
	h := startHostileHub(t)
	routes := hostileRoutes()
	before := h.fingerprint(t)

	params := map[string]string{
		"{token}": h.ticket, "{id}": "1", "{service}": "A", "{tier}": "gold", "{number}": hostileCard,
		"{username}": "clerk01", "{device}": h.device, "{slide}": "1", "{hash}": "0123abcd", "{clip}": "chime",
	}
	fill := func(path string, bad map[string]string) string {
		for k, v := range params {
			if b, ok := bad[k]; ok {
				v = b
			}
			path = strings.ReplaceAll(path, k, v)
		}
		return path
	}
	overJSON := `{"x":"` + strings.Repeat("a", web.MaxBody-7) + `"}` // MaxBody+1 bytes
	atJSON := `{"x":"` + strings.Repeat("a", web.MaxBody-8) + `"}`   // MaxBody bytes, an unknown field
	overImport := strings.Repeat("z", web.MaxImportBody+1)           // a card import or a voice zip
	badBodies := []struct{ name, body, contentType string }{
		{"NotJSON", `{"service":`, ""},
		{"NotJSONAtAll", "\x00\xff garbage", ""},
		{"Array", `[1, 2]`, ""},
		{"String", `"A"`, ""},
		{"Number", `42`, ""},
		{"Bool", `true`, ""},
		{"UnknownField", `{"zzz_unknown":1}`, ""},
		{"Trailing", `{} {}`, ""},
		{"Deep", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), ""},
		{"AtLimitUnknown", atJSON, ""},
		{"OverLimit", overJSON, ""},
		{"Form", "service=A&zzz=1", "application/x-www-form-urlencoded"},
		{"Multipart", "--x\r\nContent-Disposition: form-data; name=\"service\"\r\n\r\nA\r\n--x--\r\n", "multipart/form-data; boundary=x"},
	}
	badParams := map[string]string{
		"BadEscape": "%ff", "Long": strings.Repeat("9", 4000), "DotDot": "..", "DotDotSlash": "../hall",
		"EncodedDotDot": "..%2F..%2Fhall", "NUL": "%00", "Space": "%20", "Unicode": "%E7%BC%96%E5%8F%B7",
		"Quote": "%27%22%3Cscript%3E", "Negative": "-1", "Huge": "18446744073709551616", "Hex": "0x1",
	}
	badQueries := []string{
		"?from=%ff&to=%ff", "?from=2026-13-45&to=yesterday", "?from=2027-01-01&to=2026-01-01",
		"?from=1900-01-01&to=2100-12-31", "?q=" + strings.Repeat("%E7%BC%96", 1000), "?q=%", "?state=bogus&lang=xx",
		"?all_or_none=maybe&limit=-1&offset=1e9", "?from=2026-11-25&from=2026-11-26", "?%zz=1&=&&",
	}
	wrongLogins := map[string][]string{
		"staff":   {"", "garbageBearer", "garbageCookie", "basic", "pad", "mustChange", "emptyBearer"},
		"manager": {"", "garbageBearer", "garbageCookie", "basic", "pad", "kiosk", "mustChange", "staff"},
		"pad":     {"", "kiosk", "garbageDevice", "staff", "manager"},
		"device":  {"", "garbageDevice", "staff"},
		"printer": {"", "pad", "garbageDevice"},
		"session": {"", "garbageBearer", "garbageCookie"},
		"monitor": {"staff", "mustChange"},
	}
	wrongHeader := func(kind string) http.Header {
		hd := h.as(kind)
		switch kind {
		case "garbageBearer":
			hd.Set("Authorization", "Bearer "+strings.Repeat("x", 2000))
		case "emptyBearer":
			hd.Set("Authorization", "Bearer ")
		case "garbageCookie":
			hd.Set("Cookie", web.SessionCookie+"=garbage; hallq_device=garbage")
		case "basic":
			hd.Set("Authorization", "Basic YWRtaW46Y3Jhc2gtdGVzdC1wYXNzd29yZA==")
		case "garbageDevice":
			hd.Set("Authorization", "Device garbage")
		}
		return hd
	}

	var cases []hostileCase
	methods := map[string]map[string]bool{} // the methods of each path
	for _, rt := range routes {
		if methods[rt.path] == nil {
			methods[rt.path] = map[string]bool{}
		}
		methods[rt.path][rt.method] = true
	}
	for _, rt := range routes {
		path := fill(rt.path, nil)
		name := rt.method + " " + rt.path
		// Bodies that are not what the route reads.
		if rt.body != "none" && rt.body != "ws" {
			for _, b := range badBodies {
				hd := h.rightful(rt)
				if b.contentType != "" {
					hd.Set("Content-Type", b.contentType)
				}
				c := hostileCase{name: name + " body " + b.name, route: rt, method: rt.method, path: path, header: hd, body: b.body, refuse: true}
				switch rt.body {
				case "csv":
					// CSV rows that are no cards: refused by line, with 200.
					c.refuse = false
					if b.name == "OverLimit" {
						c.body = overImport
						c.refuse = true
					}
				case "zip":
					if b.name == "OverLimit" {
						c.body = overImport
					}
				case "slide":
					if b.name == "Multipart" {
						c.want = []int{400, 413}
					}
				}
				cases = append(cases, c)
			}
		}
		// A websocket route asked without the handshake.
		if rt.body == "ws" {
			cases = append(cases, hostileCase{name: name + " no handshake", route: rt, method: rt.method, path: path, header: h.rightful(rt), refuse: true, want: []int{400}})
		}
		// Methods the path does not take.
		for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"} {
			if methods[rt.path][m] {
				continue
			}
			methods[rt.path][m] = true // once per path
			// A parameter route can take the path with another method
			// (DELETE /api/v1/devices/pair is device "pair"): 400 or 404.
			cases = append(cases, hostileCase{name: name + " method " + m, route: rt, method: m, path: path, header: h.as("manager"), body: rt.valid, refuse: true, want: []int{400, 404, 405}})
		}
		// Path parameters that name nothing, or worse.
		if strings.Contains(rt.path, "{") {
			for pname, p := range badParams {
				bad := map[string]string{}
				for k := range params {
					bad[k] = p
				}
				cases = append(cases, hostileCase{name: name + " param " + pname, route: rt, method: rt.method, path: fill(rt.path, bad),
					header: h.rightful(rt), body: rt.valid, refuse: rt.method != "GET" || rt.body == "ws"})
			}
		}
		// Query parameters, on the routes that read.
		if rt.method == "GET" {
			for i, q := range badQueries {
				cases = append(cases, hostileCase{name: fmt.Sprintf("%s query %d", name, i), route: rt, method: rt.method, path: path + q,
					header: h.rightful(rt), refuse: rt.body == "ws"})
			}
		}
		// Callers the route does not take.
		for _, kind := range wrongLogins[rt.who] {
			cases = append(cases, hostileCase{name: name + " login " + kind, route: rt, method: rt.method, path: path,
				header: wrongHeader(kind), body: rt.valid, refuse: true, want: []int{401, 403}})
		}
		// Another site's page, with the rightful caller and a right body.
		if rt.method != "GET" {
			for _, origin := range []string{"http://evil.example", "null"} {
				hd := h.rightful(rt)
				hd.Set("Origin", origin)
				cases = append(cases, hostileCase{name: name + " origin " + origin, route: rt, method: rt.method, path: path,
					header: hd, body: rt.valid, refuse: true, want: []int{403}})
			}
		}
	}

	start := time.Now()
	answered500, statuses := 0, map[int]int{}
	for _, c := range cases {
		status, header, body := h.sendFull(t, c.method, c.path, c.header, c.body)
		statuses[status]++
		where := fmt.Sprintf("%s (%s %.120s)", c.name, c.method, c.path)
		if status >= 500 {
			answered500++
			t.Errorf("%s: %d %.300s", where, status, body)
			continue
		}
		if c.refuse && (status < 400 || status >= 500) {
			t.Errorf("%s: %d %.300s, want a refusal", where, status, body)
		}
		if len(c.want) > 0 && !containsInt(c.want, status) {
			t.Errorf("%s: %d %.300s, want one of %v", where, status, body, c.want)
		}
		if !strings.HasPrefix(c.path, "/api/") && !strings.HasPrefix(c.path, "/ws/") && status < 400 {
			continue // /metrics
		}
		if status >= 300 {
			wantErrorShape(t, where, status, header, body)
		} else if ct := header.Get("Content-Type"); status != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") && !nonJSONRoute(c.route) {
			t.Errorf("%s: %d with Content-Type %q: %.200s", where, status, ct, body)
		}
	}
	elapsed := time.Since(start)

	after := h.fingerprint(t)
	for p, v := range before {
		if !reflect.DeepEqual(after[p], v) {
			b, _ := json.Marshal(v)
			a, _ := json.Marshal(after[p])
			t.Errorf("the hostile requests changed %s:\nbefore %.2000s\nafter  %.2000s", p, b, a)
		}
	}
	t.Logf("hostile: %d requests against %d routes, %d answered 500 (%v; by status %v)", len(cases), len(routes), answered500, elapsed.Round(time.Millisecond), statuses)
}

// wantErrorShape fails the test unless a reply is the API's error: JSON
// {"error":{"code","message","field?"}} whose code has the status.
func wantErrorShape(t *testing.T, where string, status int, header http.Header, body []byte) {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: %d with Content-Type %q: %.200s", where, status, ct, body)
		return
	}
	var e struct {
		Error *struct {
			Code, Message string
			Field         *string
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Errorf("%s: %d %.300s, not the error shape", where, status, body)
		return
	}
	codes := map[string]int{
		hallq.EINVALID: 400, hallq.EUNAUTHORIZED: 401, hallq.EFORBIDDEN: 403, hallq.EPASSWORDCHANGE: 403, hallq.ENOTFOUND: 404,
		hallq.EMETHOD: 405, hallq.ECONFLICT: 409, hallq.ECLOSED: 409, hallq.ETOOLARGE: 413, hallq.ECARDUNKNOWN: 422,
		hallq.ERATELIMITED: 429,
	}
	if want, ok := codes[e.Error.Code]; !ok || want != status {
		t.Errorf("%s: %d with code %q", where, status, e.Error.Code)
	}
}

// nonJSONRoute reports whether a route answers success with a body other
// than JSON: a picture, a file, a recording.
func nonJSONRoute(rt hostileRoute) bool {
	switch rt.path {
	case "/api/v1/tickets/{token}/qr.png", "/api/v1/backup", "/api/v1/cards/export.csv", "/api/v1/reports/tickets.csv",
		"/api/v1/voice/{clip}", "/api/v1/slides/images/{hash}", "/metrics":
		return true
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}
