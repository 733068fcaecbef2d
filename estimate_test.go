package hallq_test

import (
	"testing"
	"time"

	"hallq"
)

func TestEstimateWait(t *testing.T) {
	t.Run("NobodyAhead", func(t *testing.T) {
		e := hallq.EstimateWait(0, 1, nil, 300)
		if e.S != 0 || e.LowS != 0 || e.HighS <= 0 {
			t.Errorf("EstimateWait(0 ahead) = %+v, want 0 with a range above it", e)
		}
	})

	t.Run("Assumed", func(t *testing.T) {
		if got, want := hallq.EstimateWait(10, 1, nil, 300).S, 3000; got != want {
			t.Errorf("10 ahead × 300 s at one counter: %d s, want %d", got, want)
		}
	})

	t.Run("MoreCountersShorter", func(t *testing.T) {
		prev := hallq.EstimateWait(10, 1, nil, 300)
		for counters := 2; counters <= 5; counters++ {
			e := hallq.EstimateWait(10, counters, nil, 300)
			if e.S >= prev.S || e.HighS >= prev.HighS {
				t.Errorf("%d counters: %+v, not shorter than %+v", counters, e, prev)
			}
			prev = e
		}
		if got, want := hallq.EstimateWait(10, 3, nil, 300).S, 1000; got != want {
			t.Errorf("10 ahead × 300 s at three counters: %d s, want %d", got, want)
		}
	})

	t.Run("RangeHoldsEstimate", func(t *testing.T) {
		samples := [][]int{nil, {60, 120, 90, 300, 30}, {200, 200, 200, 200, 200, 200}, {1, 1000, 1, 1000, 1}}
		for ahead := 0; ahead <= 40; ahead += 3 {
			for counters := 0; counters <= 4; counters++ {
				for _, recent := range samples {
					e := hallq.EstimateWait(ahead, counters, recent, 240)
					if e.LowS < 0 || e.LowS > e.S || e.S > e.HighS {
						t.Errorf("EstimateWait(%d, %d, %v) = %+v: want 0 ≤ low ≤ eta ≤ high", ahead, counters, recent, e)
					}
				}
			}
		}
	})

	t.Run("MeasuredOverridesAssumed", func(t *testing.T) {
		four := []int{60, 60, 60, 60}
		if got, want := hallq.EstimateWait(10, 1, four, 300).S, 3000; got != want {
			t.Errorf("with 4 samples: %d s, want the assumed %d", got, want)
		}
		five := append(four, 60)
		e := hallq.EstimateWait(10, 1, five, 300)
		if got, want := e.S, 600; got != want {
			t.Errorf("with 5 samples: %d s, want the measured %d", got, want)
		}
		// Samples that never vary leave only the half service of the
		// customer at the counter in the range.
		if e.LowS != 600 || e.HighS != 630 {
			t.Errorf("with 5 equal samples: range %d–%d, want 600–630", e.LowS, e.HighS)
		}
		if got := hallq.EstimateWait(10, 1, []int{30, 90, 30, 90, 30, 90}, 300); got.S != 600 || got.HighS-got.LowS <= 30 {
			t.Errorf("with varying samples: %+v, want 600 s with a wider range", got)
		}
	})

	t.Run("NoCounterOpen", func(t *testing.T) {
		none, one := hallq.EstimateWait(6, 0, nil, 300), hallq.EstimateWait(6, 1, nil, 300)
		if none.S != one.S || none.LowS != one.LowS {
			t.Errorf("no counter open: %+v; want the estimate of one counter, %+v", none, one)
		}
		if got, want := none.HighS, 2*one.HighS; got < want-1 || got > want+1 {
			t.Errorf("no counter open: high %d, want about %d", got, want)
		}
	})
}

// TestFloor_Estimate checks the live estimates: the counters open for the
// service count, and service times measured at the counters replace the
// assumed one.
func TestFloor_Estimate(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	var last *hallq.Ticket
	for i := 0; i < 4; i++ {
		last = issue(t, f, clk.now, "A", "")
	}
	if got, want := ticket(t, f, last.ID).EtaS, 3*300; got != want {
		t.Errorf("no counter open: eta %d, want %d", got, want)
	}
	openCounters(t, f, clk.now, "1", "2", "3")
	if got, want := ticket(t, f, last.ID).EtaS, 300; got != want {
		t.Errorf("three counters open: eta %d, want %d", got, want)
	}
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
	if got, want := tk.EtaS, 3*120; got != want {
		t.Errorf("after six measured services: eta %d, want %d", got, want)
	}
	s, _ := f.Service("A", clk.now)
	if got, want := s.EtaS, 4*120; got != want {
		t.Errorf("service eta %d, want %d", got, want)
	}
}
