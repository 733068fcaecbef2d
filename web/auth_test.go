package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/internal/fakeclock"
	"hallq/web"
)

// fakeUsers is a UserService of fixed accounts with clear passwords; only
// Authenticate is implemented.
type fakeUsers struct {
	hallq.UserService
	accounts map[string]account
}

type account struct {
	password string
	user     hallq.User
}

func (f *fakeUsers) Authenticate(ctx context.Context, username, password string) (*hallq.User, error) {
	a, ok := f.accounts[username]
	if !ok || a.password != password {
		return nil, hallq.Errorf(hallq.EUNAUTHORIZED, "The username or password is wrong.")
	}
	u := a.user
	return &u, nil
}

// fakeSessions is an in-memory SessionService. When err is set, FindSession
// fails with it.
type fakeSessions struct {
	mu      sync.Mutex
	byToken map[string]*hallq.User
	n       int
	err     error
}

var _ hallq.SessionService = (*fakeSessions)(nil)

func newFakeSessions() *fakeSessions {
	return &fakeSessions{byToken: make(map[string]*hallq.User)}
}

func (f *fakeSessions) CreateSession(ctx context.Context, u *hallq.User) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	token := fmt.Sprintf("token-%d", f.n)
	f.byToken[token] = u
	return token, nil
}

func (f *fakeSessions) FindSession(ctx context.Context, token string) (*hallq.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	u, ok := f.byToken[token]
	if !ok {
		return nil, hallq.Errorf(hallq.EUNAUTHORIZED, "The session has ended; please log in again.")
	}
	return u, nil
}

func (f *fakeSessions) DeleteSession(ctx context.Context, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.byToken, token)
	return nil
}

// count returns the number of live sessions.
func (f *fakeSessions) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.byToken)
}

// newAuth returns an Auth with accounts clerk (staff), boss (manager) and
// gone (disabled), each with password "password-<name>".
func newAuth(clock *fakeclock.Clock) *web.Auth {
	users := &fakeUsers{accounts: map[string]account{}}
	for _, u := range []hallq.User{
		{Username: "clerk", Role: hallq.RoleStaff},
		{Username: "boss", Role: hallq.RoleManager},
		{Username: "gone", Role: hallq.RoleStaff, Disabled: true},
	} {
		users.accounts[u.Username] = account{password: "password-" + u.Username, user: u}
	}
	return &web.Auth{Users: users, Sessions: newFakeSessions(), Now: clock.Now}
}

// sessions returns the fake session service of a.
func sessions(a *web.Auth) *fakeSessions { return a.Sessions.(*fakeSessions) }

// authRouter routes login, logout, whoami (the ActorFrom of the request), a
// staff route /api/v1/queue and a manager route /api/v1/users.
func authRouter(a *web.Auth) http.Handler {
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
	r := chi.NewRouter()
	r.Use(a.Identify)
	r.Post("/api/v1/login", a.HandleLogin)
	r.Post("/api/v1/logout", a.HandleLogout)
	r.Get("/api/v1/whoami", func(w http.ResponseWriter, r *http.Request) {
		if (web.UserFrom(r.Context()) == nil) != (web.ActorFrom(r.Context()) == hallq.Actor{}) {
			web.Error(w, r, errors.New("UserFrom and ActorFrom disagree"))
			return
		}
		web.JSON(w, http.StatusOK, web.ActorFrom(r.Context()))
	})
	r.With(a.RequireStaff).Get("/api/v1/queue", ok)
	r.With(a.RequireManager).Get("/api/v1/users", ok)
	return r
}

// newAuthServer starts a server on authRouter(a).
func newAuthServer(tb testing.TB, a *web.Auth) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(authRouter(a))
	tb.Cleanup(srv.Close)
	return srv
}

// login posts a login with client and returns the reply.
func login(tb testing.TB, client *http.Client, url, username, password string) *http.Response {
	tb.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)
	resp, err := client.Post(url+"/api/v1/login", "application/json", strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// get sends a GET with an optional Authorization header and returns the
// status, closing the body.
func get(tb testing.TB, client *http.Client, url, authorization string) int {
	tb.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// loginReply is the body of a successful login.
type loginReply struct {
	Token string         `json:"token"`
	User  map[string]any `json:"user"`
}

func TestAuth_Login(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("Secure=%v", secure), func(t *testing.T) {
			a := newAuth(newClock())
			a.Secure = secure
			srv := newAuthServer(t, a)

			resp := login(t, http.DefaultClient, srv.URL, "clerk", "password-clerk")
			if got, want := resp.StatusCode, 200; got != want {
				t.Fatalf("status = %d, want %d: %s", got, want, body(t, resp))
			}
			var reply loginReply
			if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if reply.Token == "" {
				t.Error("no token in the reply")
			}
			if got, want := fmt.Sprint(reply.User), "map[must_change_password:false role:staff username:clerk]"; got != want {
				t.Errorf("user = %s, want %s", got, want)
			}

			cookies := resp.Cookies()
			if len(cookies) != 1 {
				t.Fatalf("cookies = %v, want one", cookies)
			}
			c := cookies[0]
			if c.Name != web.SessionCookie || c.Value != reply.Token || c.Path != "/" ||
				!c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != secure {
				t.Errorf("cookie = %s, want %s=%s HttpOnly SameSite=Strict Path=/ Secure=%v",
					c, web.SessionCookie, reply.Token, secure)
			}
		})
	}
}

func TestAuth_LoginRefused(t *testing.T) {
	srv := newAuthServer(t, newAuth(newClock()))
	for _, tt := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"WrongPassword", `{"username":"clerk","password":"password-boss"}`, 401, hallq.EUNAUTHORIZED},
		{"UnknownUser", `{"username":"nobody","password":"password-clerk"}`, 401, hallq.EUNAUTHORIZED},
		{"Disabled", `{"username":"gone","password":"password-gone"}`, 401, hallq.EUNAUTHORIZED},
		{"NoPassword", `{"username":"clerk"}`, 400, hallq.EINVALID},
		{"UnknownField", `{"username":"clerk","password":"password-clerk","remember":true}`, 400, hallq.EINVALID},
		{"Empty", ``, 400, hallq.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/api/v1/login", "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			readError(t, resp, tt.status, tt.code)
			if len(resp.Cookies()) != 0 {
				t.Errorf("a refused login set cookies %v", resp.Cookies())
			}
		})
	}
}

func TestAuth_CookieSession(t *testing.T) {
	a := newAuth(newClock())
	srv := newAuthServer(t, a)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}

	if got, want := get(t, client, srv.URL+"/api/v1/queue", ""), 401; got != want {
		t.Fatalf("before login: status = %d, want %d", got, want)
	}
	body(t, login(t, client, srv.URL, "boss", "password-boss"))
	if got, want := get(t, client, srv.URL+"/api/v1/users", ""), 204; got != want {
		t.Fatalf("after login: status = %d, want %d", got, want)
	}

	resp, err := client.Get(srv.URL + "/api/v1/whoami")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := body(t, resp), `{"Name":"boss","Role":"manager"}`+"\n"; got != want {
		t.Errorf("whoami = %q, want %q", got, want)
	}

	t.Run("Logout", func(t *testing.T) {
		resp, err := client.Post(srv.URL+"/api/v1/logout", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.StatusCode, 204; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 || cookies[0].Name != web.SessionCookie || cookies[0].MaxAge >= 0 {
			t.Errorf("cookies = %v, want %s cleared", cookies, web.SessionCookie)
		}
		if got := sessions(a).count(); got != 0 {
			t.Errorf("%d sessions live after logout, want 0", got)
		}
		if got, want := get(t, client, srv.URL+"/api/v1/queue", ""), 401; got != want {
			t.Errorf("after logout: status = %d, want %d", got, want)
		}
	})

	t.Run("LogoutAnonymous", func(t *testing.T) {
		resp, err := http.Post(srv.URL+"/api/v1/logout", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.StatusCode, 204; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
	})
}

func TestAuth_Bearer(t *testing.T) {
	a := newAuth(newClock())
	srv := newAuthServer(t, a)
	resp := login(t, http.DefaultClient, srv.URL, "clerk", "password-clerk")
	var reply loginReply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for _, tt := range []struct {
		name, authorization string
		want                int
	}{
		{"Token", "Bearer " + reply.Token, 204},
		{"LowerCaseScheme", "bearer " + reply.Token, 204},
		{"UnknownToken", "Bearer nope", 401},
		{"EmptyToken", "Bearer ", 401},
		{"Device", "Device " + reply.Token, 401},
		{"Basic", "Basic Y2xlcms6cGFzc3dvcmQ=", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := get(t, http.DefaultClient, srv.URL+"/api/v1/queue", tt.authorization); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
		})
	}
	t.Run("DeviceIsAnonymous", func(t *testing.T) {
		if got, want := get(t, http.DefaultClient, srv.URL+"/api/v1/whoami", "Device abc"), 200; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/logout", nil)
		req.Header.Set("Authorization", "Bearer "+reply.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := get(t, http.DefaultClient, srv.URL+"/api/v1/queue", "Bearer "+reply.Token), 401; got != want {
			t.Errorf("after logout: status = %d, want %d", got, want)
		}
	})
}

func TestAuth_Require(t *testing.T) {
	a := newAuth(newClock())
	srv := newAuthServer(t, a)
	ctx := context.Background()
	tokens := map[string]string{}
	for _, u := range []*hallq.User{
		{Username: "clerk", Role: hallq.RoleStaff},
		{Username: "boss", Role: hallq.RoleManager},
		{Username: "gone", Role: hallq.RoleManager, Disabled: true},
		{Username: "odd", Role: "auditor"},
	} {
		tokens[u.Username], _ = a.Sessions.CreateSession(ctx, u)
	}

	for _, tt := range []struct {
		who           string
		staff, manage int
	}{
		{"", 401, 401},
		{"clerk", 204, 403},
		{"boss", 204, 204},
		{"gone", 401, 401},
		{"odd", 403, 403},
	} {
		t.Run("User="+tt.who, func(t *testing.T) {
			auth := ""
			if tt.who != "" {
				auth = "Bearer " + tokens[tt.who]
			}
			if got := get(t, http.DefaultClient, srv.URL+"/api/v1/queue", auth); got != tt.staff {
				t.Errorf("staff route: status = %d, want %d", got, tt.staff)
			}
			if got := get(t, http.DefaultClient, srv.URL+"/api/v1/users", auth); got != tt.manage {
				t.Errorf("manager route: status = %d, want %d", got, tt.manage)
			}
		})
	}
}

// mustNets parses CIDRs.
func mustNets(tb testing.TB, cidrs ...string) []*net.IPNet {
	tb.Helper()
	var nets []*net.IPNet
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			tb.Fatal(err)
		}
		nets = append(nets, n)
	}
	return nets
}

func TestAuth_StaffNets(t *testing.T) {
	for _, tt := range []struct {
		name string
		nets []string
		want int
	}{
		{"Any", nil, 204},
		{"Inside", []string{"10.0.0.0/8", "127.0.0.0/8"}, 204},
		{"Outside", []string{"10.0.0.0/8", "192.168.0.0/16"}, 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAuth(newClock())
			a.StaffNets = mustNets(t, tt.nets...)
			srv := newAuthServer(t, a)
			token, _ := a.Sessions.CreateSession(context.Background(), &hallq.User{Username: "boss", Role: hallq.RoleManager})

			for _, path := range []string{"/api/v1/queue", "/api/v1/users"} {
				if got := get(t, http.DefaultClient, srv.URL+path, "Bearer "+token); got != tt.want {
					t.Errorf("%s: status = %d, want %d", path, got, tt.want)
				}
			}
			resp := login(t, http.DefaultClient, srv.URL, "boss", "password-boss")
			body(t, resp)
			if got, want := resp.StatusCode == 403, tt.want == 403; got != want {
				t.Errorf("login: status = %d, refused %v, want %v", resp.StatusCode, got, want)
			}
		})
	}
}

func TestAuth_SessionStoreFailure(t *testing.T) {
	captureLog(t)
	a := newAuth(newClock())
	sessions(a).err = errors.New("database closed")
	srv := newAuthServer(t, a)

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/whoami", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: "token-1"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readError(t, resp, 500, hallq.EINTERNAL)
}

// loginFrom sends a login from ip straight to the handler and returns the
// recorded reply.
func loginFrom(h http.Handler, ip, username, password string) *httptest.ResponseRecorder {
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)
	r := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(body))
	r.RemoteAddr = ip + ":40000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAuth_LoginLimiter(t *testing.T) {
	const attacker, other = "192.0.2.7", "192.0.2.8"

	t.Run("Block", func(t *testing.T) {
		clock := newClock()
		h := authRouter(newAuth(clock))
		for i := range 10 {
			if got, want := loginFrom(h, attacker, "boss", "guess").Code, 401; got != want {
				t.Fatalf("failure %d: status = %d, want %d", i+1, got, want)
			}
			clock.Add(time.Second)
		}
		w := loginFrom(h, attacker, "boss", "password-boss")
		readError(t, w.Result(), 429, hallq.ERATELIMITED)
		if got, want := w.Header().Get("Retry-After"), "899"; got != want {
			t.Errorf("Retry-After = %q, want %q", got, want)
		}

		if got, want := loginFrom(h, other, "boss", "password-boss").Code, 200; got != want {
			t.Errorf("another address: status = %d, want %d", got, want)
		}
		if got, want := loginFrom(h, attacker, "clerk", "password-clerk").Code, 200; got != want {
			t.Errorf("another username: status = %d, want %d", got, want)
		}

		clock.Add(15*time.Minute - 2*time.Second)
		if got, want := loginFrom(h, attacker, "boss", "password-boss").Code, 429; got != want {
			t.Errorf("a second before release: status = %d, want %d", got, want)
		}
		clock.Add(time.Second)
		if got, want := loginFrom(h, attacker, "boss", "password-boss").Code, 200; got != want {
			t.Errorf("after 15 minutes: status = %d, want %d", got, want)
		}
	})

	t.Run("Window", func(t *testing.T) {
		clock := newClock()
		h := authRouter(newAuth(clock))
		for range 9 {
			loginFrom(h, attacker, "boss", "guess")
		}
		clock.Add(15 * time.Minute)
		for i := range 9 {
			if got, want := loginFrom(h, attacker, "boss", "guess").Code, 401; got != want {
				t.Fatalf("failure %d of a new window: status = %d, want %d", i+1, got, want)
			}
		}
		if got, want := loginFrom(h, attacker, "boss", "password-boss").Code, 200; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
	})

	t.Run("SuccessForgets", func(t *testing.T) {
		h := authRouter(newAuth(newClock()))
		for range 9 {
			loginFrom(h, attacker, "boss", "guess")
		}
		loginFrom(h, attacker, "boss", "password-boss")
		for i := range 9 {
			if got, want := loginFrom(h, attacker, "boss", "guess").Code, 401; got != want {
				t.Fatalf("failure %d after a success: status = %d, want %d", i+1, got, want)
			}
		}
	})

	t.Run("Bounded", func(t *testing.T) {
		clock := newClock()
		a := newAuth(clock)
		h := authRouter(a)
		for i := range 2 * web.MaxEntries {
			loginFrom(h, fmt.Sprintf("10.0.%d.%d", i/256, i%256), fmt.Sprint("user", i), "guess")
			clock.Add(time.Millisecond)
		}
		if got, max := a.LoginEntries(), web.MaxEntries; got > max {
			t.Errorf("the limiter remembers %d pairs, want at most %d", got, max)
		}
	})

	// A flood of failures, from the attacker's address or from many, does
	// not make the limiter forget a block.
	t.Run("FloodKeepsBlock", func(t *testing.T) {
		clock := newClock()
		h := authRouter(newAuth(clock))
		for range 10 {
			loginFrom(h, attacker, "boss", "guess")
		}
		for i := range 2 * web.MaxEntries {
			loginFrom(h, attacker, fmt.Sprint("junk", i), "guess")
			loginFrom(h, fmt.Sprintf("10.1.%d.%d", i/256, i%256), fmt.Sprint("junk", i), "guess")
		}
		if got, want := loginFrom(h, attacker, "boss", "password-boss").Code, 429; got != want {
			t.Errorf("after the flood: status = %d, want %d", got, want)
		}
		if got, want := loginFrom(h, attacker, "clerk", "password-clerk").Code, 429; got != want {
			t.Errorf("the flooding address with another username: status = %d, want %d", got, want)
		}
	})

	t.Run("Parallel", func(t *testing.T) {
		h := authRouter(newAuth(newClock()))
		codes := make(chan int, 30)
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() { codes <- loginFrom(h, attacker, "boss", "guess").Code })
		}
		wg.Wait()
		close(codes)
		counts := map[int]int{}
		for c := range codes {
			counts[c]++
		}
		if counts[401] != 10 || counts[429] != 20 {
			t.Errorf("statuses = %v, want 10 × 401 and 20 × 429", counts)
		}
	})
}

// Recheck holds while the session does, with the same role; a passing
// failure of the store counts as holding.
func TestAuth_Recheck(t *testing.T) {
	a := newAuth(newClock())
	s := sessions(a)
	token, _ := s.CreateSession(context.Background(), &hallq.User{Username: "boss", Role: hallq.RoleManager})
	var still func(context.Context) bool
	h := a.Identify(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { still = a.Recheck(r) }))
	r := httptest.NewRequest("GET", "/ws/manager", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(httptest.NewRecorder(), r)
	ctx := context.Background()
	if still == nil || !still(ctx) {
		t.Fatal("a live session does not hold")
	}
	s.mu.Lock()
	s.err = errors.New("disk trouble")
	s.mu.Unlock()
	if !still(ctx) {
		t.Error("a failure of the store closed the socket")
	}
	s.mu.Lock()
	s.err = nil
	s.byToken[token] = &hallq.User{Username: "boss", Role: hallq.RoleStaff}
	s.mu.Unlock()
	if still(ctx) {
		t.Error("a manager demoted to staff still holds the manager's socket")
	}
	s.DeleteSession(ctx, token)
	if still(ctx) {
		t.Error("an ended session still holds")
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/ws/display", nil))
	if still != nil {
		t.Error("an anonymous request has a recheck")
	}
}

// TestAuth_LoginLimiterIPv6: one /64 is one client, so a new address in it
// for every guess gains nothing; another /64 is another client.
func TestAuth_LoginLimiterIPv6(t *testing.T) {
	clock := newClock()
	h := authRouter(newAuth(clock))
	for i := range 10 {
		ip := fmt.Sprintf("[2001:db8:1:2::%x]", i+1) // a fresh address of one /64 each time
		if got, want := loginFrom(h, ip, "boss", "guess").Code, 401; got != want {
			t.Fatalf("failure %d: status = %d, want %d", i+1, got, want)
		}
		clock.Add(time.Second)
	}
	if got, want := loginFrom(h, "[2001:db8:1:2::ff]", "boss", "password-boss").Code, 429; got != want {
		t.Errorf("another address of the same /64: status = %d, want %d", got, want)
	}
	if got, want := loginFrom(h, "[2001:db8:1:3::1]", "boss", "password-boss").Code, 200; got != want {
		t.Errorf("another /64: status = %d, want %d", got, want)
	}
}
