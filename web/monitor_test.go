package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRequireMonitor: /metrics is open to the hub's own machine and, when
// they are set, to the staff networks; anyone else needs a manager's login.
func TestRequireMonitor(t *testing.T) {
	_, hall, _ := net.ParseCIDR("192.168.1.0/24")
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, tt := range []struct {
		name   string
		nets   []*net.IPNet
		remote string
		want   int
	}{
		{"Loopback", nil, "127.0.0.1:5000", http.StatusOK},
		{"LoopbackIPv6", nil, "[::1]:5000", http.StatusOK},
		{"LANWithoutStaffNets", nil, "192.168.1.20:5000", http.StatusUnauthorized},
		{"StaffNet", []*net.IPNet{hall}, "192.168.1.20:5000", http.StatusOK},
		{"OutsideStaffNets", []*net.IPNet{hall}, "10.0.0.5:5000", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := &Auth{StaffNets: tt.nets}
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.RemoteAddr = tt.remote
			w := httptest.NewRecorder()
			a.RequireMonitor(ok).ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}
