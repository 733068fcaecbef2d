package display_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"hallq"
	"hallq/internal/hubtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// next reads messages until one of type typ, checking that sequence numbers
// strictly increase; it returns that message.
func next(t *testing.T, s *hubtest.Socket, last *uint64, typ string) hubtest.Message {
	t.Helper()
	for {
		m := s.Next(t)
		if m.Seq() <= *last {
			t.Fatalf("%s message with seq %d after %d", m.Type(), m.Seq(), *last)
		}
		*last = m.Seq()
		if m.Type() == typ {
			return m
		}
	}
}

func TestSocket_SnapshotThenChanges(t *testing.T) {
	h := newHub(t)
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	s := h.Dial(t, "/ws/display")
	snap := s.Next(t)
	if snap.Type() != "snapshot" || snap.Seq() == 0 {
		t.Fatalf("first message: %v", snap)
	}
	if got := waitingOf(t, snap, "A"); got != 1 {
		t.Errorf("snapshot: %d waiting for A, want 1", got)
	}
	last := snap.Seq()

	h.Issue(t, hallq.IssueRequest{Service: "A"})
	if got := waitingOf(t, next(t, s, &last, "queue"), "A"); got != 2 {
		t.Errorf("after an issue: %d waiting for A, want 2", got)
	}
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	if c := next(t, s, &last, "counter")["counter"].(map[string]any); c["id"] != "2" || c["state"] != "open" {
		t.Errorf("counter message: %v", c)
	}
	h.Act(t, hallq.OpNext, "2", "clerk02")
	m := next(t, s, &last, "call")
	call := m["call"].(map[string]any)
	if call["number"] != "A001" || call["counter"] != "2" || m["counter"].(map[string]any)["number"] != "A001" {
		t.Errorf("call message: %v", m)
	}
	if got := waitingOf(t, m, "A"); got != 1 {
		t.Errorf("the call's queue figures: %d waiting for A, want 1", got)
	}

	closed := false
	if _, err := h.Store.UpdateService(context.Background(), admin, "C", hallq.ServiceUpdate{Open: &closed}); err != nil {
		t.Fatal(err)
	}
	if again := next(t, s, &last, "snapshot"); len(again["counters"].([]any)) != 4 {
		t.Errorf("a snapshot after a change of configuration: %v", again)
	}
}

func waitingOf(t *testing.T, m hubtest.Message, service string) int {
	t.Helper()
	list, _ := m["services"].([]any)
	for _, s := range list {
		if s := s.(map[string]any); s["id"] == service {
			return int(s["waiting"].(float64))
		}
	}
	t.Fatalf("no service %s in %v", service, m)
	return 0
}

// Every call reaches every display, and no display ever sees a card, a
// holder, a token or a staff member.
func TestSocket_EveryCallReachesEveryDisplayWithNothingPersonal(t *testing.T) {
	h := newHub(t)
	const number, holder = "6222021234567890", "Zhang San"
	if _, err := h.Store.CreateCard(context.Background(), admin, hallq.Card{Number: number, Tier: "gold", Holder: holder}); err != nil {
		t.Fatal(err)
	}
	displays := make([]*hubtest.Socket, 3)
	last := make([]uint64, 3)
	for i := range displays {
		displays[i] = h.Dial(t, "/ws/display")
		last[i] = displays[i].Next(t).Seq()
	}
	vip := h.Issue(t, hallq.IssueRequest{Service: "B", Card: number})
	h.Act(t, hallq.OpOpen, "4", "clerk04")
	h.Act(t, hallq.OpNext, "4", "clerk04")
	for i, s := range displays {
		var raw bytes.Buffer
		var m hubtest.Message
		for m.Type() != "call" {
			_, b, err := s.Conn.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			raw.Write(b)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.Seq() <= last[i] {
				t.Fatalf("display %d: seq %d after %d", i, m.Seq(), last[i])
			}
			last[i] = m.Seq()
		}
		if c := m["call"].(map[string]any); c["number"] != vip.Number || c["counter"] != "4" {
			t.Errorf("display %d got call %v, want %s at counter 4", i, c, vip.Number)
		}
		for _, secret := range []string{number, "7890", holder, vip.Token, "clerk04", "gold"} {
			if strings.Contains(raw.String(), secret) {
				t.Errorf("display %d received %q: %s", i, secret, raw.String())
			}
		}
	}
}

func TestSocket_OtherOriginRefused(t *testing.T) {
	h := newHub(t)
	for _, origin := range []string{"http://evil.example", "null"} {
		_, res, err := h.DialRaw("/ws/display", hubtest.Header("Origin", origin))
		if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %s: %v, want 403", origin, err)
		}
	}
}

// A service that opens by its hours opens on every display and kiosk at
// that moment, without any other event.
func TestSocket_ServiceOpensByItsHours(t *testing.T) {
	h := newHub(t) // 17:00 in the hall
	hours := hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "17:10", Close: "23:00"}}
	if _, err := h.Store.UpdateService(context.Background(), admin, "A", hallq.ServiceUpdate{Hours: hours}); err != nil {
		t.Fatal(err)
	}
	s := h.Dial(t, "/ws/display")
	snap := s.Next(t)
	if accepting(t, snap, "A") {
		t.Fatal("A is open before its hours")
	}
	last := snap.Seq()
	h.Clock.Add(10 * time.Minute)
	if err := h.Store.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m := next(t, s, &last, "queue"); !accepting(t, m, "A") {
		t.Errorf("at 17:10 the display still shows A closed: %v", m["services"])
	}
}

func accepting(t *testing.T, m hubtest.Message, service string) bool {
	t.Helper()
	for _, s := range m["services"].([]any) {
		if s := s.(map[string]any); s["id"] == service {
			return s["accepting"] == true
		}
	}
	t.Fatalf("no service %s in %v", service, m)
	return false
}

// A next that finishes one ticket and calls another leaves every display
// showing the counter with the new number, whether the finish came as a
// message of its own or was folded into the call.
func TestSocket_NextAfterAnother(t *testing.T) {
	h := newHub(t)
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	h.Act(t, hallq.OpNext, "2", "clerk02")
	s := h.Dial(t, "/ws/display")
	last := s.Next(t).Seq()
	h.Act(t, hallq.OpNext, "2", "clerk02")
	m := next(t, s, &last, "call")
	if c := m["counter"].(map[string]any); c["id"] != "2" || c["number"] != "A002" {
		t.Errorf("the call's counter: %v", c)
	}
	h.Act(t, hallq.OpDone, "2", "clerk02") // alone, a finish is a message
	if c := next(t, s, &last, "counter")["counter"].(map[string]any); c["id"] != "2" || c["number"] != nil {
		t.Errorf("after the last ticket was done: %v", c)
	}
}
