package manager_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.etcd.io/bbolt"

	"hallq"
)

func TestHandler_Backup(t *testing.T) {
	h, admin := newHub(t)
	if _, _, err := h.Store.IssueTicket(t.Context(), hallq.IssueRequest{Service: "A"}); err != nil {
		t.Fatal(err)
	}
	res := h.Do(t, "GET", "/api/v1/backup", nil, admin).Want(t, http.StatusOK)
	if got, want := res.Header.Get("Content-Type"), "application/octet-stream"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Content-Length"), strconv.Itoa(len(res.Body)); got != want {
		t.Errorf("Content-Length %q, want %q", got, want)
	}
	// The clock stands at 09:00 UTC, 17:00 in the hall's zone.
	if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="hallq-20261125-170000.db"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, res.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bbolt.Tx) error {
		for _, name := range []string{"meta", "tickets", "users"} {
			b := tx.Bucket([]byte(name))
			if b == nil {
				t.Errorf("the backup has no bucket %s", name)
				continue
			}
			if b.Stats().KeyN == 0 {
				t.Errorf("bucket %s of the backup is empty", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
