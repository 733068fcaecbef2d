package kiosk

import (
	"sync"
	"time"

	"hallq"
)

// QuotaShare is the part of a service's daily quota one client may take: a
// tenth of it, and at least minQuotaShare. It holds only for clients the
// rate limits hold for (not the hub's machine, staff, or paired kiosks),
// so that a guest on the hall's Wi-Fi cannot empty a quota for everybody;
// a kiosk that issues a hall's tickets is to be paired.
func QuotaShare(quota int) int { return max(minQuotaShare, (quota+9)/10) }

const minQuotaShare = 5

// quotaShares counts today's tickets per service of each client limited by
// QuotaShare. Counts are kept in memory: a restart forgives, which costs a
// guest a hub restart per share.
type quotaShares struct {
	mu     sync.Mutex
	day    string
	counts map[string]int // service + " " + client → tickets taken today
}

// take reserves a ticket of service for client on hall day day, within
// share; it returns false when the client has its share already.
func (q *quotaShares) take(day, service, client string, share int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.day != day {
		q.day, q.counts = day, map[string]int{}
	}
	key := service + " " + client
	if q.counts[key] >= share {
		return false
	}
	q.counts[key]++
	return true
}

// giveBack returns a reservation of take whose ticket was not issued.
func (q *quotaShares) giveBack(day, service, client string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if key := service + " " + client; q.day == day && q.counts[key] > 0 {
		q.counts[key]--
	}
}

// quotaOf returns the current hall day and how long until it ends, and the
// id and daily quota of the service asked for (0 for none, or an unknown
// service: the store answers for that).
func (h *Handler) quotaOf(service string) (day string, left time.Duration, id string, quota int) {
	h.Feed.ReadFloor(func(f *hallq.Floor, _ uint64, now time.Time) {
		day, left = f.Day(), f.NextDayStart().Sub(now)
		if s, err := f.Service(service, now); err == nil {
			id, quota = s.ID, s.DailyQuota
		}
	})
	return day, left, id, quota
}
