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

// dbWith returns a database file with n tickets, closed.
func dbWith(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, newClock())
	for range n {
		issue(t, s, hallq.IssueRequest{Service: "A"})
	}
	s.Close()
	return path
}

// zeroPages writes zeros over pages from to to (inclusive) of the file.
func zeroPages(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zeros := make([]byte, 4096*(to-from+1))
	if _, err := f.WriteAt(zeros, int64(from)*4096); err != nil {
		t.Fatal(err)
	}
}

// TestCheck: `hallq -check` finds a good file good, and finds zeroed
// pages, a file cut short and an empty one, without a crash; a file a hub
// has open is not checked under it.
func TestCheck(t *testing.T) {
	good := dbWith(t, 500)
	r, err := store.Check(good)
	if err != nil || !r.OK() || r.Tickets != 500 || r.Pages < 4 {
		t.Fatalf("a good file: %+v, %v", r, err)
	}

	zeroed := dbWith(t, 500)
	zeroPages(t, zeroed, 4, 8)
	if r, err := store.Check(zeroed); err != nil || r.OK() {
		t.Errorf("5 zeroed pages: %+v, %v; want problems", r, err)
	}

	data, _ := os.ReadFile(good)
	cut := filepath.Join(t.TempDir(), "cut.db")
	os.WriteFile(cut, data[:(r.Pages-1)*4096], 0o600) // the last page in use gone
	if r, err := store.Check(cut); err != nil || r.OK() {
		t.Errorf("a file cut short: %+v, %v; want problems", r, err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o600)
	if r, err := store.Check(empty); err != nil || r.OK() {
		t.Errorf("an empty file: %+v, %v; want problems", r, err)
	}

	s := mustOpenPath(t, good, newClock())
	if _, err := store.Check(good); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a file in use: %v, want it left alone", err)
	}
	if problems := s.CheckInBackground(); len(problems) != 0 {
		t.Errorf("the background check of a good file: %v", problems)
	}
}

// TestCheckInBackground: pages zeroed under a running hub (a failing disk)
// are found by the check after start, which logs them rather than crash.
func TestCheckInBackground(t *testing.T) {
	path := dbWith(t, 600)
	s := mustOpenPath(t, path, newClock())
	zeroPages(t, path, 6, 10)
	if problems := s.CheckInBackground(); len(problems) == 0 {
		t.Error("5 zeroed pages went unnoticed")
	}

	// Every page but the meta pages zeroed: the buckets themselves do
	// not read, before any record does.
	path = dbWith(t, 600)
	s = mustOpenPath(t, path, newClock())
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	zeroPages(t, path, 2, int(fi.Size()/4096)-1)
	if problems := s.CheckInBackground(); len(problems) == 0 {
		t.Error("a file zeroed but for its meta pages went unnoticed")
	}
}
