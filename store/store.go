// Package store keeps the hall in one bbolt file: configuration, tickets,
// events, cards, accounts and sessions. All changes go through one writer
// goroutine that groups concurrent requests into one transaction, so that
// every request is durable (fsync) before it is answered and durability
// does not cap throughput. Events are published only after their commit,
// in commit order, with a strictly increasing sequence number.
package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
	"golang.org/x/crypto/bcrypt"

	"hallq"
)

// SchemaVersion is the version of the file layout this code reads and writes.
const SchemaVersion = 1

// Bucket names.
var (
	bucketMeta       = []byte("meta")          // schema, card key, config, cursor
	bucketTickets    = []byte("tickets")       // id → ticketRecord, every ticket ever issued
	bucketOpen       = []byte("open")          // id → nothing: the open tickets, read at start-up
	bucketCounters   = []byte("counters")      // id → counterRecord
	bucketEvents     = []byte("events")        // seq → eventRecord
	bucketDays       = []byte("days")          // hall day → the seq of its day.started event
	bucketCards      = []byte("cards")         // HMAC of the number → cardRecord
	bucketUsers      = []byte("users")         // username → userRecord
	bucketSessions   = []byte("sessions")      // SHA-256 of the token → sessionRecord
	bucketIdem       = []byte("idem")          // scope 0 key → idemRecord, as files before idem_by_time kept them
	bucketIdemTime   = []byte("idem_by_time")  // time, scope 0 key → idemRecord (nothing in older files); see idemIndex
	bucketDevices    = []byte("devices")       // id → deviceRecord
	bucketDevToken   = []byte("device_tokens") // SHA-256 of the token → id
	bucketComplain   = []byte("complaints")    // id → complaintRecord
	bucketCardVisits = []byte("card_visits")   // first 8 bytes of a card's key, ticket id → nothing
	bucketAlerts     = []byte("alerts")        // id → alertRecord, every alert ever raised
	bucketAlertsOpen = []byte("alerts_open")   // id → nothing: the alerts not resolved, read at start-up
	bucketOutbox     = []byte("outbox")        // sequence → outboxRecord: escalations the webhook has not taken yet

	allBuckets = [][]byte{bucketMeta, bucketTickets, bucketOpen, bucketCounters, bucketEvents,
		bucketDays, bucketCards, bucketUsers, bucketSessions, bucketIdem, bucketIdemTime,
		bucketDevices, bucketDevToken, bucketComplain, bucketImages, bucketVoice, bucketCardVisits,
		bucketAlerts, bucketAlertsOpen, bucketOutbox}

	keySchema  = []byte("schema")
	keyCardKey = []byte("card_key")
	keyConfig  = []byte("config")
	keyCursor  = []byte("cursor")
)

// maxBatch bounds how many requests share one commit.
const maxBatch = 1024

// Options configure a Store.
type Options struct {
	Path      string           // the database file
	TimeZone  string           // the time zone of the default hall, on first start
	PublicURL string           // where phones reach the hub; tickets link to it
	Now       func() time.Time // the clock; time.Now if nil
	Logger    *slog.Logger     // slog.Default() if nil

	// BcryptCost is the cost of password hashes; bcrypt.DefaultCost if 0.
	// Tests lower it; a hall never should.
	BcryptCost int
}

// Store is the hall's database. Its methods are safe for concurrent use.
type Store struct {
	db        *bbolt.DB
	clock     func() time.Time // as Options.Now gives it, monotonic reading and all
	now       func() time.Time // the clock's wall time
	log       *slog.Logger
	secret    []byte // the key of card number hashes, read once at open
	publicURL string // where phones reach the hub, for tickets' links

	bcryptCost int

	// mu guards floor and seq. The writer holds it while it applies a batch
	// and commits, so readers see only what is durable.
	mu    sync.RWMutex
	floor *hallq.Floor
	seq   uint64 // the last event's sequence number

	feed feed

	ops        chan *op
	idem       idemIndex // writer only
	lastSweep  time.Time // writer only
	lastAlerts time.Time // writer only
	quit       chan struct{}
	stopped    chan struct{}
	close      sync.Once

	// failure is why the writer stopped on its own (fail-stop); set by the
	// writer before it closes failed and stopped.
	failure error
	failed  chan struct{}

	// commitFault, when set, commits the next write transaction in place of
	// tx.Commit, once: tests fail a commit as a failing disk would.
	commitFault atomic.Pointer[func(*bbolt.Tx) error]

	// observeCommit, when set, is told how long each durable commit took.
	observeCommit atomic.Pointer[func(time.Duration)]
}

// ObserveCommits has fn told how long each durable commit takes, fsync
// included, from the writer: fn must be quick.
func (s *Store) ObserveCommits(fn func(time.Duration)) { s.observeCommit.Store(&fn) }

// Open opens or creates the database at opts.Path and starts its writer. A
// new file gets the default hall. A file another hub has open is refused,
// and so is a damaged one (empty, cut short, pages that do not read), with a
// sentence that says what to do, never a panic.
func Open(opts Options) (s *Store, err error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BcryptCost == 0 {
		opts.BcryptCost = bcrypt.DefaultCost
	}
	if fi, err := os.Stat(opts.Path); err == nil && fi.Size() == 0 {
		return nil, damaged(opts.Path, "it is empty")
	} else if err == nil {
		if err := precheck(opts.Path); err != nil {
			return nil, err
		}
	}
	bopts := &bbolt.Options{
		Timeout: time.Second,
		// A read transaction blocks a writer when the file must be mapped
		// again; map so generously that it does not happen.
		InitialMmapSize: mmapSize(opts.Path),
	}
	db, err := bbolt.Open(opts.Path, 0o600, bopts)
	if errors.Is(err, syscall.ENOMEM) && bopts.InitialMmapSize > 1<<30 {
		// A limit on the process's address space (ulimit -v) refuses
		// the mapping: map as much as the file needs, as bbolt would.
		opts.Logger.Warn("store: the database cannot be mapped far ahead (a limit on address space?); a slow backup download may then hold ticket issue back", "err", err)
		bopts.InitialMmapSize = 0
		db, err = bbolt.Open(opts.Path, 0o600, bopts)
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("the database %s is in use by another hallq hub; stop that one first, or give this one another -db", opts.Path)
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) ||
		errors.Is(err, berrors.ErrInvalidMapping) {
		return nil, damaged(opts.Path, err.Error())
	}
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", opts.Path, err)
	}
	if err := checkLength(db, opts.Path); err != nil {
		db.Close()
		return nil, err
	}
	removeBackupLeftovers(opts.Path, opts.Logger)
	defer func() {
		// A page that does not read makes bbolt panic: that is a damaged
		// file, not a crash of the hub.
		if p := recover(); p != nil {
			db.Close()
			s, err = nil, damaged(opts.Path, fmt.Sprint(p))
		}
	}()
	clock := opts.Now
	s = &Store{
		db:        db,
		publicURL: opts.PublicURL,
		// Times enter the store here, as wall times: a monotonic reading
		// would make Before and Sub blind to a step of the clock, and
		// times read back from the file have none to compare with.
		now:        func() time.Time { return clock().Round(0) },
		clock:      clock,
		log:        opts.Logger,
		bcryptCost: opts.BcryptCost,
		ops:        make(chan *op, maxBatch),
		quit:       make(chan struct{}),
		stopped:    make(chan struct{}),
		failed:     make(chan struct{}),
	}
	if err := s.init(opts.TimeZone); err != nil {
		db.Close()
		return nil, err
	}
	err = db.View(func(tx *bbolt.Tx) error {
		s.secret = append([]byte(nil), tx.Bucket(bucketMeta).Get(keyCardKey)...)
		return nil
	})
	if err == nil {
		err = s.load()
	}
	if err == nil {
		err = s.loadIdem()
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	go s.run()
	return s, nil
}

// removeBackupLeftovers removes the backup copies an older hub left beside
// the database when it died while a backup streamed. The file is locked:
// no backup of this hub can be running.
func removeBackupLeftovers(path string, log *slog.Logger) {
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".hallq-backup-*"))
	for _, f := range leftovers {
		if err := os.Remove(f); err == nil {
			log.Info("store: removed the copy of an interrupted backup", "file", f)
		}
	}
}

// damaged is the error for a database file that cannot be used.
func damaged(path, why string) error {
	return fmt.Errorf("the database %s is damaged (%s): restore the last backup (GET /api/v1/backup) in its place, or move it away to start a new hall", path, why)
}

// checkLength refuses a file shorter than its pages say: a copy cut short,
// which bbolt would map and then die reading (SIGBUS).
func checkLength(db *bbolt.DB, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("the database %s: %w", path, err)
	}
	var size int64
	db.View(func(tx *bbolt.Tx) error {
		size = tx.Size()
		return nil
	})
	if fi.Size() < size {
		return damaged(path, fmt.Sprintf("it is %d bytes long but its pages need %d", fi.Size(), size))
	}
	return nil
}

// mappedAhead is how much of the file is mapped at open, at least: 64 GiB
// where int is 64 bits, 1 GiB where it is 32.
const mappedAhead = 1 << (30 + 6*(strconv.IntSize/64))

// mmapSize is how much of the file to map at open. A read transaction (a
// backup being downloaded, the background check) holds the writer back only
// when the file must be mapped again, past what is mapped. On a 64-bit Unix
// a mapping costs address space, not memory: 64 GiB, more than a hall's file
// reaches in decades. Windows grows the file to what is mapped: 1 GiB there,
// or twice the file.
func mmapSize(path string) int {
	size := mappedAhead
	if runtime.GOOS == "windows" {
		size = 1 << 30
	}
	if fi, err := os.Stat(path); err == nil && int(fi.Size())*2 > size {
		size = int(fi.Size()) * 2
	}
	return size
}

// init creates the buckets, checks the schema version, and seeds a new file
// with the default hall and a card key.
func (s *Store) init(timeZone string) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("creating bucket %s: %w", b, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keySchema); v != nil {
			var version int
			if err := json.Unmarshal(v, &version); err != nil || version != SchemaVersion {
				return fmt.Errorf("the database has schema version %s; this hallq reads version %d", v, SchemaVersion)
			}
			return nil
		}
		if timeZone == "" {
			timeZone = "UTC"
		}
		st := hallq.DefaultFloor(timeZone)
		f, err := hallq.NewFloor(st)
		if err != nil {
			return fmt.Errorf("the default hall: %w", err)
		}
		w := &batchWriter{tx: tx, floor: f}
		if err := w.persist(f.Advance(s.now())); err != nil {
			return err
		}
		if err := putConfig(tx, f); err != nil {
			return err
		}
		for _, c := range f.Counters() {
			if err := putCounter(tx, c); err != nil {
				return err
			}
		}
		if err := putCursor(tx, f); err != nil {
			return err
		}
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return fmt.Errorf("making the card key: %w", err)
		}
		if err := meta.Put(keyCardKey, key); err != nil {
			return err
		}
		return meta.Put(keySchema, marshal(SchemaVersion))
	})
}

// load reads the open work: configuration, counters, the cursor and the open
// tickets. It never reads the history.
func (s *Store) load() error {
	return s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		var cfg configRecord
		if err := json.Unmarshal(meta.Get(keyConfig), &cfg); err != nil {
			return fmt.Errorf("reading the hall configuration: %w", err)
		}
		var cur cursorRecord
		if err := json.Unmarshal(meta.Get(keyCursor), &cur); err != nil {
			return fmt.Errorf("reading the hall cursor: %w", err)
		}
		st := hallq.FloorState{Settings: cfg.Settings, Services: cfg.Services, Tiers: cfg.Tiers, Voice: cfg.Voice,
			Day: cur.Day, Numbers: cur.Numbers, LastID: cur.LastID, LastIssued: fromNanos(cur.LastIssued),
			Times: cur.Times, HoursOpen: cur.HoursOpen, Cancelled: cur.Cancelled, LastAlert: cur.LastAlert,
			ClockOffset: time.Duration(cur.ClockOffset), LastSeen: fromNanos(cur.LastSeen)}
		for i := range cur.Calls {
			st.Calls = append(st.Calls, cur.Calls[i].call())
		}
		for _, s := range cfg.Slides {
			st.Slides = append(st.Slides, hallq.Slide{ID: s.ID, Kind: s.Kind, Text: s.Text, Image: s.Image,
				Seconds: s.Seconds, Order: s.Order, From: s.From, Until: s.Until})
		}
		err := tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
			var r counterRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading counter %s: %w", k, err)
			}
			st.Counters = append(st.Counters, r.counter())
			return nil
		})
		if err != nil {
			return err
		}
		alerts := tx.Bucket(bucketAlerts)
		err = tx.Bucket(bucketAlertsOpen).ForEach(func(k, _ []byte) error {
			a, err := getAlert(alerts, btoi(k))
			if err != nil {
				return err
			}
			st.Alerts = append(st.Alerts, *a)
			return nil
		})
		if err != nil {
			return err
		}
		tickets := tx.Bucket(bucketTickets)
		err = tx.Bucket(bucketOpen).ForEach(func(k, _ []byte) error {
			t, err := getTicket(tickets, btoi(k))
			if err != nil {
				return err
			}
			st.Open = append(st.Open, *t)
			return nil
		})
		if err != nil {
			return err
		}
		f, err := hallq.NewFloor(st)
		if err != nil {
			return fmt.Errorf("the stored hall does not check out: %w", err)
		}
		f.SetLinkBase(s.publicURL)
		s.floor = f
		if k, _ := tx.Bucket(bucketEvents).Cursor().Last(); k != nil {
			s.seq = btoi(k)
		}
		return nil
	})
}

// Close stops the writer after the requests it has taken, ends every
// subscription, and closes the database.
func (s *Store) Close() error {
	var err error
	s.close.Do(func() {
		close(s.quit)
		<-s.stopped
		s.feed.closeAll()
		err = s.db.Close()
	})
	return err
}

// op is one request to the writer: apply runs inside the batch's write
// transaction and returns the Floor's change (nil for none) and a result.
//
// An op that refuses (returns a domain error) must have written nothing:
// every op checks before it writes, for bbolt has no savepoints. An op that
// does not touch the Floor (cards, accounts, sessions, devices) lets readers
// of the Floor go on while it commits.
type op struct {
	apply  func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error)
	floor  bool // it may change the Floor
	result any
	err    error
	done   chan struct{}
}

// errStopped answers requests that reach a closing store.
var errStopped = hallq.Errorf(hallq.EINTERNAL, "The hub is shutting down. Please try again in a moment.")

// errUnconfirmed answers the requests of a commit the disk did not confirm,
// and every request after it: the hub stops and starts again from what the
// disk holds, where a retry with the same key finds the first result.
var errUnconfirmed = hallq.Errorf(hallq.EUNAVAILABLE, "The hub stopped after its disk failed to confirm a write, and is starting again. Your request may have been carried out: retry it with the same Idempotency-Key.")

// Failed is closed when the store has stopped itself after a commit the
// disk did not confirm. The hub must then exit, so that it is started again
// from what the disk holds; every request until then is refused.
func (s *Store) Failed() <-chan struct{} { return s.failed }

// Failure says why the store stopped itself, once Failed is closed.
func (s *Store) Failure() error {
	select {
	case <-s.failed:
		return s.failure
	default:
		return nil
	}
}

// stopError answers a request the writer will never carry out.
func (s *Store) stopError() error {
	select {
	case <-s.failed:
		return errUnconfirmed
	default:
		return errStopped
	}
}

// write runs apply, which may change the Floor, in the writer and returns
// its result once it is durable.
func (s *Store) write(ctx context.Context, apply func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error)) (any, error) {
	return s.submit(ctx, &op{apply: apply, floor: true, done: make(chan struct{})})
}

// writeData runs apply, which writes only data beside the Floor (cards,
// accounts, sessions, devices; it may read the Floor), in the writer.
func (s *Store) writeData(ctx context.Context, apply func(tx *bbolt.Tx, now time.Time) (any, error)) (any, error) {
	return s.submit(ctx, &op{apply: func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		res, err := apply(tx, now)
		return nil, res, err
	}, done: make(chan struct{})})
}

func (s *Store) submit(ctx context.Context, o *op) (any, error) {
	select {
	case s.ops <- o:
	case <-s.quit:
		return nil, errStopped
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once taken, a request is carried out even if its caller gives up, so
	// that what it did and what it answered never differ; only a writer
	// that stopped before taking it leaves it unanswered.
	select {
	case <-o.done:
	case <-s.stopped:
		select {
		case <-o.done:
		default:
			return nil, s.stopError()
		}
	}
	return o.result, o.err
}

// run is the writer: it takes every request waiting, applies them in one
// transaction, commits, publishes the events, and answers. A lone request
// never waits for a timer.
func (s *Store) run() {
	defer close(s.stopped)
	tick := time.NewTimer(s.untilMaintenance())
	defer tick.Stop()
	for {
		var batch []*op
		select {
		case o := <-s.ops:
			batch = append(batch, o)
		case <-tick.C:
		case <-s.quit:
			s.drain()
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case o := <-s.ops:
				batch = append(batch, o)
			default:
				break fill
			}
		}
		s.commit(batch)
		if s.failure != nil {
			s.drain()
			return
		}
		tick.Reset(s.untilMaintenance())
	}
}

// Maintain runs the writer's upkeep now rather than at its next tick: the
// end of a hall day, alerts, letting go of no-shows. Tests call it after
// moving their clock.
func (s *Store) Maintain(ctx context.Context) error {
	_, err := s.write(ctx, func(*bbolt.Tx, time.Time) (*hallq.Change, any, error) { return nil, nil, nil })
	return err
}

// drain answers the requests still queued at shutdown.
func (s *Store) drain() {
	for {
		select {
		case o := <-s.ops:
			o.err = s.stopError()
			close(o.done)
		default:
			return
		}
	}
}

// alertEvery is how often the writer looks for waits past their targets and
// long pauses.
const alertEvery = 10 * time.Second

// untilMaintenance is how long the writer may sleep: until the hall day ends,
// and at most alertEvery, so alerts are raised, no-shows let go and sessions
// pruned on time.
func (s *Store) untilMaintenance() time.Duration {
	s.mu.RLock()
	d := s.floor.NextDayStart().Sub(s.now())
	s.mu.RUnlock()
	if d > alertEvery {
		d = alertEvery
	}
	if d < 10*time.Millisecond {
		d = 10 * time.Millisecond
	}
	return d
}

// commit applies a batch in one write transaction. A refused request
// (a domain error) changed nothing and is answered with its error; a failure
// of the store itself rolls the whole batch back and retries each request
// on its own, so one bad request cannot fail the others.
//
// A commit whose data reached the file but whose last sync failed (bbolt
// wrote the meta page; only its fdatasync failed) is neither undone nor
// durable: the file already reads as committed, and after a failed sync
// the kernel may or may not keep the pages. Retrying would apply it twice,
// answering it as failed would contradict the file. The store fails stop
// instead: it publishes nothing of the batch, answers every request with
// errUnconfirmed, and closes Failed so that the hub exits and starts again
// from what the disk holds, as after a power cut.
func (s *Store) commit(batch []*op) {
	floor := len(batch) == 0 // the upkeep of an idle tick
	for _, o := range batch {
		floor = floor || o.floor
	}
	if floor {
		s.mu.Lock()
	}
	alerts, sweep := s.lastAlerts, s.lastSweep
	events, err := s.apply(batch, floor)
	var unconfirmed *unconfirmedCommit
	if errors.As(err, &unconfirmed) {
		s.log.Error("store: the disk did not confirm a commit that reached the file; stopping the hub so that it starts again from what the disk holds",
			"requests", len(batch), "err", err)
		s.failure = err
		close(s.failed)
		if floor {
			s.mu.Unlock()
		}
		return // the batch is answered as the writer stops
	}
	if err != nil {
		s.log.Error("store: a commit failed; retrying its requests one by one", "requests", len(batch), "err", err)
		s.lastAlerts, s.lastSweep = alerts, sweep // their work was undone with the batch
		if floor {
			s.reloadLocked()
			s.mu.Unlock()
		}
		if len(batch) > 1 {
			for _, o := range batch {
				if s.failure != nil {
					return
				}
				s.commit([]*op{o})
			}
			return
		}
		for _, o := range batch {
			o.result, o.err = nil, err
		}
	} else if floor {
		s.feed.publish(events)
		s.mu.Unlock()
	}
	for _, o := range batch {
		close(o.done)
	}
}

// apply runs the batch in one transaction and commits it; it returns the
// events committed, or an error after which nothing was committed. With
// floor, it first brings the Floor to now: the day's end, alerts. A batch
// whose every request was refused is rolled back: no fsync for nothing.
func (s *Store) apply(batch []*op, floor bool) ([]hallq.Event, error) {
	tx, err := s.db.Begin(true)
	if err != nil {
		return nil, fmt.Errorf("starting a transaction: %w", err)
	}
	defer tx.Rollback()
	raw := s.clock()
	now := raw.Round(0)
	w := &batchWriter{tx: tx, floor: s.floor, seq: s.seq}
	if floor {
		// The time with its monotonic reading: the Floor tells a step of
		// the PC's clock from time passing.
		if err := w.persist(s.floor.Advance(raw)); err != nil {
			return nil, err
		}
		if now.Sub(s.lastAlerts) >= alertEvery {
			s.lastAlerts = now
			if err := w.persist(s.floor.CheckAlerts(now)); err != nil {
				return nil, err
			}
		}
	}
	wrote, err := s.maintain(tx, now)
	if err != nil {
		return nil, err
	}
	for _, o := range batch {
		change, result, err := o.apply(tx, now)
		if err != nil && hallq.ErrorCode(err) == hallq.EINTERNAL {
			return nil, err
		}
		o.result, o.err = result, err
		wrote = wrote || err == nil
		if err := w.persist(change); err != nil {
			return nil, err
		}
	}
	if !wrote && !w.changed {
		return nil, nil
	}
	if w.changed {
		if err := putCursor(tx, s.floor); err != nil {
			return nil, err
		}
	}
	txid := tx.ID()
	started := time.Now()
	if err := s.commitTx(tx); err != nil {
		if s.inFile(txid) {
			return nil, &unconfirmedCommit{err}
		}
		return nil, fmt.Errorf("committing: %w", err)
	}
	if observe := s.observeCommit.Load(); observe != nil {
		(*observe)(time.Since(started))
	}
	if floor {
		s.seq = w.seq
	}
	return w.events, nil
}

// commitTx commits tx, or lets a test's fault do it.
func (s *Store) commitTx(tx *bbolt.Tx) error {
	if fault := s.commitFault.Swap(nil); fault != nil {
		return (*fault)(tx)
	}
	return tx.Commit()
}

// inFile reports whether the file shows write transaction txid as committed
// (its meta page is the newest), or cannot say.
func (s *Store) inFile(txid int) bool {
	var last int
	err := s.db.View(func(tx *bbolt.Tx) error {
		last = tx.ID()
		return nil
	})
	return err != nil || last >= txid
}

// unconfirmedCommit is a commit that reached the file but whose sync failed.
type unconfirmedCommit struct{ err error }

func (e *unconfirmedCommit) Error() string {
	return "the commit reached the file but the disk did not confirm it: " + e.err.Error()
}

func (e *unconfirmedCommit) Unwrap() error { return e.err }

// reloadLocked rebuilds the Floor from the file after a failed commit, so it
// holds only what is durable. A file that cannot be read again is fatal.
func (s *Store) reloadLocked() {
	if err := s.load(); err != nil {
		panic(fmt.Sprintf("store: the database cannot be read after a failed commit: %v", err))
	}
}

// batchWriter writes the changes of one transaction and numbers its events.
type batchWriter struct {
	tx      *bbolt.Tx
	floor   *hallq.Floor
	seq     uint64
	events  []hallq.Event
	changed bool
	changes *changeWriter // what each event changed of its ticket
}

func (w *batchWriter) persist(ch *hallq.Change) error {
	if ch == nil || ch.Empty() {
		return nil
	}
	w.changed = true
	tx := w.tx
	tickets, open, events := tx.Bucket(bucketTickets), tx.Bucket(bucketOpen), tx.Bucket(bucketEvents)
	// Events and tickets are appended in key order: full pages, not the
	// half-full ones a split leaves for random inserts. A ticket's record
	// grows by two thirds (243 to 403 bytes) as it is called, served and
	// rated, mostly after later tickets have left its page behind: a page
	// left 80 % full has room for most of that, where one left 90 % full
	// split again into a full page and a nearly empty one (in hallbench's
	// history, tickets filled 57 % of their pages; now 94 %).
	events.FillPercent, tickets.FillPercent = 1.0, 0.8
	// The events first: each keeps what it changed of its ticket, against
	// the ticket as stored before this change.
	if w.changes == nil {
		w.changes = &changeWriter{tickets: tickets, views: map[uint64]ticketView{}}
	}
	for i := range ch.Events {
		e := &ch.Events[i]
		w.seq++
		e.Seq = w.seq
		r, err := encodeEvent(e, w.changes)
		if err != nil {
			return err
		}
		if err := events.Put(itob(e.Seq), encodeEventRecord(&r)); err != nil {
			return err
		}
		if e.Type == hallq.DayStarted {
			if err := tx.Bucket(bucketDays).Put([]byte(e.Subject), itob(e.Seq)); err != nil {
				return err
			}
		}
		w.events = append(w.events, *e)
	}
	for _, t := range ch.Tickets {
		if err := putTicket(tickets, t); err != nil {
			return err
		}
		var err error
		if t.State.Open() {
			err = open.Put(itob(t.ID), nil)
		} else {
			err = open.Delete(itob(t.ID))
		}
		if err != nil {
			return err
		}
	}
	for _, id := range ch.Dropped {
		if err := open.Delete(itob(id)); err != nil {
			return err
		}
	}
	if ch.Config {
		if err := putConfig(tx, w.floor); err != nil {
			return err
		}
	}
	for _, c := range ch.Counters {
		if err := putCounter(tx, c); err != nil {
			return err
		}
	}
	if ch.Deleted != "" {
		if err := tx.Bucket(bucketCounters).Delete([]byte(ch.Deleted)); err != nil {
			return err
		}
	}
	if err := putAlerts(tx, ch.Alerts); err != nil {
		return err
	}
	if ch.UndoneDay != "" {
		if err := tx.Bucket(bucketDays).Delete([]byte(ch.UndoneDay)); err != nil {
			return err
		}
	}
	return enqueueEscalations(tx, w.floor, ch.Escalations)
}

func putTicket(b *bbolt.Bucket, t *hallq.Ticket) error {
	r := encodeTicket(t)
	return b.Put(itob(t.ID), encodeJSON(&r))
}

func getTicket(b *bbolt.Bucket, id uint64) (*hallq.Ticket, error) {
	v := b.Get(itob(id))
	if v == nil {
		return nil, hallq.Errorf(hallq.ENOTFOUND, "Ticket %d does not exist.", id)
	}
	var r ticketRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading ticket %d: %w", id, err)
	}
	return r.ticket(), nil
}

func putCounter(tx *bbolt.Tx, c *hallq.Counter) error {
	return tx.Bucket(bucketCounters).Put([]byte(c.ID), marshal(encodeCounter(c)))
}

func putConfig(tx *bbolt.Tx, f *hallq.Floor) error {
	settings, services, tiers := f.Config()
	r := configRecord{Settings: settings, Services: services, Tiers: tiers, Voice: f.Voice()}
	for _, s := range f.Slides() {
		r.Slides = append(r.Slides, slideRecord{ID: s.ID, Kind: s.Kind, Text: s.Text, Image: s.Image,
			Seconds: s.Seconds, Order: s.Order, From: s.From, Until: s.Until})
	}
	return tx.Bucket(bucketMeta).Put(keyConfig, marshal(r))
}

func putCursor(tx *bbolt.Tx, f *hallq.Floor) error {
	st := f.Cursor()
	r := cursorRecord{Day: st.Day, Numbers: st.Numbers, LastID: st.LastID, LastIssued: nanos(st.LastIssued), Times: st.Times,
		HoursOpen: st.HoursOpen, Cancelled: st.Cancelled, LastAlert: st.LastAlert,
		ClockOffset: int64(st.ClockOffset), LastSeen: nanos(st.LastSeen)}
	for i := range st.Calls {
		r.Calls = append(r.Calls, encodeCall(&st.Calls[i]))
	}
	return tx.Bucket(bucketMeta).Put(keyCursor, marshal(r))
}
