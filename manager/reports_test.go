package manager_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"hallq"
	"hallq/internal/hubtest"
)

// scriptedDay plays a short day with known waits at counters 1 and 2:
//
//	+0    A001, A002 and B001 issued
//	+60   counter 1 calls A001 (waited 60 s)
//	+120  counter 2 calls A002 (120 s)
//	+300  counter 1: A001 done (served 240 s)
//	+360  counter 2 transfers A002 to B
//	+420  counter 1 calls A002 again (its second leg waited 60 s)
//	+480  counter 1: A002 done (60 s), rated 4 on the pad
//	+500  counter 1 calls B001 (500 s); +520 no-show, and a complaint
func scriptedDay(t *testing.T, h *hubtest.Hub) (a1, a2, b1 *hallq.Ticket) {
	t.Helper()
	ctx := t.Context()
	at := func(s int, f func()) {
		h.Clock.Add(time.Duration(s)*time.Second - h.Clock.Now().Sub(start(h)))
		f()
	}
	a1, a2, b1 = h.Issue(t, hallq.IssueRequest{Service: "A"}), h.Issue(t, hallq.IssueRequest{Service: "A"}), h.Issue(t, hallq.IssueRequest{Service: "B"})
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	at(60, func() { h.Act(t, hallq.OpNext, "1", "clerk01") })
	at(120, func() { h.Act(t, hallq.OpNext, "2", "clerk02") })
	at(300, func() { h.Act(t, hallq.OpDone, "1", "clerk01") })
	at(360, func() {
		if _, err := h.Store.ActAtCounter(ctx, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "2", ToService: "B",
			By: hallq.Actor{Name: "clerk02", Role: hallq.RoleStaff}}, ""); err != nil {
			t.Fatal(err)
		}
	})
	at(420, func() { h.Act(t, hallq.OpNext, "1", "clerk01") })
	at(480, func() {
		h.Act(t, hallq.OpDone, "1", "clerk01")
		if _, err := h.Store.RateTicket(ctx, "1", a2.ID, 4); err != nil {
			t.Fatal(err)
		}
	})
	at(500, func() { h.Act(t, hallq.OpNext, "1", "clerk01") })
	at(520, func() {
		h.Act(t, hallq.OpNoShow, "1", "clerk01")
		if _, err := h.Store.Complain(ctx, hallq.Actor{Name: "clerk01", Role: hallq.RoleStaff}, hallq.ComplaintAtCounter,
			hallq.TicketRef{Number: "B001"}, hallq.NewComplaint{Category: "wait_too_long"}); err != nil {
			t.Fatal(err)
		}
	})
	return a1, a2, b1
}

// start is when the test hub's clock starts.
func start(h *hubtest.Hub) time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

type figures struct {
	Tickets, Served, Transferred int
	NoShow                       int                         `json:"no_show"`
	Wait                         struct{ Avg, P90, Max int } `json:"wait_s"`
	Service                      struct{ Avg int }           `json:"service_s"`
	ServiceLevel                 *float64                    `json:"service_level"`
	Ratings                      struct {
		N        int
		Avg      *float64
		BySource map[string]int `json:"by_source"`
	}
	Estimate   struct{ N int }
	Complaints int
}

func TestHandler_Stats(t *testing.T) {
	h, admin := newHub(t)
	scriptedDay(t, h)
	var s struct {
		From, To string
		figures
		ByService map[string]figures `json:"by_service"`
		ByCounter map[string]figures `json:"by_counter"`
		ByStaff   map[string]figures `json:"by_staff"`
		ByHour    map[string]figures `json:"by_hour"`
	}
	h.Do(t, "GET", "/api/v1/stats", nil, admin).Want(t, http.StatusOK).Decode(t, &s)
	if s.From != "2026-11-25" || s.To != "2026-11-25" {
		t.Errorf("range %s to %s, want today", s.From, s.To)
	}
	f := s.figures
	if f.Tickets != 3 || f.Served != 2 || f.NoShow != 1 || f.Transferred != 1 {
		t.Errorf("counts %+v", f)
	}
	if f.Wait.Avg != 185 || f.Wait.P90 != 500 || f.Wait.Max != 500 || f.Service.Avg != 150 {
		t.Errorf("waits %+v, service %+v; want avg 185 (60, 120, 60, 500), p90 and max 500, service 150", f.Wait, f.Service)
	}
	if f.ServiceLevel == nil || *f.ServiceLevel != 1 {
		t.Errorf("service level %v, want 1: every leg was called within its target", f.ServiceLevel)
	}
	if f.Ratings.N != 1 || f.Ratings.Avg == nil || *f.Ratings.Avg != 4 || f.Ratings.BySource["pad"] != 1 {
		t.Errorf("ratings %+v", f.Ratings)
	}
	// The three were issued while every counter was closed: with no
	// estimate given, the accuracy has nothing to measure.
	if f.Estimate.N != 0 || f.Complaints != 1 {
		t.Errorf("estimates of %d first legs, %d complaints; want 0 (issued with no estimate) and 1", f.Estimate.N, f.Complaints)
	}
	if a, b := s.ByService["A"], s.ByService["B"]; a.Tickets != 2 || a.Served != 1 || a.Transferred != 1 || a.Wait.Max != 120 ||
		b.Tickets != 1 || b.Served != 1 || b.NoShow != 1 || b.Wait.Max != 500 {
		t.Errorf("by service: A %+v, B %+v", a, b)
	}
	if c1, c2 := s.ByCounter["1"], s.ByCounter["2"]; c1.Served != 2 || c1.NoShow != 1 || c2.Transferred != 1 || c2.Wait.Avg != 120 {
		t.Errorf("by counter: 1 %+v, 2 %+v", c1, c2)
	}
	if got := s.ByStaff["clerk01"]; got.Served != 2 || got.Ratings.N != 1 {
		t.Errorf("clerk01: %+v", got)
	}
	tickets, served := 0, 0
	for hour, f := range s.ByHour {
		if len(hour) != 2 || hour < "00" || hour > "23" {
			t.Errorf("by_hour key %q, want 00 to 23", hour)
		}
		tickets, served = tickets+f.Tickets, served+f.Served
	}
	if tickets != 3 || served != 2 {
		t.Errorf("by_hour adds up to %d tickets, %d served; want 3 and 2: %+v", tickets, served, s.ByHour)
	}

	h.Do(t, "GET", "/api/v1/stats?from=2026-11-26&to=2026-11-20", nil, admin).WantError(t, http.StatusBadRequest, "invalid")
	h.Do(t, "GET", "/api/v1/stats?from=yesterday", nil, admin).WantError(t, http.StatusBadRequest, "invalid")
	var empty figures
	h.Do(t, "GET", "/api/v1/stats?from=2026-11-01&to=2026-11-24", nil, admin).Want(t, http.StatusOK).Decode(t, &empty)
	if empty.Tickets != 0 || empty.ServiceLevel != nil {
		t.Errorf("days before the hall opened: %+v", empty)
	}
}

func TestHandler_TicketsReport(t *testing.T) {
	h, admin := newHub(t)
	scriptedDay(t, h)
	res := h.Do(t, "GET", "/api/v1/reports/tickets.csv", nil, admin).Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := "id,number,service,tier,state,issued_at,called_at,served_at,finished_at,counter,staff,wait_s,service_s,eta_s,rating"; strings.Join(rows[0], ",") != want {
		t.Errorf("header %v", rows[0])
	}
	var got []string
	for _, r := range rows[1:] {
		// number, service, state, counter, staff, wait, service time, rating
		got = append(got, strings.Join([]string{r[1], r[2], r[4], r[9], r[10], r[11], r[12], r[14]}, " "))
	}
	want := []string{
		"A001 A done 1 clerk01 60 240 ",
		"A002 A transferred 2 clerk02 120  ",
		"B001 B no_show 1 clerk01 500  ",
		"A002 B done 1 clerk01 60 60 4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	staff := hubtest.Bearer(h.Staff(t, "clerk09"))
	h.Do(t, "GET", "/api/v1/reports/tickets.csv", nil, staff).WantError(t, http.StatusForbidden, "forbidden")
}
