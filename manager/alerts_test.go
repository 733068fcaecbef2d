package manager_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"hallq"
	"hallq/internal/hubtest"
)

// alertReply is an Alert as the API writes it.
type alertReply struct {
	ID             uint64
	Kind           string
	Level          int
	State          string
	Ticket         string
	AcknowledgedBy string `json:"acknowledged_by"`
	ResolvedBy     string `json:"resolved_by"`
	Notes          []struct{ By, Text string }
	Complaint      *struct {
		ID    uint64
		State string
	}
}

// complainAbout serves ticket service A at counter 1 and has its customer
// complain from the phone; it returns the ticket and the complaint.
func complainAbout(t *testing.T, h *hubtest.Hub) (*hallq.Ticket, *hallq.Complaint) {
	t.Helper()
	tk := h.Issue(t, hallq.IssueRequest{Service: "A"})
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpNext, "1", "clerk01")
	h.Act(t, hallq.OpDone, "1", "clerk01")
	c, err := h.Store.Complain(context.Background(), hallq.Actor{}, hallq.ComplaintByPhone, hallq.TicketRef{Token: tk.Token},
		hallq.NewComplaint{Category: "attitude", Text: "The clerk was rude."})
	if err != nil {
		t.Fatal(err)
	}
	return tk, c
}

// A complaint's alert: staff see and acknowledge it, a manager resolves it
// with a note, and its customer and the complaints list see each state.
func TestHandler_AlertComplaint(t *testing.T) {
	h, admin := newHub(t)
	staff := hubtest.Bearer(h.Staff(t, "clerk02"))
	tk, c := complainAbout(t, h)
	path := "/api/v1/alerts/" + itoa(c.Alert)

	var list []alertReply
	h.Do(t, "GET", "/api/v1/alerts", nil, staff).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 1 || list[0].ID != c.Alert || list[0].Kind != "complaint" || list[0].Ticket != tk.Number ||
		list[0].Complaint == nil || list[0].Complaint.ID != c.ID || list[0].State != "open" {
		t.Fatalf("alerts %+v", list)
	}

	var a alertReply
	h.Do(t, "POST", path+"/ack", map[string]string{"note": "I will talk to the customer."}, staff).Want(t, http.StatusOK).Decode(t, &a)
	if a.State != "acknowledged" || a.AcknowledgedBy != "clerk02" || len(a.Notes) != 1 || a.Complaint.State != "in_hand" {
		t.Errorf("acknowledged: %+v", a)
	}
	if got := ticketComplaint(t, h, tk); got.State != hallq.ComplaintInHand {
		t.Errorf("the customer sees %+v, want in hand", got)
	}

	h.Do(t, "POST", path+"/resolve", map[string]string{"note": "Sorted."}, staff).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	h.Do(t, "POST", path+"/resolve", nil, admin).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "POST", path+"/resolve", map[string]string{"note": ""}, admin).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "POST", path+"/resolve", map[string]string{"note": "We apologised and refunded the fee."}, admin).Want(t, http.StatusOK).Decode(t, &a)
	if a.State != "resolved" || a.ResolvedBy != "admin" || len(a.Notes) != 2 || a.Complaint.State != "resolved" {
		t.Errorf("resolved: %+v", a)
	}
	if got := ticketComplaint(t, h, tk); got.State != hallq.ComplaintResolved || got.Resolution != "We apologised and refunded the fee." {
		t.Errorf("the customer sees %+v, want the resolution", got)
	}
	cs, err := h.Store.FindComplaints(context.Background(), "2026-11-25", "2026-11-25", hallq.ComplaintResolved)
	if err != nil || len(cs) != 1 || cs[0].Resolution != "We apologised and refunded the fee." || cs[0].Alert != c.Alert {
		t.Errorf("resolved complaints: %+v, %v", cs, err)
	}

	h.Do(t, "POST", path+"/ack", nil, staff).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	h.Do(t, "GET", "/api/v1/alerts", nil, staff).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 0 {
		t.Errorf("alerts not resolved: %+v", list)
	}
	h.Do(t, "GET", "/api/v1/alerts?state=resolved", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 1 || list[0].ID != c.Alert {
		t.Errorf("resolved alerts: %+v", list)
	}
	h.Do(t, "GET", path, nil, admin).Want(t, http.StatusOK).Decode(t, &a)
	if a.ID != c.Alert || a.State != "resolved" {
		t.Errorf("GET %s: %+v", path, a)
	}
}

// ticketComplaint returns what the ticket's customer sees of the complaint.
func ticketComplaint(t *testing.T, h *hubtest.Hub, tk *hallq.Ticket) hallq.ComplaintStatus {
	t.Helper()
	got, err := h.Store.FindTicketByToken(context.Background(), tk.Token)
	if err != nil || got.Complaint == nil {
		t.Fatalf("ticket %s: %+v, %v", tk.Number, got, err)
	}
	return *got.Complaint
}

func TestHandler_AlertErrors(t *testing.T) {
	h, admin := newHub(t)
	staff := hubtest.Bearer(h.Staff(t, "clerk02"))
	h.Do(t, "GET", "/api/v1/alerts", nil).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
	h.Do(t, "POST", "/api/v1/alerts/1/ack", nil).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
	h.Do(t, "GET", "/api/v1/alerts?state=closed", nil, admin).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "GET", "/api/v1/alerts?state=resolved&from=yesterday", nil, admin).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "GET", "/api/v1/alerts/x", nil, admin).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "GET", "/api/v1/alerts/99", nil, admin).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
	h.Do(t, "POST", "/api/v1/alerts/99/ack", nil, staff).WantError(t, http.StatusNotFound, hallq.ENOTFOUND)
	_, c := complainAbout(t, h)
	path := "/api/v1/alerts/" + itoa(c.Alert)
	for name, body := range badBodies {
		if body == "" {
			continue // a note is optional: an empty body acknowledges
		}
		t.Run(name, func(t *testing.T) {
			h.Do(t, "POST", path+"/ack", body, staff).WantError(t, http.StatusBadRequest, hallq.EINVALID)
		})
	}
	h.Do(t, "POST", path+"/ack", map[string]string{"note": strings.Repeat("x", 1001)}, staff).WantError(t, http.StatusBadRequest, hallq.EINVALID)
	h.Do(t, "POST", path+"/ack", nil, staff).Want(t, http.StatusOK)
}
