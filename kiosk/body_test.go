package kiosk_test

import (
	"net/http"
	"testing"

	"hallq/internal/hubtest"
)

// TestTicketFormBody: a ticket asked for with an HTML form is told that
// the API takes JSON.
func TestTicketFormBody(t *testing.T) {
	h := newHub(t, limits{})
	h.Do(t, "POST", "/api/v1/tickets", "service=A", hubtest.Header("Content-Type", "application/x-www-form-urlencoded")).
		WantError(t, http.StatusBadRequest, "invalid")
}
