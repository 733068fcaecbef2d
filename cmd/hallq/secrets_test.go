package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestHub_NoCardInLogs: everything a hub does with a VIP card (registering
// it, a ticket with it, an unknown card, an import, an export, its visits,
// a failed login with it typed as a password) leaves neither its number
// nor its holder's name in the hub's log.
func TestHub_NoCardInLogs(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"))
	token := login(t, hub.URL)
	const number, holder = "6222020200114455", "Ouyang Mingyue"
	do := func(method, path, contentType, body string, auth bool) {
		t.Helper()
		req, _ := http.NewRequest(method, hub.URL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s %s: %d", method, path, res.StatusCode)
		}
	}
	const js = "application/json"
	do("POST", "/api/v1/cards", js, `{"number":"`+number+`","tier":"gold","holder":"`+holder+`"}`, true)
	do("POST", "/api/v1/tickets", js, `{"service":"A","card":"`+number+`"}`, false)
	do("POST", "/api/v1/tickets", js, `{"service":"A","card":";6222020200999988=2712?"}`, false)
	do("POST", "/api/v1/cards/import", "text/csv", "6222020200117766,silver,"+holder+" Jr,\n6222020200117767,nope,"+holder+" Sr,\n", true)
	do("GET", "/api/v1/cards/export.csv", "", "", true)
	do("GET", "/api/v1/cards/"+number+"/visits", "", "", true)
	do("GET", "/api/v1/cards?q="+strings.ReplaceAll(holder, " ", "+"), "", "", true)
	do("POST", "/api/v1/login", js, `{"username":"admin","password":"`+number+`"}`, false)
	do("DELETE", "/api/v1/cards/"+number, "", "", true)
	hub.stop(t)
	log := hub.output.String()
	if !strings.Contains(log, "cards imported") {
		t.Fatalf("the log lacks the import's line, so it proves nothing:\n%s", log)
	}
	for _, secret := range []string{number, "6222020200999988", "6222020200117766", "0114455", "Ouyang", "Mingyue"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows %q:\n%s", secret, log)
		}
	}
}
