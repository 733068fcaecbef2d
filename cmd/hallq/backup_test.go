package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestHub_BackupRestores: a backup taken while the hub runs is a database a
// new hub starts on, with the same tickets, as README's restore says.
func TestHub_BackupRestores(t *testing.T) {
	dir := t.TempDir()
	hub := startHub(t, filepath.Join(dir, "hallq.db"))
	var keys []string
	tickets := map[string]issued{}
	for _, key := range []string{"k1", "k22", "k333"} {
		tk, status, err := issueWithKey(hub.URL, key)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("issue %s: %d %v", key, status, err)
		}
		keys, tickets[key] = append(keys, key), tk
	}
	req, _ := http.NewRequest("GET", hub.URL+"/api/v1/backup", nil)
	req.Header.Set("Authorization", "Bearer "+login(t, hub.URL))
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/backup: %v %v", res, err)
	}
	backup := filepath.Join(dir, "restored.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	f.Close()
	hub.stop(t)

	restored := startHub(t, backup)
	for _, key := range keys {
		var got issued
		if status := getJSON(t, restored.URL+"/api/v1/tickets/"+tickets[key].Token, "", &got); status != http.StatusOK || got.Number != tickets[key].Number {
			t.Errorf("ticket %s on the restored hub: %d %+v", tickets[key].Number, status, got)
		}
		// A retry of the same request finds the first ticket there too.
		if again, status, err := issueWithKey(restored.URL, key); err != nil || status != http.StatusOK || again.ID != tickets[key].ID {
			t.Errorf("retry of %s on the restored hub: %d %+v %v", key, status, again, err)
		}
	}
}
