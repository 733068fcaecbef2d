package manager_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"hallq"
)

// TestHandler_CardArchive: cards found by last four or holder, told apart by
// id, exported without numbers; an import reports cards already expired and,
// all or none, imports nothing when one row is bad.
func TestHandler_CardArchive(t *testing.T) {
	h, admin := newHub(t)
	type card struct{ ID, Last4, Tier, Holder, Expires string }
	var wang, li card
	h.Do(t, "POST", "/api/v1/cards", `{"number": "6222020200001234", "tier": "gold", "holder": "Wang Fang"}`, admin).
		Want(t, http.StatusCreated).Decode(t, &wang)
	h.Do(t, "POST", "/api/v1/cards", `{"number": "6222999900001234", "tier": "silver", "holder": "Li Wei"}`, admin).
		Want(t, http.StatusCreated).Decode(t, &li)
	if !strings.HasPrefix(wang.ID, "c_") || wang.ID == li.ID || wang.Last4 != li.Last4 {
		t.Fatalf("two cards ending 1234: %+v, %+v", wang, li)
	}

	for q, want := range map[string]int{"": 2, "1234": 2, "234": 2, "wang": 1, "LI W": 1, "9999": 0} {
		var got []card
		h.Do(t, "GET", "/api/v1/cards?q="+strings.ReplaceAll(q, " ", "%20"), nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		if len(got) != want {
			t.Errorf("q=%q: %d cards, want %d", q, len(got), want)
		}
	}

	var got card
	h.Do(t, "GET", "/api/v1/cards/"+li.ID, nil, admin).Want(t, http.StatusOK).Decode(t, &got)
	if got.Holder != "Li Wei" {
		t.Errorf("by id: %+v", got)
	}
	h.Do(t, "PUT", "/api/v1/cards/"+li.ID, `{"tier": "gold"}`, admin).Want(t, http.StatusOK).Decode(t, &got)
	if got.Tier != "gold" {
		t.Errorf("PUT by id: %+v", got)
	}
	h.Do(t, "GET", "/api/v1/cards/c_0000000000000000", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	h.Do(t, "GET", "/api/v1/cards/c_nothex", nil, admin).WantError(t, http.StatusNotFound, "not_found")

	res := h.Do(t, "GET", "/api/v1/cards/export.csv", nil, admin).Want(t, http.StatusOK)
	if body := string(res.Body); !strings.HasPrefix(body, "id,last4,tier,holder,expires\n") || strings.Contains(body, "62220202") ||
		!strings.Contains(body, wang.ID+",1234,gold,Wang Fang,") {
		t.Errorf("export:\n%s", body)
	}
	h.Do(t, "DELETE", "/api/v1/cards/"+wang.ID, nil, admin).Want(t, http.StatusNoContent)

	csvBody := "number,tier,holder,expires\n6222111100005555,gold,Zhou,2020-01-31\n6222111100006666,silver,Qian,\n"
	var imp struct {
		Imported int
		Expired  []int
		Errors   []struct{ Line int }
	}
	h.Do(t, "POST", "/api/v1/cards/import", csvBody, admin).Want(t, http.StatusOK).Decode(t, &imp)
	if imp.Imported != 2 || len(imp.Expired) != 1 || imp.Expired[0] != 2 {
		t.Errorf("import: %+v, want 2 imported and line 2 already expired", imp)
	}
	bad := "number,tier,holder,expires\n6222111100007777,gold,Sun,\n6222111100008888,no-such-tier,Wu,\n"
	h.Do(t, "POST", "/api/v1/cards/import?all_or_none=true", bad, admin).Want(t, http.StatusOK).Decode(t, &imp)
	if imp.Imported != 0 || len(imp.Errors) != 1 || imp.Errors[0].Line != 3 {
		t.Errorf("all or none: %+v", imp)
	}
	h.Do(t, "GET", "/api/v1/cards/6222111100007777", nil, admin).WantError(t, http.StatusNotFound, "not_found")
}

// TestHandler_CardVisits: a card's file lists its tickets, newest first,
// with the wait, the counter and the rating.
func TestHandler_CardVisits(t *testing.T) {
	h, admin := newHub(t)
	var c struct{ ID string }
	h.Do(t, "POST", "/api/v1/cards", `{"number": "6222020200004321", "tier": "gold", "holder": "Wang Fang"}`, admin).
		Want(t, http.StatusCreated).Decode(t, &c)
	first := h.Issue(t, hallq.IssueRequest{Service: "A", Card: "6222020200004321"})
	h.Issue(t, hallq.IssueRequest{Service: "A"}) // not the card's
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Clock.Add(3 * time.Minute)
	h.Act(t, hallq.OpNext, "1", "clerk01")
	h.Act(t, hallq.OpDone, "1", "clerk01")
	if _, err := h.Store.RateTicket(t.Context(), "1", first.ID, 5); err != nil {
		t.Fatal(err)
	}
	second := h.Issue(t, hallq.IssueRequest{Service: "B", Card: "6222020200004321"})
	var visits []struct {
		Number  string
		State   string
		WaitS   *int `json:"wait_s"`
		Counter string
		Rating  int
	}
	h.Do(t, "GET", "/api/v1/cards/"+c.ID+"/visits", nil, admin).Want(t, http.StatusOK).Decode(t, &visits)
	if len(visits) != 2 || visits[0].Number != second.Number || visits[0].WaitS != nil ||
		visits[1].Number != first.Number || visits[1].WaitS == nil || *visits[1].WaitS != 180 || visits[1].Counter != "1" || visits[1].Rating != 5 {
		t.Errorf("visits %+v", visits)
	}
	h.Do(t, "GET", "/api/v1/cards/6222020200004321/visits", nil, admin).Want(t, http.StatusOK)
	h.Do(t, "GET", "/api/v1/cards/c_0000000000000000/visits", nil, admin).WantError(t, http.StatusNotFound, "not_found")
}
