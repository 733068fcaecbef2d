package hallq_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"hallq"
)

// hallWith returns the default hall with its counters replaced by cs, all
// closed, advanced to t0.
func hallWith(tb testing.TB, cs ...hallq.Counter) *hallq.Floor {
	tb.Helper()
	st := hallq.DefaultFloor(zone)
	st.Counters = nil
	for _, c := range cs {
		c.Name = hallq.Text{EN: "Counter " + c.ID}
		c.State = hallq.Closed
		st.Counters = append(st.Counters, c)
	}
	return newFloorFrom(tb, st)
}

// wantEta fails unless tk's estimate is eta seconds, with a range holding it.
func wantEta(tb testing.TB, what string, tk *hallq.Ticket, eta int) {
	tb.Helper()
	if tk.EtaReason != "" {
		tb.Errorf("%s: no estimate (%s), want %d s", what, tk.EtaReason, eta)
		return
	}
	if tk.EtaS != eta {
		tb.Errorf("%s: eta %d s, want %d", what, tk.EtaS, eta)
	}
	if tk.EtaLowS < 0 || tk.EtaLowS > tk.EtaS || tk.EtaHighS < tk.EtaS || tk.EtaHighS < 1 {
		tb.Errorf("%s: range %d–%d does not hold eta %d", what, tk.EtaLowS, tk.EtaHighS, tk.EtaS)
	}
}

// wantNoCounter fails unless tk has no estimate because no counter can call it.
func wantNoCounter(tb testing.TB, what string, tk *hallq.Ticket) {
	tb.Helper()
	if tk.EtaReason != hallq.EtaNoCounter || tk.EtaS != 0 || tk.EtaLowS != 0 || tk.EtaHighS != 0 {
		tb.Errorf("%s: eta %d (%d–%d), reason %q; want none, %q", what, tk.EtaS, tk.EtaLowS, tk.EtaHighS, tk.EtaReason, hallq.EtaNoCounter)
	}
}

var (
	onlyA     = hallq.Counter{ID: "1", Services: []string{"A"}}
	aAndB     = hallq.Counter{ID: "2", Services: []string{"A", "B"}}
	onlyB     = hallq.Counter{ID: "2", Services: []string{"B"}}
	bSpareA   = hallq.Counter{ID: "2", Services: []string{"B"}, AlsoServes: []string{"A"}}
	vipWindow = hallq.Counter{ID: "4", Services: []string{"A", "B", "C"}, VIPFirst: true}
)

func TestEstimate(t *testing.T) {
	for _, tt := range []struct {
		name     string
		counters []hallq.Counter
		open     []string
		pause    []string
		// before and after issue tickets of "service/tier" a minute apart,
		// before the ticket estimated (of service A and tier) and from ten
		// minutes after it.
		before, after []string
		tier          string
		eta           int // -1: no counter
	}{
		{"AllClosed", []hallq.Counter{onlyA, aAndB}, nil, nil, []string{"A/", "A/"}, nil, "", -1},
		{"OnlyAnotherService", []hallq.Counter{onlyA, onlyB}, []string{"2"}, nil, []string{"A/"}, nil, "", -1},
		{"Paused", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, []string{"1", "2"}, []string{"A/"}, nil, "", -1},
		{"OnePausedOneOpen", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, []string{"2"}, []string{"A/", "A/", "A/"}, nil, "", 900},
		{"OneCounter", []hallq.Counter{onlyA}, []string{"1"}, nil, []string{"A/", "A/", "A/"}, nil, "", 900},
		{"NobodyAhead", []hallq.Counter{onlyA}, []string{"1"}, nil, nil, nil, "", 0},
		{"TwoCounters", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, nil, []string{"A/", "A/"}, nil, "", 300},
		// Counter 2 first serves the four B customers who came before
		// (4 × 480 s): counter 1 alone serves the two of A ahead.
		{"SharedCounterBusyWithB", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, nil,
			[]string{"B/", "B/", "B/", "B/", "A/", "A/"}, nil, "", 600},
		// One B customer before (480 s): counter 2 takes the A queue after
		// it, so the 600 s of A are shared from then: 480 + (600-480)/2.
		{"SharedCounterOneB", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, nil,
			[]string{"B/", "A/", "A/"}, nil, "", 540},
		// B customers who came later are called after the ticket.
		{"SharedCounterLaterB", []hallq.Counter{onlyA, aAndB}, []string{"1", "2"}, nil,
			[]string{"A/", "A/"}, []string{"B/", "B/", "B/"}, "", 300},
		{"SpareTimeIdle", []hallq.Counter{onlyA, bSpareA}, []string{"1", "2"}, nil, []string{"A/", "A/", "A/"}, nil, "", 450},
		// The spare-time counter first clears its own B queue, 2 × 480 s,
		// by which time counter 1 has served the three of A ahead.
		{"SpareTimeBusy", []hallq.Counter{onlyA, bSpareA}, []string{"1", "2"}, nil,
			[]string{"B/", "B/", "A/", "A/", "A/"}, nil, "", 900},
		{"SpareTimeOnly", []hallq.Counter{bSpareA}, []string{"2"}, nil, []string{"A/"}, nil, "", 300},
		// The VIP window calls regular tickets too, once no VIP waits.
		{"VIPWindowRegular", []hallq.Counter{vipWindow}, []string{"4"}, nil, []string{"A/"}, nil, "", 300},
		// … but first every waiting VIP, of any of its services, even one
		// who came after the ticket and is behind it in the key order.
		{"VIPWindowLaterVIP", []hallq.Counter{vipWindow}, []string{"4"}, nil, nil, []string{"B/silver"}, "", 480},
		{"GeneralLaterVIP", []hallq.Counter{aAndB}, []string{"2"}, nil, nil, []string{"B/silver"}, "", 0},
		// A VIP ticket at the VIP window waits for VIPs before it only.
		{"VIPWindowVIP", []hallq.Counter{vipWindow}, []string{"4"}, nil, []string{"A/", "A/", "B/"}, nil, "gold", 0},
		{"GeneralVIP", []hallq.Counter{onlyA}, []string{"1"}, nil, []string{"A/", "A/"}, nil, "gold", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := hallWith(t, tt.counters...)
			clk := &clock{t0}
			openCounters(t, f, clk.now, tt.open...)
			for _, id := range tt.pause {
				do(t, f, clk.now, hallq.OpPause, id)
			}
			issueAll := func(list []string) {
				for _, s := range list {
					var svc, tier string
					fmt.Sscanf(s[:1], "%s", &svc)
					tier = s[2:]
					issue(t, f, clk.now, svc, tier)
					clk.Add(time.Minute)
				}
			}
			issueAll(tt.before)
			mine := issue(t, f, clk.now, "A", tt.tier)
			clk.Add(10 * time.Minute) // past the head starts of silver VIPs
			issueAll(tt.after)
			got := ticket(t, f, mine.ID)
			if tt.eta < 0 {
				wantNoCounter(t, "ticket", got)
				s, _ := f.Service("A", clk.now)
				if s.EtaS != nil || s.EtaReason != hallq.EtaNoCounter {
					t.Errorf("service A: eta %v, reason %q; want none, no_counter", s.EtaS, s.EtaReason)
				}
				return
			}
			wantEta(t, "ticket", got, tt.eta)
		})
	}
}

// TestEstimate_BusyCounters checks the wait for the counters' next
// departures: a customer called e seconds ago has the mean residual life of
// a lognormal service time left (A's assumed 300 s, sd 150 s: 300 s at
// once, 240 s after a minute, 138 s after five, 140 s after ten: a service
// that runs long does not end sooner), and the first of several busy
// counters frees after 1 ÷ Σ 1/residual, sooner than the smallest residual.
func TestEstimate_BusyCounters(t *testing.T) {
	for _, tt := range []struct {
		name     string
		counters []hallq.Counter
		ago      []int    // minutes since each counter called its customer
		pause    []string // counters paused after calling
		ahead    int      // of A, waiting before the ticket estimated
		eta      int
	}{
		{"OneJustCalled", []hallq.Counter{onlyA}, []int{0}, nil, 0, 300},
		{"OneAMinuteAgo", []hallq.Counter{onlyA}, []int{1}, nil, 0, 240},
		{"OneOverran", []hallq.Counter{onlyA}, []int{10}, nil, 0, 140},
		{"OneWithOneAhead", []hallq.Counter{onlyA}, []int{1}, nil, 1, 540},
		// 1 ÷ (1/300 + 1/300)
		{"TwoJustCalled", []hallq.Counter{onlyA, aAndB}, []int{0, 0}, nil, 0, 150},
		// 1 ÷ (1/140 + 1/138), not min(140, 138)
		{"TwoCalledEarlier", []hallq.Counter{onlyA, aAndB}, []int{10, 5}, nil, 0, 69},
		// The first frees after 150 s, then the two share the one ahead.
		{"TwoWithOneAhead", []hallq.Counter{onlyA, aAndB}, []int{0, 0}, nil, 1, 300},
		{"OneIdle", []hallq.Counter{onlyA, aAndB}, []int{5}, nil, 0, 0},
		// A paused counter finishes its customer but calls no one.
		{"OnePaused", []hallq.Counter{onlyA, aAndB}, []int{5, 0}, []string{"2"}, 0, 138},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := hallWith(t, tt.counters...)
			clk := &clock{t0}
			for _, c := range tt.counters {
				openCounters(t, f, clk.now, c.ID)
			}
			start := t0.Add(time.Duration(slices.Max(tt.ago)) * time.Minute)
			for i, ago := range tt.ago {
				clk.now = start.Add(-time.Duration(ago) * time.Minute)
				issue(t, f, clk.now, "A", "")
				next(t, f, clk.now, tt.counters[i].ID)
			}
			for _, id := range tt.pause {
				do(t, f, clk.now, hallq.OpPause, id)
			}
			clk.now = start
			for range tt.ahead {
				issue(t, f, clk.now, "A", "")
			}
			wantEta(t, "ticket", ticket(t, f, issue(t, f, clk.now, "A", "").ID), tt.eta)
		})
	}
}

// The range is skewed like the wait: waiting for the first of the busy
// counters to free is about exponential (its 10 and 90 % points 0.10 and
// 2.28 × the mean), and with people ahead the range reaches further above
// the estimate than below it.
func TestEstimate_RangeSkewed(t *testing.T) {
	f := hallWith(t, onlyA)
	clk := &clock{t0}
	openCounters(t, f, clk.now, "1")
	issue(t, f, clk.now, "A", "")
	next(t, f, clk.now, "1")
	first := ticket(t, f, issue(t, f, clk.now, "A", "").ID)
	if first.EtaS != 300 || first.EtaLowS != 30 || first.EtaHighS != 684 {
		t.Errorf("waiting for the counter to free: %d (%d–%d), want 300 (30–684)", first.EtaS, first.EtaLowS, first.EtaHighS)
	}
	for range 5 {
		issue(t, f, clk.now, "A", "")
	}
	tk := ticket(t, f, issue(t, f, clk.now, "A", "").ID)
	if below, above := tk.EtaS-tk.EtaLowS, tk.EtaHighS-tk.EtaS; tk.EtaLowS <= 0 || above <= below {
		t.Errorf("6 ahead: %d (%d–%d), want a range above 0 reaching further up than down", tk.EtaS, tk.EtaLowS, tk.EtaHighS)
	}
}

// A ticket transferred to one counter waits for that counter only: paused,
// there is no estimate, however many others are open. (Closing it sends its
// tickets back to every counter.)
func TestEstimate_Transferred(t *testing.T) {
	f := hallWith(t, onlyA, aAndB)
	clk := &clock{t0}
	openCounters(t, f, clk.now, "1", "2")
	tk := issue(t, f, clk.now, "A", "")
	next(t, f, clk.now, "1")
	act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "2"})
	issue(t, f, clk.now, "A", "")
	wantEta(t, "transferred to an open counter", ticket(t, f, tk.ID), 0)
	do(t, f, clk.now, hallq.OpPause, "2")
	wantNoCounter(t, "transferred to a paused counter", ticket(t, f, tk.ID))
}

// VIPs who arrive while a regular ticket waits, within their head start,
// are called before it: today's arrivals of VIPs make its wait longer.
func TestEstimate_VIPArrivals(t *testing.T) {
	wait := func(vipsPerHour int, cap int) int {
		st := hallq.DefaultFloor(zone)
		st.Settings.VIPStreakCap = cap
		st.Counters = []hallq.Counter{{ID: "1", Name: hallq.Text{EN: "1"}, Services: []string{"A"}, State: hallq.Closed}}
		f := newFloorFrom(t, st)
		clk := &clock{t0}
		openCounters(t, f, clk.now, "1")
		// The last hour's gold customers, served (cancelled here) already.
		for i := 0; i < vipsPerHour; i++ {
			vip := issue(t, f, clk.now, "A", "gold")
			if _, err := f.Cancel(clk.now, vip.ID, customer); err != nil {
				t.Fatal(err)
			}
			clk.Add(time.Hour / time.Duration(vipsPerHour+1))
		}
		for i := 0; i < 4; i++ {
			issue(t, f, clk.now, "A", "")
		}
		return ticket(t, f, issue(t, f, clk.now, "A", "").ID).EtaS
	}
	none, some, many := wait(0, 3), wait(6, 3), wait(30, 3)
	if none != 4*300 {
		t.Errorf("no VIPs today: eta %d, want %d", none, 4*300)
	}
	if !(none < some && some < many) {
		t.Errorf("eta with 0, 6 and 30 VIPs an hour: %d, %d, %d; want longer with more", none, some, many)
	}
	// The streak cap bounds how many of them are called first: one for
	// each regular ticket ahead, and one more.
	if got, max := wait(600, 1), (4+5)*300; got > max {
		t.Errorf("600 VIPs an hour, streak cap 1: eta %d, want at most %d", got, max)
	}
	// A ticket of the top tier has no one to come before it.
	st := hallq.DefaultFloor(zone)
	f := newFloorFrom(t, st)
	clk := &clock{t0}
	openCounters(t, f, clk.now, "1")
	for i := 0; i < 20; i++ {
		issue(t, f, clk.now, "A", "gold")
		clk.Add(time.Minute)
	}
	top := ticket(t, f, issue(t, f, clk.now, "A", "platinum").ID)
	wantEta(t, "platinum", top, top.Ahead*300)
}

func TestEstimate_RangeHoldsEstimate(t *testing.T) {
	for _, counters := range [][]hallq.Counter{{onlyA}, {onlyA, aAndB}, {onlyA, bSpareA}, {vipWindow}, {aAndB, vipWindow}} {
		f := hallWith(t, counters...)
		clk := &clock{t0}
		for _, c := range counters {
			openCounters(t, f, clk.now, c.ID)
		}
		tiers := []string{"", "", "", "gold", "", "silver", "", "platinum"}
		for i := 0; i < 40; i++ {
			issue(t, f, clk.now, []string{"A", "B", "A", "C"}[i%4], tiers[i%len(tiers)])
			clk.Add(20 * time.Second)
			if i%7 == 3 {
				next(t, f, clk.now, counters[0].ID)
			}
		}
		for _, q := range f.Queue() {
			for _, tk := range q.Tickets {
				if tk.EtaReason != "" {
					if tk.Service == "A" {
						t.Errorf("%s: no estimate with a counter open for A", tk.Number)
					}
					continue
				}
				if tk.EtaLowS < 0 || tk.EtaLowS > tk.EtaS || tk.EtaS > tk.EtaHighS || tk.EtaHighS < 1 {
					t.Errorf("%s: %d (%d–%d): want 0 ≤ low ≤ eta ≤ high, high ≥ 1", tk.Number, tk.EtaS, tk.EtaLowS, tk.EtaHighS)
				}
				if v := ticket(t, f, tk.ID); v.EtaS != tk.EtaS || v.EtaLowS != tk.EtaLowS || v.EtaHighS != tk.EtaHighS {
					t.Errorf("%s: the queue says %d (%d–%d), the ticket %d (%d–%d)", tk.Number, tk.EtaS, tk.EtaLowS, tk.EtaHighS, v.EtaS, v.EtaLowS, v.EtaHighS)
				}
			}
		}
	}
}

// TestFloor_Estimate checks the live estimates: the counters open for the
// service count, service times measured at the counters replace the
// assumed one, and a ticket just issued carries the service's figures.
func TestFloor_Estimate(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	var last *hallq.Ticket
	for i := 0; i < 4; i++ {
		last = issue(t, f, clk.now, "A", "")
	}
	wantNoCounter(t, "no counter open", ticket(t, f, last.ID))
	if got := ticket(t, f, last.ID); got.EtaAtIssue != 0 || got.EtaHighAtIssue != 0 || got.EstimatedAtIssue() {
		t.Errorf("issued with no counter open: at issue %d (%d–%d), want none", got.EtaAtIssue, got.EtaLowAtIssue, got.EtaHighAtIssue)
	}
	openCounters(t, f, clk.now, "1", "2", "3")
	wantEta(t, "three counters open", ticket(t, f, last.ID), 300)
	do(t, f, clk.now, hallq.OpClose, "2")
	do(t, f, clk.now, hallq.OpClose, "3")

	// Serve six customers in 2 minutes each.
	for i := 0; i < 6; i++ {
		issue(t, f, clk.now, "A", "")
	}
	for i := 0; i < 6; i++ {
		next(t, f, clk.now, "1")
		clk.Add(2 * time.Minute)
	}
	do(t, f, clk.now, hallq.OpDone, "1")
	waiting := f.Queue()[0].Tickets
	tk := waiting[len(waiting)-1]
	if got, want := tk.Ahead, 3; got != want {
		t.Fatalf("ahead %d, want %d", got, want)
	}
	wantEta(t, "after six measured services", tk, 3*120)
	s, _ := f.Service("A", clk.now)
	if s.EtaS == nil || *s.EtaS != 4*120 || s.EtaReason != "" {
		t.Errorf("service eta %v (%q), want %d", s.EtaS, s.EtaReason, 4*120)
	}
	mine := issue(t, f, clk.now, "A", "")
	if mine.EtaS != *s.EtaS || mine.EtaLowS != *s.EtaLowS || mine.EtaHighS != *s.EtaHighS {
		t.Errorf("a ticket issued now: %d (%d–%d); the service said %d (%d–%d)", mine.EtaS, mine.EtaLowS, mine.EtaHighS, *s.EtaS, *s.EtaLowS, *s.EtaHighS)
	}
	if mine.EtaAtIssue != mine.EtaS || mine.EtaLowAtIssue != mine.EtaLowS || mine.EtaHighAtIssue != mine.EtaHighS || !mine.EstimatedAtIssue() {
		t.Errorf("recorded at issue %d (%d–%d), given %d (%d–%d)", mine.EtaAtIssue, mine.EtaLowAtIssue, mine.EtaHighAtIssue, mine.EtaS, mine.EtaLowS, mine.EtaHighS)
	}
}

// Without an estimate, a Ticket's and a Service's eta fields are JSON null
// and eta_reason says why; with one, they are numbers and there is no reason.
func TestEstimate_JSON(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	tk := issue(t, f, clk.now, "A", "")
	// views returns the ticket's and service A's JSON objects as they are now.
	views := func() map[string]map[string]any {
		s, _ := f.Service("A", clk.now)
		out := map[string]map[string]any{}
		for name, v := range map[string]any{"Ticket": ticket(t, f, tk.ID), "Service": s} {
			var got map[string]any
			b, _ := json.Marshal(v)
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			out[name] = got
		}
		return out
	}
	for name, got := range views() {
		for _, k := range []string{"eta_s", "eta_low_s", "eta_high_s"} {
			if v, ok := got[k]; !ok || v != nil {
				t.Errorf("%s with no counter: %s = %v (present %v), want null", name, k, v, ok)
			}
		}
		if got["eta_reason"] != "no_counter" {
			t.Errorf("%s with no counter: eta_reason %v, want no_counter", name, got["eta_reason"])
		}
	}
	openCounters(t, f, clk.now, "1")
	issue(t, f, clk.now, "A", "")
	for name, got := range views() {
		for _, k := range []string{"eta_s", "eta_low_s", "eta_high_s"} {
			if _, ok := got[k].(float64); !ok {
				t.Errorf("%s with a counter open: %s = %v, want a number", name, k, got[k])
			}
		}
		if _, ok := got["eta_reason"]; ok {
			t.Errorf("%s with a counter open: eta_reason %v, want none", name, got["eta_reason"])
		}
	}
}

// BenchmarkEstimateAll recomputes the estimate of every waiting ticket, as
// the counters' and managers' queue views do after each change: 1,000
// waiting in three services, 15 % VIPs, four counters open (one the VIP
// window), an hour of arrivals behind them.
func BenchmarkEstimateAll(b *testing.B) {
	const waiting = 1000
	f := newFloor(b)
	clk := &clock{t0}
	openCounters(b, f, clk.now, "1", "2", "3", "4")
	tiers := []string{"", "", "", "", "", "silver", "", "gold", "", "", "", "", "", "", "", "", "", "", "", "platinum"}
	for i := 0; i < waiting; i++ {
		issue(b, f, clk.now, []string{"A", "A", "B", "C"}[i%4], tiers[i%len(tiers)])
		clk.Add(3 * time.Second)
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		next(b, f, clk.now, id) // four at the counters, 996 waiting
	}
	n := hallq.EstimateAll(f)
	b.Run("Estimates", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			hallq.EstimateAll(f)
		}
		perTicket := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
		b.ReportMetric(perTicket, "ns/ticket")
		b.ReportMetric(perTicket*1000/1e6, "ms/1000")
	})
	// The same with the ticket views made around them, as Queue sends.
	b.Run("Queue", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.Queue()
		}
		perTicket := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
		b.ReportMetric(perTicket, "ns/ticket")
		b.ReportMetric(perTicket*1000/1e6, "ms/1000")
	})
}

// BenchmarkNewEstimator builds the estimator and estimates a new ticket,
// as every ticket issue does up to three times (f.Service does just that),
// with 30 and with 3,000 waiting: the time and the allocations should not
// grow with the queue.
func BenchmarkNewEstimator(b *testing.B) {
	for _, waiting := range []int{30, 3000} {
		b.Run(fmt.Sprint(waiting), func(b *testing.B) {
			f := newFloor(b)
			clk := &clock{t0}
			openCounters(b, f, clk.now, "1", "2", "3", "4")
			tiers := []string{"", "", "", "", "", "silver", "", "gold", "", "", "", "", "", "", "", "", "", "", "", "platinum"}
			for i := 0; i < waiting+4; i++ {
				issue(b, f, clk.now, []string{"A", "A", "B", "C"}[i%4], tiers[i%len(tiers)])
				clk.Add(time.Second)
			}
			for _, id := range []string{"1", "2", "3", "4"} {
				next(b, f, clk.now, id)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.Service("A", clk.now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The stats' estimate accuracy measures the tickets given an estimate at
// issue, and leaves out those issued while no counter could call them.
func TestComputeStats_LeavesOutNoEstimate(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	var events []hallq.Event
	keep := func(ch *hallq.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ch.Events...)
	}
	keep(f.Issue(clk.now, hallq.IssueOrder{Service: "A"})) // every counter closed: no estimate
	keep(f.Act(clk.now, hallq.CounterAction{Op: hallq.OpOpen, Counter: "1", By: staffAt("1")}))
	keep(f.Issue(clk.now, hallq.IssueOrder{Service: "A"})) // 1 ahead at one counter: 300 s
	keep(f.Act(clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: staffAt("1")}))
	clk.Add(5 * time.Minute)
	keep(f.Act(clk.now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: staffAt("1")}))
	s := hallq.ComputeStats(f.Day(), f.Day(), events, map[string]int{"A": 900}, t0.Location())
	if got, want := s.Estimate.N, 1; got != want {
		t.Fatalf("estimates measured: %d, want %d (the ticket issued with none left out)", got, want)
	}
	if s.Estimate.RMSES == nil || *s.Estimate.RMSES != 0 {
		t.Errorf("rmse %d, want 0: the estimated ticket waited its 300 s", *s.Estimate.RMSES)
	}
}
