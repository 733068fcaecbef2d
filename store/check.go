package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// CheckReport is what a full check of a database file found.
type CheckReport struct {
	Path     string
	Size     int64    // bytes on disk
	Pages    int      // pages in use by the newest transaction
	Tickets  int      // every ticket ever issued
	Problems []string // empty when the file checks out
}

// OK reports whether the file checks out.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds the problems a check lists: a file that fails that
// often is to be restored, not read.
const maxProblems = 20

// Check reads every page of the database file at path, read-only, as
// `hallq -check` does: bbolt's own consistency check (every page reachable
// once, no page both free and in use, every branch in order), the hall's
// configuration and running state decoded, and every ticket record. An
// error means the file could not be checked at all (missing, in use by a
// running hub); a damaged file is a report with problems.
func Check(path string) (*CheckReport, error) {
	r := &CheckReport{Path: path}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("the database %s: %w", path, err)
	}
	r.Size = fi.Size()
	if r.Size == 0 {
		r.Problems = append(r.Problems, "it is empty")
		return r, nil
	}
	if err := precheck(path); err != nil {
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("the database %s is in use by a running hub; check a copy instead (GET /api/v1/backup), or stop the hub first", path)
	case err != nil:
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	}
	defer db.Close()
	if err := checkLength(db, path); err != nil {
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	}
	err = db.View(func(tx *bbolt.Tx) error {
		r.Pages = int(tx.Size() / int64(db.Info().PageSize))
		r.Problems = append(r.Problems, checkTx(tx)...)
		if len(r.Problems) == 0 {
			r.Tickets, r.Problems = checkRecords(tx)
		}
		return nil
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	return r, nil
}

// checkTx runs bbolt's consistency check of every page, and turns the panic
// of a page that does not read into a problem.
func checkTx(tx *bbolt.Tx) (problems []string) {
	defer func() {
		if p := recover(); p != nil {
			problems = append(problems, fmt.Sprintf("a page does not read: %v", p))
		}
	}()
	more := 0
	for err := range tx.Check() { // read to the end: the checker stops only then
		if len(problems) < maxProblems {
			problems = append(problems, err.Error())
		} else {
			more++
		}
	}
	if more > 0 {
		problems = append(problems, fmt.Sprintf("… and %d more", more))
	}
	return problems
}

// checkRecords reads every record of every bucket, which touches every page
// in use, and decodes the hall's configuration, its running state and every
// ticket. Unlike bbolt's check it is safe beside the writer: it reads one
// consistent snapshot and nothing the writer changes.
func checkRecords(tx *bbolt.Tx) (tickets int, problems []string) {
	var c recordCheck
	if c.begin(tx) {
		for _, name := range allBuckets {
			if _, ok := c.read(tx, name, nil, -1); !ok {
				break
			}
		}
	}
	return c.tickets, c.problems
}

// recordCheck is what a reading of the records has found so far.
type recordCheck struct {
	tickets  int
	problems []string
}

// stopped reports whether the check has found enough to stop.
func (c *recordCheck) stopped() bool { return len(c.problems) >= maxProblems }

// catch, deferred, turns the panic of a page that does not read into a
// problem, and stops the check.
func (c *recordCheck) catch(ok *bool) {
	if p := recover(); p != nil {
		c.problems = append(c.problems, fmt.Sprintf("a page does not read: %v", p))
		*ok = false
	}
}

// begin checks that every bucket is there and that the hall's configuration
// and running state decode; it reports whether the records may be read.
func (c *recordCheck) begin(tx *bbolt.Tx) (ok bool) {
	defer c.catch(&ok)
	for _, b := range allBuckets {
		if tx.Bucket(b) == nil {
			c.problems = append(c.problems, fmt.Sprintf("bucket %s is missing", b))
		}
	}
	if len(c.problems) > 0 {
		return false
	}
	meta := tx.Bucket(bucketMeta)
	var cfg configRecord
	if err := json.Unmarshal(meta.Get(keyConfig), &cfg); err != nil {
		c.problems = append(c.problems, "the hall's configuration does not read: "+err.Error())
	}
	var cur cursorRecord
	if err := json.Unmarshal(meta.Get(keyCursor), &cur); err != nil {
		c.problems = append(c.problems, "the hall's running state does not read: "+err.Error())
	}
	return true
}

// read reads up to n records of bucket name (all of them when n < 0) from
// key from on (its first when nil), decoding its tickets. It returns the
// key to go on from, and whether the check may go on: false once it has
// stopped, or when a page does not read.
func (c *recordCheck) read(tx *bbolt.Tx, name, from []byte, n int) (next []byte, ok bool) {
	defer c.catch(&ok)
	b := tx.Bucket(name)
	if b == nil { // a snapshot without it: begin said so
		return nil, true
	}
	tickets := string(name) == string(bucketTickets)
	cur := b.Cursor()
	k, v := cur.First()
	if from != nil {
		k, v = cur.Seek(from)
	}
	for ; k != nil; k, v = cur.Next() {
		if n == 0 {
			return append([]byte(nil), k...), true
		}
		n--
		if !tickets {
			continue
		}
		c.tickets++
		var t ticketRecord
		if len(k) != 8 || json.Unmarshal(v, &t) != nil {
			c.problems = append(c.problems, fmt.Sprintf("ticket record %x does not read", k))
		}
		if c.stopped() {
			c.problems = append(c.problems, "… and more")
			return nil, false
		}
	}
	return nil, true
}

// CheckInBackground reads every record of the open database once, beside
// the hall, and logs the outcome: a damaged page found now is found before a
// customer's request trips on it. bbolt's own check of the free pages is
// left to `hallq -check`: it is not safe beside a writer. It returns the
// problems found.
//
// It reads checkChunk records at a time, each chunk in a read transaction of
// its own, and rests three times as long as each chunk took: on a year of
// tickets it takes a quarter of a core for about 20 s, where one reading
// took a whole core for 5 s from the hall just started, and no read is held
// long enough to keep the pages the hall frees meanwhile from being reused.
func (s *Store) CheckInBackground() []string {
	started := time.Now()
	var c recordCheck
	var ok bool
	err := s.db.View(func(tx *bbolt.Tx) error {
		ok = c.begin(tx)
		return nil
	})
	for _, name := range allBuckets {
		if err != nil || !ok {
			break
		}
		var from []byte
		for more := true; more && ok && err == nil; more = from != nil {
			t0 := time.Now()
			err = s.db.View(func(tx *bbolt.Tx) error {
				from, ok = c.read(tx, name, from, checkChunk)
				return nil
			})
			time.Sleep(checkRest * time.Since(t0))
		}
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil // the hub stopped first
	}
	if err != nil {
		c.problems = append(c.problems, err.Error())
	}
	if len(c.problems) > 0 {
		s.log.Error("store: the database is damaged: back up what you can now (GET /api/v1/backup), stop the hub and restore the last good backup",
			"problems", len(c.problems), "first", c.problems[0])
		return c.problems
	}
	s.log.Info("store: the database checks out", "tickets", c.tickets, "took", time.Since(started).Round(time.Millisecond))
	return nil
}

// The background check reads checkChunk records at a time, and rests
// checkRest times as long as each chunk took.
const (
	checkChunk = 2000
	checkRest  = 3
)

// precheck reads the file's two meta pages as bbolt lays them out and
// refuses a file shorter than the pages its newest meta page says are in
// use: bbolt would map it and die reading past its end (SIGBUS, which no
// recover catches), in Open itself when the free list lies there.
func precheck(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	const magic = 0xED0CDAED
	head := make([]byte, 4096)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	if len(head) < 80 {
		return damaged(path, "it is too short to be a database")
	}
	pageSize := int64(binary.NativeEndian.Uint32(head[24:]))
	var best struct{ txid, pages uint64 }
	for i := int64(0); i < 2; i++ {
		meta := make([]byte, 80)
		if pageSize < 512 || pageSize > 1<<16 {
			break
		}
		if _, err := f.ReadAt(meta, i*pageSize); err != nil {
			continue
		}
		if binary.NativeEndian.Uint32(meta[16:]) != magic {
			continue
		}
		txid, pages := binary.NativeEndian.Uint64(meta[64:]), binary.NativeEndian.Uint64(meta[56:])
		if txid >= best.txid {
			best.txid, best.pages = txid, pages
		}
	}
	if best.pages == 0 {
		return nil // no valid meta page: bbolt says what is wrong
	}
	if need := int64(best.pages) * pageSize; fi.Size() < need {
		return damaged(path, fmt.Sprintf("it is %d bytes long but its pages need %d", fi.Size(), need))
	}
	return nil
}
