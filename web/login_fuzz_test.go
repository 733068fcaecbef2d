package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/store"
	"hallq/web"
)

// The accounts of the login fuzz test.
var fuzzAccounts = map[string]string{"admin": "admin-fuzz-password", "clerk01": "clerk01-fuzz-password"}

// knownUsers is the store's UserService, but a username it does not know
// is refused at once: the store compares against a dummy hash at the
// default bcrypt cost, which would make every fuzz input take 50 ms.
type knownUsers struct{ *store.Store }

func (u knownUsers) Authenticate(ctx context.Context, username, password string) (*hallq.User, error) {
	if _, ok := fuzzAccounts[username]; !ok {
		return nil, hallq.Errorf(hallq.EUNAUTHORIZED, "The username or password is wrong.")
	}
	return u.Store.Authenticate(ctx, username, password)
}

// FuzzLogin posts any body with any Content-Type to the real login handler
// on a real store. A login answers JSON; a wrong body is never a 500 and
// never a session: only the exact username and password of an account log
// in, and they always do.
func FuzzLogin(f *testing.F) {
	st, err := store.Open(store.Options{Path: filepath.Join(f.TempDir(), "hallq.db"), TimeZone: "UTC", BcryptCost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.EnsureAdmin(ctx, fuzzAccounts["admin"]); err != nil {
		f.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, hallq.Actor{Name: "admin", Role: hallq.RoleManager},
		hallq.NewUser{Username: "clerk01", Password: fuzzAccounts["clerk01"], Role: hallq.RoleStaff}); err != nil {
		f.Fatal(err)
	}
	auth := &web.Auth{Users: knownUsers{st}, Sessions: st, Devices: st}
	r := chi.NewRouter()
	r.Use(web.Recover, web.SecureHeaders, web.SameOrigin, auth.Identify)
	r.Post("/api/v1/login", auth.HandleLogin)

	for _, s := range []string{
		`{"username":"admin","password":"admin-fuzz-password"}`,
		`{"username":"clerk01","password":"clerk01-fuzz-password"}`,
		`{"username":"admin","password":"wrong"}`,
		`{"username":"ADMIN","password":"admin-fuzz-password"}`,
		`{"username":"admin ","password":"admin-fuzz-password"}`,
		`{"username":"admin","password":"admin-fuzz-password","role":"manager"}`,
		`{"username":"admin","password":"admin-fuzz-password"} {}`,
		`{"username":"admin","password":"admin-fuzz-password","password":""}`,
		`{"username":"","password":""}`, `{"username":"admin"}`, `{"password":"x"}`,
		`{"username":1,"password":2}`, `{"username":null,"password":null}`, `{"username":["admin"]}`,
		`{"username":"admin\u0000","password":"admin-fuzz-password"}`,
		`{"username":"` + strings.Repeat("a", 5000) + `","password":"x"}`,
		`{"username":"admin","password":"` + strings.Repeat("p", 100) + `"}`,
		``, `null`, `[]`, `"admin"`, `42`, `{`, `username=admin&password=admin-fuzz-password`,
		`{"username":"admin","password":"` + strings.Repeat("x", web.MaxBody) + `"}`,
	} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{"username":"admin","password":"admin-fuzz-password"}`), "application/x-www-form-urlencoded")
	f.Add([]byte(`{"username":"admin","password":"admin-fuzz-password"}`), "multipart/form-data; boundary=x")
	f.Add([]byte(`{"username":"admin","password":"admin-fuzz-password"}`), "")
	f.Add([]byte(`{"username":"admin","password":"admin-fuzz-password"}`), "text/plain; charset=\"")

	var clients atomic.Uint32 // each input comes from an address of its own, below every limit
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		n := clients.Add(1)
		req := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader(body))
		req.Header["Content-Type"] = []string{contentType}
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", byte(n>>16), byte(n>>8), byte(n))
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)

		var creds struct{ Username, Password string }
		right := false
		if !isForm(contentType) && len(body) <= web.MaxBody && web.DecodeJSON(body, &creds) == nil {
			password, ok := fuzzAccounts[creds.Username]
			right = ok && password == creds.Password
		}
		if got := w.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Fatalf("login %.200q (%q): %d with Content-Type %q", body, contentType, w.Code, got)
		}
		cookie := ""
		for _, c := range w.Result().Cookies() {
			if c.Name == web.SessionCookie {
				cookie = c.Value
			}
		}
		if w.Code == http.StatusOK {
			var reply struct {
				Token string
				User  struct{ Username string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil || reply.Token == "" || reply.Token != cookie {
				t.Fatalf("login %.200q: 200 %s, cookie %q", body, w.Body.Bytes(), cookie)
			}
			if !right {
				t.Fatalf("login %.200q (%q) was let in as %q", body, contentType, reply.User.Username)
			}
			u, err := st.FindSession(context.Background(), reply.Token)
			if err != nil || u.Username != creds.Username {
				t.Fatalf("login %.200q: the session is %+v, %v", body, u, err)
			}
			return
		}
		if right {
			t.Fatalf("login %.200q (%q) with the right password: %d %s", body, contentType, w.Code, w.Body.Bytes())
		}
		if cookie != "" {
			t.Fatalf("login %.200q: %d but a session cookie %q", body, w.Code, cookie)
		}
		var e struct {
			Error *struct{ Code, Message string }
			Token string
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == nil || e.Error.Message == "" || e.Token != "" {
			t.Fatalf("login %.200q: %d %s, not an error reply", body, w.Code, w.Body.Bytes())
		}
		want := map[string]int{hallq.EINVALID: 400, hallq.EUNAUTHORIZED: 401, hallq.ETOOLARGE: 413}[e.Error.Code]
		if w.Code != want {
			t.Fatalf("login %.200q (%q): %d %s", body, contentType, w.Code, w.Body.Bytes())
		}
	})
}
