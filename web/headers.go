package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"hallq"
)

// ContentSecurityPolicy allows pages only their own origin's scripts, styles
// and media: no inline code, no framing, no plugins.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; media-src 'self'; connect-src 'self'; font-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecureHeaders sets the security headers of every reply: the
// Content-Security-Policy, no MIME sniffing, no framing, no Referer (ticket
// tokens live in URLs), and no caching of /api/ replies.
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range secureHeaders {
			h[kv.key] = kv.value
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h["Cache-Control"] = noStore
		}
		next.ServeHTTP(w, r)
	})
}

// secureHeaders are SecureHeaders' headers, their values made once and
// shared by every reply: a header's values are replaced, never appended to
// in place (each slice is full), so sharing them is safe.
var secureHeaders = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{ContentSecurityPolicy}[:1:1]},
	{"X-Content-Type-Options", []string{"nosniff"}[:1:1]},
	{"Referrer-Policy", []string{"no-referrer"}[:1:1]},
	{"X-Frame-Options", []string{"DENY"}[:1:1]},
}

var noStore = []string{"no-store"}[:1:1]

// SameOrigin refuses with 403 every state-changing request (any method but
// GET, HEAD and OPTIONS) whose Origin header does not match the host it was
// sent to; see CheckOrigin.
func SameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safeMethod(r.Method) && !CheckOrigin(r) {
			Error(w, r, hallq.Errorf(hallq.EFORBIDDEN, "Requests from another site are refused; use the hub's own pages."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// safeMethod reports whether method never changes state.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// CheckOrigin reports whether r may proceed: it has no Origin header (a
// client other than a browser), or exactly one whose host and port match r's
// Host. The scheme is ignored, case does not matter, and the default ports 80
// and 443 equal no port. An Origin of "null" never matches. Its signature
// fits websocket.Upgrader.CheckOrigin.
func CheckOrigin(r *http.Request) bool {
	origins := r.Header.Values("Origin")
	if len(origins) == 0 {
		return true
	}
	if len(origins) > 1 {
		return false
	}
	u, err := url.Parse(origins[0])
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil {
		return false
	}
	return canonicalHost(u.Host) == canonicalHost(r.Host)
}

// canonicalHost returns host:port in lower case, without a default port.
func canonicalHost(hostport string) string {
	u := url.URL{Host: strings.ToLower(hostport)}
	host, port := u.Hostname(), u.Port()
	if port == "" || port == "80" || port == "443" {
		return host
	}
	return net.JoinHostPort(host, port)
}

// IdempotencyKey returns the request's Idempotency-Key header: "" when there
// is none, else 1 to 128 printable ASCII characters, or an invalid error.
func IdempotencyKey(r *http.Request) (string, error) {
	keys := r.Header.Values("Idempotency-Key")
	switch {
	case len(keys) == 0:
		return "", nil
	case len(keys) > 1:
		return "", hallq.Errorf(hallq.EINVALID, "Send at most one Idempotency-Key header.")
	case len(keys[0]) < 1 || len(keys[0]) > 128 || !printableASCII(keys[0]):
		return "", hallq.Errorf(hallq.EINVALID, "An Idempotency-Key is 1 to 128 printable ASCII characters.")
	}
	return keys[0], nil
}

// printableASCII reports whether s has only characters 0x20 to 0x7e.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// HostCheck refuses with 403 every request whose Host is not one of the
// hub's own names: an IP address (the hall's devices use the hub's
// address), localhost, or one of names (the -public-url's host, the
// -hostnames, this machine's name). A page on another site whose name was
// pointed at the hub (DNS rebinding) sends its own name as Host, and as
// Origin, so that the same-origin check alone would pass it.
func HostCheck(names []string) func(http.Handler) http.Handler {
	allowed := map[string]bool{"localhost": true}
	for _, n := range names {
		if n = canonicalName(n); n != "" {
			allowed[n] = true
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host := canonicalName(r.Host)
			if _, err := netip.ParseAddr(host); err != nil && !allowed[host] {
				Error(w, r, hallq.Errorf(hallq.EFORBIDDEN,
					"This hub does not answer to the name %q; use its address, or start it with -hostnames %s if that is its name.", host, host))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// canonicalName returns the host name of a Host header or URL host, in
// lower case, without port, brackets or a final dot.
func canonicalName(hostport string) string {
	u := url.URL{Host: strings.ToLower(strings.TrimSpace(hostport))}
	return strings.TrimSuffix(u.Hostname(), ".")
}
