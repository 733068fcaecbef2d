package kiosk_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"hallq"
	"hallq/internal/hubtest"
)

// served issues a ticket of service A with card (none when ""), serves and
// finishes it at counter 1, and returns it.
func served(t *testing.T, h *hubtest.Hub, card string) ticket {
	t.Helper()
	tk := issue(t, h, map[string]string{"service": "A", "card": card})
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpNext, "1", "clerk01")
	h.Act(t, hallq.OpDone, "1", "clerk01")
	return tk
}

// feedback is a Ticket's rating and complaint, as the phone page reads them.
type feedback struct {
	State     string `json:"state"`
	Rating    int    `json:"rating"`
	RateUntil string `json:"rate_until"`
	Complaint *struct {
		State string `json:"state"`
	} `json:"complaint"`
}

func TestTicketRating(t *testing.T) {
	h := newHub(t, limits{})
	tk := served(t, h, "")
	path := "/api/v1/tickets/" + tk.Token + "/rating"

	var before feedback
	h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Decode(t, &before)
	if until, err := time.Parse(time.RFC3339, before.RateUntil); err != nil || !until.Equal(h.Clock.Now().Add(hallq.PhoneRateWindow)) {
		t.Errorf("a done ticket's rate_until %q, want 10 minutes after it ended", before.RateUntil)
	}

	h.Do(t, "POST", path, `{"score": 6}`).WantError(t, http.StatusBadRequest, "invalid")
	staff := hubtest.Bearer(h.Staff(t, "clerk02"))
	h.Do(t, "POST", path, `{"score": 1}`, staff).WantError(t, http.StatusForbidden, "forbidden")

	var rated feedback
	h.Do(t, "POST", path, `{"score": 4}`).Want(t, http.StatusCreated).Decode(t, &rated)
	if rated.Rating != 4 || rated.RateUntil != "" {
		t.Errorf("rated ticket %+v, want rating 4 and no more rate_until", rated)
	}
	h.Do(t, "POST", path, `{"score": 5}`).WantError(t, http.StatusConflict, "conflict")
	// Nor may the pad rate it now.
	if _, err := h.Store.RateTicket(t.Context(), "1", tk.ID, 2); hallq.ErrorCode(err) != hallq.ECONFLICT {
		t.Errorf("the pad's rating after the phone's: %v, want a conflict", err)
	}

	waiting := issue(t, h, map[string]string{"service": "B"})
	h.Do(t, "POST", "/api/v1/tickets/"+waiting.Token+"/rating", `{"score": 5}`).WantError(t, http.StatusConflict, "conflict")

	late := served(t, h, "")
	h.Clock.Add(hallq.PhoneRateWindow + time.Second)
	h.Do(t, "POST", "/api/v1/tickets/"+late.Token+"/rating", `{"score": 5}`).WantError(t, http.StatusConflict, "conflict")
	h.Do(t, "POST", "/api/v1/tickets/nosuchtoken/rating", `{"score": 5}`).WantError(t, http.StatusNotFound, "not_found")
}

func TestTicketRating_AfterPad(t *testing.T) {
	h := newHub(t, limits{})
	tk := served(t, h, "")
	if _, err := h.Store.RateTicket(t.Context(), "1", tk.ID, 5); err != nil {
		t.Fatal(err)
	}
	h.Do(t, "POST", "/api/v1/tickets/"+tk.Token+"/rating", `{"score": 1}`).WantError(t, http.StatusConflict, "conflict")
}

func TestTicketComplaint(t *testing.T) {
	h := newHub(t, limits{})
	tk := served(t, h, "")
	path := "/api/v1/tickets/" + tk.Token + "/complaint"

	h.Do(t, "POST", path, `{"category": "rude"}`).WantError(t, http.StatusBadRequest, "invalid")
	h.Do(t, "POST", path, `{"category": "other"}`).WantError(t, http.StatusBadRequest, "invalid") // say what
	var c struct {
		ID       uint64
		Ticket   string
		Source   string
		Category string
		State    string
	}
	h.Do(t, "POST", path, `{"category": "wait_too_long", "text": "Forty minutes for a card."}`).Want(t, http.StatusCreated).Decode(t, &c)
	if c.ID == 0 || c.Ticket != tk.Number || c.Source != "phone" || c.Category != "wait_too_long" || c.State != "received" {
		t.Errorf("complaint %+v", c)
	}
	h.Do(t, "POST", path, `{"category": "attitude"}`).WantError(t, http.StatusConflict, "conflict")

	var got feedback
	res := h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK)
	res.Decode(t, &got)
	if got.Complaint == nil || got.Complaint.State != "received" {
		t.Errorf("the ticket's complaint %+v, want received", got.Complaint)
	}
	if bytes.Contains(res.Body, []byte("Forty minutes")) {
		t.Errorf("the ticket view carries the complaint's text: %s", res.Body)
	}
}

// TestHolderNeverPublic: the name on a VIP card is for staff to greet its
// holder, never on a page the public sees.
func TestHolderNeverPublic(t *testing.T) {
	h := newHub(t, limits{})
	addCard(t, h, hallq.Card{Number: "6222020200001234", Tier: "gold", Holder: "Wang Fang"})
	res := h.Do(t, "POST", "/api/v1/tickets", `{"service": "A", "card": "6222020200001234"}`).Want(t, http.StatusCreated)
	var tk ticket
	res.Decode(t, &tk)
	for _, body := range [][]byte{res.Body, h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Body} {
		if bytes.Contains(body, []byte("Wang")) || bytes.Contains(body, []byte("holder")) {
			t.Errorf("a public ticket view names the card holder: %s", body)
		}
	}
}

// TestTicketAcceptLanguage: a ticket issued without lang takes the
// browser's language, regional tags included.
func TestTicketAcceptLanguage(t *testing.T) {
	h := newHub(t, limits{})
	for header, want := range map[string]string{
		"zh-CN,zh;q=0.9,en;q=0.8": "zh",
		"en-GB,en;q=0.9":          "en",
		"fr-FR, en;q=0.5":         "en",
		"fr-FR":                   "en", // none offered: the hall's first language
		"":                        "en",
	} {
		tk := issue(t, h, map[string]string{"service": "A"}, hubtest.Header("Accept-Language", header))
		if tk.Lang != want {
			t.Errorf("Accept-Language %q: ticket in %q, want %q", header, tk.Lang, want)
		}
	}
	if tk := issue(t, h, map[string]string{"service": "A", "lang": "en"}, hubtest.Header("Accept-Language", "zh-CN")); tk.Lang != "en" {
		t.Errorf("lang en with a Chinese browser: %q", tk.Lang)
	}
}

// TestComplaintThenPadRating: a pad's rating after a complaint keeps the
// complaint on the ticket.
func TestComplaintThenPadRating(t *testing.T) {
	h := newHub(t, limits{})
	tk := served(t, h, "")
	h.Do(t, "POST", "/api/v1/tickets/"+tk.Token+"/complaint", `{"category": "wait_too_long"}`).Want(t, http.StatusCreated)
	if _, err := h.Store.RateTicket(t.Context(), "1", tk.ID, 2); err != nil {
		t.Fatal(err)
	}
	var got feedback
	h.Do(t, "GET", "/api/v1/tickets/"+tk.Token, nil).Want(t, http.StatusOK).Decode(t, &got)
	if got.Rating != 2 || got.Complaint == nil || got.Complaint.State != "received" {
		t.Errorf("after a complaint and a pad rating: %+v, complaint %+v", got, got.Complaint)
	}
	h.Do(t, "POST", "/api/v1/tickets/"+tk.Token+"/complaint", `{"category": "attitude"}`).WantError(t, http.StatusConflict, "conflict")
}
