package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"hallq"
	"hallq/internal/fakeclock"
	"hallq/store"
)

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
}

// MustOpen opens a store on a new file in a temporary directory.
func MustOpen(tb testing.TB, clk *fakeclock.Clock) *store.Store {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "hallq.db"), clk)
}

func mustOpenPath(tb testing.TB, path string, clk *fakeclock.Clock) *store.Store {
	tb.Helper()
	s, err := store.Open(store.Options{Path: path, TimeZone: "Asia/Shanghai", PublicURL: "http://hall.example", Now: clk.Now, BcryptCost: bcrypt.MinCost})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

var (
	ctx   = context.Background()
	clerk = hallq.Actor{Name: "clerk01", Role: hallq.RoleStaff}
)

func issue(tb testing.TB, s *store.Store, req hallq.IssueRequest) *hallq.Ticket {
	tb.Helper()
	t, _, err := s.IssueTicket(ctx, req)
	if err != nil {
		tb.Fatalf("issue %+v: %v", req, err)
	}
	return t
}

func act(tb testing.TB, s *store.Store, op hallq.CounterOp, counter string) *hallq.ActResult {
	tb.Helper()
	r, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: op, Counter: counter, By: clerk}, "")
	if err != nil {
		tb.Fatalf("%s at %s: %v", op, counter, err)
	}
	return r
}

func TestStore_IssueTicket(t *testing.T) {
	s := MustOpen(t, newClock())
	a1 := issue(t, s, hallq.IssueRequest{Service: "A"})
	a2 := issue(t, s, hallq.IssueRequest{Service: "A", Lang: "zh"})
	b1 := issue(t, s, hallq.IssueRequest{Service: "B"})
	for _, c := range []struct{ got, want string }{
		{a1.Number, "A001"}, {a2.Number, "A002"}, {b1.Number, "B001"},
		{a1.StatusURL, "http://hall.example/t/" + a1.Token}, {a2.Lang, "zh"}, {a1.Tier, "regular"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if a2.Ahead != 1 || a2.EtaReason != hallq.EtaNoCounter { // every counter is closed: no estimate
		t.Errorf("A002: ahead %d, eta %d (%d–%d)", a2.Ahead, a2.EtaS, a2.EtaLowS, a2.EtaHighS)
	}
	if len(a1.Token) < 22 || a1.Token == a2.Token {
		t.Errorf("tokens %q and %q are not unguessable and distinct", a1.Token, a2.Token)
	}

	t.Run("Invalid", func(t *testing.T) {
		for _, req := range []hallq.IssueRequest{{Service: "Z"}, {Service: "A", Lang: "fr"}, {Service: "A", Card: "no such card!"}} {
			if _, _, err := s.IssueTicket(ctx, req); hallq.ErrorCode(err) != hallq.EINVALID {
				t.Errorf("%+v: got %v, want invalid", req, err)
			}
		}
	})
	t.Run("Closed", func(t *testing.T) {
		closed := false
		if _, err := s.UpdateService(ctx, clerk, "C", hallq.ServiceUpdate{Open: &closed}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "C"}); hallq.ErrorCode(err) != hallq.ECLOSED {
			t.Errorf("got %v, want closed", err)
		}
	})
	t.Run("Found", func(t *testing.T) {
		got, err := s.FindTicketByToken(ctx, a2.Token)
		if err != nil || got.Number != "A002" || got.Ahead != 1 {
			t.Fatalf("got %+v, %v", got, err)
		}
		if _, err := s.FindTicketByToken(ctx, "nope"); hallq.ErrorCode(err) != hallq.ENOTFOUND {
			t.Errorf("unknown token: got %v, want not_found", err)
		}
	})
}

func TestStore_Restart(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, clk)
	var tickets []*hallq.Ticket
	for i := 0; i < 5; i++ {
		tickets = append(tickets, issue(t, s, hallq.IssueRequest{Service: "A"}))
	}
	act(t, s, hallq.OpOpen, "1")
	called := act(t, s, hallq.OpNext, "1").Ticket
	cancelled, err := s.CancelTicket(ctx, tickets[4].Token, hallq.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpenPath(t, path, clk)
	c, err := s.FindCounter(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != hallq.Open || c.Staff != "clerk01" || c.Ticket == nil || c.Ticket.Number != called.Number {
		t.Errorf("counter 1 after restart: %+v", c)
	}
	for i, want := range []hallq.State{hallq.Called, hallq.Waiting, hallq.Waiting, hallq.Waiting, hallq.Cancelled} {
		got, err := s.FindTicketByToken(ctx, tickets[i].Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != want || got.Number != tickets[i].Number {
			t.Errorf("ticket %s after restart: %s %s, want %s", tickets[i].Number, got.Number, got.State, want)
		}
	}
	if cancelled.State != hallq.Cancelled {
		t.Errorf("cancel returned %s", cancelled.State)
	}
	if again, err := s.CancelTicket(ctx, tickets[4].Token, hallq.Actor{}); err != nil || again.State != hallq.Cancelled {
		t.Errorf("cancelling again: %v, %v; want the cancelled ticket", again, err)
	}
	if _, err := s.CancelTicket(ctx, tickets[0].Token, hallq.Actor{}); hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Errorf("cancelling a called ticket: %v, want conflict", err)
	}
	if got := issue(t, s, hallq.IssueRequest{Service: "A"}).Number; got != "A006" {
		t.Errorf("numbering after restart: got %s, want A006", got)
	}
	q, _ := s.FindQueue(ctx)
	if got := len(q[0].Tickets); got != 4 {
		t.Errorf("%d tickets waiting for A after restart, want 4", got)
	}
}

func TestStore_Idempotency(t *testing.T) {
	s := MustOpen(t, newClock())
	first, replayed, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", IdempotencyKey: "k1"})
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	again, replayed, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "B", IdempotencyKey: "k1"})
	if err != nil || !replayed || again.ID != first.ID || again.Number != "A001" || again.Token != first.Token {
		t.Fatalf("retry: got %+v replayed=%v err=%v, want the first ticket", again, replayed, err)
	}

	t.Run("ConcurrentDuplicates", func(t *testing.T) {
		var wg sync.WaitGroup
		ids := make(chan uint64, 32)
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "C", IdempotencyKey: "same"})
				if err != nil {
					t.Error(err)
					return
				}
				ids <- tk.ID
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[uint64]bool{}
		for id := range ids {
			seen[id] = true
		}
		if len(seen) != 1 {
			t.Errorf("32 requests with one key made %d tickets", len(seen))
		}
	})

	t.Run("CounterAction", func(t *testing.T) {
		act(t, s, hallq.OpOpen, "2")
		a := hallq.CounterAction{Op: hallq.OpNext, Counter: "2", By: clerk}
		r1, err := s.ActAtCounter(ctx, a, "n1")
		if err != nil {
			t.Fatal(err)
		}
		r2, err := s.ActAtCounter(ctx, a, "n1")
		if err != nil || !r2.Replayed || r2.Ticket.ID != r1.Ticket.ID {
			t.Fatalf("retried next: %+v %v, want the first call again", r2, err)
		}
		c, _ := s.FindCounter(ctx, "2")
		if c.Ticket.ID != r1.Ticket.ID {
			t.Errorf("a retried next called another ticket: %s", c.Ticket.Number)
		}
		// The same key on another path is another request.
		if r3, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpRecall, Counter: "2", By: clerk}, "n1"); err != nil || r3.Replayed {
			t.Errorf("recall with a key used by next: %+v %v", r3, err)
		}
	})
}

func TestStore_StaleAction(t *testing.T) {
	s := MustOpen(t, newClock())
	issue(t, s, hallq.IssueRequest{Service: "A"})
	issue(t, s, hallq.IssueRequest{Service: "A"})
	act(t, s, hallq.OpOpen, "1")
	first := act(t, s, hallq.OpNext, "1").Ticket
	second := act(t, s, hallq.OpNext, "1").Ticket
	stale := first.ID
	_, err := s.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpNoShow, Counter: "1", By: clerk, Expect: &stale}, "")
	if hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Fatalf("no-show naming the previous ticket: got %v, want conflict", err)
	}
	got, _ := s.FindTicketByToken(ctx, second.Token)
	if got.State != hallq.Called {
		t.Errorf("the stale action reached the current ticket: %s", got.State)
	}
}

func TestStore_Events(t *testing.T) {
	s := MustOpen(t, newClock())
	sub := s.Subscribe(64)
	defer sub.Close()
	var last uint64
	s.ReadFloor(func(_ *hallq.Floor, seq uint64, _ time.Time) { last = seq })
	tk := issue(t, s, hallq.IssueRequest{Service: "A"})
	act(t, s, hallq.OpOpen, "1")
	act(t, s, hallq.OpNext, "1")
	want := []hallq.EventType{hallq.TicketIssued, hallq.CounterOpened, hallq.TicketCalled}
	for i, w := range want {
		e := <-sub.Events()
		if e.Type != w || e.Seq <= last {
			t.Fatalf("event %d: %s seq %d after %d, want %s with a larger seq", i, e.Type, e.Seq, last, w)
		}
		last = e.Seq
		if e.Type == hallq.TicketCalled && (e.Call == nil || e.Call.Number != tk.Number || e.Call.Counter != "1") {
			t.Errorf("call event: %+v", e.Call)
		}
	}

	t.Run("SlowSubscriberDropped", func(t *testing.T) {
		slow := s.Subscribe(1)
		fast := s.Subscribe(16)
		defer fast.Close()
		issue(t, s, hallq.IssueRequest{Service: "A"})
		issue(t, s, hallq.IssueRequest{Service: "A"})
		<-slow.Events()
		if _, open := <-slow.Events(); open {
			t.Error("a subscriber two events behind with room for one was not dropped")
		}
		for i := 0; i < 2; i++ {
			if e := <-fast.Events(); e.Type != hallq.TicketIssued {
				t.Errorf("fast subscriber got %s", e.Type)
			}
		}
	})
}

func TestStore_SecondHub(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hallq.db")
	mustOpenPath(t, path, newClock())
	_, err := store.Open(store.Options{Path: path, Now: newClock().Now})
	if err == nil || !strings.Contains(err.Error(), "in use by another hallq hub") {
		t.Fatalf("second hub on one file: got %v", err)
	}
}

func TestStore_HallDay(t *testing.T) {
	clk := newClock() // 17:00 in Asia/Shanghai
	s := MustOpen(t, clk)
	old := issue(t, s, hallq.IssueRequest{Service: "A"})
	issue(t, s, hallq.IssueRequest{Service: "A"})
	act(t, s, hallq.OpOpen, "1")
	called := act(t, s, hallq.OpNext, "1").Ticket
	sub := s.Subscribe(64)
	defer sub.Close()

	clk.Add(8 * time.Hour) // 01:00 the next day
	next := issue(t, s, hallq.IssueRequest{Service: "A"})
	if next.Number != "A001" {
		t.Errorf("first ticket of the new hall day: %s, want A001", next.Number)
	}
	for _, tk := range []*hallq.Ticket{old, called} {
		got, err := s.FindTicketByToken(ctx, tk.Token)
		if err != nil || got.State != hallq.Expired {
			t.Errorf("ticket %s of yesterday: %v %v, want expired and still readable", tk.Number, got, err)
		}
	}
	c, _ := s.FindCounter(ctx, "1")
	if c.Ticket != nil {
		t.Errorf("counter 1 kept yesterday's ticket %s", c.Ticket.Number)
	}
	var types []hallq.EventType
	for len(types) < 4 {
		types = append(types, (<-sub.Events()).Type)
	}
	if fmt.Sprint(types) != fmt.Sprint([]hallq.EventType{hallq.TicketExpired, hallq.TicketExpired, hallq.DayStarted, hallq.TicketIssued}) {
		t.Errorf("events at the day's end: %v", types)
	}
	q, _ := s.FindQueue(ctx)
	if len(q[0].Tickets) != 1 {
		t.Errorf("%d tickets waiting after the day's end, want 1", len(q[0].Tickets))
	}
}

func TestStore_Cards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hallq.db")
	s := mustOpenPath(t, path, newClock())
	const number = "6222021234567890"
	card, err := s.CreateCard(ctx, clerk, hallq.Card{Number: number, Tier: "gold", Holder: "Zhang San"})
	if err != nil {
		t.Fatal(err)
	}
	if card.Number != "" || card.Last4 != "7890" {
		t.Errorf("created card shows %+v", card)
	}
	if _, err := s.CreateCard(ctx, clerk, hallq.Card{Number: number, Tier: "gold"}); hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Errorf("a second card with one number: %v, want conflict", err)
	}
	if _, err := s.CreateCard(ctx, clerk, hallq.Card{Number: "1234", Tier: "priority"}); hallq.ErrorCode(err) != hallq.EINVALID {
		t.Errorf("a card of a staff-only tier: %v, want invalid", err)
	}
	vip := issue(t, s, hallq.IssueRequest{Service: "A", Card: ";" + number + "=2512101?"})
	if vip.Tier != "gold" {
		t.Errorf("a ticket from track data: tier %s, want gold", vip.Tier)
	}
	if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", Card: "999999"}); hallq.ErrorCode(err) != hallq.ECARDUNKNOWN {
		t.Errorf("unknown card: %v, want card_unknown", err)
	}
	expired := "2020-01-01"
	if _, err := s.UpdateCard(ctx, clerk, number, hallq.CardUpdate{Expires: hallq.Nullable[string]{Set: true, Value: &expired}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IssueTicket(ctx, hallq.IssueRequest{Service: "A", Card: number}); hallq.ErrorCode(err) != hallq.ECARDUNKNOWN {
		t.Errorf("expired card: %v, want card_unknown", err)
	}
	res, err := s.ImportCards(ctx, clerk, []hallq.Card{
		{Number: "1111222233334444", Tier: "silver", Holder: "Li Si"},
		{Number: "bad number!", Tier: "silver"},
		{Number: "5555", Tier: "no-such-tier"},
	}, []int{2, 3, 4}, false)
	if err != nil || res.Imported != 1 || len(res.Errors) != 2 || res.Errors[0].Line != 3 || res.Errors[1].Line != 4 {
		t.Errorf("import: %+v %v", res, err)
	}
	none, err := s.ImportCards(ctx, clerk, []hallq.Card{
		{Number: "9999888877776666", Tier: "gold", Holder: "Zhao Liu"},
		{Number: "5555", Tier: "no-such-tier"},
	}, []int{2, 3}, true)
	if err != nil || none.Imported != 0 || len(none.Errors) != 1 {
		t.Errorf("import all or none with a bad row: %+v %v", none, err)
	}
	if _, err := s.FindCard(ctx, "9999888877776666"); hallq.ErrorCode(err) != hallq.ENOTFOUND {
		t.Errorf("a card of an all-or-none import with a bad row: %v, want not found", err)
	}
	if err := s.DeleteCard(ctx, clerk, number); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindCard(ctx, number); hallq.ErrorCode(err) != hallq.ENOTFOUND {
		t.Errorf("deleted card: %v", err)
	}
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{number, "1111222233334444"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the database file holds card number %s in clear", secret)
		}
	}
}

func TestStore_Users(t *testing.T) {
	s := MustOpen(t, newClock())
	generated, err := s.EnsureAdmin(ctx, "")
	if err != nil || len(generated) < 12 {
		t.Fatalf("admin password %q, %v", generated, err)
	}
	if again, _ := s.EnsureAdmin(ctx, "other password"); again != "" {
		t.Error("EnsureAdmin made a second admin")
	}
	admin, err := s.Authenticate(ctx, "admin", generated)
	if err != nil || admin.Role != hallq.RoleManager {
		t.Fatalf("admin login: %+v %v", admin, err)
	}
	for _, pw := range []string{"", "wrong password"} {
		if _, err := s.Authenticate(ctx, "admin", pw); hallq.ErrorCode(err) != hallq.EUNAUTHORIZED {
			t.Errorf("password %q: %v", pw, err)
		}
	}
	if _, err := s.Authenticate(ctx, "nobody", generated); hallq.ErrorCode(err) != hallq.EUNAUTHORIZED {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := s.CreateUser(ctx, *adminActor(admin), hallq.NewUser{Username: "clerk01", Password: "short", Role: "staff"}); hallq.ErrorCode(err) != hallq.EINVALID {
		t.Errorf("short password: %v", err)
	}
	if _, err := s.CreateUser(ctx, *adminActor(admin), hallq.NewUser{Username: "clerk01", Password: "counter-one", Role: "staff"}); err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateSession(ctx, &hallq.User{Username: "clerk01", Role: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := s.FindSession(ctx, token); err != nil || u.Username != "clerk01" {
		t.Fatalf("session: %+v %v", u, err)
	}
	disabled := true
	if _, err := s.UpdateUser(ctx, *adminActor(admin), "clerk01", hallq.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, token); hallq.ErrorCode(err) != hallq.EUNAUTHORIZED {
		t.Errorf("session of a disabled user: %v", err)
	}
	if err := s.DeleteUser(ctx, *adminActor(admin), "admin"); hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Errorf("deleting the last manager: %v", err)
	}
}

func adminActor(u *hallq.User) *hallq.Actor { return &hallq.Actor{Name: u.Username, Role: u.Role} }

// A backup is a consistent bbolt file, and ticket issue goes on while a
// backup is being read slowly.
func TestStore_Backup(t *testing.T) {
	s := MustOpen(t, newClock())
	issue(t, s, hallq.IssueRequest{Service: "A"})
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- s.Backup(ctx, pw, func(int64) {})
		pw.Close()
	}()
	// The backup's read transaction is open and blocked on the pipe.
	head := make([]byte, 4096)
	if _, err := io.ReadFull(pr, head); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		issue(t, s, hallq.IssueRequest{Service: "B"})
	}
	rest, err := io.ReadAll(pr)
	if err != nil || <-done != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, append(head, rest...), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bbolt.Tx) error {
		if n := tx.Bucket([]byte("tickets")).Stats().KeyN; n != 1 {
			t.Errorf("backup holds %d tickets, want the 1 issued before it began", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A backup that is streaming leaves no copy beside the database: a crash
// then cannot leave one behind to fill the disk; one an older hub left is
// removed at the next start.
func TestStore_BackupLeavesNoCopy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hallq.db")
	leftover := filepath.Join(dir, ".hallq-backup-123456")
	if err := os.WriteFile(leftover, []byte("an old copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := mustOpenPath(t, path, newClock())
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("the leftover of an interrupted backup is still there: %v", err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- s.Backup(ctx, pw, func(int64) {})
		pw.Close()
	}()
	if _, err := io.ReadFull(pr, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	// Mid-stream, as a kill would find it.
	if copies, _ := filepath.Glob(filepath.Join(dir, ".hallq-backup-*")); len(copies) != 0 {
		t.Errorf("copies beside the database while a backup streams: %v", copies)
	}
	io.Copy(io.Discard, pr)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The file is mapped far ahead, so that a backup read slowly never holds
// the writer back for a new mapping: 64 GiB on a 64-bit Unix, twice the
// file when that is more.
func TestStore_MappedAhead(t *testing.T) {
	if strconv.IntSize != 64 || runtime.GOOS == "windows" {
		t.Skip("64 GiB is mapped on 64-bit Unix only")
	}
	if got := store.MmapSize(filepath.Join(t.TempDir(), "none.db")); got != 64<<30 {
		t.Errorf("a new file is mapped %d bytes ahead, want 64 GiB", got)
	}
}
