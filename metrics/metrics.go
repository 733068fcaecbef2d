// Package metrics serves the hub's figures at /metrics in the Prometheus
// text format, for a hall's or a region's monitoring: tickets issued and
// waiting, the waits, the websocket clients, and how long commits take.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hallq"
)

// Metrics are the hub's figures. Make them with New, feed commit times to
// ObserveCommit, and Run them to follow the hall's events.
type Metrics struct {
	registry *prometheus.Registry
	issued   *prometheus.CounterVec
	waits    prometheus.Histogram
	commits  prometheus.Histogram
	feed     hallq.FeedService
}

// waitBuckets are the waits of a hall, in seconds: a minute to two hours.
var waitBuckets = []float64{60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200}

// New returns the figures of the hall that feed follows; sockets counts the
// websocket clients of each view (display, phone, counter, pad, manager).
func New(feed hallq.FeedService, sockets map[string]func() int) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		feed:     feed,
		issued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hallq_tickets_issued_total", Help: "Tickets issued since the hub started, by service and tier.",
		}, []string{"service", "tier"}),
		waits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hallq_wait_seconds", Help: "How long each ticket leg waited until it was called.", Buckets: waitBuckets,
		}),
		commits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hallq_commit_seconds", Help: "How long each durable commit of the store took, fsync included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14), // 0.5 ms to 4 s
		}),
	}
	m.registry.MustRegister(m.issued, m.waits, m.commits, waitingCollector{feed},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for view, count := range sockets {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hallq_websocket_clients", Help: "Websocket clients connected now, by view.",
			ConstLabels: prometheus.Labels{"view": view},
		}, func() float64 { return float64(count()) }))
	}
	return m
}

// ObserveCommit records how long one commit took.
func (m *Metrics) ObserveCommit(d time.Duration) { m.commits.Observe(d.Seconds()) }

// Handler serves the figures in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Run counts the tickets issued and the waits of the calls until ctx ends.
// A subscription that falls behind is started again: the counts then miss
// what it missed, as after a restart of the hub.
func (m *Metrics) Run(ctx context.Context) {
	for ctx.Err() == nil {
		sub := m.feed.Subscribe(4096)
		m.follow(ctx, sub)
		sub.Close()
	}
}

func (m *Metrics) follow(ctx context.Context, sub hallq.Subscription) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.Events():
			if !ok {
				return
			}
			m.count(e)
		}
	}
}

// count takes one event into the figures.
func (m *Metrics) count(e hallq.Event) {
	t := e.Ticket
	if t == nil {
		return
	}
	switch e.Type {
	case hallq.TicketIssued:
		m.issued.WithLabelValues(t.Service, t.Tier).Inc()
	case hallq.TicketCalled:
		if !t.LegAt.IsZero() && !t.CalledAt.IsZero() {
			m.waits.Observe(t.CalledAt.Sub(t.LegAt).Seconds())
		}
	}
}

// waitingCollector reports the tickets waiting per service, as they are at
// the moment of the scrape.
type waitingCollector struct{ feed hallq.FeedService }

var waitingDesc = prometheus.NewDesc("hallq_tickets_waiting", "Tickets waiting now, by service.", []string{"service"}, nil)

func (c waitingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- waitingDesc }

func (c waitingCollector) Collect(ch chan<- prometheus.Metric) {
	var services []*hallq.Service
	c.feed.ReadFloor(func(f *hallq.Floor, _ uint64, now time.Time) { services = f.Services(now) })
	for _, s := range services {
		ch <- prometheus.MustNewConstMetric(waitingDesc, prometheus.GaugeValue, float64(s.Waiting), s.ID)
	}
}
