package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestRealIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, tt := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"FromTheProxy", "127.0.0.1:5000", []string{"192.0.2.7"}, "192.0.2.7"},
		{"ThroughTwoProxies", "127.0.0.1:5000", []string{"192.0.2.7, 10.1.1.1"}, "192.0.2.7"},
		{"ForgedFirstHop", "127.0.0.1:5000", []string{"6.6.6.6, 192.0.2.7"}, "192.0.2.7"}, // the proxy appended the real one
		{"TwoHeaders", "127.0.0.1:5000", []string{"198.51.100.1", "192.0.2.7"}, "192.0.2.7"},
		{"IPv6", "127.0.0.1:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"NotFromAProxy", "192.0.2.9:5000", []string{"127.0.0.1"}, "192.0.2.9"}, // a visitor cannot claim loopback
		{"NoHeader", "127.0.0.1:5000", nil, "127.0.0.1"},
		{"Garbage", "127.0.0.1:5000", []string{"not-an-ip"}, "127.0.0.1"},
		{"OnlyProxies", "127.0.0.1:5000", []string{"10.2.2.2"}, "127.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := RealIP(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("client %s, want %s", got, tt.want)
			}
		})
	}
}
