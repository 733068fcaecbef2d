package manager

import (
	"net/http"
	"strconv"
	"strings"

	"hallq"
	"hallq/web"
)

// handleStaffing answers GET /api/v1/staffing: the staffing advice of each
// service, or of the one ?service= names, by Erlang C. The numbers
// arrivals_per_h, service_time_s, target_s and counters, where given, take
// the place of the last hour's arrivals, the measured service time, the
// service's target wait and the counters open; an empty value counts as
// not given. The store checks their bounds; this checks that they are
// numbers.
func (h *Handler) handleStaffing(w http.ResponseWriter, r *http.Request) {
	q, err := staffingQuery(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	advice, err := h.Staffing.FindStaffing(r.Context(), q)
	reply(w, r, http.StatusOK, advice, err)
}

// staffingQuery reads the query parameters of GET /api/v1/staffing.
func staffingQuery(r *http.Request) (hallq.StaffingQuery, error) {
	v := r.URL.Query()
	q := hallq.StaffingQuery{Service: strings.TrimSpace(v.Get("service"))}
	number := func(name, sentence string) (*float64, error) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return nil, nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "%s; %q is not a number.", sentence, s), name)
		}
		return &x, nil
	}
	whole := func(name, sentence string) (*int, error) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "%s; %q is not a whole number.", sentence, s), name)
		}
		return &n, nil
	}
	var err error
	if q.ArrivalsPerH, err = number("arrivals_per_h", "arrivals_per_h is the customers expected an hour, from 0 to 100000"); err != nil {
		return q, err
	}
	if q.ServiceTimeS, err = number("service_time_s", "service_time_s is the mean service time in seconds, above 0 and at most 86400"); err != nil {
		return q, err
	}
	if q.TargetS, err = whole("target_s", "target_s is the target wait in whole seconds, from 0 to 86400"); err != nil {
		return q, err
	}
	if q.Counters, err = whole("counters", "counters is the number of counters open, from 0 to 1000"); err != nil {
		return q, err
	}
	return q, nil
}
