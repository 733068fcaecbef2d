package counter_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hallq"
	"hallq/counter"
	"hallq/internal/hubtest"
)

func TestHandler_Open(t *testing.T) {
	h := newHub(t)
	clerk1, clerk2 := h.Staff(t, "clerk01"), h.Staff(t, "clerk02")

	if c := open(t, h, clerk1, "1"); c.Staff != "clerk01" || c.ID != "1" {
		t.Fatalf("counter %s is open by %q, want 1 by clerk01", c.ID, c.Staff)
	}
	open(t, h, clerk1, "1") // already open by the same user: 200

	t.Run("InUse", func(t *testing.T) {
		act(t, h, clerk2, "1", "open", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		act(t, h, clerk2, "1", "open", map[string]bool{"take_over": false}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		act(t, h, clerk2, "1", "next", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
	t.Run("TakeOver", func(t *testing.T) {
		c := actCounter(t, h, clerk2, "1", "open", map[string]bool{"take_over": true})
		if c.State != "open" || c.Staff != "clerk02" {
			t.Fatalf("counter 1 is %s by %q, want open by clerk02", c.State, c.Staff)
		}
		act(t, h, clerk1, "1", "next", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		act(t, h, clerk2, "1", "next", nil).Want(t, http.StatusNoContent)
	})
}

func TestHandler_PauseClose(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	issue(t, h, "A")

	act(t, h, clerk, "1", "pause", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT) // closed: nothing to pause
	open(t, h, clerk, "1")
	if c := actCounter(t, h, clerk, "1", "pause", nil); c.State != "paused" {
		t.Fatalf("counter 1 is %s after pause, want paused", c.State)
	}
	actCounter(t, h, clerk, "1", "pause", nil) // already paused: 200
	act(t, h, clerk, "1", "next", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)

	open(t, h, clerk, "1") // resume
	tk := next(t, h, clerk, "1")
	t.Run("RefusedWhileCalled", func(t *testing.T) {
		act(t, h, clerk, "1", "close", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
		if c := getCounter(t, h, clerk, "1"); c.State != "open" || c.Ticket == nil || c.Ticket.ID != tk.ID {
			t.Fatalf("counter 1 is %s with ticket %+v, want open with %s", c.State, c.Ticket, tk.Number)
		}
	})

	actTicket(t, h, clerk, "1", "done", nil)
	if c := actCounter(t, h, clerk, "1", "close", nil); c.State != "closed" || c.Staff != "" || c.Ticket != nil {
		t.Fatalf("counter 1 is %s by %q with %+v, want closed and empty", c.State, c.Staff, c.Ticket)
	}
	actCounter(t, h, clerk, "1", "close", nil) // already closed: 200
	act(t, h, clerk, "1", "next", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
}

func TestHandler_Next(t *testing.T) {
	t.Run("NothingWaiting", func(t *testing.T) {
		h := newHub(t)
		clerk := h.Staff(t, "clerk01")
		open(t, h, clerk, "1")
		res := act(t, h, clerk, "1", "next", nil).Want(t, http.StatusNoContent)
		if len(res.Body) != 0 {
			t.Fatalf("204 with body %q", res.Body)
		}
	})

	t.Run("FinishesTheCurrentTicket", func(t *testing.T) {
		h := newHub(t)
		clerk := h.Staff(t, "clerk01")
		issue(t, h, "A")
		issue(t, h, "A")
		open(t, h, clerk, "1")
		first := next(t, h, clerk, "1")
		actTicket(t, h, clerk, "1", "start", nil)
		second := next(t, h, clerk, "1")
		wantNumber(t, second, "A002")
		if got := stateOf(t, h, first.Token); got != "done" {
			t.Fatalf("%s is %s after next, want done", first.Number, got)
		}
		act(t, h, clerk, "1", "next", nil).Want(t, http.StatusNoContent) // finishes A002 too
		if got := stateOf(t, h, second.Token); got != "done" {
			t.Fatalf("%s is %s after next, want done", second.Number, got)
		}
		if c := getCounter(t, h, clerk, "1"); c.Ticket != nil {
			t.Fatalf("counter 1 has ticket %s after an empty next, want none", c.Ticket.Number)
		}
	})

	t.Run("GeneralCounterCallsVIPFirst", func(t *testing.T) {
		h := newHub(t)
		clerk := h.Staff(t, "clerk01")
		issue(t, h, "A") // A001, regular
		h.Clock.Add(time.Minute)
		issueVIP(t, h, "A", "gold") // A002: issued later, key 14 minutes earlier
		open(t, h, clerk, "1")
		wantNumber(t, next(t, h, clerk, "1"), "A002")
		wantNumber(t, next(t, h, clerk, "1"), "A001")
	})

	t.Run("StreakCap", func(t *testing.T) {
		// vip_streak_cap is 3: after three VIPs ahead of an older regular
		// ticket, the regular one is called.
		h := newHub(t)
		clerk := h.Staff(t, "clerk01")
		issue(t, h, "A") // A001
		for range 4 {    // A002..A005
			h.Clock.Add(time.Second)
			issueVIP(t, h, "A", "gold")
		}
		open(t, h, clerk, "1")
		var got []string
		for range 5 {
			got = append(got, next(t, h, clerk, "1").Number)
		}
		if got, want := strings.Join(got, ","), "A002,A003,A004,A001,A005"; got != want {
			t.Fatalf("calls %s, want %s", got, want)
		}
	})

	t.Run("VIPWindow", func(t *testing.T) {
		// A silver ticket issued 10 minutes after a regular one has the
		// later key (5 minutes head start): a general counter calls the
		// regular ticket, the VIP window the silver one.
		for _, tt := range []struct{ counter, want string }{{"1", "A001"}, {"4", "A002"}} {
			h := newHub(t)
			clerk := h.Staff(t, "clerk01")
			issue(t, h, "A")
			h.Clock.Add(10 * time.Minute)
			issueVIP(t, h, "A", "silver")
			open(t, h, clerk, tt.counter)
			wantNumber(t, next(t, h, clerk, tt.counter), tt.want)
		}
	})
}

func TestHandler_Call(t *testing.T) {
	h := newHub(t)
	clerk1, clerk2 := h.Staff(t, "clerk01"), h.Staff(t, "clerk02")
	issue(t, h, "A")
	issue(t, h, "A")
	issue(t, h, "A")
	open(t, h, clerk1, "1")
	open(t, h, clerk2, "2")

	tk := actTicket(t, h, clerk1, "1", "call", map[string]string{"number": "A003", "reason": "Elderly customer"})
	if tk.Number != "A003" || tk.State != "called" || tk.Counter != "1" {
		t.Fatalf("call: %s is %s at %q, want A003 called at 1", tk.Number, tk.State, tk.Counter)
	}
	if got := strings.Join(queue(t, h, clerk1)["A"], ","); got != "A001,A002" {
		t.Fatalf("queue A is %s after the call, want A001,A002", got)
	}

	t.Run("FinishesTheCurrentTicket", func(t *testing.T) {
		wantNumber(t, actTicket(t, h, clerk1, "1", "call", map[string]string{"number": "a002"}), "A002")
		if got := stateOf(t, h, tk.Token); got != "done" {
			t.Fatalf("A003 is %s after the next call, want done", got)
		}
	})
	t.Run("CalledElsewhere", func(t *testing.T) {
		act(t, h, clerk2, "2", "call", map[string]string{"number": "A002"}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
	t.Run("UnknownNumber", func(t *testing.T) {
		act(t, h, clerk2, "2", "call", map[string]string{"number": "A099"}).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	})
	t.Run("ReasonTooLong", func(t *testing.T) {
		body := map[string]string{"number": "A001", "reason": strings.Repeat("x", 201)}
		act(t, h, clerk2, "2", "call", body).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	})

	t.Run("NoShowWithinTolerance", func(t *testing.T) {
		// recall_tolerance_s is 600.
		missed := next(t, h, clerk2, "2")
		wantNumber(t, missed, "A001")
		actTicket(t, h, clerk2, "2", "noshow", nil)
		h.Clock.Add(9 * time.Minute)
		back := actTicket(t, h, clerk2, "2", "call", map[string]string{"number": "A001", "reason": "Came back"})
		if back.ID != missed.ID || back.State != "called" {
			t.Fatalf("call back: %s is %s, want A001 called", back.Number, back.State)
		}

		actTicket(t, h, clerk2, "2", "noshow", nil)
		h.Clock.Add(11 * time.Minute)
		act(t, h, clerk2, "2", "call", map[string]string{"number": "A001"}).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	})
}

func TestHandler_Recall(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	issue(t, h, "A")
	open(t, h, clerk, "1")
	act(t, h, clerk, "1", "recall", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT) // nothing called
	tk := next(t, h, clerk, "1")

	// recall_limit is 3.
	for i := 1; i <= 3; i++ {
		r := actTicket(t, h, clerk, "1", "recall", map[string]uint64{"expect": tk.ID})
		if r.ID != tk.ID || r.State != "called" || r.Recalls != i {
			t.Fatalf("recall %d: %s is %s with %d recalls", i, r.Number, r.State, r.Recalls)
		}
	}
	act(t, h, clerk, "1", "recall", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)

	actTicket(t, h, clerk, "1", "start", nil)
	act(t, h, clerk, "1", "recall", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT) // being served
}

func TestHandler_StartDoneNoShow(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	issue(t, h, "A")
	issue(t, h, "A")
	open(t, h, clerk, "1")
	for _, op := range []string{"start", "done", "noshow"} {
		act(t, h, clerk, "1", op, nil).WantError(t, http.StatusConflict, hallq.ECONFLICT) // nothing called
	}

	t.Run("StartDone", func(t *testing.T) {
		tk := next(t, h, clerk, "1")
		started := actTicket(t, h, clerk, "1", "start", map[string]uint64{"expect": tk.ID})
		if started.ID != tk.ID || started.State != "serving" || started.ServedAt == "" {
			t.Fatalf("start: %s is %s, served at %q; want serving with a time", started.Number, started.State, started.ServedAt)
		}
		actTicket(t, h, clerk, "1", "start", nil) // already serving: 200
		act(t, h, clerk, "1", "noshow", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)

		done := actTicket(t, h, clerk, "1", "done", map[string]uint64{"expect": tk.ID})
		if done.ID != tk.ID || done.State != "done" {
			t.Fatalf("done: %s is %s, want done", done.Number, done.State)
		}
		actTicket(t, h, clerk, "1", "done", nil) // already done: 200
		if c := getCounter(t, h, clerk, "1"); c.Ticket != nil {
			t.Fatalf("counter 1 has ticket %s after done, want none", c.Ticket.Number)
		}
	})
	t.Run("NoShow", func(t *testing.T) {
		tk := next(t, h, clerk, "1")
		ns := actTicket(t, h, clerk, "1", "noshow", nil)
		if ns.ID != tk.ID || ns.State != "no_show" {
			t.Fatalf("noshow: %s is %s, want no_show", ns.Number, ns.State)
		}
		act(t, h, clerk, "1", "start", nil).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
}

func TestHandler_Transfer(t *testing.T) {
	h := newHub(t)
	clerks := map[string]string{}
	for _, id := range []string{"1", "2", "3"} {
		clerks[id] = h.Staff(t, "clerk0"+id)
		open(t, h, clerks[id], id)
	}
	issue(t, h, "A")
	act(t, h, clerks["1"], "1", "transfer", map[string]string{"service": "B"}).WantError(t, http.StatusConflict, hallq.ECONFLICT) // nothing called

	t.Run("ToService", func(t *testing.T) {
		tk := next(t, h, clerks["1"], "1")
		moved := actTicket(t, h, clerks["1"], "1", "transfer", map[string]any{"service": "B", "expect": tk.ID})
		if moved.ID != tk.ID || moved.Number != "A001" || moved.Service != "B" || moved.State != "waiting" {
			t.Fatalf("transfer: %s of %s is %s, want A001 of B waiting", moved.Number, moved.Service, moved.State)
		}
		if q := queue(t, h, clerks["1"]); len(q["A"]) != 0 || strings.Join(q["B"], ",") != "A001" {
			t.Fatalf("queue %v, want A001 waiting for B", q)
		}
		if c := getCounter(t, h, clerks["1"], "1"); c.Ticket != nil {
			t.Fatalf("counter 1 still has %s", c.Ticket.Number)
		}
	})

	t.Run("ToCounter", func(t *testing.T) {
		tk := next(t, h, clerks["1"], "1")
		moved := actTicket(t, h, clerks["1"], "1", "transfer", map[string]string{"counter": "2"})
		if moved.ID != tk.ID || moved.Target != "2" || moved.State != "waiting" {
			t.Fatalf("transfer: %s is %s for counter %q, want waiting for 2", moved.Number, moved.State, moved.Target)
		}
		act(t, h, clerks["3"], "3", "next", nil).Want(t, http.StatusNoContent)
		if got := next(t, h, clerks["2"], "2"); got.ID != tk.ID {
			t.Fatalf("counter 2 called %s, want %s", got.Number, tk.Number)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, body := range []map[string]string{
			{},
			{"service": "B", "counter": "3"},
			{"service": "Z"},
			{"counter": "9"},
		} {
			act(t, h, clerks["2"], "2", "transfer", body).WantError(t, http.StatusBadRequest, hallq.EINVALID)
		}
		if c := getCounter(t, h, clerks["2"], "2"); c.Ticket == nil || c.Ticket.Number != "A001" {
			t.Fatalf("counter 2 has %+v after refused transfers, want A001", c.Ticket)
		}
	})
}

func TestHandler_StaleExpect(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	issue(t, h, "A")
	issue(t, h, "A")
	open(t, h, clerk, "1")
	tk := next(t, h, clerk, "1")
	stale := map[string]any{"expect": tk.ID + 1}

	for _, op := range []string{"next", "recall", "start", "done", "noshow"} {
		act(t, h, clerk, "1", op, stale).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	}
	act(t, h, clerk, "1", "call", map[string]any{"number": "A002", "expect": tk.ID + 1}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	act(t, h, clerk, "1", "transfer", map[string]any{"service": "B", "expect": tk.ID + 1}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	if c := getCounter(t, h, clerk, "1"); c.Ticket == nil || c.Ticket.ID != tk.ID || c.Ticket.State != "called" || c.Ticket.Recalls != 0 {
		t.Fatalf("counter 1 has %+v after stale actions, want %s called, untouched", c.Ticket, tk.Number)
	}

	wantNumber(t, actTicket(t, h, clerk, "1", "next", map[string]uint64{"expect": tk.ID}), "A002")
	// The terminal still shows A001: its next is stale now.
	act(t, h, clerk, "1", "next", map[string]uint64{"expect": tk.ID}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
}

func TestHandler_Idempotency(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	issue(t, h, "A")
	issue(t, h, "A")
	open(t, h, clerk, "1")
	key := func(k string) hubtest.Request { return hubtest.Header("Idempotency-Key", k) }

	t.Run("Next", func(t *testing.T) {
		res := act(t, h, clerk, "1", "next", nil, key("next-1")).Want(t, http.StatusOK)
		var first, again ticket
		res.Decode(t, &first)
		if got := res.Header.Get(counter.ReplayHeader); got != "" {
			t.Errorf("the first next says %s: %q", counter.ReplayHeader, got)
		}
		res = act(t, h, clerk, "1", "next", `{"expect":12345}`, key("next-1")).Want(t, http.StatusOK) // whatever the body
		res.Decode(t, &again)
		if got := res.Header.Get(counter.ReplayHeader); got != "true" {
			t.Errorf("the replayed next says %s: %q, want true", counter.ReplayHeader, got)
		}
		if first.Number != "A001" || again.ID != first.ID || again.State != "called" || again.CalledAt != first.CalledAt {
			t.Fatalf("next twice with one key: %+v then %+v, want A001 called once", first, again)
		}
		if got := strings.Join(queue(t, h, clerk)["A"], ","); got != "A002" {
			t.Fatalf("queue A is %s, want A002 still waiting", got)
		}
		wantNumber(t, actTicket(t, h, clerk, "1", "next", nil, key("next-2")), "A002")
		if got := stateOf(t, h, first.Token); got != "done" {
			t.Fatalf("A001 is %s, want done", got)
		}
	})

	t.Run("NothingWaiting", func(t *testing.T) {
		act(t, h, clerk, "1", "next", nil, key("next-3")).Want(t, http.StatusNoContent)
		issue(t, h, "A") // A003
		act(t, h, clerk, "1", "next", nil, key("next-3")).Want(t, http.StatusNoContent)
		if got := strings.Join(queue(t, h, clerk)["A"], ","); got != "A003" {
			t.Fatalf("queue A is %s, want A003 still waiting", got)
		}
	})

	t.Run("ScopedToPath", func(t *testing.T) {
		// The same key on another action is another request.
		wantNumber(t, actTicket(t, h, clerk, "1", "call", map[string]string{"number": "A003"}, key("next-3")), "A003")
		actTicket(t, h, clerk, "1", "recall", nil, key("recall-1"))
		if again := actTicket(t, h, clerk, "1", "recall", nil, key("recall-1")); again.Recalls != 1 {
			t.Fatalf("recall twice with one key: %d recalls, want 1", again.Recalls)
		}
	})

	t.Run("Counter", func(t *testing.T) {
		// The replay of pause is the counter as it was, with its ticket.
		first := actCounter(t, h, clerk, "1", "pause", nil, key("pause-1"))
		open(t, h, clerk, "1")
		again := actCounter(t, h, clerk, "1", "pause", nil, key("pause-1"))
		if again.State != "paused" || again.Ticket == nil || again.Ticket.Number != first.Ticket.Number || again.Ticket.State != "called" {
			t.Fatalf("pause replayed as %+v with ticket %+v, want paused with %+v", again, again.Ticket, first.Ticket)
		}
		if c := getCounter(t, h, clerk, "1"); c.State != "open" {
			t.Fatalf("counter 1 is %s after a replayed pause, want open", c.State)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// Duplicates that arrive together get one result.
		issue(t, h, "A") // A004
		issue(t, h, "A") // A005
		const n = 8
		replies := make(chan string, n)
		for range n {
			go func() { replies <- postNext(h, clerk, "1", "next-c") }()
		}
		for range n {
			if got := <-replies; got != "200 A004" {
				t.Errorf("a duplicate next got %s, want 200 A004", got)
			}
		}
		if got := strings.Join(queue(t, h, clerk)["A"], ","); got != "A005" {
			t.Fatalf("queue A is %s, want A005 still waiting", got)
		}
	})

	t.Run("BadKey", func(t *testing.T) {
		for _, k := range []string{strings.Repeat("k", 129), "caf\u00e9"} {
			act(t, h, clerk, "1", "next", nil, key(k)).WantError(t, http.StatusBadRequest, hallq.EINVALID)
		}
	})
}

// postNext posts next at counter id with an Idempotency-Key and returns the
// reply's status and ticket number, or the error. It does not fail the test,
// so that goroutines may call it.
func postNext(h *hubtest.Hub, token, id, key string) string {
	req, err := http.NewRequest("POST", h.Server.URL+"/api/v1/counters/"+id+"/next", nil)
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := h.Server.Client().Do(req)
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	var tk ticket
	if err := json.NewDecoder(res.Body).Decode(&tk); err != nil {
		return fmt.Sprintf("%d, %v", res.StatusCode, err)
	}
	return fmt.Sprintf("%d %s", res.StatusCode, tk.Number)
}
