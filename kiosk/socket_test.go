package kiosk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"hallq"
	"hallq/internal/hubtest"
	"hallq/kiosk"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// phone is a phone page's socket, with everything it received.
type phone struct {
	s    *hubtest.Socket
	seq  uint64          // of the last message
	prev json.RawMessage // the last ticket received
	raw  bytes.Buffer    // every message, as received
}

// dial opens the socket of the ticket with this token, reads its snapshot
// and returns it with the ticket the snapshot shows.
func dial(t *testing.T, h *hubtest.Hub, token string) (*phone, ticket) {
	t.Helper()
	p := &phone{s: h.Dial(t, "/ws/tickets/"+token)}
	typ, tk := p.read(t)
	if typ != "snapshot" {
		t.Fatalf("first message: %s, want a snapshot", p.raw.String())
	}
	return p, tk
}

// read reads one message and returns its type and ticket. Every message
// must carry a ticket and a seq greater than the last, and every message
// after the snapshot a ticket that differs from the last.
func (p *phone) read(t *testing.T) (string, ticket) {
	t.Helper()
	p.s.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := p.s.Conn.ReadMessage()
	if err != nil {
		t.Fatalf("reading a websocket message: %v", err)
	}
	p.raw.Write(b)
	var m struct {
		Type   string
		Seq    uint64
		Ticket json.RawMessage
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("message %s: %v", b, err)
	}
	if m.Seq <= p.seq {
		t.Fatalf("message %s: seq %d after %d", b, m.Seq, p.seq)
	}
	if p.prev != nil && bytes.Equal(m.Ticket, p.prev) {
		t.Fatalf("message %s repeats the ticket of the last message", b)
	}
	p.seq, p.prev = m.Seq, m.Ticket
	var tk ticket
	if err := json.Unmarshal(m.Ticket, &tk); err != nil || tk.ID == 0 {
		t.Fatalf("message %s: no ticket (%v)", b, err)
	}
	return m.Type, tk
}

// next reads the next message, which must be a ticket message.
func (p *phone) next(t *testing.T) ticket {
	t.Helper()
	typ, tk := p.read(t)
	if typ != "ticket" {
		t.Fatalf("message of type %q, want ticket", typ)
	}
	return tk
}

// until reads ticket messages until one shows the ticket in state.
func (p *phone) until(t *testing.T, state string) ticket {
	t.Helper()
	for {
		if tk := p.next(t); tk.State == state {
			return tk
		}
	}
}

// act carries out a counter action directly in the store.
func act(t *testing.T, h *hubtest.Hub, a hallq.CounterAction) {
	t.Helper()
	a.By = hallq.Actor{Name: "clerk" + a.Counter, Role: hallq.RoleStaff}
	if _, err := h.Store.ActAtCounter(context.Background(), a, ""); err != nil {
		t.Fatal(err)
	}
}

// want fails the test unless tk is ticket number in state, at counter, with
// ahead tickets before it.
func want(t *testing.T, what string, tk ticket, number, state, counter string, ahead int) {
	t.Helper()
	if tk.Number != number || tk.State != state || tk.Counter != counter || tk.Ahead != ahead {
		t.Fatalf("%s: %s %s at %q, %d ahead; want %s %s at %q, %d ahead",
			what, tk.Number, tk.State, tk.Counter, tk.Ahead, number, state, counter, ahead)
	}
}

// A phone follows its ticket from the queue to the counter and out, and
// hears of nothing else.
func TestTicketSocket_FollowsItsTicket(t *testing.T) {
	h := newHub(t, limits{})
	const card = "6222021234567890"
	addCard(t, h, hallq.Card{Number: card, Tier: "gold", Holder: "Zhang San"})
	first := issue(t, h, map[string]string{"service": "A"})
	mine := issue(t, h, map[string]string{"service": "A"})
	p, snap := dial(t, h, mine.Token)
	want(t, "snapshot", snap, mine.Number, "waiting", "", 1)
	if snap.Token != mine.Token || snap.EtaReason != hallq.EtaNoCounter || snap.StatusURL != mine.StatusURL {
		t.Errorf("snapshot %+v, want the ticket as issued, with no estimate: no counter is open", snap)
	}
	q, firstSnap := dial(t, h, first.Token)
	want(t, "the other phone's snapshot", firstSnap, first.Number, "waiting", "", 0)

	// Another service's ticket changes nothing here; a gold VIP in the same
	// service goes ahead.
	elsewhere := issue(t, h, map[string]string{"service": "C"})
	vip := issue(t, h, map[string]string{"service": "A", "card": card})
	tk := p.next(t)
	want(t, "after a VIP", tk, mine.Number, "waiting", "", 2)

	// A counter opening gives the ticket an estimate; a second one
	// shortens it, by more than a minute: the phone hears of both.
	act(t, h, hallq.CounterAction{Op: hallq.OpOpen, Counter: "1"})
	one := p.next(t)
	if one.Ahead != 2 || one.EtaReason != "" || one.EtaS < 2*300 || one.EtaHighS < one.EtaS {
		t.Errorf("one counter open: %+v, after %+v; want an estimate of at least the two ahead", one, tk)
	}
	act(t, h, hallq.CounterAction{Op: hallq.OpOpen, Counter: "2"})
	if two := p.next(t); two.Ahead != 2 || two.EtaS > one.EtaS*2/3 {
		t.Errorf("two counters open: %+v, after %+v; want a much shorter wait", two, one)
	}

	act(t, h, hallq.CounterAction{Op: hallq.OpNext, Counter: "1"}) // the VIP
	want(t, "the VIP called", p.next(t), mine.Number, "waiting", "", 1)
	act(t, h, hallq.CounterAction{Op: hallq.OpNext, Counter: "2"}) // the first
	want(t, "the first called", p.next(t), mine.Number, "waiting", "", 0)
	act(t, h, hallq.CounterAction{Op: hallq.OpNext, Counter: "1"})
	want(t, "called", p.next(t), mine.Number, "called", "1", 0)
	act(t, h, hallq.CounterAction{Op: hallq.OpRecall, Counter: "1"})
	if tk := p.next(t); tk.State != "called" || tk.Recalls != 1 {
		t.Errorf("recalled: %+v, want called with 1 recall", tk)
	}
	act(t, h, hallq.CounterAction{Op: hallq.OpDone, Counter: "1"})
	want(t, "done", p.next(t), mine.Number, "done", "1", 0)

	want(t, "the other phone", q.until(t, "called"), first.Number, "called", "2", 0)
	for _, other := range []ticket{first, elsewhere, vip} {
		for _, secret := range []string{other.Number, other.Token, card, "Zhang San"} {
			if strings.Contains(p.raw.String(), secret) {
				t.Errorf("the phone of %s received %q: %s", mine.Number, secret, p.raw.String())
			}
		}
	}
	if strings.Contains(q.raw.String(), mine.Token) || strings.Contains(q.raw.String(), mine.Number) {
		t.Errorf("the phone of %s received %s's ticket: %s", first.Number, mine.Number, q.raw.String())
	}
}

// A phone is sent its ticket when what it shows changes, but its estimate
// only when that moves by more than a minute and 15 %: not on every event.
func TestPhones_EstimateTolerance(t *testing.T) {
	sent := hallq.Ticket{ID: 1, Number: "A001", State: hallq.Waiting,
		Live: &hallq.Live{Ahead: 3, EtaS: 600, EtaLowS: 300, EtaHighS: 900}}
	for _, tt := range []struct {
		name   string
		change func(*hallq.Ticket)
		pushed bool
	}{
		{"Same", func(*hallq.Ticket) {}, false},
		{"SmallMove", func(t *hallq.Ticket) { t.EtaS, t.EtaLowS, t.EtaHighS = 650, 340, 950 }, false},
		{"AMinuteButUnder15Percent", func(t *hallq.Ticket) { t.EtaS, t.EtaLowS, t.EtaHighS = 680, 330, 990 }, false},
		{"LargeMove", func(t *hallq.Ticket) { t.EtaS, t.EtaLowS, t.EtaHighS = 300, 150, 450 }, true},
		{"HighEndMoves", func(t *hallq.Ticket) { t.EtaHighS = 1200 }, true},
		{"NoCounter", func(t *hallq.Ticket) { t.EtaS, t.EtaLowS, t.EtaHighS, t.EtaReason = 0, 0, 0, hallq.EtaNoCounter }, true},
		{"AheadChanges", func(t *hallq.Ticket) { t.Ahead, t.EtaS = 2, 590 }, true},
		{"Called", func(t *hallq.Ticket) { t.State, t.Counter = hallq.Called, "1" }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A view of its own, as each batch makes: equal figures are
			// the same ticket though they are not the same Live.
			now, live := sent, *sent.Live
			now.Live = &live
			tt.change(&now)
			if got := kiosk.PhoneChanged(sent, now); got != tt.pushed {
				t.Errorf("sent %d (%d–%d), now %+v: pushed %v, want %v", sent.EtaS, sent.EtaLowS, sent.EtaHighS, now, got, tt.pushed)
			}
		})
	}
	// From no estimate, nothing changes while there is still none.
	none := hallq.Ticket{ID: 1, State: hallq.Waiting, Live: &hallq.Live{EtaReason: hallq.EtaNoCounter}}
	still := none
	still.Live = &hallq.Live{EtaReason: hallq.EtaNoCounter}
	if kiosk.PhoneChanged(none, still) {
		t.Error("no estimate, still none: pushed")
	}
}

func TestTicketSocket_Cancelled(t *testing.T) {
	h := newHub(t, limits{})
	mine := issue(t, h, map[string]string{"service": "B"})
	p, _ := dial(t, h, mine.Token)
	h.Do(t, "DELETE", "/api/v1/tickets/"+mine.Token, nil).Want(t, http.StatusOK)
	want(t, "cancelled", p.next(t), mine.Number, "cancelled", "", 0)

	// A phone that connects later gets the ticket as it ended.
	_, again := dial(t, h, mine.Token)
	want(t, "a later snapshot", again, mine.Number, "cancelled", "", 0)
}

func TestTicketSocket_Transferred(t *testing.T) {
	h := newHub(t, limits{})
	issue(t, h, map[string]string{"service": "B"})
	mine := issue(t, h, map[string]string{"service": "A"})
	act(t, h, hallq.CounterAction{Op: hallq.OpOpen, Counter: "1"})
	act(t, h, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: mine.Number})
	p, snap := dial(t, h, mine.Token)
	want(t, "snapshot", snap, mine.Number, "called", "1", 0)
	act(t, h, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToService: "B"})
	tk := p.next(t)
	want(t, "transferred", tk, mine.Number, "waiting", "", 1)
	if tk.Service != "B" || tk.EtaS == 0 || tk.EtaReason != "" {
		t.Errorf("transferred: %+v, want waiting for B with an estimate", tk)
	}
}

func TestTicketSocket_Refused(t *testing.T) {
	h := newHub(t, limits{})
	tk := issue(t, h, map[string]string{"service": "A"})
	forged := tk.Token[:len(tk.Token)-4] + "AAAA"
	if forged == tk.Token {
		forged = tk.Token[:len(tk.Token)-4] + "BBBB"
	}
	for _, c := range []struct {
		name, token, origin string
		status              int
		code                string
	}{
		{"Malformed", "nope", "", http.StatusNotFound, hallq.ENOTFOUND},
		{"Forged", forged, "", http.StatusNotFound, hallq.ENOTFOUND},
		{"OtherOrigin", tk.Token, "http://evil.example", http.StatusForbidden, hallq.EFORBIDDEN},
		{"NullOrigin", tk.Token, "null", http.StatusForbidden, hallq.EFORBIDDEN},
	} {
		t.Run(c.name, func(t *testing.T) {
			var opts []hubtest.Request
			if c.origin != "" {
				opts = append(opts, hubtest.Header("Origin", c.origin))
			}
			s, res, err := h.DialRaw("/ws/tickets/"+c.token, opts...)
			if err == nil {
				s.Conn.Close()
				t.Fatal("the hub upgraded the connection")
			}
			if res == nil || res.StatusCode != c.status {
				t.Fatalf("dialing: %v, %v; want status %d", err, res, c.status)
			}
			body, _ := io.ReadAll(res.Body)
			if !strings.Contains(string(body), `"code":"`+c.code+`"`) {
				t.Errorf("body %s, want an error with code %s", body, c.code)
			}
		})
	}
}

// When the live view stops, every phone gets a close frame saying the hub
// is going away, and a phone that comes after gets one at once.
func TestTicketSocket_ClosedOnShutdown(t *testing.T) {
	h, k := newHandler(t, limits{})
	mine := issue(t, h, map[string]string{"service": "A"})
	stop := k.run(t, h)
	p, _ := dial(t, h, mine.Token)
	issue(t, h, map[string]string{"service": "A", "tier": "priority"}, hubtest.Bearer(h.Staff(t, "clerk01")))
	if tk := p.next(t); tk.Ahead != 1 {
		t.Errorf("after a priority ticket: %d ahead, want 1", tk.Ahead)
	}
	stop()
	wantGoingAway(t, p.s)

	s, _, err := h.DialRaw("/ws/tickets/" + mine.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Conn.Close()
	wantGoingAway(t, s)
}

// wantGoingAway fails the test unless the next thing s reads is a close
// frame saying the hub is going away.
func wantGoingAway(t *testing.T, s *hubtest.Socket) {
	t.Helper()
	s.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := s.Conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("read %s, %v; want a going-away close frame", b, err)
	}
}

// With more phones than the view of each ticket on its own suits, publish
// views the whole queue at once: every phone still comes to show its
// ticket's view as the floor makes it for that ticket alone, but for an
// estimate that moved too little to be sent.
func TestTicketSocket_ManyPhones(t *testing.T) {
	h := newHub(t, limits{})
	const card = "6222021234567890"
	addCard(t, h, hallq.Card{Number: card, Tier: "gold", Holder: "Zhang San"})
	var phones []*phone
	var ids []uint64
	for i := range 40 { // more than publish's manyPhones
		body := map[string]string{"service": []string{"A", "A", "B", "C"}[i%4]}
		if i%5 == 3 {
			body["card"] = card
		}
		tk := issue(t, h, body)
		p, _ := dial(t, h, tk.Token)
		phones, ids = append(phones, p), append(ids, tk.ID)
	}
	// Each step moves the tickets' places or estimates.
	for _, a := range []hallq.CounterAction{{Op: hallq.OpOpen, Counter: "1"}, {Op: hallq.OpOpen, Counter: "2"}, {Op: hallq.OpNext, Counter: "1"}} {
		act(t, h, a)
		views := map[uint64]hallq.Ticket{}
		h.Store.ReadFloor(func(f *hallq.Floor, _ uint64, _ time.Time) {
			for _, id := range ids {
				v, _ := f.OpenTicket(id)
				views[id] = *v
			}
		})
		for i, p := range phones {
			want := views[ids[i]]
			func() {
				defer func() {
					if t.Failed() {
						t.Logf("after %s at %s the phone of ticket %d shows\n%s\nwant %+v", a.Op, a.Counter, ids[i], p.prev, want)
					}
				}()
				for !shows(t, p, want) {
					p.next(t)
				}
			}()
		}
	}
}

// shows reports whether p shows v, or v with the estimate it shows when v's
// has not moved from it.
func shows(t *testing.T, p *phone, v hallq.Ticket) bool {
	t.Helper()
	var shown ticket
	if err := json.Unmarshal(p.prev, &shown); err != nil {
		t.Fatal(err)
	}
	was := hallq.Estimate{S: shown.EtaS, LowS: shown.EtaLowS, HighS: shown.EtaHighS, Reason: shown.EtaReason}
	if !hallq.EstimateMoved(was, v.Estimate()) {
		live := *v.Live // the caller's view shares it: change a copy
		live.EtaS, live.EtaLowS, live.EtaHighS, live.EtaReason = was.S, was.LowS, was.HighS, was.Reason
		v.Live = &live
	}
	b, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(p.prev, b)
}
