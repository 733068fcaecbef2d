package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/store"
)

// TestOpen_Damaged: an empty file or one cut short is refused with a
// sentence that says to restore the backup; never a fresh hall, never a
// crash.
func TestOpen_Damaged(t *testing.T) {
	dir := t.TempDir()
	open := func(path string) error {
		s, err := store.Open(store.Options{Path: path, TimeZone: "Asia/Shanghai", Now: newClock().Now, BcryptCost: bcrypt.MinCost})
		if err == nil {
			s.Close()
		}
		return err
	}

	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	if err := open(empty); err == nil || !strings.Contains(err.Error(), "restore the last backup") {
		t.Errorf("an empty file: %v, want it refused", err)
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Errorf("the empty file was written: %d bytes", fi.Size())
	}

	whole := filepath.Join(dir, "whole.db")
	s := mustOpenPath(t, whole, newClock())
	for range 200 {
		issue(t, s, hallq.IssueRequest{Service: "A"})
	}
	s.Close()
	data, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(whole, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var pages int64
	db.View(func(tx *bbolt.Tx) error { pages = tx.Size(); return nil })
	db.Close()
	cut := filepath.Join(dir, "cut.db")
	os.WriteFile(cut, data[:pages-4096], 0o600) // the last page gone, as an interrupted copy
	if err := open(cut); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a file cut short: %v, want it refused", err)
	}
}
