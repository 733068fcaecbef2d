package hallq_test

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"hallq"
	"hallq/internal/fakeclock"
)

// w describes a waiting ticket for the rule tables: its id, service, rank,
// minutes before t0 it was issued, minutes of head start, and the counter it
// was transferred to, if any.
type w struct {
	id      uint64
	service string
	rank    int
	ago     int // minutes before t0
	head    int // minutes of head start
	target  string
}

func (x w) ticket(loc *time.Location) hallq.Ticket {
	issued := t0.In(loc).Add(-time.Duration(x.ago) * time.Minute)
	head := time.Duration(x.head) * time.Minute
	tier := "regular"
	if x.rank > 0 {
		tier = "gold"
	}
	return hallq.Ticket{
		ID: x.id, Token: fmt.Sprint("t", x.id), Number: hallq.Numbered(x.service, int(x.id)),
		Service: x.service, Tier: tier, Rank: x.rank, HeadStart: head, Key: issued.Add(-head),
		Day: "2025-03-10", Lang: "en", State: hallq.Waiting, IssuedAt: issued, LegAt: issued, Leg: 1, Target: x.target,
	}
}

// ruleFloor returns the default hall with counter 1 (and the VIP window 4)
// open, counter 1 serving services and also, with the given streak, and the
// tickets waiting.
func ruleFloor(t *testing.T, services, also []string, vipFirst bool, streak int, waiting []w) *hallq.Floor {
	t.Helper()
	st := hallq.DefaultFloor(zone)
	st.Day = "2025-03-10"
	for i := range st.Counters {
		c := &st.Counters[i]
		if c.ID == "1" {
			c.Services, c.AlsoServes, c.VIPFirst, c.Streak = services, also, vipFirst, streak
		}
		c.State, c.Staff = hallq.Open, staffAt(c.ID).Name
	}
	for _, x := range waiting {
		st.Open = append(st.Open, x.ticket(t0.Location()))
		st.LastID = max(st.LastID, x.id)
	}
	return newFloorFrom(t, st)
}

// TestRule is the call-order rule of DESIGN.md, one row per branch. The
// hall's streak cap is 3; gold tickets have rank 3.
func TestRule(t *testing.T) {
	abc := []string{"A", "B", "C"}
	for _, tt := range []struct {
		name       string
		services   []string
		also       []string
		vipFirst   bool
		streak     int
		waiting    []w
		want       uint64 // 0: nobody is called
		wantStreak int
		wantMode   hallq.CallMode
	}{
		{
			name: "VRegular", services: abc, streak: 2,
			waiting:  []w{{id: 1, service: "A", ago: 10}, {id: 2, service: "B", rank: 3, ago: 1, head: 5}},
			want:     1,
			wantMode: hallq.ByRule,
		},
		{
			name: "NoRegular", services: abc, streak: 3,
			waiting:  []w{{id: 1, service: "A", rank: 3, ago: 3, head: 5}, {id: 2, service: "B", rank: 3, ago: 1, head: 15}},
			want:     2,
			wantMode: hallq.ByRule,
		},
		{
			name: "RegularAtCap", services: abc, streak: 3,
			waiting:  []w{{id: 1, service: "A", ago: 10}, {id: 2, service: "A", ago: 5}, {id: 3, service: "B", rank: 3, ago: 2, head: 15}},
			want:     1,
			wantMode: hallq.ByRule,
		},
		{
			name: "RegularAboveCap", services: abc, streak: 7, // the cap was lowered
			waiting:  []w{{id: 1, service: "A", ago: 10}, {id: 3, service: "B", rank: 3, ago: 2, head: 15}},
			want:     1,
			wantMode: hallq.ByRule,
		},
		{
			name: "VIPWithinStreak", services: abc, streak: 2,
			waiting:    []w{{id: 1, service: "A", ago: 10}, {id: 3, service: "B", rank: 3, ago: 2, head: 15}},
			want:       3,
			wantStreak: 3,
			wantMode:   hallq.ByRule,
		},
		{
			name: "VIPIssuedFirst", services: abc, streak: 3,
			waiting:    []w{{id: 1, service: "A", rank: 3, ago: 10, head: 15}, {id: 2, service: "A", ago: 5}},
			want:       1,
			wantStreak: 3,
			wantMode:   hallq.ByRule,
		},
		{
			name: "TieLowerID", services: abc,
			waiting:  []w{{id: 7, service: "A", ago: 4}, {id: 4, service: "B", ago: 4}, {id: 9, service: "C", ago: 4}},
			want:     4,
			wantMode: hallq.ByRule,
		},
		{
			name: "TieLowerIDVIP", services: abc, streak: 1,
			// Same key: the regular ticket 5 was issued 10 minutes ago, the
			// gold ticket 3 five minutes ago with a 5-minute head start.
			waiting:    []w{{id: 5, service: "A", ago: 10}, {id: 3, service: "A", rank: 3, ago: 5, head: 5}},
			want:       3,
			wantStreak: 2,
			wantMode:   hallq.ByRule,
		},
		{
			name: "OldestRegularNotSmallestKey", services: abc, streak: 3,
			// R is the oldest regular ticket even when another regular
			// one is ahead of it by key (a transferred ticket keeps its key).
			waiting:  []w{{id: 1, service: "A", ago: 20}, {id: 2, service: "B", ago: 30}, {id: 3, service: "C", rank: 3, ago: 1, head: 30}},
			want:     2,
			wantMode: hallq.ByRule,
		},
		{
			name: "ServicesBeforeAlsoServes", services: []string{"A"}, also: []string{"B"},
			waiting:  []w{{id: 1, service: "B", ago: 30}, {id: 2, service: "A", ago: 1}},
			want:     2,
			wantMode: hallq.ByRule,
		},
		{
			name: "AlsoServesWhenIdle", services: []string{"A"}, also: []string{"B"}, streak: 2,
			waiting:  []w{{id: 1, service: "B", ago: 30}, {id: 2, service: "C", ago: 40}},
			want:     1,
			wantMode: hallq.BySpare,
		},
		{
			name: "RegularOfAlsoServesIgnored", services: []string{"A"}, also: []string{"B"}, streak: 3,
			waiting:  []w{{id: 1, service: "B", ago: 30}, {id: 2, service: "A", rank: 3, ago: 1, head: 15}},
			want:     2,
			wantMode: hallq.ByRule,
		},
		{
			name: "TransferredHere", services: []string{"A"},
			// A C ticket sent to counter 1 is taken there, by the rule.
			waiting:  []w{{id: 1, service: "C", ago: 30, target: "1"}, {id: 2, service: "A", ago: 10}},
			want:     1,
			wantMode: hallq.ByRule,
		},
		{
			name: "TransferredElsewhere", services: abc,
			waiting:  []w{{id: 1, service: "A", ago: 30, target: "2"}, {id: 2, service: "A", ago: 10}},
			want:     2,
			wantMode: hallq.ByRule,
		},
		{
			name: "OnlyTransferredElsewhere", services: []string{"A"}, also: []string{"B"}, streak: 2,
			waiting:    []w{{id: 1, service: "A", ago: 30, target: "2"}, {id: 2, service: "B", ago: 30, target: "3"}},
			wantStreak: 2,
		},
		{
			name: "NothingWaiting", services: abc, streak: 1,
			wantStreak: 1,
		},
		{
			name: "VIPFirstVIPByKey", services: abc, vipFirst: true, streak: 2,
			waiting: []w{
				{id: 1, service: "A", ago: 60},
				{id: 2, service: "B", rank: 3, ago: 1, head: 5},
				{id: 3, service: "C", rank: 3, ago: 1, head: 15},
			},
			want:       3,
			wantStreak: 2,
			wantMode:   hallq.ByVIPFirst,
		},
		{
			name: "VIPFirstOthersByKey", services: abc, vipFirst: true, streak: 2,
			waiting:    []w{{id: 1, service: "A", ago: 5}, {id: 2, service: "B", ago: 10}, {id: 3, service: "C", ago: 7}},
			want:       2,
			wantStreak: 2,
			wantMode:   hallq.ByVIPFirst,
		},
		{
			name: "VIPFirstSpare", services: []string{"A"}, also: []string{"B"}, vipFirst: true,
			waiting:  []w{{id: 1, service: "B", ago: 5}, {id: 2, service: "B", rank: 3, ago: 1, head: 1}},
			want:     2,
			wantMode: hallq.BySpare,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := ruleFloor(t, tt.services, tt.also, tt.vipFirst, tt.streak, tt.waiting)
			called, mode := next(t, f, t0, "1")
			switch {
			case tt.want == 0 && called != nil:
				t.Fatalf("called %d, want nobody", called.ID)
			case tt.want != 0 && called == nil:
				t.Fatalf("called nobody, want %d", tt.want)
			case called != nil && called.ID != tt.want:
				t.Errorf("called %d, want %d", called.ID, tt.want)
			}
			if got, want := mode, tt.wantMode; got != want {
				t.Errorf("mode = %q, want %q", got, want)
			}
			if got, want := counter(t, f, "1").Streak, tt.wantStreak; got != want {
				t.Errorf("streak = %d, want %d", got, want)
			}
		})
	}
}

// TestRule_Sequence runs one counter through a queue of VIPs ahead of an
// older regular customer: the cap lets three VIPs pass, then the regular
// customer is called.
func TestRule_Sequence(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	openCounters(t, f, clk.now, "1")
	old := issue(t, f, clk.now, "A", "")
	var want []string
	for i := 0; i < 5; i++ {
		v := issue(t, f, clk.Add(time.Minute), "B", "gold")
		want = append(want, v.Number)
	}
	want = slices.Insert(want, 3, old.Number)
	var got []string
	for range want {
		called, _ := next(t, f, clk.Add(time.Minute), "1")
		got = append(got, called.Number)
	}
	if !slices.Equal(got, want) {
		t.Errorf("call order %v, want %v", got, want)
	}
}

// TestRule_StreakResets checks when a counter's streak starts again.
func TestRule_StreakResets(t *testing.T) {
	abc := []string{"A", "B", "C"}
	onStreak := func(t *testing.T) *hallq.Floor {
		return ruleFloor(t, abc, nil, false, 2, nil)
	}
	streak := func(f *hallq.Floor) int { return counter(t, f, "1").Streak }

	t.Run("ClosedCounterOpens", func(t *testing.T) {
		f := onStreak(t)
		do(t, f, t0, hallq.OpClose, "1")
		do(t, f, t0, hallq.OpOpen, "1")
		if got, want := streak(f), 0; got != want {
			t.Errorf("streak = %d, want %d", got, want)
		}
	})
	t.Run("PausedCounterResumes", func(t *testing.T) {
		f := onStreak(t)
		do(t, f, t0, hallq.OpPause, "1")
		do(t, f, t0, hallq.OpOpen, "1")
		if got, want := streak(f), 2; got != want {
			t.Errorf("streak = %d, want %d", got, want)
		}
	})
	t.Run("ServicesChange", func(t *testing.T) {
		f := onStreak(t)
		if _, err := f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{Name: &hallq.Text{EN: "Window 1"}}); err != nil {
			t.Fatal(err)
		}
		if got, want := streak(f), 2; got != want {
			t.Errorf("after a new name: streak = %d, want %d", got, want)
		}
		if _, err := f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{Services: &[]string{"A", "B"}}); err != nil {
			t.Fatal(err)
		}
		if got, want := streak(f), 0; got != want {
			t.Errorf("after new services: streak = %d, want %d", got, want)
		}
	})
	t.Run("ServicesReordered", func(t *testing.T) {
		f := onStreak(t)
		if _, err := f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{Services: &[]string{"C", "A", "B"}}); err != nil {
			t.Fatal(err)
		}
		if got, want := streak(f), 2; got != want {
			t.Errorf("streak = %d, want %d: the counter serves the same services", got, want)
		}
	})
	t.Run("AlsoServesChangeKeeps", func(t *testing.T) {
		f := ruleFloor(t, []string{"A"}, nil, false, 2, nil)
		if _, err := f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{AlsoServes: &[]string{"B"}}); err != nil {
			t.Fatal(err)
		}
		if got, want := streak(f), 2; got != want {
			t.Errorf("streak = %d, want %d: its services did not change", got, want)
		}
	})
	t.Run("DayStart", func(t *testing.T) {
		f := onStreak(t)
		ch := f.Advance(f.NextDayStart())
		if got, want := streak(f), 0; got != want {
			t.Errorf("streak = %d, want %d", got, want)
		}
		if !slices.ContainsFunc(ch.Counters, func(c *hallq.Counter) bool { return c.ID == "1" }) {
			t.Error("the counter whose streak reset is not among the changed counters")
		}
	})
	t.Run("CallByNumberKeeps", func(t *testing.T) {
		f := ruleFloor(t, abc, nil, false, 2, []w{{id: 1, service: "A", ago: 5}})
		act(t, f, t0, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", Number: "A001"})
		if got, want := streak(f), 2; got != want {
			t.Errorf("streak = %d, want %d", got, want)
		}
	})
}

// TestRule_Guarantee is a property test of the bound DESIGN.md publishes:
// when a general counter calls a ticket by the rule while a ticket T of one
// of its services waits, the ticket called was issued at most D_max after T;
// and it never calls more than VIPStreakCap VIP tickets in a row past an
// older regular ticket of its services.
func TestRule_Guarantee(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("Seed", seed), func(t *testing.T) {
			simulate(t, rand.New(rand.NewSource(seed)), 1500)
		})
	}
}

// sim is one random run of the hall.
type sim struct {
	t    *testing.T
	f    *hallq.Floor
	clk  *fakeclock.Clock // carries a monotonic reading, as time.Now does
	ids  []string
	cap  int
	jump map[string]map[leg]int // per counter, per older regular ticket: VIPs called past it in a row

	lastIssued time.Time // of the last ticket issued
	restarts   int

	calls    map[hallq.CallMode]int // calls by mode
	checks   int                    // called tickets compared with one waiting
	maxJumps int                    // the most VIPs called past one regular ticket
}

func simulate(t *testing.T, rnd *rand.Rand, steps int) {
	services := []string{"A", "B", "C", "D"}
	st := hallq.DefaultFloor(zone)
	st.Services = append(st.Services, hallq.Service{ID: "D", Name: hallq.Text{EN: "Loans"}, Open: true, ServiceTimeS: 600})
	st.Settings.VIPStreakCap = 1 + rnd.Intn(3)
	st.Tiers = append(st.Tiers, hallq.Tier{ID: "diamond", Name: hallq.Text{EN: "Diamond"}, Rank: 5, HeadStartS: 60 * (1 + rnd.Intn(60))})
	st.Counters = nil
	for i, count := 1, 2+rnd.Intn(5); i <= count; i++ {
		perm := rnd.Perm(len(services))
		n := 1 + rnd.Intn(len(services))
		c := hallq.Counter{ID: fmt.Sprint(i), Name: hallq.Text{EN: fmt.Sprint("Counter ", i)}, VIPFirst: rnd.Intn(4) == 0, State: hallq.Closed}
		for j, k := range perm {
			switch {
			case j < n:
				c.Services = append(c.Services, services[k])
			case rnd.Intn(2) == 0:
				c.AlsoServes = append(c.AlsoServes, services[k])
			}
		}
		st.Counters = append(st.Counters, c)
	}
	s := &sim{t: t, f: newFloorFrom(t, st), clk: fakeclock.NewMonotonic(t0), cap: st.Settings.VIPStreakCap, jump: map[string]map[leg]int{}, calls: map[hallq.CallMode]int{}}
	for _, c := range st.Counters {
		s.ids = append(s.ids, c.ID)
		s.open(c.ID)
	}
	tiers := []string{"regular", "regular", "regular", "silver", "gold", "platinum", "priority", "diamond"}

	for step := 0; step < steps; step++ {
		s.clk.Add(time.Duration(rnd.Intn(90)) * time.Second)
		switch rnd.Intn(40) {
		case 0:
			s.clk.Step(-time.Duration(rnd.Intn(600)) * time.Second) // the clock is set back
		case 1:
			s.f = restart(t, s.f) // the hub restarts from what it stored
			s.restarts++
		}
		now := s.clk.Now()
		s.f.Advance(now)
		id := s.ids[rnd.Intn(len(s.ids))]
		switch r := rnd.Intn(100); {
		case r < 45:
			o := hallq.IssueOrder{Service: services[rnd.Intn(len(services))]}
			switch tier := tiers[rnd.Intn(len(tiers))]; {
			case tier == "priority" || rnd.Intn(3) == 0:
				o.Tier, o.By = tier, clerk
			case tier != "regular":
				o.Card = &hallq.Card{Tier: tier}
			}
			tk := issueOrder(t, s.f, now, o)
			if tk.IssuedAt.Before(s.lastIssued) {
				t.Fatalf("%s issued at %v, before the last ticket's %v", tk.Number, tk.IssuedAt, s.lastIssued)
			}
			s.lastIssued = tk.IssuedAt
		case r < 85:
			s.next(now, id)
		case r < 89:
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: id, ToService: services[rnd.Intn(len(services))]})
		case r < 92:
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: id, ToCounter: s.ids[rnd.Intn(len(s.ids))]})
		case r < 94:
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpNoShow, Counter: id})
		case r < 96:
			if q := s.waiting(); len(q) > 0 {
				tk := q[rnd.Intn(len(q))]
				if _, err := s.f.Cancel(now, tk.ID, customer); err != nil {
					t.Fatal(err)
				}
			}
		case r < 97:
			if q := s.waiting(); len(q) > 0 {
				s.tryAct(now, hallq.CounterAction{Op: hallq.OpCall, Counter: id, Number: q[rnd.Intn(len(q))].Number})
			}
		case r < 98:
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpDone, Counter: id})
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpClose, Counter: id})
			s.open(id)
		case r < 99:
			// A new head start applies to tickets issued afterwards.
			if _, err := s.f.UpdateTier(now, manager, "diamond", hallq.TierUpdate{HeadStartS: ptr(60 * rnd.Intn(61))}); err != nil {
				t.Fatal(err)
			}
		default:
			s.tryAct(now, hallq.CounterAction{Op: hallq.OpStart, Counter: id})
		}
	}
	t.Logf("cap %d, %d counters, until %v, %d restarts: calls %v, %d checks, at most %d VIPs past one ticket",
		s.cap, len(s.ids), s.clk.Now(), s.restarts, s.calls, s.checks, s.maxJumps)
	if s.calls[hallq.ByRule] == 0 || s.checks == 0 {
		t.Fatal("the run tested nothing")
	}
}

func (s *sim) open(id string) {
	s.tryAct(s.clk.Now(), hallq.CounterAction{Op: hallq.OpOpen, Counter: id})
	delete(s.jump, id)
}

// tryAct carries out a, which may well be refused; only internal errors
// fail the test.
func (s *sim) tryAct(now time.Time, a hallq.CounterAction) *hallq.Change {
	s.t.Helper()
	a.By = staffAt(a.Counter)
	ch, err := s.f.Act(now, a)
	if err != nil {
		if hallq.ErrorCode(err) == hallq.EINTERNAL {
			s.t.Fatal(err)
		}
		return nil
	}
	return ch
}

// waiting returns every waiting ticket.
func (s *sim) waiting() []*hallq.Ticket {
	var out []*hallq.Ticket
	for _, q := range s.f.Queue() {
		out = append(out, q.Tickets...)
	}
	return out
}

// next calls next at counter id and checks the guarantee against the
// tickets that waited just before.
func (s *sim) next(now time.Time, id string) {
	t := s.t
	c := counter(t, s.f, id)
	before := s.waiting()
	dmax := s.f.HeadStartMax()
	ch := s.tryAct(now, hallq.CounterAction{Op: hallq.OpNext, Counter: id})
	if ch == nil {
		return
	}
	e := findEvent(ch, hallq.TicketCalled)
	if e == nil {
		return
	}
	x := e.Ticket
	s.calls[e.Mode]++
	if !slices.ContainsFunc(before, func(tk *hallq.Ticket) bool { return tk.ID == x.ID }) {
		t.Fatalf("counter %s called %s, which was not waiting", id, x.Number)
	}
	if slices.ContainsFunc(s.waiting(), func(tk *hallq.Ticket) bool { return tk.ID == x.ID }) {
		t.Fatalf("counter %s called %s, which is still waiting", id, x.Number)
	}
	// candidate reports whether tk, waiting, is of the counter's own
	// services and free for it to call.
	candidate := func(tk *hallq.Ticket) bool {
		return slices.Contains(c.Services, tk.Service) && (tk.Target == "" || tk.Target == id)
	}

	switch {
	case e.Mode == hallq.BySpare:
		for _, tk := range before {
			if candidate(tk) || tk.Target == id {
				t.Fatalf("counter %s called %s in spare time while %s of its own waited", id, x.Number, tk.Number)
			}
		}
		return
	case c.VIPFirst:
		if e.Mode != hallq.ByVIPFirst {
			t.Fatalf("VIP window %s called %s by %q", id, x.Number, e.Mode)
		}
		return
	case e.Mode != hallq.ByRule:
		t.Fatalf("counter %s called %s by %q", id, x.Number, e.Mode)
	}

	// A regular ticket T keeps its count only while it waits throughout
	// as a candidate of this counter, in the same leg.
	jumps := s.jumpFor(id)
	still := map[leg]bool{}
	for _, tk := range before {
		if tk.ID != x.ID && candidate(tk) && !tk.VIP() {
			still[leg{tk.ID, tk.Leg}] = true
		}
	}
	for k := range jumps {
		if !still[k] || !x.VIP() {
			delete(jumps, k)
		}
	}

	for _, tk := range before {
		if tk.ID == x.ID || !candidate(tk) {
			continue
		}
		s.checks++
		if x.IssuedAt.Sub(tk.IssuedAt) > dmax {
			t.Fatalf("counter %s (services %v) called %s issued %v while %s issued %v waited; D_max is %v",
				id, c.Services, x.Number, x.IssuedAt, tk.Number, tk.IssuedAt, dmax)
		}
		if x.VIP() && !tk.VIP() && x.IssuedAt.After(tk.IssuedAt) {
			k := leg{tk.ID, tk.Leg}
			jumps[k]++
			s.maxJumps = max(s.maxJumps, jumps[k])
			if jumps[k] > s.cap {
				t.Fatalf("counter %s called %d VIP tickets in a row (the last %s) past %s; the cap is %d",
					id, jumps[k], x.Number, tk.Number, s.cap)
			}
		}
	}
}

// leg names one leg of a ticket.
type leg struct {
	id  uint64
	leg int
}

func (s *sim) jumpFor(id string) map[leg]int {
	if s.jump[id] == nil {
		s.jump[id] = map[leg]int{}
	}
	return s.jump[id]
}

// BenchmarkNext measures choosing and calling the next ticket with 10,000
// waiting (of every tier, in three services, at a counter that takes them
// all), as the call-order rule does it at a press of Next.
func BenchmarkNext(b *testing.B) {
	for _, waiting := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("waiting=%d", waiting), func(b *testing.B) {
			f := newFloor(b)
			now := t0
			tiers := []string{"", "", "", "", "silver", "gold", "platinum"}
			issueAll := func(n int) {
				for i := range n {
					now = now.Add(time.Millisecond)
					issue(b, f, now, []string{"A", "B", "C"}[i%3], tiers[i%len(tiers)])
				}
			}
			issueAll(waiting)
			openCounters(b, f, now, "1")
			b.ResetTimer()
			for i := range b.N {
				if i%1000 == 999 {
					b.StopTimer()
					issueAll(1000) // keep the queue near its size
					b.StartTimer()
				}
				now = now.Add(time.Millisecond)
				do(b, f, now, hallq.OpNext, "1")
				do(b, f, now, hallq.OpDone, "1")
			}
		})
	}
}
