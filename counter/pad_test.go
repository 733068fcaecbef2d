package counter_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"hallq"
	"hallq/internal/hubtest"
)

// pairDevice creates a device of kind (a pad of counter, or a kiosk) and
// pairs it, and returns its device token.
func pairDevice(t *testing.T, h *hubtest.Hub, n hallq.NewDevice) string {
	t.Helper()
	d, err := h.Store.CreateDevice(context.Background(), admin, n)
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := h.Store.PairDevice(context.Background(), d.Code)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// pairPad pairs a rating pad with counter and returns its device token.
func pairPad(t *testing.T, h *hubtest.Hub, counter string) string {
	t.Helper()
	return pairDevice(t, h, hallq.NewDevice{Kind: hallq.DevicePad, Counter: counter})
}

// padAuth authenticates a request as the device with token.
func padAuth(token string) hubtest.Request { return hubtest.Header("Authorization", "Device "+token) }

// padCookie authenticates a request as the device with token, by its cookie.
func padCookie(token string) hubtest.Request {
	return hubtest.Header("Cookie", "hallq_device="+token)
}

// rate posts a rating from the pad with token.
func rate(t *testing.T, h *hubtest.Hub, token string, body any, opts ...hubtest.Request) *hubtest.Response {
	t.Helper()
	return h.Do(t, "POST", "/api/v1/ratings", body, append([]hubtest.Request{padAuth(token)}, opts...)...)
}

// isRate returns a test of a rate message for ticket id.
func isRate(id uint64) func(hubtest.Message) bool {
	return func(m hubtest.Message) bool {
		tk, _ := m["ticket"].(map[string]any)
		return m.Type() == "rate" && tk != nil && uint64(tk["id"].(float64)) == id
	}
}

// A pad sees its counter and the visits finished there, with nothing
// personal: no token, no staff member, no card, no holder.
func TestPadSocket(t *testing.T) {
	h := newHub(t)
	clerk1, clerk2 := h.Staff(t, "clerk01"), h.Staff(t, "clerk02")
	pad := pairPad(t, h, "1")
	byHeader, snap := dial(t, h, "/ws/pad", padAuth(pad))
	byCookie, _ := dial(t, h, "/ws/pad", padCookie(pad))
	if c := counterOf(snap); c["id"] != "1" || c["state"] != "closed" || snap["name"].(map[string]any)["en"] == "" || snap["ticket"] != nil {
		t.Errorf("pad snapshot %v, want counter 1 closed, the hall's name and nothing to rate", snap)
	}

	vip, regular := issueVIP(t, h, "A", "gold"), issue(t, h, "A")
	open(t, h, clerk2, "2")
	open(t, h, clerk1, "1")
	byHeader.until(func(m hubtest.Message) bool { return m.Type() == "counter" && counterOf(m)["state"] == "open" }, nil)

	wantNumber(t, next(t, h, clerk2, "2"), vip.Number)
	actTicket(t, h, clerk2, "2", "done", nil) // at another counter: no rate message
	wantNumber(t, next(t, h, clerk1, "1"), regular.Number)
	actTicket(t, h, clerk1, "1", "done", nil)

	for name, s := range map[string]*reader{"header": byHeader, "cookie": byCookie} {
		m := s.until(func(m hubtest.Message) bool { return m.Type() == "rate" }, nil)
		if !isRate(regular.ID)(m) || m["ticket"].(map[string]any)["number"] != regular.Number {
			t.Errorf("pad (%s) got %v, want a rate message for %s", name, m, regular.Number)
		}
		if c := counterOf(m); c["id"] != "1" || c["number"] != nil {
			t.Errorf("pad (%s): the rate message's counter is %v, want counter 1 with no ticket", name, c)
		}
		for _, secret := range []string{vip.Token, regular.Token, "clerk01", "clerk02", "Li Wei", "GOLD0001", "gold", "status_url"} {
			if bytes.Contains(s.raw.Bytes(), []byte(secret)) {
				t.Errorf("pad (%s) received %q: %s", name, secret, s.raw.String())
			}
		}
	}

	// A pad that reconnects is asked again, until the visit is rated.
	if _, again := dial(t, h, "/ws/pad", padAuth(pad)); again["ticket"] == nil || again["ticket"].(map[string]any)["number"] != regular.Number {
		t.Errorf("a new pad snapshot within the rating window has ticket %v, want %s", again["ticket"], regular.Number)
	}
	rate(t, h, pad, map[string]any{"ticket": regular.ID, "score": 4}).Want(t, http.StatusCreated)
	if _, again := dial(t, h, "/ws/pad", padAuth(pad)); again["ticket"] != nil {
		t.Errorf("a new pad snapshot after the rating has ticket %v, want none", again["ticket"])
	}
}

func TestPadSocket_Refused(t *testing.T) {
	h := newHub(t)
	pad, kiosk := pairPad(t, h, "1"), pairDevice(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk})
	for _, tt := range []struct {
		name string
		opts []hubtest.Request
		want int
	}{
		{"NoDevice", nil, http.StatusUnauthorized},
		{"UnknownToken", []hubtest.Request{padAuth("nonsense")}, http.StatusUnauthorized},
		{"Kiosk", []hubtest.Request{padAuth(kiosk)}, http.StatusUnauthorized},
		{"Staff", []hubtest.Request{hubtest.Bearer(h.Staff(t, "clerk01"))}, http.StatusUnauthorized},
		{"OtherOrigin", []hubtest.Request{padAuth(pad), hubtest.Header("Origin", "http://evil.example")}, http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, res, err := h.DialRaw("/ws/pad", tt.opts...)
			if err == nil || res == nil || res.StatusCode != tt.want {
				t.Fatalf("dialing: %v, want %d", err, tt.want)
			}
		})
	}
	t.Run("CounterDeleted", func(t *testing.T) {
		orphan := pairPad(t, h, "3")
		if err := h.Store.DeleteCounter(context.Background(), admin, "3"); err != nil {
			t.Fatal(err)
		}
		_, res, err := h.DialRaw("/ws/pad", padAuth(orphan))
		if err == nil || res == nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("dialing: %v, want 404", err)
		}
	})
}

func TestRating(t *testing.T) {
	h := newHub(t)
	clerk1, clerk2 := h.Staff(t, "clerk01"), h.Staff(t, "clerk02")
	pad := pairPad(t, h, "1")
	here, there := issue(t, h, "A"), issue(t, h, "A")
	open(t, h, clerk1, "1")
	open(t, h, clerk2, "2")
	next(t, h, clerk1, "1")
	next(t, h, clerk2, "2")

	t.Run("NotFinished", func(t *testing.T) {
		rate(t, h, pad, map[string]any{"ticket": here.ID, "score": 5}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
	actTicket(t, h, clerk1, "1", "done", nil)
	actTicket(t, h, clerk2, "2", "done", nil)

	t.Run("Invalid", func(t *testing.T) {
		for _, body := range []any{
			map[string]any{"ticket": here.ID, "score": 0},
			map[string]any{"ticket": here.ID, "score": 6},
			map[string]any{"ticket": here.ID},
			map[string]any{"ticket": here.ID, "score": 5, "comment": "fine"},
			map[string]any{"ticket": here.Number, "score": 5},
			`{"ticket":`,
			nil,
		} {
			rate(t, h, pad, body).WantError(t, http.StatusBadRequest, hallq.EINVALID)
		}
	})
	t.Run("OtherCounter", func(t *testing.T) {
		rate(t, h, pad, map[string]any{"ticket": there.ID, "score": 5}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
	t.Run("Refused", func(t *testing.T) {
		kiosk := pairDevice(t, h, hallq.NewDevice{Kind: hallq.DeviceKiosk})
		body := map[string]any{"ticket": here.ID, "score": 5}
		h.Do(t, "POST", "/api/v1/ratings", body).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		h.Do(t, "POST", "/api/v1/ratings", body, padAuth(kiosk)).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		h.Do(t, "POST", "/api/v1/ratings", body, hubtest.Bearer(clerk1)).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		rate(t, h, pad, body, hubtest.Header("Origin", "http://evil.example")).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	})

	var got struct {
		Ticket uint64 `json:"ticket"`
		Number string `json:"number"`
		Rating int    `json:"rating"`
	}
	res := h.Do(t, "POST", "/api/v1/ratings", map[string]any{"ticket": here.ID, "score": 5}, padCookie(pad)).Want(t, http.StatusCreated)
	res.Decode(t, &got)
	if got.Ticket != here.ID || got.Number != here.Number || got.Rating != 5 {
		t.Errorf("rating reply %s, want %s rated 5", res.Body, here.Number)
	}
	if bytes.Contains(res.Body, []byte(here.Token)) {
		t.Errorf("the rating reply has the ticket's token: %s", res.Body)
	}
	t.Run("Twice", func(t *testing.T) {
		rate(t, h, pad, map[string]any{"ticket": here.ID, "score": 1}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})

	t.Run("AfterTheWindow", func(t *testing.T) {
		late := issue(t, h, "A")
		wantNumber(t, next(t, h, clerk1, "1"), late.Number)
		actTicket(t, h, clerk1, "1", "done", nil)
		h.Clock.Add(hallq.RateWindow + time.Second)
		rate(t, h, pad, map[string]any{"ticket": late.ID, "score": 5}).WantError(t, http.StatusConflict, hallq.ECONFLICT)
	})
}
