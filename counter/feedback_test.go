package counter_test

import (
	"net/http"
	"testing"
	"time"

	"hallq"
	"hallq/internal/hubtest"
)

// TestHolderForStaff: staff see the name on a VIP card, to greet its holder,
// in the replies to their actions, the queue and their terminal's socket.
func TestHolderForStaff(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	vip := issueVIP(t, h, "A", "gold")
	issue(t, h, "A")
	open(t, h, clerk, "1")

	s, snap := dial(t, h, "/ws/counters/1", hubtest.Bearer(clerk))
	if got := snap["queue"].([]any)[0].(map[string]any)["tickets"].([]any)[0].(map[string]any)["holder"]; got != "Li Wei" {
		t.Errorf("the queue's VIP ticket has holder %v, want Li Wei", got)
	}
	var called struct{ Number, Holder string }
	act(t, h, clerk, "1", "next", nil).Want(t, http.StatusOK).Decode(t, &called)
	if called.Number != vip.Number || called.Holder != "Li Wei" {
		t.Errorf("next called %+v, want %s for Li Wei", called, vip.Number)
	}
	m := s.until(func(m hubtest.Message) bool { return counterOf(m)["ticket"] != nil }, nil)
	if got := counterOf(m)["ticket"].(map[string]any)["holder"]; got != "Li Wei" {
		t.Errorf("the terminal's counter message has holder %v", got)
	}
	var c struct {
		Ticket struct{ Holder string }
	}
	h.Do(t, "GET", "/api/v1/counters/1", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &c)
	if c.Ticket.Holder != "Li Wei" {
		t.Errorf("GET counter 1: holder %q", c.Ticket.Holder)
	}
}

// TestCounterFigures: a counter counts the visits it finished today and
// their mean time, and starts again each hall day.
func TestCounterFigures(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	for range 3 {
		issue(t, h, "A")
	}
	open(t, h, clerk, "1")
	type figures struct {
		Served int  `json:"served_today"`
		AvgS   *int `json:"service_s_avg"`
	}
	get := func() figures {
		var f figures
		h.Do(t, "GET", "/api/v1/counters/1", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &f)
		return f
	}
	if f := get(); f.Served != 0 || f.AvgS != nil {
		t.Errorf("before any visit: %+v", f)
	}
	next(t, h, clerk, "1")
	h.Clock.Add(2 * time.Minute)
	next(t, h, clerk, "1") // finishes the first: 120 s
	h.Clock.Add(4 * time.Minute)
	actTicket(t, h, clerk, "1", "noshow", nil) // not served
	next(t, h, clerk, "1")
	h.Clock.Add(6 * time.Minute)
	actTicket(t, h, clerk, "1", "done", nil) // 360 s
	if f := get(); f.Served != 2 || f.AvgS == nil || *f.AvgS != 240 {
		t.Errorf("after two visits of 2 and 6 minutes and a no-show: served %d, mean %v s; want 2, 240", f.Served, f.AvgS)
	}
	h.Clock.Add(24 * time.Hour)
	if err := h.Store.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	clerk = h.Login(t, "clerk01", "clerk01-password") // a day outlasts a login
	if f := get(); f.Served != 0 || f.AvgS != nil {
		t.Errorf("the next day: %+v", f)
	}
}

// complaint is the API's Complaint, as these tests read it.
type complaint struct {
	ID       uint64 `json:"id"`
	Ticket   string `json:"ticket"`
	Source   string `json:"source"`
	Category string `json:"category"`
	State    string `json:"state"`
	Staff    string `json:"staff"`
}

func TestComplaintAtCounter(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	tk := issue(t, h, "A")
	open(t, h, clerk, "1")
	next(t, h, clerk, "1")

	var c complaint
	h.Do(t, "POST", "/api/v1/complaints", map[string]string{"ticket": "a1", "category": "not_resolved", "text": "Needs a second visit"},
		hubtest.Bearer(clerk)).Want(t, http.StatusCreated).Decode(t, &c)
	if c.Ticket != tk.Number || c.Source != "counter" || c.Staff != "clerk01" || c.State != "received" {
		t.Errorf("complaint %+v", c)
	}
	h.Do(t, "POST", "/api/v1/complaints", map[string]string{"ticket": "A999", "category": "attitude"}, hubtest.Bearer(clerk)).
		WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "POST", "/api/v1/complaints", map[string]string{"category": "environment", "text": "The hall is cold"}, hubtest.Bearer(clerk)).
		Want(t, http.StatusCreated)
	h.Do(t, "POST", "/api/v1/complaints", map[string]string{"category": "attitude"}).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)

	var list []complaint
	h.Do(t, "GET", "/api/v1/complaints", nil, hubtest.Bearer(clerk)).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 2 || list[1].ID != c.ID {
		t.Errorf("today's complaints %+v, want 2, newest first", list)
	}
	h.Do(t, "GET", "/api/v1/complaints?state=open", nil, hubtest.Bearer(clerk)).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "GET", "/api/v1/complaints?from=yesterday", nil, hubtest.Bearer(clerk)).WantError(t, http.StatusBadRequest, hallq.EINVALID)
}

// TestPadComplaint: after a rating of 1 or 2 the pad asks what went wrong,
// and passes the answer on as a complaint; after a good rating it cannot.
func TestPadComplaint(t *testing.T) {
	h := newHub(t)
	clerk := h.Staff(t, "clerk01")
	pad := pairPad(t, h, "1")
	good, bad := issue(t, h, "A"), issue(t, h, "A")
	open(t, h, clerk, "1")
	body := func(id uint64) map[string]any { return map[string]any{"ticket": id, "category": "wait_too_long"} }

	next(t, h, clerk, "1")
	actTicket(t, h, clerk, "1", "done", nil)
	rate(t, h, pad, map[string]any{"ticket": good.ID, "score": 4}).Want(t, http.StatusCreated)
	h.Do(t, "POST", "/api/v1/ratings/complaint", body(good.ID), padAuth(pad)).WantError(t, http.StatusConflict, hallq.ECONFLICT)

	next(t, h, clerk, "1")
	actTicket(t, h, clerk, "1", "done", nil)
	h.Do(t, "POST", "/api/v1/ratings/complaint", body(bad.ID), padAuth(pad)).WantError(t, http.StatusConflict, hallq.ECONFLICT) // not rated yet
	rate(t, h, pad, map[string]any{"ticket": bad.ID, "score": 2}).Want(t, http.StatusCreated)
	var c complaint
	h.Do(t, "POST", "/api/v1/ratings/complaint", body(bad.ID), padAuth(pad)).Want(t, http.StatusCreated).Decode(t, &c)
	if c.Ticket != bad.Number || c.Source != "rating" || c.Category != "wait_too_long" {
		t.Errorf("complaint %+v", c)
	}
	h.Do(t, "POST", "/api/v1/ratings/complaint", body(bad.ID), padAuth(pad)).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	h.Do(t, "POST", "/api/v1/ratings/complaint", body(bad.ID), hubtest.Bearer(clerk)).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
}
