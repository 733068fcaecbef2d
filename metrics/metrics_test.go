package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"hallq"
)

// fakeFeed is a hall with a queue of three tickets of A.
type fakeFeed struct{ hallq.FeedService }

func (fakeFeed) ReadFloor(fn func(f *hallq.Floor, seq uint64, now time.Time)) {
	f, _ := hallq.NewFloor(hallq.DefaultFloor("UTC"))
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	f.Advance(now)
	for range 3 {
		f.Issue(now, hallq.IssueOrder{Service: "A"})
	}
	fn(f, 1, now)
}

func TestMetrics(t *testing.T) {
	sockets := 7
	m := New(fakeFeed{}, map[string]func() int{"display": func() int { return sockets }})
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m.count(hallq.Event{Type: hallq.TicketIssued, Ticket: &hallq.Ticket{Service: "A", Tier: "gold"}})
	m.count(hallq.Event{Type: hallq.TicketIssued, Ticket: &hallq.Ticket{Service: "A", Tier: "gold"}})
	m.count(hallq.Event{Type: hallq.TicketCalled, Ticket: &hallq.Ticket{LegAt: at, CalledAt: at.Add(90 * time.Second)}})
	m.ObserveCommit(2 * time.Millisecond)

	if got := testutil.ToFloat64(m.issued.WithLabelValues("A", "gold")); got != 2 {
		t.Errorf("issued gold A: %v, want 2", got)
	}
	want := `
# HELP hallq_tickets_waiting Tickets waiting now, by service.
# TYPE hallq_tickets_waiting gauge
hallq_tickets_waiting{service="A"} 3
hallq_tickets_waiting{service="B"} 0
hallq_tickets_waiting{service="C"} 0
# HELP hallq_websocket_clients Websocket clients connected now, by view.
# TYPE hallq_websocket_clients gauge
hallq_websocket_clients{view="display"} 7
`
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(want), "hallq_tickets_waiting", "hallq_websocket_clients"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.waits); n != 1 {
		t.Errorf("%d wait series", n)
	}
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(`
# HELP hallq_wait_seconds How long each ticket leg waited until it was called.
# TYPE hallq_wait_seconds histogram
hallq_wait_seconds_bucket{le="60"} 0
hallq_wait_seconds_bucket{le="120"} 1
hallq_wait_seconds_bucket{le="300"} 1
hallq_wait_seconds_bucket{le="600"} 1
hallq_wait_seconds_bucket{le="900"} 1
hallq_wait_seconds_bucket{le="1200"} 1
hallq_wait_seconds_bucket{le="1800"} 1
hallq_wait_seconds_bucket{le="2700"} 1
hallq_wait_seconds_bucket{le="3600"} 1
hallq_wait_seconds_bucket{le="5400"} 1
hallq_wait_seconds_bucket{le="7200"} 1
hallq_wait_seconds_bucket{le="+Inf"} 1
hallq_wait_seconds_sum 90
hallq_wait_seconds_count 1
`), "hallq_wait_seconds"); err != nil {
		t.Error(err)
	}
}
