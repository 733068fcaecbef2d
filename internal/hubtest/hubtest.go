// Package hubtest runs a real hub for handler tests: a store on a temporary
// file with a fake clock, the shared web middleware, and an httptest server.
package hubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/internal/fakeclock"
	"hallq/store"
	"hallq/web"
)

// Hub is a running hub for one test.
type Hub struct {
	Store  *store.Store
	Auth   *web.Auth
	Clock  *fakeclock.Clock
	Server *httptest.Server
	Path   string // the database file

	// AdminPassword is the password of the manager "admin".
	AdminPassword string
}

// AdminPassword is the password New gives the manager "admin".
const AdminPassword = "admin-password"

// New starts a hub whose router has the shared middleware, login and logout,
// and whatever routes adds. The clock starts at 2026-11-25 09:00 UTC
// (17:00 in the hall's zone, Asia/Shanghai). Everything stops at the end of
// the test.
func New(tb testing.TB, routes func(r chi.Router, h *Hub)) *Hub {
	tb.Helper()
	h := &Hub{Clock: fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)), AdminPassword: AdminPassword}
	h.Path = filepath.Join(tb.TempDir(), "hallq.db")
	s, err := store.Open(store.Options{Path: h.Path, TimeZone: "Asia/Shanghai", PublicURL: "http://hall.test",
		Now: h.Clock.Now, BcryptCost: bcrypt.MinCost})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.EnsureAdmin(context.Background(), AdminPassword); err != nil {
		tb.Fatal(err)
	}
	h.Store = s
	// Registered first, so it runs last: after the views that Run started,
	// even from within routes.
	tb.Cleanup(func() {
		if h.Server != nil {
			h.Server.Close()
		}
		s.Close()
	})
	h.Auth = &web.Auth{Users: s, Sessions: s, Devices: s, Now: h.Clock.Now}
	r := chi.NewRouter()
	r.Use(web.SecureHeaders, web.SameOrigin, h.Auth.Identify)
	r.NotFound(web.NotFound)
	r.MethodNotAllowed(web.MethodNotAllowed)
	r.Post("/api/v1/login", h.Auth.HandleLogin)
	r.Post("/api/v1/logout", h.Auth.HandleLogout)
	r.Get("/api/v1/session", h.Auth.HandleSession)
	r.Post("/api/v1/password", h.Auth.HandlePassword)
	if routes != nil {
		routes(r, h)
	}
	h.Server = httptest.NewServer(r)
	return h
}

// AddUser creates an account with the given role, as a manager does, and
// returns its password, already changed by its user as the first login
// asks.
func (h *Hub) AddUser(tb testing.TB, username, role string) string {
	tb.Helper()
	password := username + "-password"
	ctx := context.Background()
	_, err := h.Store.CreateUser(ctx, hallq.Actor{Name: "admin", Role: hallq.RoleManager},
		hallq.NewUser{Username: username, Password: "set-by-manager", Role: role})
	if err == nil {
		err = h.Store.ChangePassword(ctx, username, hallq.PasswordChange{Current: "set-by-manager", New: password}, "")
	}
	if err != nil {
		tb.Fatal(err)
	}
	return password
}

// Login logs in through the API and returns the session's Bearer token.
func (h *Hub) Login(tb testing.TB, username, password string) string {
	tb.Helper()
	res := h.Do(tb, "POST", "/api/v1/login", map[string]string{"username": username, "password": password})
	res.Want(tb, http.StatusOK)
	var out struct{ Token string }
	res.Decode(tb, &out)
	return out.Token
}

// Staff adds a staff account and returns a Bearer token for it.
func (h *Hub) Staff(tb testing.TB, username string) string {
	tb.Helper()
	return h.Login(tb, username, h.AddUser(tb, username, hallq.RoleStaff))
}

// Manager returns a Bearer token of the manager "admin".
func (h *Hub) Manager(tb testing.TB) string {
	tb.Helper()
	return h.Login(tb, "admin", AdminPassword)
}

// Request is an option of Do.
type Request func(r *http.Request)

// Bearer authenticates a request with a session token.
func Bearer(token string) Request {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// Header sets a request header.
func Header(key, value string) Request {
	return func(r *http.Request) { r.Header.Set(key, value) }
}

// Response is a reply, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to the hub. body is JSON-encoded unless it is nil, a
// string or a []byte, which are sent as they are.
func (h *Hub) Do(tb testing.TB, method, path string, body any, opts ...Request) *Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.Server.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := h.Server.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Want fails the test unless the reply has the given status.
func (r *Response) Want(tb testing.TB, status int) *Response {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

// WantError fails the test unless the reply is an API error with the given
// status and code and a message.
func (r *Response) WantError(tb testing.TB, status int, code string) {
	tb.Helper()
	r.Want(tb, status)
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code != code || e.Error.Message == "" {
		tb.Fatalf("body %s, want an error with code %q and a message", r.Body, code)
	}
}

// Decode decodes the JSON body into v.
func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// Run runs a view's loop, such as a Handler's Run, for the rest of the test;
// it is stopped, and waited for, before the server and the store close. The
// returned stop ends it earlier.
func (h *Hub) Run(tb testing.TB, run func(ctx context.Context)) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	tb.Cleanup(stop)
	return stop
}

// Socket is a websocket client of the hub.
type Socket struct {
	Conn *websocket.Conn
}

// Message is one websocket message, decoded.
type Message map[string]any

// Type returns the message's type.
func (m Message) Type() string { s, _ := m["type"].(string); return s }

// Seq returns the message's sequence number.
func (m Message) Seq() uint64 { n, _ := m["seq"].(float64); return uint64(n) }

// Dial opens a websocket to path as a page of the hub does, with the hub's
// own Origin, and fails the test if the hub refuses.
func (h *Hub) Dial(tb testing.TB, path string, opts ...Request) *Socket {
	tb.Helper()
	s, res, err := h.DialRaw(path, opts...)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		tb.Fatalf("dialing %s: %v (status %d)", path, err, status)
	}
	tb.Cleanup(func() { s.Conn.Close() })
	return s
}

// DialRaw opens a websocket to path and returns the handshake's reply, for
// tests of refusals.
func (h *Hub) DialRaw(path string, opts ...Request) (*Socket, *http.Response, error) {
	req, _ := http.NewRequest("GET", h.Server.URL+path, nil)
	req.Header.Set("Origin", h.Server.URL)
	for _, o := range opts {
		o(req)
	}
	url := "ws" + strings.TrimPrefix(h.Server.URL, "http") + path
	conn, res, err := websocket.DefaultDialer.Dial(url, req.Header)
	if err != nil {
		return nil, res, err
	}
	return &Socket{Conn: conn}, res, nil
}

// Next reads the next message. It fails the test if none comes within ten
// seconds: a bound for a broken hub, not a pace.
func (s *Socket) Next(tb testing.TB) Message {
	tb.Helper()
	s.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m Message
	if err := s.Conn.ReadJSON(&m); err != nil {
		tb.Fatalf("reading a websocket message: %v", err)
	}
	return m
}

// Issue issues a ticket directly in the store, for a test's setup.
func (h *Hub) Issue(tb testing.TB, req hallq.IssueRequest) *hallq.Ticket {
	tb.Helper()
	t, _, err := h.Store.IssueTicket(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Act carries out a counter action of staff member staff directly in the
// store, for a test's setup.
func (h *Hub) Act(tb testing.TB, op hallq.CounterOp, counter, staff string) *hallq.ActResult {
	tb.Helper()
	a := hallq.CounterAction{Op: op, Counter: counter, By: hallq.Actor{Name: staff, Role: hallq.RoleStaff}}
	r, err := h.Store.ActAtCounter(context.Background(), a, "")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}
