package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// RealIP takes the client's address from X-Forwarded-For when a request
// comes through one of the trusted proxies (a TLS proxy in front of the
// hub): the nearest address in the header that is not itself a trusted
// proxy becomes the request's RemoteAddr, so that every limit, the
// loopback exemptions and the staff networks see the visitor, not the
// proxy. From anyone else the header is ignored, for anyone can send it.
func RealIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			peer, err := netip.ParseAddr(ClientIP(r))
			if err == nil && isTrusted(peer) {
				if client, ok := forwardedFor(r.Header.Values("X-Forwarded-For"), isTrusted); ok {
					r = r.Clone(r.Context())
					r.RemoteAddr = net.JoinHostPort(client.String(), "0")
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// forwardedFor returns the nearest address of X-Forwarded-For values that
// is not a trusted proxy: read from the right, as each proxy appends the
// address it got the request from.
func forwardedFor(values []string, trusted func(netip.Addr) bool) (netip.Addr, bool) {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false // a hop we cannot read: believe nothing further
		}
		if !trusted(a) {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}
