package kiosk_test

import (
	"net/http"
	"testing"
	"time"

	"hallq"
)

// TestCardExpiresAtATime: a card that ends at a moment (RFC 3339) gives its
// tier until then, and card_unknown after.
func TestCardExpiresAtATime(t *testing.T) {
	h := newHub(t, limits{})
	end := h.Clock.Now().Add(time.Hour).Format(time.RFC3339)
	addCard(t, h, hallq.Card{Number: "6222020200005678", Tier: "gold", Expires: end})
	if tk := issue(t, h, map[string]string{"service": "A", "card": "6222020200005678"}); tk.Tier != "gold" {
		t.Errorf("before the card's end: tier %s, want gold", tk.Tier)
	}
	h.Clock.Add(time.Hour)
	h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "A", "card": "6222020200005678"}).
		WantError(t, http.StatusUnprocessableEntity, hallq.ECARDUNKNOWN)
}

// TestCardProbe: a registered card and an unknown one get the same answer
// for a service that does not exist, so nobody learns which numbers are
// registered without taking a ticket.
func TestCardProbe(t *testing.T) {
	h := newHub(t, limits{})
	addCard(t, h, hallq.Card{Number: "6222020200009999", Tier: "gold"})
	known := h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "Z", "card": "6222020200009999"})
	unknown := h.Do(t, "POST", "/api/v1/tickets", map[string]string{"service": "Z", "card": "6222020200000001"})
	known.WantError(t, http.StatusBadRequest, hallq.EINVALID)
	unknown.WantError(t, http.StatusBadRequest, hallq.EINVALID)
	if string(known.Body) != string(unknown.Body) {
		t.Errorf("registered: %s; unknown: %s", known.Body, unknown.Body)
	}
}
