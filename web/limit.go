package web

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxEntries bounds the clients each limiter remembers, so that a flood of
// new addresses or usernames cannot grow its memory without end.
const maxEntries = 10000

// RateLimiter allows each client a number of requests per minute: a token
// bucket (golang.org/x/time/rate) for each, that holds a minute's worth and
// refills evenly. It is safe for concurrent use.
type RateLimiter struct {
	perMinute int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewRateLimiter returns a limiter of perMinute requests per minute for each
// client; 0 turns it off. now is the clock; nil means time.Now.
func NewRateLimiter(perMinute int, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{perMinute: perMinute, now: now, buckets: make(map[string]*rate.Limiter)}
}

// Allow takes a token from key's bucket. When the bucket is empty it reports
// false and how long until the next token.
func (l *RateLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l.perMinute <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		// A bucket that is full again is as good as none: those go
		// first when the map is full.
		makeRoom(l.buckets, now, l.fullAt(now))
		b = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now) // a refused request takes nothing
		return false, wait
	}
	return true, 0
}

// fullAt returns when a bucket is full again, as seen at now.
func (l *RateLimiter) fullAt(now time.Time) func(*rate.Limiter) time.Time {
	return func(b *rate.Limiter) time.Time {
		missing := float64(b.Burst()) - b.TokensAt(now)
		return now.Add(time.Duration(missing / float64(b.Limit()) * float64(time.Second)))
	}
}

// makeRoom makes room in m when it is full: it drops the entries whose
// expiry is past and at least a tenth of the rest, those that expire first.
// Dropping many at once keeps the cost per new entry low under a flood.
func makeRoom[V any](m map[string]V, now time.Time, expiry func(V) time.Time) {
	if len(m) < maxEntries {
		return
	}
	expiries := make([]time.Time, 0, len(m))
	for _, v := range m {
		expiries = append(expiries, expiry(v))
	}
	slices.SortFunc(expiries, time.Time.Compare)
	cutoff := expiries[len(expiries)/10]
	if now.After(cutoff) {
		cutoff = now
	}
	for k, v := range m {
		if !expiry(v).After(cutoff) {
			delete(m, k)
		}
	}
}

// Login limits: after loginFailures failed logins for one username from one
// address within loginWindow, that pair is refused for loginBlock; after
// addressFailures from one address, whatever the usernames, so is the
// address, so that one client cannot flood the limiter to make it forget.
const (
	loginFailures   = 10
	addressFailures = 50
	loginWindow     = 15 * time.Minute
	loginBlock      = 15 * time.Minute
)

// loginLimiter counts failed logins by username and address. Its zero value
// is ready to use.
type loginLimiter struct {
	mu      sync.Mutex
	entries map[string]*loginEntry
}

// loginEntry is one key's recent failures, oldest first, or the end of its
// block.
type loginEntry struct {
	failures     []time.Time
	blockedUntil time.Time
}

// keepUntil returns until when e matters. A block is kept to its end,
// whatever else the limiter must forget.
func (e *loginEntry) keepUntil(now time.Time) time.Time {
	if now.Before(e.blockedUntil) {
		return time.Unix(1<<62, 0)
	}
	if len(e.failures) == 0 {
		return e.blockedUntil
	}
	return e.failures[len(e.failures)-1].Add(loginWindow)
}

// attempt counts an attempt of key as a failure until succeeded clears it,
// so that parallel attempts cannot slip past the limit of failures. It
// returns 0, or how long key is still blocked.
func (l *loginLimiter) attempt(key string, limit int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = make(map[string]*loginEntry)
	}
	e := l.entries[key]
	if e == nil {
		makeRoom(l.entries, now, func(e *loginEntry) time.Time { return e.keepUntil(now) })
		e = &loginEntry{}
		l.entries[key] = e
	}
	if now.Before(e.blockedUntil) {
		return e.blockedUntil.Sub(now)
	}
	for len(e.failures) > 0 && !e.failures[0].Add(loginWindow).After(now) {
		e.failures = e.failures[1:]
	}
	e.failures = append(e.failures, now)
	if len(e.failures) >= limit {
		e.failures, e.blockedUntil = nil, now.Add(loginBlock)
	}
	return 0
}

// succeeded forgets key's failures after a successful login.
func (l *loginLimiter) succeeded(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, key)
}

// ClientIP returns the address of the client that sent r, taken from the
// connection only: proxy headers are not trusted.
func ClientIP(r *http.Request) string {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap().WithZone("").String()
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// ClientKeyOf returns the key a request's client is limited by: its address
// as ClientKey has it, an IPv6 client by its /64.
func ClientKeyOf(r *http.Request) string {
	addr, err := netip.ParseAddr(ClientIP(r))
	if err != nil {
		return ClientIP(r)
	}
	return ClientKey(addr)
}

// IsLoopback reports whether r comes from the hub's own machine.
func IsLoopback(r *http.Request) bool {
	addr, err := netip.ParseAddr(ClientIP(r))
	return err == nil && addr.IsLoopback()
}
