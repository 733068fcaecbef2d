package hallq_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"hallq"
)

func TestFloor_Issue(t *testing.T) {
	t.Run("Numbering", func(t *testing.T) {
		f := newFloor(t)
		clk := &clock{t0}
		var got []string
		for _, svc := range []string{"A", "A", "B", "A", "C", "B"} {
			got = append(got, issue(t, f, clk.Add(time.Second), svc, "").Number)
		}
		if want := []string{"A001", "A002", "B001", "A003", "C001", "B002"}; !slices.Equal(got, want) {
			t.Errorf("numbers %v, want %v", got, want)
		}
		a, _ := f.Service("A", clk.now)
		if got, want := a.Issued, 3; got != want {
			t.Errorf("A issued = %d, want %d", got, want)
		}
	})

	t.Run("Ticket", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.Issue(t0, hallq.IssueOrder{Service: "B", Lang: "zh", Random: [16]byte{1, 2, 3}})
		if err != nil {
			t.Fatal(err)
		}
		tk := ch.Ticket
		if tk.ID == 0 || tk.State != hallq.Waiting || tk.Tier != "regular" || tk.VIP() || tk.Leg != 1 ||
			tk.Lang != "zh" || tk.Day != "2025-03-10" || tk.Card || tk.IssuedBy != "" {
			t.Errorf("ticket %+v", tk)
		}
		if !tk.IssuedAt.Equal(t0) || !tk.Key.Equal(t0) || !tk.LegAt.Equal(t0) {
			t.Errorf("issued %v, key %v, leg at %v; want all %v", tk.IssuedAt, tk.Key, tk.LegAt, t0)
		}
		if got, want := eventTypes(ch), []hallq.EventType{hallq.TicketIssued}; !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
		if got, want := tk.Token, hallq.TicketToken(tk.ID, [16]byte{1, 2, 3}); got != want {
			t.Errorf("token %q, want %q", got, want)
		}
		if got, want := len(ch.Tickets), 1; got != want {
			t.Errorf("changed tickets = %d, want %d", got, want)
		}
		if tk.EtaAtIssue != tk.EtaS {
			t.Errorf("estimate at issue %d, live estimate %d", tk.EtaAtIssue, tk.EtaS)
		}
		def, _ := f.Issue(t0, hallq.IssueOrder{Service: "B"})
		if got, want := def.Ticket.Lang, "en"; got != want {
			t.Errorf("default language %q, want %q", got, want)
		}
	})

	t.Run("Key", func(t *testing.T) {
		f := newFloor(t)
		for _, tier := range f.Tiers() {
			tk := issue(t, f, t0, "A", tier.ID)
			if got, want := tk.Key, t0.Add(-time.Duration(tier.HeadStartS)*time.Second); !got.Equal(want) {
				t.Errorf("%s: key %v, want %v", tier.ID, got, want)
			}
			if got, want := tk.Rank, tier.Rank; got != want {
				t.Errorf("%s: rank %d, want %d", tier.ID, got, want)
			}
			if got, want := tk.IssuedBy, clerk.Name; got != want {
				t.Errorf("%s: issued by %q, want %q", tier.ID, got, want)
			}
		}
	})

	t.Run("HeadStartChangeAppliesLater", func(t *testing.T) {
		f := newFloor(t)
		before := issue(t, f, t0, "A", "gold")
		if _, err := f.UpdateTier(t0, manager, "gold", hallq.TierUpdate{HeadStartS: ptr(60)}); err != nil {
			t.Fatal(err)
		}
		if got, want := ticket(t, f, before.ID).Key, t0.Add(-15*time.Minute); !got.Equal(want) {
			t.Errorf("key of a ticket issued before = %v, want %v", got, want)
		}
		after := issue(t, f, t0, "A", "gold")
		if got, want := after.Key, t0.Add(-time.Minute); !got.Equal(want) {
			t.Errorf("key of a ticket issued after = %v, want %v", got, want)
		}
		// D_max still covers the platinum tier and the gold ticket waiting.
		if got, want := f.HeadStartMax(), 30*time.Minute; got != want {
			t.Errorf("HeadStartMax = %v, want %v", got, want)
		}
	})

	t.Run("Card", func(t *testing.T) {
		f := newFloor(t)
		tk := issueOrder(t, f, t0, hallq.IssueOrder{Service: "A", Card: &hallq.Card{Tier: "platinum", Expires: "2025-03-10"}})
		if got, want := tk.Tier, "platinum"; got != want {
			t.Errorf("tier %q, want %q", got, want)
		}
		if !tk.Card || !tk.Key.Equal(t0.Add(-30*time.Minute)) {
			t.Errorf("card %v, key %v", tk.Card, tk.Key)
		}
		// Staff choosing a tier override the card.
		tk = issueOrder(t, f, t0, hallq.IssueOrder{Service: "A", Tier: "priority", By: clerk, Card: &hallq.Card{Tier: "gold"}})
		if tk.Tier != "priority" || tk.Card {
			t.Errorf("tier %q, card %v; want priority, no card", tk.Tier, tk.Card)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			setup func(t *testing.T, f *hallq.Floor)
			o     hallq.IssueOrder
			code  string
		}{
			{name: "UnknownService", o: hallq.IssueOrder{Service: "Q"}, code: hallq.EINVALID},
			{name: "UnknownTier", o: hallq.IssueOrder{Service: "A", Tier: "bronze", By: clerk}, code: hallq.EINVALID},
			{name: "UnknownLang", o: hallq.IssueOrder{Service: "A", Lang: "fr"}, code: hallq.EINVALID},
			{name: "TierByCustomer", o: hallq.IssueOrder{Service: "A", Tier: "priority"}, code: hallq.EUNAUTHORIZED},
			{name: "ExpiredCard", o: hallq.IssueOrder{Service: "A", Card: &hallq.Card{Tier: "gold", Expires: "2025-03-09"}}, code: hallq.ECARDUNKNOWN},
			{name: "CardTierGone", o: hallq.IssueOrder{Service: "A", Card: &hallq.Card{Tier: "bronze"}}, code: hallq.ECARDUNKNOWN},
			{
				name:  "ServiceClosed",
				setup: func(t *testing.T, f *hallq.Floor) { updateService(t, f, "A", hallq.ServiceUpdate{Open: ptr(false)}) },
				o:     hallq.IssueOrder{Service: "A"}, code: hallq.ECLOSED,
			},
			{
				name: "BeforeHours",
				setup: func(t *testing.T, f *hallq.Floor) {
					updateService(t, f, "A", hallq.ServiceUpdate{Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "09:30", Close: "17:00"}}})
				},
				o: hallq.IssueOrder{Service: "A"}, code: hallq.ECLOSED,
			},
			{
				name: "ClosedWeekday",
				setup: func(t *testing.T, f *hallq.Floor) {
					updateService(t, f, "A", hallq.ServiceUpdate{Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:00", Close: "17:00", Days: []string{"sat", "sun"}}}})
				},
				o: hallq.IssueOrder{Service: "A"}, code: hallq.ECLOSED,
			},
			{
				name: "QuotaReached",
				setup: func(t *testing.T, f *hallq.Floor) {
					updateService(t, f, "A", hallq.ServiceUpdate{DailyQuota: ptr(2)})
					issue(t, f, t0, "A", "")
					issue(t, f, t0, "A", "")
				},
				o: hallq.IssueOrder{Service: "A"}, code: hallq.ECLOSED,
			},
		} {
			t.Run(tt.name, func(t *testing.T) {
				f := newFloor(t)
				if tt.setup != nil {
					tt.setup(t, f)
				}
				before := f.State()
				_, err := f.Issue(t0, tt.o)
				wantCode(t, err, tt.code)
				if after := f.State(); !reflect.DeepEqual(before, after) {
					t.Errorf("a refused issue changed the floor:\nbefore %+v\nafter  %+v", before, after)
				}
			})
		}
	})

	t.Run("WithinHours", func(t *testing.T) {
		f := newFloor(t)
		updateService(t, f, "A", hallq.ServiceUpdate{Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:30", Close: "09:01", Days: []string{"mon"}}}})
		issue(t, f, t0, "A", "")
		s, _ := f.Service("A", t0.Add(time.Minute))
		if s.Accepting || s.ClosedReason != hallq.ClosedByHours {
			t.Errorf("at closing time: accepting %v, reason %q", s.Accepting, s.ClosedReason)
		}
		_, err := f.Issue(t0.Add(time.Minute), hallq.IssueOrder{Service: "A"})
		wantCode(t, err, hallq.ECLOSED)
	})

	t.Run("ClockGoesBack", func(t *testing.T) {
		f := newFloor(t)
		first := issue(t, f, t0, "A", "")
		second := issue(t, f, t0.Add(-time.Minute), "A", "")
		if second.IssuedAt.Before(first.IssuedAt) {
			t.Errorf("issued at %v after a ticket issued at %v", second.IssuedAt, first.IssuedAt)
		}
		if got, want := second.Key, second.IssuedAt; !got.Equal(want) {
			t.Errorf("key %v, want %v", got, want)
		}
		gold := issue(t, f, t0.Add(-2*time.Minute), "A", "gold")
		if got, want := gold.Key, t0.Add(-15*time.Minute); !got.Equal(want) {
			t.Errorf("gold key %v, want %v", got, want)
		}
		if f.State().LastIssued.Before(t0) {
			t.Error("the floor's last issue time went back")
		}
	})

	t.Run("Ahead", func(t *testing.T) {
		f := newFloor(t)
		clk := &clock{t0}
		a1 := issue(t, f, clk.now, "A", "")
		a2 := issue(t, f, clk.Add(time.Minute), "A", "")
		issue(t, f, clk.now, "B", "")
		a3 := issue(t, f, clk.Add(time.Minute), "A", "")
		for _, tt := range []struct {
			tk   *hallq.Ticket
			want int
		}{{a1, 0}, {a2, 1}, {a3, 2}} {
			if got := tt.tk.Ahead; got != tt.want {
				t.Errorf("%s at issue: ahead %d, want %d", tt.tk.Number, got, tt.want)
			}
		}
		vip := issue(t, f, clk.Add(time.Minute), "A", "silver") // key: a1's issue time − 3 min
		if got, want := vip.Ahead, 0; got != want {
			t.Errorf("silver ticket ahead %d, want %d", got, want)
		}
		for _, tt := range []struct {
			tk   *hallq.Ticket
			want int
		}{{a1, 1}, {a2, 2}, {a3, 3}} {
			if got := ticket(t, f, tt.tk.ID).Ahead; got != tt.want {
				t.Errorf("%s after a VIP arrived: ahead %d, want %d", tt.tk.Number, got, tt.want)
			}
		}
		s, _ := f.Service("A", clk.now)
		if got, want := s.Waiting, 4; got != want {
			t.Errorf("waiting = %d, want %d", got, want)
		}
	})
}

func updateService(tb testing.TB, f *hallq.Floor, id string, u hallq.ServiceUpdate) {
	tb.Helper()
	if _, err := f.UpdateService(t0, manager, id, u); err != nil {
		tb.Fatal(err)
	}
}

func TestFloor_Advance(t *testing.T) {
	t.Run("SameDay", func(t *testing.T) {
		f := newFloor(t)
		issue(t, f, t0, "A", "")
		if ch := f.Advance(t0.Add(time.Hour)); !ch.Empty() {
			t.Errorf("Advance within the day changed %+v", ch)
		}
	})

	t.Run("NextDay", func(t *testing.T) {
		f := newFloor(t)
		clk := &clock{t0}
		for _, svc := range []string{"A", "B", "C"} {
			issue(t, f, clk.now, svc, "")
		}
		openCounters(t, f, clk.now, "1", "2", "3")
		called, _ := next(t, f, clk.Add(time.Minute), "1")
		served, _ := next(t, f, clk.now, "2")
		do(t, f, clk.now, hallq.OpStart, "2")
		noShow, _ := next(t, f, clk.now, "3")
		waiting := issue(t, f, clk.now, "A", "")
		do(t, f, f.NextDayStart().Add(-time.Minute), hallq.OpNoShow, "3")

		end := f.NextDayStart()
		if want := time.Date(2025, 3, 11, 0, 0, 0, 0, t0.Location()); !end.Equal(want) {
			t.Fatalf("NextDayStart = %v, want %v", end, want)
		}
		morning := end.Add(8 * time.Hour)
		ch := f.Advance(morning)

		var expired []uint64
		for _, e := range ch.Events {
			if e.Type == hallq.TicketExpired {
				expired = append(expired, e.Ticket.ID)
				if e.Ticket.State != hallq.Expired || !e.At.Equal(end) {
					t.Errorf("expired %s: state %s at %v, want expired at %v", e.Ticket.Number, e.Ticket.State, e.At, end)
				}
			}
		}
		if want := []uint64{called.ID, served.ID, waiting.ID}; !sameIDs(expired, want) {
			t.Errorf("expired %v, want %v", expired, want)
		}
		if got, want := ch.Dropped, []uint64{noShow.ID}; !slices.Equal(got, want) {
			t.Errorf("dropped %v, want %v", got, want)
		}
		last := ch.Events[len(ch.Events)-1]
		if last.Type != hallq.DayStarted || last.Subject != "2025-03-11" || !last.At.Equal(morning) {
			t.Errorf("last event %+v, want the start of 2025-03-11", last)
		}
		if got, want := f.Day(), "2025-03-11"; got != want {
			t.Errorf("day %s, want %s", got, want)
		}
		if got := f.State().Open; len(got) != 0 {
			t.Errorf("open tickets left: %+v", got)
		}
		for _, q := range f.Queue() {
			if len(q.Tickets) != 0 {
				t.Errorf("service %s still has %d waiting", q.ID, len(q.Tickets))
			}
		}
		for _, c := range f.Counters() {
			if c.Ticket != nil {
				t.Errorf("counter %s still holds %s", c.ID, c.Ticket.Number)
			}
		}
		// Two counters held tickets; a third had finished one (its Last).
		if got, want := len(ch.Counters), 3; got != want {
			t.Errorf("changed counters %d, want %d", got, want)
		}
		for _, c := range ch.Counters {
			if c.Last != nil {
				t.Errorf("counter %s still remembers yesterday's ticket %s", c.ID, c.Last.Number)
			}
		}
		// The counters stay open, the numbers start again.
		if got, want := counter(t, f, "1").State, hallq.Open; got != want {
			t.Errorf("counter 1 is %s, want %s", got, want)
		}
		if got, want := issue(t, f, morning, "A", "").Number, "A001"; got != want {
			t.Errorf("first number of the day %s, want %s", got, want)
		}
		if got, want := issue(t, f, morning, "A", "").Day, "2025-03-11"; got != want {
			t.Errorf("ticket day %s, want %s", got, want)
		}
		// A call by the old number finds nobody.
		if code := actErr(t, f, morning, hallq.CounterAction{Op: hallq.OpCall, Counter: "3", Number: "C001"}); code != hallq.EINVALID {
			t.Errorf("calling yesterday's no-show: code %q, want invalid", code)
		}
	})

	t.Run("DayStartSetting", func(t *testing.T) {
		st := hallq.DefaultFloor(zone)
		st.Settings.DayStart = "04:00"
		f := newFloorFrom(t, st)
		issue(t, f, t0, "A", "")
		if ch := f.Advance(time.Date(2025, 3, 11, 3, 59, 0, 0, t0.Location())); !ch.Empty() {
			t.Errorf("Advance before 04:00 changed %+v", ch)
		}
		ch := f.Advance(time.Date(2025, 3, 11, 4, 0, 0, 0, t0.Location()))
		if got, want := eventTypes(ch), []hallq.EventType{hallq.TicketExpired, hallq.DayStarted}; !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
	})

	t.Run("ClockBackAcrossMidnight", func(t *testing.T) {
		f := newFloor(t)
		f.Advance(f.NextDayStart())
		if ch := f.Advance(t0); !ch.Empty() || f.Day() != "2025-03-11" {
			t.Errorf("going back to yesterday: day %s, change %+v", f.Day(), ch)
		}
	})
}

func sameIDs(a, b []uint64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestFloor_RefusedUnchanged checks that a refused operation leaves the
// Floor exactly as it was.
func TestFloor_RefusedUnchanged(t *testing.T) {
	// busy is a floor with work in every state.
	busy := func(t *testing.T) *hallq.Floor {
		f := newFloor(t)
		clk := &clock{t0}
		for _, svc := range []string{"A", "A", "B", "C", "A"} {
			issue(t, f, clk.Add(time.Minute), svc, "")
		}
		issue(t, f, clk.now, "A", "gold")
		openCounters(t, f, clk.now, "1", "2", "3")
		next(t, f, clk.Add(time.Minute), "1")
		next(t, f, clk.now, "2")
		do(t, f, clk.now, hallq.OpStart, "2")
		next(t, f, clk.now, "3")
		do(t, f, clk.Add(time.Minute), hallq.OpNoShow, "3")
		do(t, f, clk.now, hallq.OpPause, "3")
		return f
	}
	now := t0.Add(time.Hour)
	for _, tt := range []struct {
		name string
		op   func(f *hallq.Floor) error
	}{
		{"NextAtPaused", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpNext, Counter: "3", By: staffAt("3")})
			return err
		}},
		{"NextByOther", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: staffAt("2")})
			return err
		}},
		{"StaleExpect", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", By: staffAt("1"), Expect: ptr(uint64(99))})
			return err
		}},
		{"CallUnknown", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", By: staffAt("1"), Number: "A999"})
			return err
		}},
		{"CallLongReason", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpCall, Counter: "1", By: staffAt("1"), Number: "A003", Reason: string(make([]byte, 300))})
			return err
		}},
		{"NoShowServing", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpNoShow, Counter: "2", By: staffAt("2")})
			return err
		}},
		{"TransferUnknown", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "2", By: staffAt("2"), ToCounter: "9"})
			return err
		}},
		{"CloseWithTicket", func(f *hallq.Floor) error {
			_, err := f.Act(now, hallq.CounterAction{Op: hallq.OpClose, Counter: "1", By: staffAt("1")})
			return err
		}},
		{"CancelCalled", func(f *hallq.Floor) error {
			_, err := f.Cancel(now, 1, customer)
			return err
		}},
		{"IssueUnknownService", func(f *hallq.Floor) error {
			_, err := f.Issue(now, hallq.IssueOrder{Service: "Q"})
			return err
		}},
		{"BadSettings", func(f *hallq.Floor) error {
			_, err := f.UpdateSettings(now, manager, hallq.SettingsUpdate{VIPStreakCap: ptr(0)})
			return err
		}},
		{"BadService", func(f *hallq.Floor) error {
			_, err := f.UpdateService(now, manager, "A", hallq.ServiceUpdate{Open: ptr(false), ServiceTimeS: ptr(0)})
			return err
		}},
		{"LastRegularTier", func(f *hallq.Floor) error {
			_, err := f.UpdateTier(now, manager, "regular", hallq.TierUpdate{StaffOnly: ptr(true)})
			return err
		}},
		{"BadCounterUpdate", func(f *hallq.Floor) error {
			_, err := f.UpdateCounter(now, manager, "1", hallq.CounterUpdate{Services: &[]string{"A"}, AlsoServes: &[]string{"A"}})
			return err
		}},
		{"DeleteOpenCounter", func(f *hallq.Floor) error {
			_, err := f.DeleteCounter(now, manager, "1")
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := busy(t)
			before := f.State()
			if err := tt.op(f); err == nil {
				t.Fatal("the operation was not refused")
			}
			if after := f.State(); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused operation changed the floor:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// TestFloor_StateRoundTrip checks that a Floor resumes from its State.
func TestFloor_StateRoundTrip(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	for _, svc := range []string{"A", "B", "A"} {
		issue(t, f, clk.Add(time.Minute), svc, "gold")
	}
	openCounters(t, f, clk.now, "1", "4")
	next(t, f, clk.Add(time.Minute), "1")
	noShow, _ := next(t, f, clk.now, "4")
	do(t, f, clk.now, hallq.OpNoShow, "4")

	st := f.State()
	g, err := hallq.NewFloor(st)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.State(); !reflect.DeepEqual(got, st) {
		t.Errorf("state after a restart:\n%+v\nwant\n%+v", got, st)
	}
	if !reflect.DeepEqual(g.Queue(), f.Queue()) {
		t.Errorf("queue after a restart:\n%+v\nwant\n%+v", g.Queue(), f.Queue())
	}
	// The no-show can still be called back.
	act(t, g, clk.now, hallq.CounterAction{Op: hallq.OpCall, Counter: "4", Number: noShow.Number})
}

// A service that opens or closes by its hours says so, once, so that the
// kiosks and displays change with it.
func TestFloor_HoursEvents(t *testing.T) {
	st := hallq.DefaultFloor(zone)
	st.Services[0].Hours = &hallq.Hours{Open: "09:30", Close: "17:00"}
	f := newFloorFrom(t, st) // at 09:00
	for _, step := range []struct {
		at   time.Duration // after t0
		want []hallq.EventType
	}{
		{20 * time.Minute, nil},
		{30 * time.Minute, []hallq.EventType{hallq.ServiceHours}},
		{31 * time.Minute, nil},
		{8 * time.Hour, []hallq.EventType{hallq.ServiceHours}},
		{8*time.Hour + time.Minute, nil},
	} {
		ch := f.Advance(t0.Add(step.at))
		if got := eventTypes(ch); !slices.Equal(got, step.want) {
			t.Errorf("at %v: events %v, want %v", t0.Add(step.at).Format("15:04"), got, step.want)
		}
		if len(step.want) > 0 && ch.Events[0].Subject != "A" {
			t.Errorf("subject %q, want A", ch.Events[0].Subject)
		}
	}
}

// A no-show says until when staff can call it back.
func TestFloor_NoShowRecallUntil(t *testing.T) {
	f := newFloor(t)
	tk := issue(t, f, t0, "A", "")
	openCounters(t, f, t0, "1")
	next(t, f, t0, "1")
	ch := do(t, f, t0.Add(time.Minute), hallq.OpNoShow, "1")
	want := t0.Add(time.Minute + 600*time.Second)
	if got := ch.Ticket.RecallUntil; !got.Equal(want) {
		t.Errorf("recall until %v, want %v", got, want)
	}
	if got := ticket(t, f, tk.ID).RecallUntil; !got.Equal(want) {
		t.Errorf("the open no-show's recall until %v, want %v", got, want)
	}
}

// TestFloor_ExpectNone: a terminal that shows no customer says so with
// expect 0, and its Next is refused once the counter has one: it must not
// finish a customer it never showed.
func TestFloor_ExpectNone(t *testing.T) {
	f := newFloor(t)
	openCounters(t, f, t0, "1")
	issue(t, f, t0, "A", "")
	issue(t, f, t0, "A", "")
	none := uint64(0)
	first := act(t, f, t0, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", Expect: &none}).Ticket
	if first == nil || first.Number != "A001" {
		t.Fatalf("next expecting none at an idle counter called %+v", first)
	}
	if code := actErr(t, f, t0, hallq.CounterAction{Op: hallq.OpNext, Counter: "1", Expect: &none}); code != hallq.ECONFLICT {
		t.Errorf("next expecting none while A001 is called: %s, want %s", code, hallq.ECONFLICT)
	}
	if c := counter(t, f, "1"); c.Ticket == nil || c.Ticket.Number != "A001" || c.Ticket.State != hallq.Called {
		t.Errorf("A001 after the refused next: %+v", c.Ticket)
	}
}

// TestFloor_QuotaPlacesBack: a cancelled ticket gives its place in the
// day's quota back, and it stays given back after a restart; a new day
// starts the quota again.
func TestFloor_QuotaPlacesBack(t *testing.T) {
	st := hallq.DefaultFloor(zone)
	for i := range st.Services {
		if st.Services[i].ID == "A" {
			st.Services[i].DailyQuota = 2
		}
	}
	f := newFloorFrom(t, st)
	first := issue(t, f, t0, "A", "")
	issue(t, f, t0, "A", "")
	if _, err := f.Issue(t0, hallq.IssueOrder{Service: "A"}); hallq.ErrorCode(err) != hallq.ECLOSED {
		t.Fatalf("a third ticket of a quota of 2: %v, want closed", err)
	}
	if _, err := f.Cancel(t0, first.ID, customer); err != nil {
		t.Fatal(err)
	}
	f = restart(t, f)
	if got := issue(t, f, t0, "A", "").Number; got != "A003" {
		t.Errorf("after a cancel and a restart: %s, want A003 (the place came back)", got)
	}
	if _, err := f.Issue(t0, hallq.IssueOrder{Service: "A"}); hallq.ErrorCode(err) != hallq.ECLOSED {
		t.Errorf("past the quota again: %v, want closed", err)
	}
	f.Advance(f.NextDayStart().Add(time.Hour))
	if got := issue(t, f, f.NextDayStart().Add(-time.Hour), "A", "").Number; got != "A001" {
		t.Errorf("the next day: %s, want A001", got)
	}
}

// OpenTickets gives each open ticket the view OpenTicket gives it, waiting
// or at a counter, and nil for one that is not open.
func TestFloor_OpenTickets(t *testing.T) {
	f := newFloor(t)
	clk := &clock{t0}
	openCounters(t, f, clk.now, "1", "2")
	var ids []uint64
	for i, svc := range []string{"A", "B", "A", "C", "A", "B", "A"} {
		tier := ""
		if i == 4 {
			tier = "priority"
		}
		ids = append(ids, issueOrder(t, f, clk.Add(time.Minute), hallq.IssueOrder{Service: svc, Tier: tier,
			By: hallq.Actor{Name: "boss", Role: hallq.RoleManager}}).ID)
	}
	next(t, f, clk.Add(time.Minute), "1")             // one at a counter
	do(t, f, clk.Add(time.Minute), hallq.OpDone, "1") // and done
	next(t, f, clk.Add(time.Minute), "1")             // another at a counter
	ids = append(ids, 9999)                           // never issued
	got := f.OpenTickets(ids)
	for i, id := range ids {
		want, open := f.OpenTicket(id)
		if !open {
			want = nil
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("ticket %d: OpenTickets gives %+v, OpenTicket %+v", id, got[i], want)
		}
	}
	if got[len(got)-1] != nil {
		t.Errorf("a ticket never issued has a view: %+v", got[len(got)-1])
	}
}
