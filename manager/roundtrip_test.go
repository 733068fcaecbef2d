package manager_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"hallq/internal/hubtest"
)

// TestHandler_RoundTrip: a client that GETs an object and PUTs it back with
// one field changed gets that change; a read-only field changed is refused
// with its name; the figures the hub works out are ignored.
func TestHandler_RoundTrip(t *testing.T) {
	h, admin := newHub(t)
	h.AddUser(t, "clerk01", "staff")
	for _, tt := range []struct {
		path, field string
		value       any
		readOnly    string
	}{
		{"/api/v1/hall", "vip_streak_cap", 4.0, ""},
		{"/api/v1/services/A", "target_wait_s", 1200.0, "id"},
		{"/api/v1/tiers/gold", "head_start_s", 600.0, "id"},
		{"/api/v1/counters/1", "vip_first", true, "state"},
		{"/api/v1/users/clerk01", "disabled", true, "username"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			var obj map[string]any
			h.Do(t, "GET", tt.path, nil, admin).Want(t, http.StatusOK).Decode(t, &obj)
			obj[tt.field] = tt.value
			var got map[string]any
			h.Do(t, "PUT", tt.path, obj, admin).Want(t, http.StatusOK).Decode(t, &got)
			if got[tt.field] != tt.value {
				t.Errorf("after PUT: %s = %v, want %v", tt.field, got[tt.field], tt.value)
			}
			if tt.readOnly == "" {
				return
			}
			obj[tt.readOnly] = "something-else"
			res := h.Do(t, "PUT", tt.path, obj, admin)
			res.WantError(t, http.StatusBadRequest, "invalid")
			var e struct{ Error struct{ Field string } }
			json.Unmarshal(res.Body, &e)
			if e.Error.Field != tt.readOnly {
				t.Errorf("a changed %s: the error names %q", tt.readOnly, e.Error.Field)
			}
		})
	}
}

// TestHandler_CardRoundTrip: a card's GET, changed, PUT back.
func TestHandler_CardRoundTrip(t *testing.T) {
	h, admin := newHub(t)
	h.Do(t, "POST", "/api/v1/cards", `{"number": "6222020200001234", "tier": "gold", "holder": "Wang Fang"}`, admin).
		Want(t, http.StatusCreated)
	var card map[string]any
	h.Do(t, "GET", "/api/v1/cards/6222020200001234", nil, admin).Want(t, http.StatusOK).Decode(t, &card)
	card["tier"] = "platinum"
	var got map[string]any
	h.Do(t, "PUT", "/api/v1/cards/6222020200001234", card, admin).Want(t, http.StatusOK).Decode(t, &got)
	if got["tier"] != "platinum" {
		t.Errorf("after PUT: %v", got)
	}
	card["last4"] = "9999"
	h.Do(t, "PUT", "/api/v1/cards/6222020200001234", card, admin).WantError(t, http.StatusBadRequest, "invalid")
}

func TestHandler_FormBody(t *testing.T) {
	h, admin := newHub(t)
	res := h.Do(t, "PUT", "/api/v1/hall", "vip_streak_cap=4", admin, hubtest.Header("Content-Type", "application/x-www-form-urlencoded"))
	res.WantError(t, http.StatusBadRequest, "invalid")
	res = h.Do(t, "PUT", "/api/v1/hall", `{"vip_streak_kap": 4}`, admin)
	var e struct{ Error struct{ Field string } }
	json.Unmarshal(res.Body, &e)
	if e.Error.Field != "vip_streak_kap" {
		t.Errorf("an unknown field: the error names %q", e.Error.Field)
	}
}

// TestHandler_SettingsFields: a refused setting names its field, so that
// the page shows the sentence beside it.
func TestHandler_SettingsFields(t *testing.T) {
	h, admin := newHub(t)
	for body, field := range map[string]string{
		`{"recall_limit": 99}`:       "recall_limit",
		`{"vip_streak_cap": 0}`:      "vip_streak_cap",
		`{"time_zone": "Mars/Base"}`: "time_zone",
		`{"day_start": "25:00"}`:     "day_start",
	} {
		res := h.Do(t, "PUT", "/api/v1/hall", body, admin)
		res.WantError(t, http.StatusBadRequest, "invalid")
		var e struct{ Error struct{ Field string } }
		json.Unmarshal(res.Body, &e)
		if e.Error.Field != field {
			t.Errorf("%s: the error names %q, want %q", body, e.Error.Field, field)
		}
	}
}
