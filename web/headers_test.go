package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hallq"
	"hallq/web"
)

func TestCheckOrigin(t *testing.T) {
	for _, tt := range []struct {
		host    string
		origins []string // nil: no Origin header
		want    bool
	}{
		{"hall.local:8080", nil, true},
		{"hall.local:8080", []string{"http://hall.local:8080"}, true},
		{"hall.local:8080", []string{"https://hall.local:8080"}, true},
		{"hall.local:8080", []string{"http://HALL.Local:8080"}, true},
		{"HALL.LOCAL:8080", []string{"http://hall.local:8080"}, true},
		{"hall.local", []string{"http://hall.local"}, true},
		{"hall.local", []string{"https://hall.local"}, true},
		{"hall.local", []string{"http://hall.local:80"}, true},
		{"hall.local:80", []string{"http://hall.local"}, true},
		{"hall.local:443", []string{"https://hall.local"}, true},
		{"hall.local", []string{"https://hall.local:443"}, true},
		{"192.168.1.10:8080", []string{"http://192.168.1.10:8080"}, true},
		{"[fe80::1]:8080", []string{"http://[FE80::1]:8080"}, true},
		{"[::1]", []string{"http://[::1]:80"}, true},

		{"hall.local:8080", []string{"http://hall.local:8081"}, false},
		{"hall.local:8080", []string{"http://hall.local"}, false},
		{"hall.local", []string{"http://hall.local:8080"}, false},
		{"hall.local:8080", []string{"http://evil.example:8080"}, false},
		{"hall.local:8080", []string{"http://hall.local.evil.example:8080"}, false},
		{"hall.local:8080", []string{"null"}, false},
		{"hall.local:8080", []string{""}, false},
		{"hall.local:8080", []string{"hall.local:8080"}, false},
		{"hall.local:8080", []string{"http://user@hall.local:8080"}, false},
		{"hall.local:8080", []string{"http://hall.local:8080", "http://hall.local:8080"}, false},
		{"192.168.1.10:8080", []string{"http://192.168.1.11:8080"}, false},
	} {
		r := httptest.NewRequest("POST", "/api/v1/tickets", nil)
		r.Host = tt.host
		for _, o := range tt.origins {
			r.Header.Add("Origin", o)
		}
		if got := web.CheckOrigin(r); got != tt.want {
			t.Errorf("CheckOrigin(Host %q, Origin %q) = %v, want %v", tt.host, tt.origins, got, tt.want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(web.SameOrigin(ok))
	defer srv.Close()
	self := srv.URL // http://127.0.0.1:port

	for _, tt := range []struct {
		name, method, origin string
		want                 int
	}{
		{"Match", "POST", self, 204},
		{"MatchOtherScheme", "PUT", strings.Replace(self, "http:", "https:", 1), 204},
		{"Missing", "POST", "", 204},
		{"Mismatch", "POST", "http://evil.example", 403},
		{"MismatchDelete", "DELETE", "http://evil.example", 403},
		{"MismatchPatch", "PATCH", "http://evil.example", 403},
		{"Null", "POST", "null", 403},
		{"GetMismatch", "GET", "http://evil.example", 204},
		{"HeadMismatch", "HEAD", "null", 204},
		{"OptionsMismatch", "OPTIONS", "http://evil.example", 204},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, self+"/api/v1/tickets", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == 403 {
				readError(t, resp, 403, hallq.EFORBIDDEN)
				return
			}
			resp.Body.Close()
			if got := resp.StatusCode; got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSecureHeaders(t *testing.T) {
	srv := httptest.NewServer(web.SecureHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})))
	defer srv.Close()

	for _, tt := range []struct {
		path  string
		cache string
	}{
		{"/api/v1/tickets/abc", "no-store"},
		{"/kiosk", ""},
		{"/t/abc", ""},
	} {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for name, want := range map[string]string{
			"Content-Security-Policy": web.ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Cache-Control":           tt.cache,
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", tt.path, name, got, want)
			}
		}
	}
	for _, directive := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(web.ContentSecurityPolicy, directive) {
			t.Errorf("Content-Security-Policy lacks %q", directive)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	for _, tt := range []struct {
		name string
		keys []string // nil: no header
		want string
		ok   bool
	}{
		{"Absent", nil, "", true},
		{"One", []string{"a"}, "a", true},
		{"UUID", []string{"4f1c2a9e-6d1b-4c3e-9a7f-0b2d5e8c1a34"}, "4f1c2a9e-6d1b-4c3e-9a7f-0b2d5e8c1a34", true},
		{"Printable", []string{"a b~!{}"}, "a b~!{}", true},
		{"Max", []string{strings.Repeat("k", 128)}, strings.Repeat("k", 128), true},
		{"Empty", []string{""}, "", false},
		{"TooLong", []string{strings.Repeat("k", 129)}, "", false},
		{"Control", []string{"a\tb"}, "", false},
		{"Delete", []string{"a\x7f"}, "", false},
		{"NonASCII", []string{"clé"}, "", false},
		{"Two", []string{"a", "b"}, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/tickets", nil)
			for _, k := range tt.keys {
				r.Header.Add("Idempotency-Key", k)
			}
			got, err := web.IdempotencyKey(r)
			if got != tt.want {
				t.Errorf("key = %q, want %q", got, tt.want)
			}
			if tt.ok && err != nil {
				t.Errorf("err = %v, want nil", err)
			}
			if !tt.ok && hallq.ErrorCode(err) != hallq.EINVALID {
				t.Errorf("err = %v, want an invalid error", err)
			}
		})
	}
}

// TestHostCheck: a request to one of the hub's names, or to an address,
// passes; a name the hub does not know (a rebound DNS name) is refused, on
// every method, even with a matching Origin.
func TestHostCheck(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(web.HostCheck([]string{"Hall-PC", "queue.branch.example."})(web.SameOrigin(ok)))
	defer srv.Close()
	for _, tt := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", 204},
		{"192.168.1.10", 204},
		{"[fe80::1]:8080", 204},
		{"[::1]", 204},
		{"localhost:8080", 204},
		{"hall-pc:8080", 204},
		{"HALL-PC", 204},
		{"queue.branch.example", 204},
		{"queue.branch.example.:443", 204},
		{"evil.example:8080", 403},
		{"hall-pc.evil.example", 403},
	} {
		t.Run(tt.host, func(t *testing.T) {
			for _, method := range []string{"GET", "POST"} {
				req, err := http.NewRequest(method, srv.URL+"/api/v1/tickets", strings.NewReader("{}"))
				if err != nil {
					t.Fatal(err)
				}
				req.Host = tt.host
				req.Header.Set("Origin", "http://"+tt.host)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				if tt.want == 403 {
					readError(t, resp, 403, hallq.EFORBIDDEN)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Errorf("%s with Host %q: %d, want %d", method, tt.host, resp.StatusCode, tt.want)
				}
			}
		})
	}
}
