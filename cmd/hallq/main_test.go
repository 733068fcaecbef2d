package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestParseConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	t.Run("Defaults", func(t *testing.T) {
		c, err := parseConfig(nil, env(map[string]string{"TZ": "Asia/Shanghai"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.addr != ":8080" || c.db != "hallq.db" || c.issueRate != 60 || c.adminPassword != "" || c.timeZone != "Asia/Shanghai" {
			t.Errorf("defaults: %+v", c)
		}
	})
	t.Run("EnvironmentThenFlags", func(t *testing.T) {
		vars := map[string]string{"HALLQ_ADDR": ":9000", "HALLQ_DB": "/var/lib/hallq/hall.db", "HALLQ_ISSUE_RATE": "0",
			"HALLQ_PUBLIC_URL": "http://10.0.0.5:9000/", "HALLQ_STAFF_NETS": "10.0.0.0/24, 192.168.1.0/24", "HALLQ_TIME_ZONE": "Europe/Berlin"}
		c, err := parseConfig([]string{"-addr", ":9100"}, env(vars))
		if err != nil {
			t.Fatal(err)
		}
		if c.addr != ":9100" || c.db != "/var/lib/hallq/hall.db" || c.issueRate != 0 || c.publicURL != "http://10.0.0.5:9000" ||
			len(c.staffNets) != 2 || c.timeZone != "Europe/Berlin" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("Proxies", func(t *testing.T) {
		c, err := parseConfig([]string{"-trusted-proxies", "127.0.0.1, 10.0.0.0/8, ::1"}, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.proxies) != 3 || c.proxies[0].String() != "127.0.0.1/32" || c.proxies[1].String() != "10.0.0.0/8" || c.proxies[2].String() != "::1/128" {
			t.Errorf("proxies %v", c.proxies)
		}
	})
	for _, args := range [][]string{
		{"-issue-rate", "many"}, {"-issue-rate", "-1"}, {"-staff-nets", "10.0.0.0"}, {"-public-url", "hall.local"}, {"extra"},
		{"-trusted-proxies", "proxy.local"}, {"-tls-cert", "cert.pem"}, {"-read-timeout", "soon"}, {"-max-conns-per-client", "-2"},
	} {
		if _, err := parseConfig(args, env(nil)); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestHub_Pages(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"))
	res, err := client.Get(hub.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if res.StatusCode != http.StatusOK || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("landing page: %d, CSP %q", res.StatusCode, csp)
	}
	res, err = client.Get(hub.URL + "/assets/hall.css")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	tag := res.Header.Get("ETag")
	req, _ := http.NewRequest("GET", hub.URL+"/assets/hall.css", nil)
	req.Header.Set("If-None-Match", tag)
	if res, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if tag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("a cached stylesheet: ETag %q, revalidation %d, want 304", tag, res.StatusCode)
	}
	var e struct{ Error struct{ Code string } }
	if status := getJSON(t, hub.URL+"/api/v1/nothing-here", "", &e); status != http.StatusNotFound || e.Error.Code != "not_found" {
		t.Errorf("unknown path: %d %q", status, e.Error.Code)
	}
	var hall struct {
		Services []struct{ ID string }
		Tiers    []struct{ ID string }
	}
	if getJSON(t, hub.URL+"/api/v1/hall", "", &hall); len(hall.Services) != 3 || len(hall.Tiers) != 5 {
		t.Errorf("the default hall: %+v", hall)
	}
}

func TestHub_SecondHubRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hallq.db")
	startHub(t, db)
	out, err := runBinary(t, "-addr", "127.0.0.1:0", "-db", db)
	if err == nil || !strings.Contains(out, "in use by another hallq hub") {
		t.Errorf("a second hub on the same file: %v\n%s", err, out)
	}
}

func TestHub_FirstStartPrintsPasswordOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hallq.db")
	cmd := startHubNoPassword(t, db)
	cmd.stop(t)
	if !strings.Contains(cmd.output.String(), "as admin with password ") {
		t.Errorf("first start did not print the admin password:\n%s", cmd.output)
	}
	again := startHubNoPassword(t, db)
	again.stop(t)
	if strings.Contains(again.output.String(), "password") {
		t.Errorf("a second start printed a password:\n%s", again.output)
	}
}

// TestHub_GracefulShutdown stops a hub with SIGTERM: it exits cleanly and
// leaves the database ready for the next start.
func TestHub_GracefulShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startHub(t, db)
	tk, _, err := issueWithKey(hub.URL, "before-shutdown")
	if err != nil {
		t.Fatal(err)
	}
	hub.stop(t)
	if !strings.Contains(hub.output.String(), "shutting down") {
		t.Errorf("output: %s", hub.output)
	}
	hub = startHub(t, db)
	var got issued
	if status := getJSON(t, hub.URL+"/api/v1/tickets/"+tk.Token, "", &got); status != http.StatusOK || got.Number != tk.Number {
		t.Errorf("after a clean restart: %d %+v", status, got)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(tb testing.TB) {
	tb.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.exited; err != nil {
		tb.Fatalf("the hub did not exit cleanly: %v\n%s", err, p.output)
	}
}

func startHubNoPassword(tb testing.TB, db string) *process {
	tb.Helper()
	return startHubArgs(tb, "-addr", "127.0.0.1:0", "-db", db)
}

func runBinary(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	out, err := execCommand(args...).CombinedOutput()
	return string(out), err
}

// TestHub_WarnsOfLoopbackQR: a hub whose QR codes point at this machine's
// loopback says so at start, and tells managers through the hall.
func TestHub_WarnsOfLoopbackQR(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db")) // listens on 127.0.0.1
	var hall struct {
		PublicURL      string `json:"public_url"`
		PublicURLLocal bool   `json:"public_url_local"`
	}
	getJSON(t, hub.URL+"/api/v1/hall", "", &hall)
	hub.stop(t)
	if !strings.Contains(hub.output.String(), "WARNING: the tickets' QR codes point at "+hub.URL) {
		t.Errorf("no warning at start:\n%s", hub.output)
	}
	if hall.PublicURL != hub.URL || !hall.PublicURLLocal {
		t.Errorf("hall: public_url %q, local %v; want %s, true", hall.PublicURL, hall.PublicURLLocal, hub.URL)
	}
}

// TestHub_OddRequests: a HEAD is answered as its GET is, and an asset path
// that names no embedded file, or is no path at all, is the API's 404.
func TestHub_OddRequests(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"))
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"HEAD", "/kiosk", 200},
		{"HEAD", "/api/v1/hall", 200},
		{"GET", "/assets/%ff", 404},
		{"GET", "/assets/", 404},
		{"GET", "/assets/voice/", 404},
		{"GET", "/assets/kiosk.js", 200},
	} {
		req, _ := http.NewRequest(tt.method, hub.URL+tt.path, nil)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, res.StatusCode, tt.want)
		}
		if tt.want == 404 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %s, want the API's JSON error", tt.method, tt.path, res.Header.Get("Content-Type"))
		}
	}
}

// TestHub_Check: `hallq -check` passes a stopped hub's file, refuses to
// check one a hub has open, and fails a file with zeroed pages.
func TestHub_Check(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hallq.db")
	hub := startHub(t, db)
	if out, err := runBinary(t, "-check", "-db", db); err == nil || !strings.Contains(out, "in use by a running hub") {
		t.Errorf("checking a file in use: %v\n%s", err, out)
	}
	hub.stop(t)
	out, err := runBinary(t, "-check", "-db", db)
	if err != nil || !strings.Contains(out, "checks out") {
		t.Fatalf("checking a stopped hub's file: %v\n%s", err, out)
	}
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, 5*4096), 3*4096)
	f.Close()
	if out, err := runBinary(t, "-check", "-db", db); err == nil || !strings.Contains(out, "damaged") {
		t.Errorf("checking a file with zeroed pages: %v\n%s", err, out)
	}
}

// TestHub_DNSRebinding: a page on another site whose name was pointed at
// the hub sends that name as Host and as Origin; the hub answers only to
// its own names and addresses.
func TestHub_DNSRebinding(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"), "-hostnames", "queue.branch.example")
	for _, tt := range []struct {
		method, host string
		want         int
	}{
		{"GET", "evil.example", http.StatusForbidden},
		{"POST", "evil.example", http.StatusForbidden},
		{"GET", "queue.branch.example", http.StatusOK},
		{"GET", "localhost", http.StatusOK},
	} {
		var body io.Reader
		path := "/api/v1/hall"
		if tt.method == "POST" {
			path, body = "/api/v1/tickets", strings.NewReader(`{"service":"A"}`)
		}
		req, err := http.NewRequest(tt.method, hub.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tt.host
		req.Header.Set("Origin", "http://"+tt.host)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s %s with Host %s: %d %s, want %d", tt.method, path, tt.host, res.StatusCode, b, tt.want)
		}
		if tt.want == http.StatusForbidden && !strings.Contains(string(b), `"code":"forbidden"`) {
			t.Errorf("%s with Host %s: %s, want the JSON error", tt.method, tt.host, b)
		}
	}
}
