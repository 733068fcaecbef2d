package display_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/display"
	"hallq/internal/hubtest"
)

// admin is the actor of test setup done directly on the store.
var admin = hallq.Actor{Name: "admin", Role: hallq.RoleManager}

// newHub starts a hub serving the display route.
func newHub(t *testing.T) *hubtest.Hub {
	t.Helper()
	return hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		d := &display.Handler{Hall: h.Store, Feed: h.Store, Publicity: h.Store}
		d.Routes(r)
		h.Run(t, d.Run)
	})
}

// displayReply is the display object as a client reads it.
type displayReply struct {
	Calls []struct {
		Number      string
		Service     string
		Counter     string
		CounterName struct{ EN, ZH string } `json:"counter_name"`
		At          string
		Recall      bool
	}
	Services []struct {
		ID      string
		Waiting int
	}
	Counters      []map[string]json.RawMessage
	HeadStartMaxS int `json:"head_start_max_s"`
}

func TestDisplay(t *testing.T) {
	h := newHub(t)
	// Silver: the published rule names the tiers of the largest head start
	// (platinum), so only another tier shows whether a ticket's tier leaks.
	card := hallq.Card{Number: "62220202QXZW", Tier: "silver", Holder: "Zhou Mingyu"}
	if _, err := h.Store.CreateCard(context.Background(), admin, card); err != nil {
		t.Fatal(err)
	}
	vip := h.Issue(t, hallq.IssueRequest{Service: "A", Card: card.Number})
	regular := h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Issue(t, hallq.IssueRequest{Service: "B"})
	h.Act(t, hallq.OpOpen, "1", "clerk.huang")
	h.Act(t, hallq.OpNext, "1", "clerk.huang")
	h.Clock.Add(time.Minute)
	h.Act(t, hallq.OpOpen, "2", "clerk.huang2")
	h.Act(t, hallq.OpNext, "2", "clerk.huang2")

	res := h.Do(t, "GET", "/api/v1/display", nil).Want(t, http.StatusOK)
	for _, secret := range []string{vip.Token, regular.Token, "Zhou Mingyu", "QXZW", "clerk.huang", "silver"} {
		if bytes.Contains(res.Body, []byte(secret)) {
			t.Errorf("the display reply contains %q: %s", secret, res.Body)
		}
	}

	var d displayReply
	res.Decode(t, &d)
	if got, want := len(d.Calls), 2; got != want {
		t.Fatalf("%d calls, want %d: %s", got, want, res.Body)
	}
	if c := d.Calls[0]; c.Number != regular.Number || c.Counter != "2" || c.CounterName.EN == "" || c.At == "" {
		t.Errorf("newest call %+v, want %s at counter 2", c, regular.Number)
	}
	if c := d.Calls[1]; c.Number != vip.Number || c.Counter != "1" {
		t.Errorf("older call %+v, want %s at counter 1", c, vip.Number)
	}
	waiting := map[string]int{}
	for _, s := range d.Services {
		waiting[s.ID] = s.Waiting
	}
	if want := map[string]int{"A": 0, "B": 1, "C": 0}; !maps.Equal(waiting, want) {
		t.Errorf("waiting %v, want %v", waiting, want)
	}
	if got, want := d.HeadStartMaxS, 1800; got != want {
		t.Errorf("head_start_max_s %d, want %d", got, want)
	}
	if got, want := len(d.Counters), 4; got != want {
		t.Fatalf("%d counters, want %d", got, want)
	}
	for _, c := range d.Counters {
		for field := range c {
			if !slices.Contains([]string{"id", "name", "state", "number"}, field) {
				t.Errorf("a public counter has the field %q: %s", field, res.Body)
			}
		}
	}
	var number string
	if err := json.Unmarshal(d.Counters[0]["number"], &number); err != nil || number != vip.Number {
		t.Errorf("counter 1 shows %q, want %s", d.Counters[0]["number"], vip.Number)
	}
}

func TestDisplay_Empty(t *testing.T) {
	h := newHub(t)
	for _, id := range []string{"1", "2", "3", "4"} {
		if err := h.Store.DeleteCounter(context.Background(), admin, id); err != nil {
			t.Fatal(err)
		}
	}
	var d map[string]json.RawMessage
	h.Do(t, "GET", "/api/v1/display", nil).Want(t, http.StatusOK).Decode(t, &d)
	for _, field := range []string{"calls", "counters"} {
		if got := string(d[field]); got != "[]" {
			t.Errorf("%s is %s, want []", field, got)
		}
	}
}

func TestDisplay_Method(t *testing.T) {
	h := newHub(t)
	h.Do(t, "POST", "/api/v1/display", "{}").WantError(t, http.StatusMethodNotAllowed, hallq.EMETHOD)
}
