package web_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"hallq/internal/fakeclock"
	"hallq/web"
)

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC))
}

func TestRateLimiter(t *testing.T) {
	t.Run("Refill", func(t *testing.T) {
		clock := newClock()
		l := web.NewRateLimiter(60, clock.Now)
		for i := range 60 {
			if ok, _ := l.Allow("a"); !ok {
				t.Fatalf("request %d refused", i+1)
			}
		}
		ok, wait := l.Allow("a")
		if ok || wait != time.Second {
			t.Fatalf("request 61 = %v, %v; want refused for 1s", ok, wait)
		}
		if ok, _ := l.Allow("b"); !ok {
			t.Error("another client was refused")
		}

		clock.Add(500 * time.Millisecond)
		if ok, wait := l.Allow("a"); ok || wait != 500*time.Millisecond {
			t.Errorf("after 0.5s = %v, %v; want refused for 0.5s", ok, wait)
		}
		clock.Add(500 * time.Millisecond)
		if ok, _ := l.Allow("a"); !ok {
			t.Error("after 1s: refused, want one more request")
		}
		if ok, _ := l.Allow("a"); ok {
			t.Error("after 1s: two requests allowed, want one")
		}

		clock.Add(time.Hour)
		for i := range 60 {
			if ok, _ := l.Allow("a"); !ok {
				t.Fatalf("after an hour: request %d refused", i+1)
			}
		}
		if ok, _ := l.Allow("a"); ok {
			t.Error("after an hour: the bucket held more than a minute's worth")
		}
	})

	t.Run("Off", func(t *testing.T) {
		l := web.NewRateLimiter(0, newClock().Now)
		for range 1000 {
			if ok, _ := l.Allow("a"); !ok {
				t.Fatal("a limiter of 0 per minute refused a request")
			}
		}
	})

	t.Run("Bounded", func(t *testing.T) {
		clock := newClock()
		l := web.NewRateLimiter(1, clock.Now)
		for i := range 2 * web.MaxEntries {
			l.Allow(fmt.Sprint("client-", i))
		}
		if got, max := l.Len(), web.MaxEntries; got > max {
			t.Errorf("the limiter remembers %d clients, want at most %d", got, max)
		}

		clock.Add(time.Minute)
		l.Allow("new")
		if got, want := l.Len(), 1; got != want {
			t.Errorf("after a quiet minute the limiter remembers %d clients, want %d", got, want)
		}
	})
}

func TestClientIP(t *testing.T) {
	for _, tt := range []struct {
		remote, ip string
		loopback   bool
	}{
		{"192.0.2.1:1234", "192.0.2.1", false},
		{"127.0.0.1:1234", "127.0.0.1", true},
		{"[::1]:1234", "::1", true},
		{"[2001:db8::1]:443", "2001:db8::1", false},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1", false},
		{"[fe80::1%eth0]:80", "fe80::1", false},
		{"pipe", "pipe", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		r.Header.Set("X-Forwarded-For", "127.0.0.1")
		if got := web.ClientIP(r); got != tt.ip {
			t.Errorf("ClientIP(%q) = %q, want %q", tt.remote, got, tt.ip)
		}
		if got := web.IsLoopback(r); got != tt.loopback {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.remote, got, tt.loopback)
		}
	}
}
