package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// crashRounds is how many times TestCrashMixed kills the hub:
// HALLQ_CRASH_ROUNDS, 3 by default.
func crashRounds(t *testing.T) int {
	s := os.Getenv("HALLQ_CRASH_ROUNDS")
	if s == "" {
		return 3
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("HALLQ_CRASH_ROUNDS=%q is not a number of rounds", s)
	}
	return n
}

// TestCrashMixed kills a real hub (SIGKILL) again and again while clients
// take tickets, terminals work at the four counters (open, next, start,
// done, no-show, transfer, each with an Idempotency-Key and expect), a
// manager imports cards and downloads backups. After every restart it
// retries what got no answer with the same key, then checks that every
// acknowledged ticket is there with its number and at least as far as it
// was acknowledged, that no number is given twice, that each counter shows
// the ticket its terminal last heard of, that every card import is whole or
// absent, and that every completed backup and the database itself pass a
// consistency check.
func TestCrashMixed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills hub processes")
	}
	rounds := crashRounds(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "hallq.db")
	m := newMixed(t, dir)
	began := time.Now()
	for round := 0; round < rounds; round++ {
		hub := startHub(t, db)
		tok := login(t, hub.URL)
		m.resolve(hub.URL, tok)
		m.verify(hub.URL, tok, false)
		m.load(round, hub, tok)
		if err := m.checkFile(db); err != nil {
			t.Fatalf("after kill %d the database is damaged: %v", round+1, err)
		}
		m.fig.rounds++
	}

	hub := startHub(t, db)
	tok := login(t, hub.URL)
	m.resolve(hub.URL, tok)
	m.verify(hub.URL, tok, true)
	hub.stop(t)
	if err := m.checkFile(db); err != nil {
		t.Fatalf("after the last round the database is damaged: %v", err)
	}
	if m.lastBackup != "" {
		restored := startHub(t, m.lastBackup)
		var hall struct{ Services []struct{ ID string } }
		if status := getJSON(t, restored.URL+"/api/v1/hall", "", &hall); status != http.StatusOK || len(hall.Services) == 0 {
			t.Errorf("a hub started on the last backup answers %d %+v", status, hall)
		}
		restored.stop(t)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".hallq-backup-*"))
	m.report(time.Since(began), len(leftovers))
}

// stage is how far a ticket has gone: its leg, then its state within the
// leg. A ticket only moves forward.
type stage struct{ leg, rank int }

func (s stage) before(o stage) bool { return s.leg < o.leg || s.leg == o.leg && s.rank < o.rank }

func stageOf(leg int, state string) stage {
	if leg == 0 {
		leg = 1
	}
	rank := 3 // done, no_show, cancelled, expired
	switch state {
	case "waiting":
		rank = 0
	case "called":
		rank = 1
	case "serving":
		rank = 2
	}
	return stage{leg, rank}
}

// soakTicket is what the soak tests read of a ticket.
type soakTicket struct {
	ID      uint64 `json:"id"`
	Number  string `json:"number"`
	Service string `json:"service"`
	State   string `json:"state"`
	Leg     int    `json:"leg"`
	Token   string `json:"token"`
}

// terminal is one counter's terminal: the ticket it shows, and the action
// it sent that got no answer before a kill.
type terminal struct {
	id      string
	current uint64 // the ticket it shows; 0 = none
	state   string // the current ticket's state: called or serving
	sent    int    // actions sent, for their keys
	pending *action
}

// action is one counter action as sent: retried unchanged after a kill.
type action struct{ op, key, body string }

// cardSlot is a fixed set of card numbers that every import of the slot
// replaces at once, each import writing its own tag into the holders'
// names: a half import shows as two tags in one slot.
type cardSlot struct {
	id      int
	numbers []string
	tag     string // of the last import acknowledged or found committed; "" = none yet
	pending string // of an import in flight at a kill
	tier    string
}

// figures are what TestCrashMixed reports.
type figures struct {
	rounds          int
	issued, actions int
	imports, cards  int
	backups         int
	backupBytes     int64
	byOp            map[string]int
	replays         int            // acknowledged actions and issues sent again on purpose, answered as replays
	inflight, found map[string]int // by kind: unanswered at a kill; of them, committed before it
	checks          int            // database files checked
}

// mixed is TestCrashMixed's record of what the hub acknowledged.
type mixed struct {
	t   *testing.T
	dir string
	hc  *http.Client // short requests
	big *http.Client // backups and imports

	mu         sync.Mutex
	issued     map[string]soakTicket // acknowledged issues, by idempotency key
	pending    map[string]string     // issues sent and not answered: key → body
	tickets    map[uint64]soakTicket // the last reply about each ticket
	reached    map[uint64]stage      // how far each ticket is known to have gone
	touched    map[uint64]bool       // tickets acknowledged or moved since the last check
	terminals  []*terminal
	slots      []*cardSlot
	backups    []string // completed downloads not checked yet
	lastBackup string
	opened     bool // the counters were opened once
	failed     atomic.Bool
	fig        figures

	round struct { // acknowledged in the current round
		issued, actions, imports, backups int
	}
}

func newMixed(t *testing.T, dir string) *mixed {
	m := &mixed{
		t:       t,
		dir:     dir,
		hc:      &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		big:     &http.Client{Timeout: 2 * time.Minute},
		issued:  map[string]soakTicket{},
		pending: map[string]string{},
		tickets: map[uint64]soakTicket{},
		reached: map[uint64]stage{},
		touched: map[uint64]bool{},
		fig:     figures{byOp: map[string]int{}, inflight: map[string]int{}, found: map[string]int{}},
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		m.terminals = append(m.terminals, &terminal{id: id})
	}
	tiers := []string{"silver", "gold", "platinum"}
	for s := range 8 {
		slot := &cardSlot{id: s, tier: tiers[s%3]}
		for i := range 40 + 50*s { // 40 to 390 cards
			slot.numbers = append(slot.numbers, fmt.Sprintf("62%02d%08d", s, i))
		}
		m.slots = append(m.slots, slot)
	}
	return m
}

// fail reports an error from a worker goroutine, which then stops.
func (m *mixed) fail(format string, args ...any) {
	m.failed.Store(true)
	m.t.Errorf(format, args...)
}

// errNoAnswer is a request that got no answer: the hub is gone, or said it
// may have carried it out (503).
var errNoAnswer = errors.New("no answer")

// send makes one request and reads its whole reply. An error means no
// answer (errNoAnswer).
func (m *mixed) send(hc *http.Client, method, url, tok, key, ctype string, body io.Reader) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, nil, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	if res.StatusCode == http.StatusServiceUnavailable {
		return 0, nil, nil, fmt.Errorf("%w: 503 %s", errNoAnswer, b) // it may have been carried out: retry it
	}
	return res.StatusCode, res.Header, b, nil
}

// issue asks for a ticket with an idempotency key.
func (m *mixed) issue(base, key, body string) (soakTicket, int, error) {
	status, _, b, err := m.send(m.hc, "POST", base+"/api/v1/tickets", "", key, "application/json", strings.NewReader(body))
	if err != nil {
		return soakTicket{}, 0, err
	}
	var tk soakTicket
	if status != http.StatusCreated && status != http.StatusOK {
		return tk, status, fmt.Errorf("issue %s: %d %s", key, status, b)
	}
	return tk, status, json.Unmarshal(b, &tk)
}

// see records a reply about a ticket. Call it with mu held.
func (m *mixed) see(tk soakTicket) {
	if old, ok := m.tickets[tk.ID]; ok && tk.Token == "" {
		tk.Token = old.Token
	}
	m.tickets[tk.ID] = tk
	m.raise(tk.ID, stageOf(tk.Leg, tk.State))
}

// raise records that ticket id reached s. Call it with mu held.
func (m *mixed) raise(id uint64, s stage) {
	if m.reached[id].before(s) {
		m.reached[id] = s
	}
	m.touched[id] = true
}

// ackIssue records an acknowledged ticket issue. Call it with mu held.
func (m *mixed) ackIssue(key string, tk soakTicket) {
	if old, ok := m.issued[key]; ok && old.ID != tk.ID {
		m.fail("key %s gave ticket %s #%d, then %s #%d", key, old.Number, old.ID, tk.Number, tk.ID)
	}
	m.issued[key] = tk
	delete(m.pending, key)
	m.see(tk)
}

// choose picks a terminal's next action from what it shows, as a clerk
// would. Call it with mu held.
func (m *mixed) choose(tm *terminal) action {
	tm.sent++
	key := fmt.Sprintf("counter%s-%d", tm.id, tm.sent)
	if tm.current == 0 {
		return action{"next", key, `{"expect":0}`}
	}
	expect := strconv.FormatUint(tm.current, 10)
	r := rand.IntN(100)
	switch {
	case tm.state == "called" && r < 70:
		return action{"start", key, `{"expect":` + expect + `}`}
	case tm.state == "called" && r < 85:
		return action{"noshow", key, `{"expect":` + expect + `}`}
	case tm.state == "serving" && r < 50:
		return action{"done", key, `{"expect":` + expect + `}`}
	case tm.state == "serving" && r < 65:
		to := m.tickets[tm.current].Service
		for to == m.tickets[tm.current].Service {
			i := rand.IntN(3)
			to = "ABC"[i : i+1]
		}
		return action{"transfer", key, `{"service":"` + to + `","expect":` + expect + `}`}
	case tm.state == "serving" && r < 75:
		to := tm.id
		for to == tm.id {
			to = strconv.Itoa(1 + rand.IntN(4))
		}
		return action{"transfer", key, `{"counter":"` + to + `","expect":` + expect + `}`}
	}
	return action{"next", key, `{"expect":` + expect + `}`} // finishes the current ticket
}

// apply records the reply to a counter action. Call it with mu held.
func (m *mixed) apply(tm *terminal, a action, status int, body []byte) error {
	if status != http.StatusOK && status != http.StatusNoContent {
		return fmt.Errorf("counter %s %s (key %s, %s): %d %s", tm.id, a.op, a.key, a.body, status, body)
	}
	if a.op == "open" {
		var c struct {
			State  string
			Ticket *soakTicket
		}
		if err := json.Unmarshal(body, &c); err != nil {
			return fmt.Errorf("counter %s open: %v", tm.id, err)
		}
		var at uint64
		if c.Ticket != nil {
			at = c.Ticket.ID
		}
		if c.State != "open" || at != tm.current {
			return fmt.Errorf("counter %s opened %s at ticket #%d; its terminal shows #%d", tm.id, c.State, at, tm.current)
		}
		return nil
	}
	prev := tm.current
	finishPrev := func() {
		if prev != 0 {
			m.raise(prev, stageOf(m.tickets[prev].Leg, "done"))
		}
	}
	if status == http.StatusNoContent {
		if a.op != "next" {
			return fmt.Errorf("counter %s %s answered 204", tm.id, a.op)
		}
		finishPrev()
		tm.current, tm.state = 0, ""
		return nil
	}
	var tk soakTicket
	if err := json.Unmarshal(body, &tk); err != nil {
		return fmt.Errorf("counter %s %s: %v", tm.id, a.op, err)
	}
	want := map[string]string{"next": "called", "start": "serving", "done": "done", "noshow": "no_show", "transfer": "waiting"}[a.op]
	if tk.State != want || a.op != "next" && tk.ID != prev {
		return fmt.Errorf("counter %s %s (key %s) answered ticket %s #%d %s; want #%d %s", tm.id, a.op, a.key, tk.Number, tk.ID, tk.State, prev, want)
	}
	if a.op == "next" {
		if tk.ID == prev {
			return fmt.Errorf("counter %s next called its current ticket %s again", tm.id, tk.Number)
		}
		finishPrev()
	}
	m.see(tk)
	if a.op == "next" || a.op == "start" {
		tm.current, tm.state = tk.ID, tk.State
	} else {
		tm.current, tm.state = 0, ""
	}
	return nil
}

// act sends one counter action and records its answer; false means no
// answer (the action stays pending) or a failure.
func (m *mixed) act(base, tok string, tm *terminal, a action) (ok bool) {
	status, hdr, body, err := m.send(m.hc, "POST", base+"/api/v1/counters/"+tm.id+"/"+a.op, tok, a.key, "application/json", strings.NewReader(a.body))
	if err != nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.apply(tm, a, status, body); err != nil {
		m.fail("%v", err)
		return false
	}
	tm.pending = nil
	m.fig.actions++
	m.fig.byOp[a.op]++
	m.round.actions++
	if hdr.Get("Idempotent-Replayed") == "true" {
		m.fail("counter %s %s with a new key %s was answered as a replay", tm.id, a.op, a.key)
	}
	return true
}

// replayed sends an answered action again with its key: the answer must be
// the first one, marked as a replay, and the counter must not move.
func (m *mixed) replayed(base, tok string, tm *terminal, a action, first []byte, firstStatus int) error {
	status, hdr, body, err := m.send(m.hc, "POST", base+"/api/v1/counters/"+tm.id+"/"+a.op, tok, a.key, "application/json", strings.NewReader(a.body))
	if err != nil {
		return err
	}
	if status != firstStatus || hdr.Get("Idempotent-Replayed") != "true" {
		return fmt.Errorf("counter %s %s sent again with key %s: %d, Idempotent-Replayed %q; first %d",
			tm.id, a.op, a.key, status, hdr.Get("Idempotent-Replayed"), firstStatus)
	}
	var x, y struct{ ID uint64 }
	json.Unmarshal(first, &x)
	json.Unmarshal(body, &y)
	if x.ID != y.ID {
		return fmt.Errorf("counter %s %s sent again with key %s answered #%d; the first answer was #%d", tm.id, a.op, a.key, y.ID, x.ID)
	}
	return nil
}

// resolve retries, after a restart, what got no answer before the kill:
// each issue and counter action with its key, twice (the second must be a
// replay); an import is looked for whole.
func (m *mixed) resolve(base, tok string) {
	t := m.t
	for key, body := range m.pending {
		m.fig.inflight["issue"]++
		tk, status, err := m.issue(base, key, body)
		if err != nil {
			t.Fatalf("retrying issue %s after a restart: %v", key, err)
		}
		if status == http.StatusOK {
			m.fig.found["issue"]++
		}
		again, status, err := m.issue(base, key, body)
		if err != nil || status != http.StatusOK || again.ID != tk.ID {
			t.Fatalf("issue %s retried twice: %d #%d, %v; the first retry gave #%d", key, status, again.ID, err, tk.ID)
		}
		m.ackIssue(key, tk)
	}
	for _, tm := range m.terminals {
		a := tm.pending
		if a == nil {
			continue
		}
		m.fig.inflight["action"]++
		status, hdr, body, err := m.send(m.hc, "POST", base+"/api/v1/counters/"+tm.id+"/"+a.op, tok, a.key, "application/json", strings.NewReader(a.body))
		if err != nil {
			t.Fatalf("retrying counter %s %s after a restart: %v", tm.id, a.op, err)
		}
		if hdr.Get("Idempotent-Replayed") == "true" {
			m.fig.found["action"]++
		}
		if err := m.apply(tm, *a, status, body); err != nil {
			t.Fatalf("retried after a restart: %v", err)
		}
		if err := m.replayed(base, tok, tm, *a, body, status); err != nil {
			t.Fatal(err)
		}
		tm.pending = nil
		m.fig.actions++
		m.fig.byOp[a.op]++
	}
	var inflight []*cardSlot
	for _, s := range m.slots {
		if s.pending != "" {
			inflight = append(inflight, s)
		}
	}
	if len(inflight) > 0 {
		tags := m.cardTags(base, tok)
		for _, s := range inflight {
			m.fig.inflight["import"]++
			if tags[s.id][s.pending] > 0 {
				m.fig.found["import"]++
				s.tag = s.pending // committed before the kill; verify checks it is whole
				m.fig.imports++
			}
			s.pending = ""
		}
	}
}

// cardTags returns, for each card slot, how many of its cards carry each
// import's tag.
func (m *mixed) cardTags(base, tok string) map[int]map[string]int {
	var cards []struct{ Holder string }
	if status := getJSON(m.t, base+"/api/v1/cards", tok, &cards); status != http.StatusOK {
		m.t.Fatalf("GET /api/v1/cards: %d", status)
	}
	tags := map[int]map[string]int{}
	for _, c := range cards {
		var slot int
		var tag string
		if _, err := fmt.Sscanf(c.Holder, "Slot %d %s", &slot, &tag); err != nil {
			m.t.Fatalf("a card with holder %q, which no import of this test wrote", c.Holder)
		}
		if tags[slot] == nil {
			tags[slot] = map[string]int{}
		}
		tags[slot][tag]++
	}
	return tags
}

// verify checks the hub against every acknowledged request; full checks
// every ticket by its token, else only those that moved since the last
// check.
func (m *mixed) verify(base, tok string, full bool) {
	t := m.t
	t.Helper()

	// Every counter shows the ticket its terminal last heard of.
	var counters []struct {
		ID     string
		State  string
		Ticket *soakTicket
	}
	getJSON(t, base+"/api/v1/counters", tok, &counters)
	for _, c := range counters {
		for _, tm := range m.terminals {
			if tm.id != c.ID {
				continue
			}
			var at uint64
			if c.Ticket != nil {
				at = c.Ticket.ID
			}
			if at != tm.current || m.opened && c.State != "open" {
				t.Errorf("counter %s is %s at ticket #%d; its terminal acknowledged #%d", c.ID, c.State, at, tm.current)
			}
		}
	}

	// The tickets as the events tell them: each acknowledged one, with
	// its number, as far as acknowledged; no number twice; none that no
	// customer was given.
	type legs struct {
		number string
		n      int
		last   string
	}
	report := map[uint64]*legs{}
	req, _ := http.NewRequest("GET", base+"/api/v1/reports/tickets.csv", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := m.big.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || len(rows) == 0 {
		t.Fatalf("tickets.csv: %d %v", res.StatusCode, err)
	}
	byNumber := map[string]uint64{}
	for _, row := range rows[1:] {
		id, _ := strconv.ParseUint(row[0], 10, 64)
		number, state := row[1], row[4]
		if other, ok := byNumber[number]; ok && other != id {
			t.Errorf("ticket number %s was given twice: to #%d and #%d", number, other, id)
		}
		byNumber[number] = id
		l := report[id]
		if l == nil {
			l = &legs{number: number}
			report[id] = l
		}
		if l.number != number {
			t.Errorf("ticket #%d is %s in one row, %s in another", id, l.number, number)
		}
		l.n++
		l.last = state
	}
	given := map[uint64]bool{}
	for key, tk := range m.issued {
		given[tk.ID] = true
		l := report[tk.ID]
		switch {
		case l == nil:
			t.Errorf("acknowledged ticket %s #%d (key %s) is lost", tk.Number, tk.ID, key)
		case l.number != tk.Number:
			t.Errorf("acknowledged ticket %s #%d came back as %s", tk.Number, tk.ID, l.number)
		case stageOf(l.n, l.last).before(m.reached[tk.ID]):
			t.Errorf("ticket %s #%d is %s on leg %d; it was acknowledged as far as %+v", tk.Number, tk.ID, l.last, l.n, m.reached[tk.ID])
		}
	}
	waiting := 0
	for id, l := range report {
		if !given[id] {
			t.Errorf("ticket %s #%d exists, but no customer was given it", l.number, id)
		}
		if l.last == "waiting" {
			waiting++
		}
	}

	// The queue as the floor holds it agrees with the events.
	var queue struct {
		Services []struct{ Tickets []soakTicket }
	}
	getJSON(t, base+"/api/v1/queue", tok, &queue)
	inQueue := map[uint64]bool{}
	for _, s := range queue.Services {
		for _, tk := range s.Tickets {
			if inQueue[tk.ID] {
				t.Errorf("ticket %s #%d waits twice", tk.Number, tk.ID)
			}
			inQueue[tk.ID] = true
			if l := report[tk.ID]; l == nil || l.last != "waiting" {
				t.Errorf("ticket %s #%d waits in the queue; the events say %+v", tk.Number, tk.ID, l)
			}
		}
	}
	if len(inQueue) != waiting {
		t.Errorf("%d tickets wait in the queue; the events say %d", len(inQueue), waiting)
	}

	// Each ticket by its token, as its customer sees it.
	var check []soakTicket
	for id, tk := range m.tickets {
		if full || m.touched[id] {
			check = append(check, tk)
		}
	}
	m.touched = map[uint64]bool{}
	var wg sync.WaitGroup
	var errs sync.Map
	work := make(chan soakTicket)
	for range 8 {
		wg.Go(func() {
			for want := range work {
				var got soakTicket
				status, _, b, err := m.send(m.hc, "GET", base+"/api/v1/tickets/"+want.Token, "", "", "", nil)
				if err == nil && status == http.StatusOK {
					err = json.Unmarshal(b, &got)
				}
				switch {
				case err != nil || status != http.StatusOK:
					errs.Store(want.ID, fmt.Sprintf("ticket %s #%d by its token: %d %v", want.Number, want.ID, status, err))
				case got.Number != want.Number || got.ID != want.ID:
					errs.Store(want.ID, fmt.Sprintf("ticket %s #%d came back as %s #%d", want.Number, want.ID, got.Number, got.ID))
				case stageOf(got.Leg, got.State).before(m.reached[want.ID]):
					errs.Store(want.ID, fmt.Sprintf("ticket %s #%d is %s on leg %d; it was acknowledged as far as %+v", got.Number, got.ID, got.State, got.Leg, m.reached[want.ID]))
				}
			}
		})
	}
	for _, tk := range check {
		work <- tk
	}
	close(work)
	wg.Wait()
	errs.Range(func(_, v any) bool { t.Error(v); return true })

	// Each card import is whole or absent.
	tags := m.cardTags(base, tok)
	for _, s := range m.slots {
		got := tags[s.id]
		delete(tags, s.id)
		switch {
		case s.tag == "" && len(got) > 0:
			t.Errorf("card slot %d holds %v, though no import of it was acknowledged or found", s.id, got)
		case s.tag != "" && (len(got) != 1 || got[s.tag] != len(s.numbers)):
			t.Errorf("card slot %d holds %v; want all %d cards of import %s: a half import", s.id, got, len(s.numbers), s.tag)
		}
	}
	for slot, got := range tags {
		t.Errorf("cards of slot %d that no import wrote: %v", slot, got)
	}

	// Each backup that completed is a sound database.
	for _, f := range m.backups {
		if err := m.checkFile(f); err != nil {
			t.Errorf("backup %s: %v", filepath.Base(f), err)
		}
		if m.lastBackup != "" {
			os.Remove(m.lastBackup)
		}
		m.lastBackup = f
	}
	m.backups = nil
	if t.Failed() {
		t.FailNow()
	}
}

// checkFile checks a database file with hallq -check, read-only.
func (m *mixed) checkFile(path string) error {
	m.fig.checks++
	if out, err := execCommand("-check", "-db", path).CombinedOutput(); err != nil {
		return fmt.Errorf("hallq -check: %v\n%s", err, out)
	}
	return nil
}

// load runs one round: clients issue tickets, terminals work, a manager
// imports cards and downloads backups, until each kind has been answered
// often enough; then the hub is killed mid-flight.
func (m *mixed) load(round int, hub *process, tok string) {
	t := m.t
	base := hub.URL
	const issuers, perRound = 16, 300
	m.round.issued, m.round.actions, m.round.imports, m.round.backups = 0, 0, 0, 0
	reached := make(chan struct{})
	var once sync.Once
	progress := func() { // with mu held
		r := m.round
		if r.issued >= perRound && r.actions >= 40 && r.imports >= 2 && r.backups >= 1 {
			once.Do(func() { close(reached) })
		}
	}
	var wg sync.WaitGroup

	for c := range issuers {
		wg.Go(func() {
			for i := 0; !m.failed.Load(); i++ {
				key := fmt.Sprintf("r%d-i%d-%d", round, c, i)
				body := `{"service":"` + "ABC"[i%3:i%3+1] + `"}`
				m.mu.Lock()
				if i%8 == 7 { // a VIP card, of a slot imported before
					s := m.slots[rand.IntN(len(m.slots))]
					if s.tag != "" {
						body = `{"service":"A","card":"` + s.numbers[rand.IntN(len(s.numbers))] + `"}`
					}
				}
				m.pending[key] = body
				m.mu.Unlock()
				tk, status, err := m.issue(base, key, body)
				if status != 0 && err != nil {
					m.fail("%v", err)
					return
				}
				if err != nil {
					return // no answer: the key stays pending
				}
				m.mu.Lock()
				if status != http.StatusCreated {
					m.fail("issue with a new key %s answered %d", key, status)
				}
				m.ackIssue(key, tk)
				m.fig.issued++
				m.round.issued++
				progress()
				m.mu.Unlock()
				if i%50 == 49 { // the same request again: the same ticket
					again, status, err := m.issue(base, key, body)
					if err == nil && (status != http.StatusOK || again.ID != tk.ID) {
						m.fail("issue %s sent again: %d #%d; first #%d", key, status, again.ID, tk.ID)
					}
					if err == nil {
						m.mu.Lock()
						m.fig.replays++
						m.mu.Unlock()
					}
				}
			}
		})
	}

	for _, tm := range m.terminals {
		wg.Go(func() {
			m.mu.Lock()
			tm.sent++
			a := action{"open", fmt.Sprintf("counter%s-%d", tm.id, tm.sent), "{}"}
			tm.pending = &a
			m.mu.Unlock()
			if !m.act(base, tok, tm, a) {
				return
			}
			for !m.failed.Load() {
				m.mu.Lock()
				a := m.choose(tm)
				tm.pending = &a
				m.mu.Unlock()
				status, hdr, body, err := m.send(m.hc, "POST", base+"/api/v1/counters/"+tm.id+"/"+a.op, tok, a.key, "application/json", strings.NewReader(a.body))
				if err != nil {
					return // no answer: the action stays pending
				}
				m.mu.Lock()
				if hdr.Get("Idempotent-Replayed") == "true" {
					m.fail("counter %s %s with a new key %s was answered as a replay", tm.id, a.op, a.key)
				}
				if err := m.apply(tm, a, status, body); err != nil {
					m.fail("%v", err)
					m.mu.Unlock()
					return
				}
				tm.pending = nil
				m.fig.actions++
				m.fig.byOp[a.op]++
				m.round.actions++
				progress()
				again := tm.sent%8 == 0
				m.mu.Unlock()
				if again { // a terminal that did not hear the answer sends it again
					if err := m.replayed(base, tok, tm, a, body, status); err != nil {
						if !errors.Is(err, errNoAnswer) {
							m.fail("%v", err)
						}
						return
					}
					m.mu.Lock()
					m.fig.replays++
					m.mu.Unlock()
				}
			}
		})
	}

	wg.Go(func() { // a manager importing cards
		for n := 0; !m.failed.Load(); n++ {
			m.mu.Lock()
			s := m.slots[(round*7+n)%len(m.slots)]
			tag := fmt.Sprintf("R%04dI%04d", round, n)
			s.pending = tag
			m.mu.Unlock()
			var b strings.Builder
			b.WriteString("number,tier,holder,expires\n")
			for i, num := range s.numbers {
				expires := ""
				if i%2 == 0 {
					expires = "2099-12-31"
				}
				fmt.Fprintf(&b, "%s,%s,Slot %d %s,%s\n", num, s.tier, s.id, tag, expires)
			}
			url := base + "/api/v1/cards/import"
			if n%2 == 1 {
				url += "?all_or_none=true"
			}
			status, _, body, err := m.send(m.big, "POST", url, tok, "", "text/csv", strings.NewReader(b.String()))
			if err != nil {
				return // no answer: resolve looks for it
			}
			var res struct {
				Imported int
				Errors   []struct{ Line int }
			}
			json.Unmarshal(body, &res)
			m.mu.Lock()
			if status != http.StatusOK || res.Imported != len(s.numbers) || len(res.Errors) > 0 {
				m.fail("import %s of slot %d: %d %s", tag, s.id, status, body)
			}
			s.tag, s.pending = tag, ""
			m.fig.imports++
			m.fig.cards += res.Imported
			m.round.imports++
			progress()
			m.mu.Unlock()
		}
	})

	wg.Go(func() { // a manager downloading backups
		for n := 0; !m.failed.Load(); n++ {
			req, _ := http.NewRequest("GET", base+"/api/v1/backup", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := m.big.Do(req)
			if err != nil {
				m.mu.Lock()
				m.fig.inflight["backup"]++ // no answer: the kill came first
				m.mu.Unlock()
				return
			}
			if res.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				m.fail("GET /api/v1/backup: %d %s", res.StatusCode, b)
				return
			}
			path := filepath.Join(m.dir, fmt.Sprintf("backup-%04d-%03d.db", round, n))
			f, err := os.Create(path)
			if err != nil {
				m.fail("%v", err)
				return
			}
			size, err := io.Copy(f, res.Body)
			res.Body.Close()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			m.mu.Lock()
			if err != nil || size != res.ContentLength {
				m.fig.inflight["backup"]++ // cut by the kill: not a backup
				m.mu.Unlock()
				os.Remove(path)
				return
			}
			m.backups = append(m.backups, path)
			m.fig.backups++
			m.fig.backupBytes += size
			m.round.backups++
			progress()
			m.mu.Unlock()
		}
	})

	select {
	case <-reached:
	case <-time.After(2 * time.Minute): // a bound for a stuck hub, not a pace
		hub.kill()
		wg.Wait()
		t.Fatalf("round %d made no progress: %+v", round, m.round)
	}
	// Kill at a moment that falls somewhere inside the requests in flight.
	<-time.After(time.Duration(rand.IntN(3000)) * time.Microsecond)
	hub.kill()
	wg.Wait()
	<-hub.exited
	if m.failed.Load() {
		t.FailNow()
	}
	m.opened = true
	if out := hub.output.String(); strings.Contains(out, "panic") || strings.Contains(out, "fatal error") {
		t.Fatalf("the hub crashed by itself before the kill:\n%s", out)
	}
}

// report prints the figures of TestCrashMixed.
func (m *mixed) report(took time.Duration, leftovers int) {
	f := m.fig
	ops := make([]string, 0, len(f.byOp))
	for op, n := range f.byOp {
		ops = append(ops, fmt.Sprintf("%s %d", op, n))
	}
	slices.Sort(ops)
	m.t.Logf("crash: %d rounds survived (SIGKILL mid-flight) in %v", f.rounds, took.Round(time.Millisecond))
	m.t.Logf("crash: acknowledged: %d tickets, %d counter actions (%s), %d card imports (%d cards), %d backups (%.1f MB)",
		f.issued, f.actions, strings.Join(ops, ", "), f.imports, f.cards, f.backups, float64(f.backupBytes)/1e6)
	m.t.Logf("crash: in flight at a kill, found again by their retry (committed before the kill / unanswered): issues %d/%d, counter actions %d/%d, card imports %d/%d (whole); backup downloads cut or unanswered %d",
		f.found["issue"], f.inflight["issue"], f.found["action"], f.inflight["action"], f.found["import"], f.inflight["import"], f.inflight["backup"])
	m.t.Logf("crash: %d acknowledged requests sent again on purpose answered as replays; %d database files checked with hallq -check; %d backup temporary files left beside the database by kills",
		f.replays, f.checks, leftovers)
}

// TestOverload holds 1,000 websocket clients on a real hub process while 32
// HTTP clients take tickets as fast as it gives them for 20 s and a counter
// calls a ticket every second; one display stops reading. It reports
// tickets/s, issue latency, the hub's resident memory, how fast the calls
// reach the displays, and checks that the hub dropped the display that
// stopped reading and kept answering. Run it with HALLQ_SOAK=1 (make soak).
func TestOverload(t *testing.T) {
	if os.Getenv("HALLQ_SOAK") == "" {
		t.Skip("a 20 s overload of a hub process: set HALLQ_SOAK=1 (make soak)")
	}
	const displays, phones, issuers, issueFor = 500, 500, 32, 20 * time.Second
	raiseFileLimit(t)
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"), "-max-conns-per-client", "0", "-issue-rate", "0")
	pid := hub.cmd.Process.Pid
	if procStatus(pid, "VmRSS") == 0 {
		t.Skip("no /proc status to read the hub's memory from")
	}
	tok := login(t, hub.URL)
	m := newMixed(t, t.TempDir())
	m.hc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: issuers + 4}}
	if status, _, b, err := m.send(m.hc, "POST", hub.URL+"/api/v1/counters/1/open", tok, "", "application/json", nil); err != nil || status != http.StatusOK {
		t.Fatalf("open counter 1: %d %s %v", status, b, err)
	}

	// The phones follow tickets taken first.
	tokens := make([]string, phones)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range issuers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < phones; i = int(next.Add(1) - 1) {
				tk, _, err := m.issue(hub.URL, fmt.Sprintf("phone-%d", i), `{"service":"`+"ABC"[i%3:i%3+1]+`"}`)
				if err != nil {
					t.Error(err)
					return
				}
				tokens[i] = tk.Token
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 512}
	origin := http.Header{"Origin": {hub.URL}}
	wsURL := "ws" + strings.TrimPrefix(hub.URL, "http")
	readers := make([]*wsReader, displays+phones)
	next.Store(0)
	for range 32 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(readers); i = int(next.Add(1) - 1) {
				path := "/ws/display"
				if i >= displays {
					path = "/ws/tickets/" + tokens[i-displays]
				}
				c, _, err := dialer.Dial(wsURL+path, origin)
				if err != nil {
					t.Errorf("client %d dialing %s: %v", i, path, err)
					return
				}
				readers[i] = &wsReader{conn: c, display: i < displays, done: make(chan struct{})}
				go readers[i].run()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	defer func() {
		for _, r := range readers {
			r.conn.Close()
			<-r.done
		}
	}()

	// One display whose socket is never read. Its small receive buffer and
	// segment size keep the hub's send buffer for it small (on loopback,
	// with its 64 KiB segments, the kernel would take megabytes first), so
	// that the hub's writes to it block within seconds, as on a hall's LAN.
	stalledDialer := *dialer
	stalledDialer.NetDialContext = (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = errors.Join(syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096),
				syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, 536))
		}); err != nil {
			return err
		}
		return serr
	}}).DialContext
	stalled, _, err := stalledDialer.Dial(wsURL+"/ws/display", origin)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	held := sockets(t, m, hub.URL)
	for bound := time.Now().Add(5 * time.Second); held < displays+phones+1 && time.Now().Before(bound); held = sockets(t, m, hub.URL) {
		<-time.After(20 * time.Millisecond) // the hub counts a socket once its snapshot is sent
	}
	t.Logf("overload: %d websocket clients held by the hub (%d displays, %d phones, 1 display that never reads); hub RSS %.1f MB",
		held, displays, phones, float64(procStatus(pid, "VmRSS"))/1e6)
	if held != displays+phones+1 {
		t.Errorf("the hub holds %d sockets, want %d", held, displays+phones+1)
	}

	// Watch the hub: memory, sockets, and that it answers.
	start := time.Now()
	stop := make(chan struct{})
	var peakRSS int64
	var maxHeld int
	var droppedAt time.Duration // when the hub's display count first fell below what connected
	fewestDisplays := displays + 1
	var hallSlowest time.Duration
	var hallFailures []string
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			peakRSS = max(peakRSS, procStatus(pid, "VmRSS"))
			t0 := time.Now()
			status, _, _, err := m.send(m.hc, "GET", hub.URL+"/api/v1/hall", "", "", "", nil)
			hallSlowest = max(hallSlowest, time.Since(t0))
			if err != nil || status != http.StatusOK {
				hallFailures = append(hallFailures, fmt.Sprintf("%v: %d %v", time.Since(start).Round(time.Millisecond), status, err))
			}
			d, p := metricSockets(m, hub.URL)
			maxHeld = max(maxHeld, d+p)
			if droppedAt == 0 && d >= 0 && d <= displays {
				droppedAt = time.Since(start)
			}
			if d >= 0 {
				fewestDisplays = min(fewestDisplays, d)
			}
		}
	}()

	// A counter calls a ticket every second.
	type call struct {
		number string
		at     time.Time
	}
	var calls []call
	called := make(chan struct{})
	go func() {
		defer close(called)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var current uint64
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			at := time.Now()
			status, _, b, err := m.send(m.hc, "POST", hub.URL+"/api/v1/counters/1/next", tok, fmt.Sprintf("call-%d", n),
				"application/json", strings.NewReader(fmt.Sprintf(`{"expect":%d}`, current)))
			if err != nil || status != http.StatusOK {
				t.Errorf("counter 1 next: %d %s %v", status, b, err)
				return
			}
			var tk soakTicket
			json.Unmarshal(b, &tk)
			current = tk.ID
			calls = append(calls, call{tk.Number, at})
		}
	}()

	// Tickets at full speed.
	latencies := make([][]time.Duration, issuers)
	var issueErrors atomic.Int64
	deadline := start.Add(issueFor)
	for c := range issuers {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				_, _, err := m.issue(hub.URL, fmt.Sprintf("load-%d-%d", c, i), `{"service":"`+"ABC"[i%3:i%3+1]+`"}`)
				latencies[c] = append(latencies[c], time.Since(t0))
				if err != nil {
					if issueErrors.Add(1) <= 5 {
						t.Errorf("issue under load: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	<-called
	<-watched

	// Let the last call reach the displays still connected.
	if len(calls) > 0 {
		last := calls[len(calls)-1].number
		for bound := time.Now().Add(10 * time.Second); time.Now().Before(bound); {
			missing := 0
			for _, r := range readers[:displays] {
				if !r.seen(last) && r.alive() {
					missing++
				}
			}
			if missing == 0 {
				break
			}
			<-time.After(20 * time.Millisecond)
		}
	}
	if status, _, _, err := m.send(m.hc, "GET", hub.URL+"/api/v1/hall", "", "", "", nil); err != nil || status != http.StatusOK {
		t.Errorf("after the load the hub answers %d %v", status, err)
	}
	hwm := procStatus(pid, "VmHWM")

	// The display that never read: its socket is closed by the hub.
	stalled.SetReadDeadline(time.Now().Add(10 * time.Second)) // a bound for a hub that holds it, not a pace
	var stalledMessages int
	for {
		_, _, err := stalled.ReadMessage()
		if err == nil {
			stalledMessages++
			continue
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("the hub still holds the display that stopped reading (it read %d messages, then nothing for 10 s)", stalledMessages)
		}
		break
	}

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	var delivery []time.Duration
	late, missed, droppedDisplays, droppedPhones, phoneMessages, displayMessages := 0, 0, 0, 0, 0, 0
	for i, r := range readers {
		r.mu.Lock()
		if r.err != nil && !r.closing {
			if r.display {
				droppedDisplays++
			} else {
				droppedPhones++
			}
		}
		if r.display {
			displayMessages += r.messages
		} else {
			phoneMessages += r.messages
			r.mu.Unlock()
			continue
		}
		for _, c := range calls {
			at, ok := r.calls[c.number]
			switch {
			case ok:
				d := at.Sub(c.at)
				delivery = append(delivery, d)
				if d > time.Second {
					late++
				}
			case r.err == nil:
				missed++
				if missed <= 5 {
					t.Errorf("display %d, connected, never got the call of %s", i, c.number)
				}
			}
		}
		r.mu.Unlock()
	}
	slices.Sort(delivery)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	t.Logf("overload: %d tickets in %v by %d clients: %.0f tickets/s; issue latency p50 %s, p99 %s, max %s; %d errors",
		len(all), elapsed.Round(time.Millisecond), issuers, float64(len(all))/elapsed.Seconds(),
		ms(pct(all, 50)), ms(pct(all, 99)), ms(pct(all, 100)), issueErrors.Load())
	t.Logf("overload: hub RSS peak %.1f MB (sampled), VmHWM %.1f MB; at most %d sockets held; GET /api/v1/hall slowest %s, %d failures",
		float64(peakRSS)/1e6, float64(hwm)/1e6, maxHeld, ms(hallSlowest), len(hallFailures))
	t.Logf("overload: %d calls, one a second, to %d displays: delivered p50 %s, p99 %s, max %s; %d deliveries later than 1 s, %d missed by connected displays",
		len(calls), displays, ms(pct(delivery, 50)), ms(pct(delivery, 99)), ms(pct(delivery, 100)), late, missed)
	t.Logf("overload: the display that stopped reading was dropped by the hub after about %v (it got %d messages, a reading display %d); the hub held %d displays at the fewest; readers dropped as slow: %d displays, %d phones; phones got %d messages",
		droppedAt.Round(200*time.Millisecond), stalledMessages, displayMessages/displays, fewestDisplays, droppedDisplays, droppedPhones, phoneMessages)
	if hwm >= 300<<20 {
		t.Errorf("the hub's resident memory peaked at %.1f MB, over 300 MB", float64(hwm)/1e6)
	}
	if len(hallFailures) > 0 {
		t.Errorf("the hub did not answer GET /api/v1/hall under load: %v", hallFailures)
	}
	if issueErrors.Load() > 0 {
		t.Errorf("%d ticket issues failed under load", issueErrors.Load())
	}
	if len(calls) == 0 {
		t.Error("no call was made")
	}
}

// wsReader reads one websocket client's messages as fast as they come and
// notes when each call arrived.
type wsReader struct {
	conn    *websocket.Conn
	display bool
	done    chan struct{}

	mu       sync.Mutex
	calls    map[string]time.Time // by ticket number
	messages int
	err      error // why reading stopped
	closing  bool  // the test closed it
}

func (r *wsReader) run() {
	defer close(r.done)
	r.calls = map[string]time.Time{}
	callPrefix := []byte(`"type":"call"`)
	for {
		_, data, err := r.conn.ReadMessage()
		now := time.Now()
		r.mu.Lock()
		if err != nil {
			r.err = err
			r.closing = errors.Is(err, net.ErrClosed)
			r.mu.Unlock()
			return
		}
		r.messages++
		if r.display && bytes.Contains(data[:min(len(data), 40)], callPrefix) {
			var m struct{ Call struct{ Number string } }
			if json.Unmarshal(data, &m) == nil {
				r.calls[m.Call.Number] = now
			}
		}
		r.mu.Unlock()
	}
}

func (r *wsReader) seen(number string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.calls[number]
	return ok
}

func (r *wsReader) alive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err == nil
}

// pct returns the p-th percentile of sorted durations, as
// loadtest.ReportLatency takes it.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)*p/100, len(sorted)-1)]
}

// raiseFileLimit lets this process hold the sockets of a thousand clients,
// and the hub it starts too (it inherits the limit).
func raiseFileLimit(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < 4096 {
		t.Skipf("the open-file limit is %d; a thousand clients need more", lim.Cur)
	}
}

// procStatus reads one figure of a process's /proc status, in bytes; 0
// when it cannot.
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// metricSockets reads the hub's display and phone socket counts from
// /metrics, or -1s when it cannot.
func metricSockets(m *mixed, base string) (displays, phones int) {
	displays, phones = -1, -1
	status, _, b, err := m.send(m.hc, "GET", base+"/metrics", "", "", "", nil)
	if err != nil || status != http.StatusOK {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		for view, n := range map[string]*int{"display": &displays, "phone": &phones} {
			if v, ok := strings.CutPrefix(line, `hallq_websocket_clients{view="`+view+`"} `); ok {
				*n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
	}
	return
}

// sockets is the number of display and phone sockets the hub holds.
func sockets(t *testing.T, m *mixed, base string) int {
	d, p := metricSockets(m, base)
	if d < 0 || p < 0 {
		t.Fatal("no hallq_websocket_clients in /metrics")
	}
	return d + p
}
