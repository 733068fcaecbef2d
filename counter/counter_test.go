package counter_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/counter"
	"hallq/internal/hubtest"
	"hallq/web"
)

// routes lists every route of the handler, with a counter that exists.
var routes = func() [][2]string {
	rs := [][2]string{{"GET", "/api/v1/counters"}, {"GET", "/api/v1/counters/1"}, {"GET", "/api/v1/queue"}}
	for _, op := range hallq.CounterOps {
		rs = append(rs, [2]string{"POST", "/api/v1/counters/1/" + string(op)})
	}
	return rs
}()

func TestHandler_Auth(t *testing.T) {
	h := newHub(t)
	for _, rt := range routes {
		t.Run(rt[0]+" "+rt[1], func(t *testing.T) {
			h.Do(t, rt[0], rt[1], nil).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
			h.Do(t, rt[0], rt[1], nil, hubtest.Bearer("not-a-session")).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		})
	}

	t.Run("Manager", func(t *testing.T) {
		clerk, manager := h.Staff(t, "clerk01"), h.Manager(t)
		issue(t, h, "A")
		open(t, h, manager, "2")
		wantNumber(t, next(t, h, manager, "2"), "A001")
		actTicket(t, h, manager, "2", "done", nil)

		// A manager may pause and close a counter someone else opened;
		// other staff may not.
		open(t, h, clerk, "1")
		other := h.Staff(t, "clerk02")
		act(t, h, other, "1", "pause", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		act(t, h, other, "1", "close", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		if c := actCounter(t, h, manager, "1", "pause", nil); c.State != "paused" || c.Staff != "clerk01" {
			t.Fatalf("counter 1 is %s by %q, want paused by clerk01", c.State, c.Staff)
		}
		if c := actCounter(t, h, manager, "1", "close", nil); c.State != "closed" || c.Staff != "" {
			t.Fatalf("counter 1 is %s by %q, want closed by nobody", c.State, c.Staff)
		}
	})
}

func TestHandler_StaffNets(t *testing.T) {
	_, hall, _ := net.ParseCIDR("10.20.0.0/16")
	h := hubtest.New(t, func(r chi.Router, h *hubtest.Hub) {
		auth := &web.Auth{Users: h.Store, Sessions: h.Store, StaffNets: []*net.IPNet{hall}, Now: h.Clock.Now}
		(&counter.Handler{Counters: h.Store, Tickets: h.Store, Auth: auth}).Routes(r)
	})
	clerk := h.Staff(t, "clerk01")
	for _, rt := range routes {
		h.Do(t, rt[0], rt[1], nil, hubtest.Bearer(clerk)).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	}
}

func TestHandler_Origin(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	for _, origin := range []string{"http://evil.example", "null"} {
		t.Run(origin, func(t *testing.T) {
			for _, op := range hallq.CounterOps {
				act(t, h, clerk, "1", string(op), nil, hubtest.Header("Origin", origin)).
					WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
			}
			if c := getCounter(t, h, clerk, "1"); c.State != "closed" {
				t.Fatalf("counter 1 is %s after refused requests, want closed", c.State)
			}
		})
	}
	t.Run("SameOrigin", func(t *testing.T) {
		actCounter(t, h, clerk, "1", "open", nil, hubtest.Header("Origin", h.Server.URL))
	})
}

func TestHandler_Routing(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")

	t.Run("UnknownOp", func(t *testing.T) {
		act(t, h, clerk, "1", "bogus", nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
		act(t, h, clerk, "1", "Next", nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
		h.Do(t, "POST", "/api/v1/counters/1/bogus", nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
	})
	t.Run("UnknownCounter", func(t *testing.T) {
		h.Do(t, "GET", "/api/v1/counters/9", nil, hubtest.Bearer(clerk)).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
		for _, op := range hallq.CounterOps {
			act(t, h, clerk, "9", string(op), nil).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
		}
	})
	t.Run("WrongMethod", func(t *testing.T) {
		h.Do(t, "GET", "/api/v1/counters/1/next", nil, hubtest.Bearer(clerk)).
			WantError(t, http.StatusMethodNotAllowed, hallq.EMETHOD)
		h.Do(t, "POST", "/api/v1/queue", nil, hubtest.Bearer(clerk)).
			WantError(t, http.StatusMethodNotAllowed, hallq.EMETHOD)
	})
}

func TestHandler_Bodies(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	open(t, h, clerk, "1")
	issue(t, h, "A")

	tests := []struct {
		name, op string
		body     string
		status   int
		code     string
	}{
		{"NotJSON", "next", `next please`, 400, hallq.EINVALID},
		{"Truncated", "noshow", `{"expect":`, 400, hallq.EINVALID},
		{"TrailingData", "done", `{} {}`, 400, hallq.EINVALID},
		{"Array", "start", `[]`, 400, hallq.EINVALID},
		{"UnknownField", "recall", `{"expected":1}`, 400, hallq.EINVALID},
		{"OpenTakesNoExpect", "open", `{"expect":1}`, 400, hallq.EINVALID},
		{"OpenTakeOverNotBool", "open", `{"take_over":"yes"}`, 400, hallq.EINVALID},
		{"PauseTakesNothing", "pause", `{"take_over":true}`, 400, hallq.EINVALID},
		{"CloseTakesNothing", "close", `{"reason":"lunch"}`, 400, hallq.EINVALID},
		{"NextTakesNoNumber", "next", `{"number":"A001"}`, 400, hallq.EINVALID},
		{"NextTakesNoService", "next", `{"service":"B"}`, 400, hallq.EINVALID},
		{"ExpectNegative", "next", `{"expect":-1}`, 400, hallq.EINVALID},
		{"ExpectString", "next", `{"expect":"1"}`, 400, hallq.EINVALID},
		{"CallNumberNotString", "call", `{"number":1}`, 400, hallq.EINVALID},
		{"CallWithoutNumber", "call", `{}`, 400, hallq.EINVALID},
		{"CallTakesNoService", "call", `{"number":"A001","service":"B"}`, 400, hallq.EINVALID},
		{"RecallTakesNoCounter", "recall", `{"counter":"2"}`, 400, hallq.EINVALID},
		{"TransferTakesNoTakeOver", "transfer", `{"service":"B","take_over":true}`, 400, hallq.EINVALID},
		{"TooLarge", "next", strings.Repeat(" ", 65<<10) + `{}`, 413, hallq.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act(t, h, clerk, "1", tt.op, tt.body).WantError(t, tt.status, tt.code)
		})
	}

	t.Run("NothingChanged", func(t *testing.T) {
		if c := getCounter(t, h, clerk, "1"); c.State != "open" || c.Ticket != nil {
			t.Fatalf("counter 1 is %s with ticket %v, want open with none", c.State, c.Ticket)
		}
		if got := queue(t, h, clerk)["A"]; len(got) != 1 {
			t.Fatalf("queue A is %v, want A001 still waiting", got)
		}
	})
	t.Run("EmptyBodies", func(t *testing.T) {
		for _, body := range []any{nil, "", "  \n", "{}"} {
			act(t, h, clerk, "1", "pause", body).Want(t, http.StatusOK)
		}
	})
}

func TestHandler_Counters(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")

	var list []counterView
	h.Do(t, "GET", "/api/v1/counters", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &list)
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
		if c.State != "closed" || c.Ticket != nil || c.Staff != "" {
			t.Errorf("counter %s is %s with staff %q, ticket %v; want closed and empty", c.ID, c.State, c.Staff, c.Ticket)
		}
	}
	if got, want := strings.Join(ids, ","), "1,2,3,4"; got != want {
		t.Fatalf("counters %s, want %s", got, want)
	}
	if !list[3].VIPFirst || list[0].VIPFirst {
		t.Fatalf("vip_first of 1 is %v and of 4 is %v, want false and true", list[0].VIPFirst, list[3].VIPFirst)
	}

	issue(t, h, "A")
	open(t, h, clerk, "1")
	called := next(t, h, clerk, "1")

	h.Do(t, "GET", "/api/v1/counters", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &list)
	for _, c := range []counterView{list[0], getCounter(t, h, clerk, "1")} {
		if c.State != "open" || c.Staff != "clerk01" || c.Ticket == nil || c.Ticket.ID != called.ID || c.Ticket.State != "called" {
			t.Fatalf("counter 1 is %s by %q with ticket %+v, want open by clerk01 with %s called", c.State, c.Staff, c.Ticket, called.Number)
		}
	}
}

func TestHandler_Queue(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	if got := queue(t, h, clerk); len(got) != 3 || len(got["A"]) != 0 {
		t.Fatalf("queue %v, want services A, B and C with nothing waiting", got)
	}

	issue(t, h, "A") // A001
	h.Clock.Add(time.Second)
	issue(t, h, "B") // B001
	h.Clock.Add(time.Second)
	issue(t, h, "A") // A002
	h.Clock.Add(time.Second)
	issueVIP(t, h, "A", "gold") // A003: its key is 15 minutes earlier
	issueVIP(t, h, "A", "gold") // A004: the same key as A003, a higher id

	got := queue(t, h, clerk)
	if got, want := strings.Join(got["A"], ","), "A003,A004,A001,A002"; got != want {
		t.Errorf("queue A is %s, want %s", got, want)
	}
	if got, want := strings.Join(got["B"], ","), "B001"; got != want {
		t.Errorf("queue B is %s, want %s", got, want)
	}

	var q struct {
		Services []struct {
			ID      string   `json:"id"`
			Tickets []ticket `json:"tickets"`
		} `json:"services"`
	}
	h.Do(t, "GET", "/api/v1/queue", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &q)
	for i, tk := range q.Services[0].Tickets {
		if tk.Ahead != i || tk.State != "waiting" || tk.Token == "" {
			t.Errorf("ticket %s: ahead %d, state %s, token %q; want ahead %d, waiting, with a token", tk.Number, tk.Ahead, tk.State, tk.Token, i)
		}
	}
}
