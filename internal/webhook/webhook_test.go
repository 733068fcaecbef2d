package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/internal/fakeclock"
	"hallq/internal/webhook"
	"hallq/store"
)

// receiver is a webhook that fails its first posts, then takes them, and
// drops repeats by X-Hallq-Event as API.md asks of a receiver.
type receiver struct {
	mu      sync.Mutex
	failing int // posts still to fail
	posts   int
	seen    map[string]bool
	got     chan delivery // each escalation once, as first taken
}

type delivery struct {
	event string
	body  struct {
		ID    string
		Hall  struct{ Name hallq.Text }
		Level int
		At    string
		Alert struct {
			ID    uint64
			Kind  string
			Level int
		}
	}
}

func newReceiver(t *testing.T, failing int) (*receiver, *httptest.Server) {
	r := &receiver{failing: failing, seen: map[string]bool{}, got: make(chan delivery, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.posts++
		if r.failing > 0 {
			r.failing--
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		d := delivery{event: req.Header.Get("X-Hallq-Event")}
		if err := json.Unmarshal(b, &d.body); err != nil || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("a post of %q (%s): %v", b, req.Header.Get("Content-Type"), err)
		}
		if !r.seen[d.event] {
			r.seen[d.event] = true
			r.got <- d
		}
	}))
	t.Cleanup(srv.Close)
	return r, srv
}

// next returns the next escalation the receiver took.
func (r *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-r.got:
		return d
	case <-time.After(10 * time.Second): // a bound for a broken sender, not a pace
		t.Fatal("no escalation reached the webhook")
		return delivery{}
	}
}

type hub struct {
	st   *store.Store
	stop func()
}

// start opens the hall's file and runs a sender on it.
func start(t *testing.T, path string, clock *fakeclock.Clock) *hub {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	st, err := store.Open(store.Options{Path: path, TimeZone: "Asia/Shanghai", Now: clock.Now, Logger: log, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s := &webhook.Sender{Outbox: st, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Log: log}
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	h := &hub{st: st}
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			<-done
			st.Close()
		})
	}
	t.Cleanup(h.stop)
	return h
}

var manager = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// A complaint climbs to level 2 and 3 while the receiver fails for a while
// and the hub restarts between the two: the receiver gets each escalation,
// with its id, whatever it answered before.
func TestSender_AtLeastOnceAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hallq.db")
	clock := fakeclock.New(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	recv, srv := newReceiver(t, 3)

	h := start(t, path, clock)
	esc := &hallq.Escalation{RespondS: 600, Level3AfterS: 1800, WebhookURL: srv.URL + "/hallq"}
	if _, err := h.st.UpdateSettings(ctx, manager, hallq.SettingsUpdate{Escalation: esc}); err != nil {
		t.Fatal(err)
	}
	c, err := h.st.Complain(ctx, hallq.Actor{}, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Category: "attitude", Text: "Rude."})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(10 * time.Minute)
	if err := h.st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	d := recv.next(t)
	want := "alert-1-level-2"
	if d.event != want || d.body.ID != want || d.body.Level != 2 || d.body.Alert.ID != c.Alert ||
		d.body.Alert.Kind != hallq.AlertComplaint || d.body.Alert.Level != 2 || d.body.Hall.Name.EN != "Service Hall" ||
		d.body.At != "2026-12-03T09:10:00.000Z" {
		t.Errorf("level 2: %+v", d)
	}

	// The receiver goes down again; the hub restarts with level 3 not yet
	// delivered, and again before it is.
	recv.mu.Lock()
	recv.failing = 1 << 30
	recv.mu.Unlock()
	clock.Add(20 * time.Minute)
	if err := h.st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	h.stop()
	h = start(t, path, clock)
	h.stop()
	recv.mu.Lock()
	recv.failing = 2
	recv.mu.Unlock()
	start(t, path, clock) // stopped at the end of the test
	d = recv.next(t)
	if want := "alert-1-level-3"; d.event != want || d.body.Level != 3 || d.body.Alert.Level != 3 {
		t.Errorf("level 3: %+v", d)
	}
	select {
	case d := <-recv.got:
		t.Errorf("a third escalation: %+v", d)
	default:
	}
}

// A hall without a webhook keeps no outbox; a webhook taken away drops
// what was waiting for it.
func TestSender_NoWebhook(t *testing.T) {
	ctx := context.Background()
	st, clock := openStore(t)
	recv, srv := newReceiver(t, 1<<30)
	if _, err := st.Complain(ctx, hallq.Actor{}, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Text: "Cold."}); err != nil {
		t.Fatal(err)
	}
	clock.Add(15 * time.Minute)
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if pending, _, _ := st.Outbox(10); len(pending) != 0 {
		t.Fatalf("%d escalations kept with no webhook", len(pending))
	}

	esc := &hallq.Escalation{RespondS: 900, Level3AfterS: 3600, WebhookURL: srv.URL}
	if _, err := st.UpdateSettings(ctx, manager, hallq.SettingsUpdate{Escalation: esc}); err != nil {
		t.Fatal(err)
	}
	clock.Add(45 * time.Minute)
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	s := &webhook.Sender{Outbox: st}
	if n, err := s.SendPending(ctx); n != 0 || err == nil {
		t.Fatalf("a failing webhook: %d sent, %v", n, err)
	}
	if pending, url, _ := st.Outbox(10); len(pending) != 1 || pending[0].ID != "alert-1-level-3" || url != srv.URL {
		t.Fatalf("waiting: %+v for %s, want level 3 for %s", pending, url, srv.URL)
	}
	esc.WebhookURL = ""
	if _, err := st.UpdateSettings(ctx, manager, hallq.SettingsUpdate{Escalation: esc}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SendPending(ctx); n != 1 || err != nil {
		t.Fatalf("with the webhook taken away: %d left the outbox, %v; want 1", n, err)
	}
	if pending, _, _ := st.Outbox(10); len(pending) != 0 {
		t.Errorf("%d escalations kept for a webhook taken away", len(pending))
	}
	if recv.posts != 1 {
		t.Errorf("%d posts, want the one that failed", recv.posts)
	}
}

// The webhook's address may carry a secret: a failure to reach it is
// logged by its host only.
func TestSender_NoSecretInLogs(t *testing.T) {
	ctx := context.Background()
	st, clock := openStore(t)
	const secret = "s3cr3t-token"
	esc := &hallq.Escalation{RespondS: 60, Level3AfterS: 120, WebhookURL: "http://127.0.0.1:1/hooks/" + secret + "?key=" + secret}
	if _, err := st.UpdateSettings(ctx, manager, hallq.SettingsUpdate{Escalation: esc}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Complain(ctx, hallq.Actor{}, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Text: "Cold."}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	s := &webhook.Sender{Outbox: st, Timeout: time.Second, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	_, err := s.SendPending(ctx)
	if err == nil {
		t.Fatal("posting to a closed port succeeded")
	}
	s.Log.Warn("webhook: failed", "err", err)
	if strings.Contains(logs.String(), secret) || !strings.Contains(logs.String(), "127.0.0.1:1") {
		t.Errorf("logged: %s", logs.String())
	}
}

// An escalation meant for a webhook that was replaced is not sent to the
// new one, which did not ask for it; those after the change are.
func TestSender_WebhookReplaced(t *testing.T) {
	ctx := context.Background()
	st, clock := openStore(t)
	_, old := newReceiver(t, 1<<30)
	recv, srv := newReceiver(t, 0)
	setWebhook := func(url string) {
		esc := &hallq.Escalation{RespondS: 60, Level3AfterS: 120, WebhookURL: url}
		if _, err := st.UpdateSettings(ctx, manager, hallq.SettingsUpdate{Escalation: esc}); err != nil {
			t.Fatal(err)
		}
	}
	setWebhook(old.URL)
	if _, err := st.Complain(ctx, hallq.Actor{}, hallq.ComplaintAtCounter, hallq.TicketRef{}, hallq.NewComplaint{Text: "Cold."}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	setWebhook(srv.URL)
	clock.Add(time.Minute)
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	s := &webhook.Sender{Outbox: st}
	for range 3 {
		if _, err := s.SendPending(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := recv.next(t); d.event != "alert-1-level-3" {
		t.Errorf("the new webhook got %s, want level 3 only", d.event)
	}
	if pending, _, _ := st.Outbox(10); len(pending) != 0 {
		t.Errorf("%d escalations left", len(pending))
	}
	select {
	case d := <-recv.got:
		t.Errorf("the new webhook also got %s", d.event)
	default:
	}
}

// openStore opens a hall on a new file with a clock the test moves; it is
// closed at the end of the test.
func openStore(t *testing.T) (*store.Store, *fakeclock.Clock) {
	t.Helper()
	clock := fakeclock.New(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(store.Options{Path: filepath.Join(t.TempDir(), "hallq.db"), Now: clock.Now, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, clock
}
