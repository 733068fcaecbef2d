package manager

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"hallq"
	"hallq/web"
)

// days reads a request's from and to hall days, today by default.
func (h *Handler) days(r *http.Request) (from, to string) {
	var today string
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, _ time.Time) { today = f.Day() })
	return web.DayRange(r, today)
}

// handleStats answers GET /api/v1/stats?from=&to=: the hall's figures for
// those hall days, whole and by service, tier, counter and staff member.
func (h *Handler) handleStats(w http.ResponseWriter, r *http.Request) {
	from, to := h.days(r)
	s, err := h.Reports.FindStats(r.Context(), from, to)
	reply(w, r, http.StatusOK, s, err)
}

// ticketColumns is the header of the tickets report.
var ticketColumns = []string{"id", "number", "service", "tier", "state", "issued_at", "called_at", "served_at",
	"finished_at", "counter", "staff", "wait_s", "service_s", "eta_s", "rating"}

// handleTicketsReport answers GET /api/v1/reports/tickets.csv?from=&to=: one
// row per ticket leg of those hall days. Nothing in it names a card or its
// holder.
func (h *Handler) handleTicketsReport(w http.ResponseWriter, r *http.Request) {
	from, to := h.days(r)
	legs, err := h.Reports.FindLegs(r.Context(), from, to)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="hallq-tickets-`+from+`-`+to+`.csv"`)
	out := csv.NewWriter(w)
	out.Write(ticketColumns)
	for _, l := range legs {
		rating := ""
		if l.Rating > 0 {
			rating = strconv.Itoa(l.Rating)
		}
		out.Write([]string{strconv.FormatUint(l.Ticket, 10), l.Number, l.Service, l.Tier, l.State,
			csvTime(l.IssuedAt), csvTime(l.CalledAt), csvTime(l.ServedAt), csvTime(l.FinishedAt),
			l.Counter, l.Staff, csvInt(l.WaitS()), csvInt(l.ServiceS()), csvInt(l.EtaS), rating})
	}
	out.Flush()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func csvInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}
