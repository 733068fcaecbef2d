package manager_test

import (
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"hallq"
	"hallq/internal/hubtest"
)

// staffingError is the body of an error reply, with the field it names.
type staffingError struct {
	Error struct{ Code, Message, Field string }
}

func TestHandler_Staffing(t *testing.T) {
	h, admin := newHub(t)
	// Two A tickets and a B over an hour ago, then three A and a C within it.
	for _, svc := range []string{"A", "A", "B"} {
		h.Issue(t, hallq.IssueRequest{Service: svc})
	}
	h.Clock.Add(61 * time.Minute)
	for _, svc := range []string{"A", "A", "A", "C"} {
		h.Issue(t, hallq.IssueRequest{Service: svc})
	}
	h.Act(t, hallq.OpOpen, "1", "clerk01")
	h.Act(t, hallq.OpOpen, "2", "clerk02")
	h.Act(t, hallq.OpPause, "2", "clerk02") // paused: does not count

	t.Run("Measured", func(t *testing.T) {
		var got []hallq.Staffing
		h.Do(t, "GET", "/api/v1/staffing", nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		var ids []string
		for _, s := range got {
			ids = append(ids, s.Service)
		}
		if !slices.Equal(ids, []string{"A", "B", "C"}) {
			t.Fatalf("got %+v, want A, B and C", got)
		}
		for i, want := range []float64{3, 0, 1} {
			if s := got[i]; s.ArrivalsPerH != want || s.CountersOpen != 1 || s.Goal != 0.8 {
				t.Errorf("%s: %+v, want %g arrivals an hour at 1 counter", s.Service, s, want)
			}
		}
		if b := got[1]; b.ServiceLevel != 1 || b.CountersNeeded != 0 || b.ServiceTimeS != 480 || b.TargetS != 1200 {
			t.Errorf("B, with no arrivals: %+v", b)
		}
	})

	t.Run("Query", func(t *testing.T) {
		// "Tomorrow 9–11: 80 arrivals an hour, 5-minute services."
		res := h.Do(t, "GET", "/api/v1/staffing?service=A&arrivals_per_h=80&service_time_s=300&target_s=60&counters=8", nil, admin).
			Want(t, http.StatusOK)
		var raw []map[string]any
		res.Decode(t, &raw)
		if len(raw) != 1 {
			t.Fatalf("got %s, want one service", res.Body)
		}
		keys := slices.Sorted(maps.Keys(raw[0]))
		want := []string{"arrivals_per_h", "counters_needed", "counters_open", "goal", "service", "service_level",
			"service_level_minus_one", "service_level_plus_one", "service_time_s", "target_s"}
		if !slices.Equal(keys, want) {
			t.Errorf("keys %v, want %v", keys, want)
		}
		var got []hallq.Staffing
		res.Decode(t, &got)
		if w := (hallq.Staffing{Service: "A", ArrivalsPerH: 80, ServiceTimeS: 300, TargetS: 60, Goal: 0.8, CountersOpen: 8,
			ServiceLevel: 0.592, ServiceLevelPlusOne: 0.8036, ServiceLevelMinusOne: 0.1944, CountersNeeded: 9}); got[0] != w {
			t.Errorf("got %+v\nwant %+v", got[0], w)
		}

		// Empty values are not given; a lower-case service is the same.
		h.Do(t, "GET", "/api/v1/staffing?service=c&arrivals_per_h=&counters=", nil, admin).Want(t, http.StatusOK).Decode(t, &got)
		if len(got) != 1 || got[0].Service != "C" || got[0].ArrivalsPerH != 1 || got[0].CountersOpen != 1 {
			t.Errorf("C with empty values: %+v", got)
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		for query, field := range map[string]string{
			"service=Z":               "service",
			"arrivals_per_h=many":     "arrivals_per_h",
			"arrivals_per_h=-1":       "arrivals_per_h",
			"arrivals_per_h=100001":   "arrivals_per_h",
			"arrivals_per_h=NaN":      "arrivals_per_h",
			"arrivals_per_h=Inf":      "arrivals_per_h",
			"service_time_s=0":        "service_time_s",
			"service_time_s=-3":       "service_time_s",
			"service_time_s=86401":    "service_time_s",
			"service_time_s=5min":     "service_time_s",
			"target_s=1.5":            "target_s",
			"target_s=-1":             "target_s",
			"target_s=86401":          "target_s",
			"counters=two":            "counters",
			"counters=-1":             "counters",
			"counters=1001":           "counters",
			"counters=3&target_s=x":   "target_s",
			"service=A&counters=2.0":  "counters",
			"arrivals_per_h=1e9":      "arrivals_per_h",
			"service_time_s=1e-400x":  "service_time_s",
			"counters=99999999999999": "counters",
		} {
			res := h.Do(t, "GET", "/api/v1/staffing?"+query, nil, admin)
			res.WantError(t, http.StatusBadRequest, hallq.EINVALID)
			var e staffingError
			res.Decode(t, &e)
			if e.Error.Field != field {
				t.Errorf("?%s: field %q, want %q (%s)", query, e.Error.Field, field, e.Error.Message)
			}
		}
		// The bounds themselves are fine.
		h.Do(t, "GET", "/api/v1/staffing?arrivals_per_h=100000&service_time_s=86400&target_s=86400&counters=1000", nil, admin).
			Want(t, http.StatusOK)
		h.Do(t, "GET", "/api/v1/staffing?arrivals_per_h=0&service_time_s=0.5&target_s=0&counters=0", nil, admin).
			Want(t, http.StatusOK)
	})

	t.Run("Auth", func(t *testing.T) {
		h.Do(t, "GET", "/api/v1/staffing", nil).WantError(t, http.StatusUnauthorized, hallq.EUNAUTHORIZED)
		staff := hubtest.Bearer(h.Staff(t, "clerk01"))
		h.Do(t, "GET", "/api/v1/staffing", nil, staff).WantError(t, http.StatusForbidden, hallq.EFORBIDDEN)
	})
}
