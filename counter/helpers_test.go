package counter_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/counter"
	"hallq/internal/hubtest"
)

// ticket is the API's Ticket, as far as these tests read it.
type ticket struct {
	ID       uint64 `json:"id"`
	Number   string `json:"number"`
	Service  string `json:"service"`
	Tier     string `json:"tier"`
	State    string `json:"state"`
	Counter  string `json:"counter"`
	Target   string `json:"target_counter"`
	Recalls  int    `json:"recalls"`
	Ahead    int    `json:"ahead"`
	Token    string `json:"token"`
	CalledAt string `json:"called_at"`
	ServedAt string `json:"served_at"`
}

// counterView is the API's Counter, as far as these tests read it.
type counterView struct {
	ID       string  `json:"id"`
	State    string  `json:"state"`
	Staff    string  `json:"staff"`
	VIPFirst bool    `json:"vip_first"`
	Ticket   *ticket `json:"ticket"`
}

// newHub starts a hub that serves the counter handler and runs its live
// view for the rest of the test.
func newHub(t *testing.T) *hubtest.Hub {
	t.Helper()
	h, c := serveCounters(t)
	h.Run(t, c.Run)
	return h
}

// serveCounters starts a hub that serves the counter handler, and returns
// the handler, whose live view the caller runs.
func serveCounters(t *testing.T) (*hubtest.Hub, *counter.Handler) {
	t.Helper()
	var c *counter.Handler
	h := hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		c = &counter.Handler{Counters: h.Store, Tickets: h.Store, Ratings: h.Store, Complaints: h.Store, Feed: h.Store, Auth: h.Auth}
		c.Routes(r)
	})
	return h, c
}

// act posts op at counter id with body (nil for none) as the user of token.
func act(t *testing.T, h *hubtest.Hub, token, id, op string, body any, opts ...hubtest.Request) *hubtest.Response {
	t.Helper()
	opts = append([]hubtest.Request{hubtest.Bearer(token)}, opts...)
	return h.Do(t, "POST", "/api/v1/counters/"+id+"/"+op, body, opts...)
}

// actTicket posts op at counter id and returns the ticket of a 200 reply.
func actTicket(t *testing.T, h *hubtest.Hub, token, id, op string, body any, opts ...hubtest.Request) ticket {
	t.Helper()
	var tk ticket
	act(t, h, token, id, op, body, opts...).Want(t, http.StatusOK).Decode(t, &tk)
	return tk
}

// actCounter posts op at counter id and returns the counter of a 200 reply.
func actCounter(t *testing.T, h *hubtest.Hub, token, id, op string, body any, opts ...hubtest.Request) counterView {
	t.Helper()
	var c counterView
	act(t, h, token, id, op, body, opts...).Want(t, http.StatusOK).Decode(t, &c)
	return c
}

// open opens counter id for the user of token.
func open(t *testing.T, h *hubtest.Hub, token, id string) counterView {
	t.Helper()
	c := actCounter(t, h, token, id, "open", nil)
	if c.State != "open" {
		t.Fatalf("counter %s is %s after open, want open", id, c.State)
	}
	return c
}

// next calls the next ticket to counter id and fails unless one was called.
func next(t *testing.T, h *hubtest.Hub, token, id string) ticket {
	t.Helper()
	tk := actTicket(t, h, token, id, "next", nil)
	if tk.State != "called" || tk.Counter != id {
		t.Fatalf("next at counter %s: ticket %s is %s at counter %q, want called there", id, tk.Number, tk.State, tk.Counter)
	}
	return tk
}

// wantNumber fails unless tk has the given number.
func wantNumber(t *testing.T, tk ticket, number string) {
	t.Helper()
	if tk.Number != number {
		t.Fatalf("ticket %s (%s), want %s", tk.Number, tk.State, number)
	}
}

// issue issues a regular ticket for service at the kiosk.
func issue(t *testing.T, h *hubtest.Hub, service string) *hallq.Ticket {
	t.Helper()
	return issueReq(t, h, hallq.IssueRequest{Service: service})
}

// issueVIP issues a ticket for service with a card of tier, registering a
// card for the tier on first use.
func issueVIP(t *testing.T, h *hubtest.Hub, service, tier string) *hallq.Ticket {
	t.Helper()
	number := strings.ToUpper(tier) + "0001"
	manager := hallq.Actor{Name: "admin", Role: hallq.RoleManager}
	_, err := h.Store.CreateCard(context.Background(), manager, hallq.Card{Number: number, Tier: tier, Holder: "Li Wei"})
	if err != nil && hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Fatal(err)
	}
	tk := issueReq(t, h, hallq.IssueRequest{Service: service, Card: number})
	if tk.Tier != tier {
		t.Fatalf("ticket %s has tier %s, want %s", tk.Number, tk.Tier, tier)
	}
	return tk
}

func issueReq(t *testing.T, h *hubtest.Hub, req hallq.IssueRequest) *hallq.Ticket {
	t.Helper()
	tk, _, err := h.Store.IssueTicket(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// stateOf returns the state the store has for the ticket with token.
func stateOf(t *testing.T, h *hubtest.Hub, token string) string {
	t.Helper()
	tk, err := h.Store.FindTicketByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return string(tk.State)
}

// getCounter reads counter id through the API.
func getCounter(t *testing.T, h *hubtest.Hub, token, id string) counterView {
	t.Helper()
	var c counterView
	h.Do(t, "GET", "/api/v1/counters/"+id, nil, hubtest.Bearer(token)).Want(t, http.StatusOK).Decode(t, &c)
	return c
}

// queue reads the waiting ticket numbers of each service through the API.
func queue(t *testing.T, h *hubtest.Hub, token string) map[string][]string {
	t.Helper()
	var q struct {
		Services []struct {
			ID      string   `json:"id"`
			Tickets []ticket `json:"tickets"`
		} `json:"services"`
	}
	h.Do(t, "GET", "/api/v1/queue", nil, hubtest.Bearer(token)).Want(t, http.StatusOK).Decode(t, &q)
	out := map[string][]string{}
	for _, s := range q.Services {
		out[s.ID] = []string{}
		for _, tk := range s.Tickets {
			out[s.ID] = append(out[s.ID], tk.Number)
		}
	}
	return out
}
