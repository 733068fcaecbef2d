package manager_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hallq/internal/hubtest"
)

// deviceReply is a Device as a client reads it.
type deviceReply struct {
	ID        uint64
	Kind      string
	Name      string
	Counter   string
	Printer   string
	Paired    bool
	Code      string
	CreatedAt string `json:"created_at"`
	PairedAt  string `json:"paired_at"`
}

func TestHandler_DeviceCreate(t *testing.T) {
	h, admin := newHub(t)
	tests := []struct {
		name, body string
		want       deviceReply
	}{
		{"Pad", `{"kind": "pad", "counter": "2", "name": "Pad at 2"}`, deviceReply{Kind: "pad", Counter: "2", Name: "Pad at 2"}},
		{"Kiosk", `{"kind": "kiosk"}`, deviceReply{Kind: "kiosk"}},
		{"KioskPrinter", `{"kind": "kiosk", "printer": "192.168.1.50:9101"}`, deviceReply{Kind: "kiosk", Printer: "192.168.1.50:9101"}},
		{"KioskPrinterDefaultPort", `{"kind": "kiosk", "printer": "printer.hall"}`, deviceReply{Kind: "kiosk", Printer: "printer.hall:9100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got deviceReply
			h.Do(t, "POST", "/api/v1/devices", tt.body, admin).Want(t, http.StatusCreated).Decode(t, &got)
			if got.ID == 0 || len(got.Code) != 8 || got.Paired || got.PairedAt != "" {
				t.Errorf("created %+v, want an id, a code of 8 characters and no pairing yet", got)
			}
			if _, err := time.Parse(time.RFC3339, got.CreatedAt); err != nil || !strings.Contains(got.CreatedAt, ".000Z") {
				t.Errorf("created_at %q, want RFC 3339 with milliseconds", got.CreatedAt)
			}
			if got.Kind != tt.want.Kind || got.Counter != tt.want.Counter || got.Printer != tt.want.Printer || got.Name != tt.want.Name {
				t.Errorf("created %+v, want %+v", got, tt.want)
			}
		})
	}

	invalid := map[string]string{
		"PadWithoutCounter":   `{"kind": "pad"}`,
		"PadUnknownCounter":   `{"kind": "pad", "counter": "9"}`,
		"PadWithPrinter":      `{"kind": "pad", "counter": "1", "printer": "10.0.0.5:9100"}`,
		"KioskWithCounter":    `{"kind": "kiosk", "counter": "1"}`,
		"BadPrinter":          `{"kind": "kiosk", "printer": "10.0.0.5:printer"}`,
		"PrinterPortTooLarge": `{"kind": "kiosk", "printer": "10.0.0.5:70000"}`,
		"PrinterNoHost":       `{"kind": "kiosk", "printer": ":9100"}`,
		"UnknownKind":         `{"kind": "display"}`,
		"NoKind":              `{}`,
		"NameTooLong":         `{"kind": "kiosk", "name": "` + strings.Repeat("k", 65) + `"}`,
		"KindType":            `{"kind": 1}`,
	}
	for name, body := range badBodies {
		invalid[name] = body
	}
	for name, body := range invalid {
		t.Run("Invalid/"+name, func(t *testing.T) {
			h.Do(t, "POST", "/api/v1/devices", body, admin).WantError(t, http.StatusBadRequest, "invalid")
		})
	}
	var list []deviceReply
	h.Do(t, "GET", "/api/v1/devices", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != len(tests) {
		t.Fatalf("%d devices after the refused requests, want %d: %+v", len(list), len(tests), list)
	}
}

// A device is created, paired once with its code, listed without secrets,
// and deleted, after which its token no longer works.
func TestHandler_DevicePairing(t *testing.T) {
	h, admin := newHub(t)
	var list []deviceReply
	h.Do(t, "GET", "/api/v1/devices", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("devices of a new hall: %+v, want []", list)
	}

	var pad deviceReply
	h.Do(t, "POST", "/api/v1/devices", `{"kind": "pad", "counter": "3"}`, admin).Want(t, http.StatusCreated).Decode(t, &pad)
	var paired struct{ Token, Kind, Counter string }
	res := h.Do(t, "POST", "/api/v1/devices/pair", map[string]string{"code": strings.ToLower(pad.Code)}).Want(t, http.StatusOK)
	res.Decode(t, &paired)
	if paired.Token == "" || paired.Kind != "pad" || paired.Counter != "3" {
		t.Fatalf("pairing: %+v", paired)
	}
	device := hubtest.Header("Authorization", "Device "+paired.Token)
	h.Do(t, "GET", "/test/pad", nil, device).Want(t, http.StatusOK)

	// The code worked once.
	h.Do(t, "POST", "/api/v1/devices/pair", map[string]string{"code": pad.Code}).WantError(t, http.StatusUnauthorized, "unauthorized")

	h.Clock.Add(time.Minute)
	res = h.Do(t, "GET", "/api/v1/devices", nil, admin).Want(t, http.StatusOK)
	for _, secret := range []string{pad.Code, paired.Token} {
		if strings.Contains(string(res.Body), secret) {
			t.Fatalf("the list carries a secret %q: %s", secret, res.Body)
		}
	}
	res.Decode(t, &list)
	if len(list) != 1 || list[0].ID != pad.ID || !list[0].Paired || list[0].PairedAt == "" || list[0].Code != "" {
		t.Fatalf("devices after pairing: %+v", list)
	}

	path := "/api/v1/devices/" + strconv.FormatUint(pad.ID, 10)
	h.Do(t, "DELETE", path, nil, admin).Want(t, http.StatusNoContent)
	h.Do(t, "GET", "/test/pad", nil, device).WantError(t, http.StatusUnauthorized, "unauthorized")
	h.Do(t, "DELETE", path, nil, admin).WantError(t, http.StatusNotFound, "not_found")
	h.Do(t, "GET", "/api/v1/devices", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 0 {
		t.Fatalf("devices after the delete: %+v", list)
	}
}

func TestHandler_DeviceDelete(t *testing.T) {
	h, admin := newHub(t)
	var kiosk deviceReply
	h.Do(t, "POST", "/api/v1/devices", `{"kind": "kiosk"}`, admin).Want(t, http.StatusCreated).Decode(t, &kiosk)
	for _, id := range []string{"kiosk", "-1", "1.0", "99999999999999999999"} {
		h.Do(t, "DELETE", "/api/v1/devices/"+id, nil, admin).WantError(t, http.StatusBadRequest, "invalid")
	}
	h.Do(t, "DELETE", "/api/v1/devices/999", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	h.Do(t, "DELETE", "/api/v1/devices/"+strconv.FormatUint(kiosk.ID, 10), nil, admin, hubtest.Header("Origin", "http://evil.test")).
		WantError(t, http.StatusForbidden, "forbidden")
	h.Do(t, "POST", "/api/v1/devices", `{"kind": "kiosk"}`, admin, hubtest.Header("Origin", "http://evil.test")).
		WantError(t, http.StatusForbidden, "forbidden")
	var list []deviceReply
	h.Do(t, "GET", "/api/v1/devices", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
	if len(list) != 1 || list[0].ID != kiosk.ID {
		t.Fatalf("devices after refused requests: %+v, want the kiosk alone", list)
	}
	// A code never used stops working once its device is deleted.
	h.Do(t, "DELETE", "/api/v1/devices/"+strconv.FormatUint(kiosk.ID, 10), nil, admin).Want(t, http.StatusNoContent)
	h.Do(t, "POST", "/api/v1/devices/pair", map[string]string{"code": kiosk.Code}).WantError(t, http.StatusUnauthorized, "unauthorized")
}
