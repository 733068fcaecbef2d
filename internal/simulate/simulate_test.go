package simulate_test

import (
	"math"
	"reflect"
	"testing"

	"hallq/internal/simulate"
)

// short is the options of the short version: one day, a few oracle runs
// for one ticket in four.
func short(seed uint64) simulate.Options {
	return simulate.Options{Seed: seed, Days: 1, OracleRuns: 8, OracleEvery: 4, Workers: 2}
}

func mustRun(tb testing.TB, sc *simulate.Scenario, opt simulate.Options) *simulate.Result {
	tb.Helper()
	res, err := simulate.Run(sc, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestRun_Reproducible(t *testing.T) {
	a := mustRun(t, simulate.Mixed(), short(7))
	b := mustRun(t, simulate.Mixed(), short(7))
	if !reflect.DeepEqual(a.Records, b.Records) {
		t.Fatal("the same seed gave different records")
	}
	if got, want := simulate.Measure(a.Records, 50), simulate.Measure(b.Records, 50); !reflect.DeepEqual(got, want) {
		t.Fatalf("the same seed gave different figures:\n%+v\n%+v", got, want)
	}
	one := short(7)
	one.Workers = 1
	if d := mustRun(t, simulate.Mixed(), one); !reflect.DeepEqual(a.Records, d.Records) {
		t.Fatal("one oracle worker gave other records than two")
	}
	c := mustRun(t, simulate.Mixed(), short(8))
	if reflect.DeepEqual(a.Records, c.Records) {
		t.Fatal("another seed gave the same records")
	}
}

// TestRun_RealRule checks that the calls follow the hub's rule, not first
// come first served: in the steady hall every counter is a general one
// serving both services, so DESIGN.md's guarantee holds for every pair (a
// ticket called while another waits was issued at most D_max = 30 minutes
// after it), and VIPs issued later are called before regulars issued
// earlier, within their head start.
func TestRun_RealRule(t *testing.T) {
	res := mustRun(t, simulate.Steady(), simulate.Options{Seed: 3, Days: 1})
	const dMax = 1800.0
	jumps := 0
	for _, x := range res.Records {
		if x.Fate != simulate.Served {
			continue
		}
		calledX := x.IssuedS + x.Wait
		for _, y := range res.Records {
			calledY := y.IssuedS + y.Wait
			if y.IssuedS <= x.IssuedS || calledY >= calledX {
				continue
			}
			// y, issued after x, was called while x waited.
			if y.IssuedS-x.IssuedS > dMax {
				t.Fatalf("ticket %d (issued %.0f s after %d) was called before it: beyond the head start", y.ID, y.IssuedS-x.IssuedS, x.ID)
			}
			if !y.VIP {
				t.Fatalf("regular ticket %d, issued after %d, was called while it waited", y.ID, x.ID)
			}
			if !x.VIP {
				jumps++
			}
		}
	}
	if jumps == 0 {
		t.Fatal("no VIP was called before an earlier regular ticket: the rule was not in play")
	}
}

// TestMeasure checks the figures on records made by hand.
func TestMeasure(t *testing.T) {
	var rs []simulate.Record
	add := func(n, ahead int, wait, hub, lo, hi, naive, oracle float64) {
		for range n {
			rs = append(rs, simulate.Record{Fate: simulate.Served, Ahead: ahead, Wait: wait,
				HubKnown: true, HubS: hub, HubLowS: lo, HubHighS: hi,
				NaiveKnown: true, NaiveS: naive,
				OracleKnown: true, OracleS: oracle, OracleP10: oracle - 20, OracleP90: oracle + 20})
		}
	}
	// One ahead: waits 100 and 300 (mean 200); the hub is 10 s off each
	// time (relative RMSE 0.05), the naive 50 s (0.25), the oracle exact.
	// The hub's range holds the first half only.
	add(100, 1, 100, 110, 90, 130, 50, 100)
	add(100, 1, 300, 290, 250, 299, 350, 300)
	// Five ahead: 300 tickets, waits 600, all estimates 60 s off; nine
	// ahead: 10 tickets, merged with them.
	add(300, 5, 600, 660, 500, 700, 540, 630)
	add(10, 9, 600, 660, 500, 700, 540, 630)
	rs = append(rs,
		simulate.Record{Fate: simulate.Cancelled, Ahead: 1, Wait: 5000, HubKnown: true},
		simulate.Record{Fate: simulate.NoShow, Ahead: 1, Wait: 5000, HubKnown: true},
		simulate.Record{Fate: simulate.Served, Ahead: 1, Wait: 5000}, // no estimate
	)
	s := simulate.Measure(rs, 200)
	if got, want := len(s.Rows), 2; got != want {
		t.Fatalf("%d rows, want %d: %+v", got, want, s.Rows)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	r := s.Rows[0]
	if got, want := r.Bucket, (simulate.Bucket{Lo: 0, Hi: 3}); got != want {
		t.Errorf("first bucket %v, want %v", got, want)
	}
	if r.N != 200 {
		t.Errorf("first bucket holds %d, want 200", r.N)
	}
	near("mean wait", r.MeanWait, 200)
	near("hub", r.Hub, 0.05)
	near("naive", r.Naive, 0.25)
	near("oracle", r.Oracle, 0)
	near("hub cover", r.HubCover, 0.5)
	near("oracle cover", r.OracleCover, 1)
	r = s.Rows[1]
	if got, want := r.Bucket, (simulate.Bucket{Lo: 4, Hi: math.MaxInt}); got != want || r.N != 310 {
		t.Errorf("second bucket %v with %d, want %v with 310", got, r.N, want)
	}
	near("hub", r.Hub, 0.1)
	near("naive", r.Naive, 0.1)
	near("oracle", r.Oracle, 0.05)
	near("oracle cover", r.OracleCover, 0)
	if got, want := s.All.N, 510; got != want {
		t.Errorf("all: %d tickets, want %d", got, want)
	}
	if s.Count.Served != 511 || s.Count.Cancelled != 1 || s.Count.NoShow != 1 || s.Count.NoEstimate != 1 {
		t.Errorf("counts %+v", s.Count)
	}
	if got := (simulate.Bucket{Lo: 16, Hi: math.MaxInt}).String(); got != "16+" {
		t.Errorf("bucket name %q", got)
	}
}

// TestRun_Sane checks the short version of each scenario for figures that
// make sense.
func TestRun_Sane(t *testing.T) {
	for _, sc := range simulate.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			res := mustRun(t, sc, short(1))
			s := simulate.Measure(res.Records, 20)
			if s.Count.Served < 150 {
				t.Fatalf("only %d served in a day", s.Count.Served)
			}
			if got := s.Count.Served + s.Count.NoShow + s.Count.Cancelled; got != s.Count.Issued {
				t.Errorf("%d tickets ended of %d issued", got, s.Count.Issued)
			}
			if sc.Name == "c" && (s.Count.NoShow == 0 || s.Count.Cancelled == 0) {
				t.Errorf("no no-shows or no cancellations: %+v", s.Count)
			}
			if sc.Name != "c" && (s.Count.NoShow != 0 || s.Count.Cancelled != 0) {
				t.Errorf("no-shows or cancellations: %+v", s.Count)
			}
			a := s.All
			if a.N == 0 || a.OracleN != a.N || a.MeanWait <= 0 {
				t.Fatalf("all: %+v", a)
			}
			// The oracle knows the most: it beats the naive estimate.
			if !(a.Oracle < a.Naive) {
				t.Errorf("oracle %.3f not better than naive %.3f", a.Oracle, a.Naive)
			}
			for _, x := range [...]float64{a.Hub, a.Naive, a.Oracle} {
				if !(x > 0 && x < 5) {
					t.Errorf("relative RMSE %v out of bounds: %+v", x, a)
				}
			}
			for _, r := range res.Records {
				if r.Wait < 0 || r.NaiveKnown && r.Ahead == 0 && r.NaiveS != 0 {
					t.Fatalf("record %+v", r)
				}
				if r.OracleKnown && !(r.OracleP10 <= r.OracleS && r.OracleS <= r.OracleP90) {
					t.Fatalf("oracle's range does not hold its mean: %+v", r)
				}
			}
		})
	}
}
