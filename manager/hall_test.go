package manager_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"hallq"
)

func TestHandler_SettingsUpdate(t *testing.T) {
	h, admin := newHub(t)
	t.Run("OK", func(t *testing.T) {
		var got hallq.HallView
		h.Do(t, "PUT", "/api/v1/hall", `{"notice": {"en": "Closed at noon", "zh": "中午休息"}, "vip_streak_cap": 5}`, admin).
			Want(t, http.StatusOK).Decode(t, &got)
		if got.Notice.EN != "Closed at noon" || got.VIPStreakCap != 5 || got.Name.EN != "Service Hall" || len(got.Services) != 3 {
			t.Fatalf("reply %+v", got)
		}
		var public hallq.HallView
		h.Do(t, "GET", "/api/v1/hall", nil).Want(t, http.StatusOK).Decode(t, &public)
		if public.Notice.ZH != "中午休息" || public.VIPStreakCap != 5 || public.RecallLimit != 3 {
			t.Fatalf("GET /api/v1/hall %+v", public)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		bodies := map[string]string{
			"StreakCap0":   `{"vip_streak_cap": 0}`,
			"WrongType":    `{"vip_streak_cap": "5"}`,
			"TimeZone":     `{"time_zone": "Mars/Olympus"}`,
			"DayStart":     `{"day_start": "25:00"}`,
			"EmptyName":    `{"name": {"en": "", "zh": ""}}`,
			"RecallLimit":  `{"recall_limit": 21}`,
			"NegativeTime": `{"recall_tolerance_s": -1}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", "/api/v1/hall", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
		if hall, _ := h.Store.FindHall(t.Context()); hall.VIPStreakCap != 5 || hall.TimeZone != "Asia/Shanghai" {
			t.Fatalf("settings changed by refused requests: %+v", hall.Settings)
		}
	})
}

func TestHandler_Services(t *testing.T) {
	h, admin := newHub(t)
	t.Run("List", func(t *testing.T) {
		var got []hallq.Service
		h.Do(t, "GET", "/api/v1/services", nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		if len(got) != 3 || got[0].ID != "A" || got[2].ID != "C" {
			t.Fatalf("services %+v", got)
		}
	})
	t.Run("Create", func(t *testing.T) {
		var got hallq.Service
		h.Do(t, "POST", "/api/v1/services", `{"id": "d", "name": {"en": "Loans", "zh": "贷款"}, "daily_quota": 50}`, admin).
			Want(t, http.StatusCreated).Decode(t, &got)
		if got.ID != "D" || !got.Open || got.TargetWaitS != 900 || got.DailyQuota != 50 || got.Name.ZH != "贷款" {
			t.Fatalf("created %+v", got)
		}
		h.Do(t, "GET", "/api/v1/services/D", nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		if got.Name.EN != "Loans" {
			t.Fatalf("GET %+v", got)
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		h.Do(t, "POST", "/api/v1/services", `{"id": "A", "name": {"en": "Again"}}`, admin).WantError(t, http.StatusConflict, "conflict")
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"ID":         `{"id": "a1", "name": {"en": "Loans"}}`,
			"NoName":     `{"id": "E"}`,
			"NameType":   `{"id": "E", "name": "Loans"}`,
			"Hours":      `{"id": "E", "name": {"en": "Loans"}, "hours": {"open": "17:00", "close": "08:30"}}`,
			"Quota":      `{"id": "E", "name": {"en": "Loans"}, "daily_quota": -1}`,
			"TargetWait": `{"id": "E", "name": {"en": "Loans"}, "target_wait_s": 86401}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/services", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		var got hallq.Service
		h.Do(t, "PUT", "/api/v1/services/A", `{"open": false, "hours": {"open": "08:30", "close": "17:00", "days": ["mon", "tue"]}}`, admin).
			Want(t, http.StatusOK).Decode(t, &got)
		if got.Open || got.Hours == nil || got.Hours.Close != "17:00" || got.Name.EN != "Personal" || got.TargetWaitS != 900 {
			t.Fatalf("updated %+v", got)
		}
		got = hallq.Service{}
		h.Do(t, "PUT", "/api/v1/services/A", `{"hours": null, "open": true}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if !got.Open || got.Hours != nil {
			t.Fatalf("updated %+v", got)
		}
	})
	t.Run("UpdateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"Open":  `{"open": "yes"}`,
			"Hours": `{"hours": {"open": "8:30", "close": "17:00"}}`,
			"Days":  `{"hours": {"open": "08:30", "close": "17:00", "days": ["monday"]}}`,
			"ID":    `{"id": "Z"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", "/api/v1/services/B", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		h.Do(t, "GET", "/api/v1/services/Z", nil, admin).WantError(t, http.StatusNotFound, "not_found")
		h.Do(t, "PUT", "/api/v1/services/Z", `{"open": false}`, admin).WantError(t, http.StatusNotFound, "not_found")
	})
}

func TestHandler_Tiers(t *testing.T) {
	h, admin := newHub(t)
	t.Run("List", func(t *testing.T) {
		var got []hallq.Tier
		h.Do(t, "GET", "/api/v1/tiers", nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		if len(got) != 5 || got[0].ID != "regular" {
			t.Fatalf("tiers %+v", got)
		}
	})
	t.Run("Create", func(t *testing.T) {
		var got hallq.Tier
		h.Do(t, "POST", "/api/v1/tiers", `{"id": "diamond", "name": {"en": "Diamond"}, "rank": 5, "head_start_s": 2400}`, admin).
			Want(t, http.StatusCreated).Decode(t, &got)
		if got.ID != "diamond" || got.Rank != 5 || got.HeadStartS != 2400 {
			t.Fatalf("created %+v", got)
		}
		var hall hallq.HallView
		h.Do(t, "GET", "/api/v1/hall", nil).Decode(t, &hall)
		if hall.HeadStartMaxS != 2400 {
			t.Fatalf("published bound %d s, want 2400", hall.HeadStartMaxS)
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		h.Do(t, "POST", "/api/v1/tiers", `{"id": "gold", "name": {"en": "Gold"}, "rank": 3}`, admin).WantError(t, http.StatusConflict, "conflict")
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"RegularHeadStart": `{"id": "vip0", "name": {"en": "VIP"}, "rank": 0, "head_start_s": 60}`,
			"HeadStartTooBig":  `{"id": "vip1", "name": {"en": "VIP"}, "rank": 1, "head_start_s": 86401}`,
			"ID":               `{"id": "Gold Plus", "name": {"en": "VIP"}, "rank": 1}`,
			"RankType":         `{"id": "vip2", "name": {"en": "VIP"}, "rank": "high"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/tiers", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		var got hallq.Tier
		h.Do(t, "PUT", "/api/v1/tiers/gold", `{"target_wait_s": 600}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if got.TargetWaitS != 600 || got.HeadStartS != 900 || got.Rank != 3 || got.Name.EN != "Gold" {
			t.Fatalf("updated %+v", got)
		}
	})
	t.Run("UpdateInvalid", func(t *testing.T) {
		h.Do(t, "PUT", "/api/v1/tiers/regular", `{"head_start_s": 60}`, admin).WantError(t, http.StatusBadRequest, "invalid")
		h.Do(t, "PUT", "/api/v1/tiers/regular", `{"staff_only": true}`, admin).WantError(t, http.StatusBadRequest, "invalid")
		for name, body := range badBodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", "/api/v1/tiers/gold", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		h.Do(t, "PUT", "/api/v1/tiers/nope", `{"rank": 2}`, admin).WantError(t, http.StatusNotFound, "not_found")
	})
}

// A new head start applies only to tickets issued afterwards: a gold
// ticket issued before the change keeps its key.
func TestHandler_TierHeadStartAppliesAfterwards(t *testing.T) {
	h, admin := newHub(t)
	issue := func(tier string) *hallq.Ticket {
		t.Helper()
		tk, _, err := h.Store.IssueTicket(t.Context(), hallq.IssueRequest{Service: "A", Tier: tier,
			By: hallq.Actor{Name: "admin", Role: hallq.RoleManager}})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	regular := issue("regular") // key t0
	h.Clock.Add(time.Minute)
	before := issue("gold") // key t0 + 60 s − 900 s
	h.Do(t, "PUT", "/api/v1/tiers/gold", `{"head_start_s": 1800}`, admin).Want(t, http.StatusOK)
	h.Clock.Add(time.Minute)
	after := issue("gold") // key t0 + 120 s − 1800 s
	// Were the new head start applied to the first gold ticket too, its
	// key would be t0 − 1740 s and it would come first.
	queue, err := h.Store.FindQueue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, tk := range queue[0].Tickets {
		got = append(got, tk.ID)
	}
	if want := []uint64{after.ID, before.ID, regular.ID}; !slices.Equal(got, want) {
		t.Fatalf("queue of A %v, want %v", got, want)
	}
}

func TestHandler_Counters(t *testing.T) {
	h, admin := newHub(t)
	t.Run("Create", func(t *testing.T) {
		var raw struct {
			ID         string
			Services   []string
			AlsoServes []string `json:"also_serves"`
			State      string
		}
		h.Do(t, "POST", "/api/v1/counters", `{"id": "5", "name": {"en": "Counter 5"}, "services": ["A"], "also_serves": ["C"]}`, admin).
			Want(t, http.StatusCreated).Decode(t, &raw)
		if raw.ID != "5" || raw.State != "closed" || !slices.Equal(raw.Services, []string{"A"}) || !slices.Equal(raw.AlsoServes, []string{"C"}) {
			t.Fatalf("created %+v", raw)
		}
		c, err := h.Store.FindCounter(t.Context(), "5")
		if err != nil || c.Name.EN != "Counter 5" {
			t.Fatalf("stored %+v, %v", c, err)
		}
	})
	t.Run("ListedByCounterPackage", func(t *testing.T) {
		var list []struct{ ID string }
		h.Do(t, "GET", "/api/v1/counters", nil, admin).Want(t, http.StatusOK).Decode(t, &list)
		if len(list) != 5 {
			t.Fatalf("%d counters, want 5", len(list))
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		h.Do(t, "POST", "/api/v1/counters", `{"id": "1", "name": {"en": "One"}, "services": ["A"]}`, admin).
			WantError(t, http.StatusConflict, "conflict")
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"UnknownService": `{"id": "6", "name": {"en": "Six"}, "services": ["Z"]}`,
			"UnknownAlso":    `{"id": "6", "name": {"en": "Six"}, "services": ["A"], "also_serves": ["Z"]}`,
			"NoServices":     `{"id": "6", "name": {"en": "Six"}, "services": []}`,
			"Twice":          `{"id": "6", "name": {"en": "Six"}, "services": ["A"], "also_serves": ["A"]}`,
			"ID":             `{"id": "6-a", "name": {"en": "Six"}, "services": ["A"]}`,
			"ServicesType":   `{"id": "6", "name": {"en": "Six"}, "services": "A"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/counters", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("Update", func(t *testing.T) {
		var raw struct {
			Name     hallq.Text
			Services []string
			VIPFirst bool `json:"vip_first"`
		}
		h.Do(t, "PUT", "/api/v1/counters/5", `{"vip_first": true}`, admin).Want(t, http.StatusOK).Decode(t, &raw)
		if !raw.VIPFirst || raw.Name.EN != "Counter 5" || !slices.Equal(raw.Services, []string{"A"}) {
			t.Fatalf("updated %+v", raw)
		}
	})
	t.Run("UpdateInvalid", func(t *testing.T) {
		h.Do(t, "PUT", "/api/v1/counters/5", `{"services": ["Z"]}`, admin).WantError(t, http.StatusBadRequest, "invalid")
		h.Do(t, "PUT", "/api/v1/counters/5", `{"services": []}`, admin).WantError(t, http.StatusBadRequest, "invalid")
		for name, body := range badBodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", "/api/v1/counters/5", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		h.Do(t, "PUT", "/api/v1/counters/99", `{"vip_first": true}`, admin).WantError(t, http.StatusNotFound, "not_found")
		h.Do(t, "DELETE", "/api/v1/counters/99", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	})
	t.Run("Delete", func(t *testing.T) {
		h.Do(t, "DELETE", "/api/v1/counters/5", nil, admin).Want(t, http.StatusNoContent)
		if _, err := h.Store.FindCounter(t.Context(), "5"); hallq.ErrorCode(err) != hallq.ENOTFOUND {
			t.Fatalf("counter 5 after delete: %v", err)
		}
		h.Do(t, "DELETE", "/api/v1/counters/5", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	})
	t.Run("DeleteOpen", func(t *testing.T) {
		_, err := h.Store.ActAtCounter(t.Context(), hallq.CounterAction{Op: hallq.OpOpen, Counter: "1",
			By: hallq.Actor{Name: "admin", Role: hallq.RoleManager}}, "")
		if err != nil {
			t.Fatal(err)
		}
		h.Do(t, "DELETE", "/api/v1/counters/1", nil, admin).WantError(t, http.StatusConflict, "conflict")
		if _, err := h.Store.FindCounter(t.Context(), "1"); err != nil {
			t.Fatalf("counter 1: %v", err)
		}
	})
}
