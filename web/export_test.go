package web

// Len returns how many clients l remembers, for tests of its bound.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// MaxEntries is the bound on the clients a limiter remembers.
const MaxEntries = maxEntries

// LoginEntries returns how many username and address pairs a's login
// limiter remembers.
func (a *Auth) LoginEntries() int {
	a.logins.mu.Lock()
	defer a.logins.mu.Unlock()
	return len(a.logins.entries)
}

// StillFeed is a feed on which nothing happens, for tests that publish by
// hand.
type StillFeed = stillFeed
