package hallq_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"hallq"
)

func TestHallDays(t *testing.T) {
	shanghai := mustLoad(t, "Asia/Shanghai")
	berlin := mustLoad(t, "Europe/Berlin")
	days := func(t *testing.T, loc *time.Location, start string) hallq.HallDays {
		t.Helper()
		h, err := hallq.NewHallDays(loc, start)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("Of", func(t *testing.T) {
		for _, tt := range []struct {
			loc   *time.Location
			start string
			at    time.Time
			want  string
		}{
			{shanghai, "00:00", time.Date(2025, 3, 10, 0, 0, 0, 0, shanghai), "2025-03-10"},
			{shanghai, "00:00", time.Date(2025, 3, 10, 23, 59, 59, 0, shanghai), "2025-03-10"},
			{shanghai, "00:00", time.Date(2025, 3, 10, 16, 30, 0, 0, time.UTC), "2025-03-11"}, // 00:30 in Shanghai
			{shanghai, "00:00", time.Date(2025, 3, 10, 15, 59, 0, 0, time.UTC), "2025-03-10"},
			{shanghai, "04:00", time.Date(2025, 3, 11, 3, 59, 0, 0, shanghai), "2025-03-10"},
			{shanghai, "04:00", time.Date(2025, 3, 11, 4, 0, 0, 0, shanghai), "2025-03-11"},
			{shanghai, "04:00", time.Date(2025, 1, 1, 2, 0, 0, 0, shanghai), "2024-12-31"},
			{shanghai, "04:00", time.Date(2025, 3, 1, 3, 0, 0, 0, shanghai), "2025-02-28"},
			{berlin, "00:00", time.Date(2025, 3, 30, 23, 30, 0, 0, time.UTC), "2025-03-31"}, // 01:30 CEST
			{berlin, "00:00", time.Date(2025, 1, 10, 23, 30, 0, 0, time.UTC), "2025-01-11"}, // 00:30 CET
			{berlin, "00:00", time.Date(2025, 1, 10, 22, 30, 0, 0, time.UTC), "2025-01-10"},
		} {
			if got := days(t, tt.loc, tt.start).Of(tt.at); got != tt.want {
				t.Errorf("day of %v in %s from %s: %s, want %s", tt.at, tt.loc, tt.start, got, tt.want)
			}
		}
	})

	t.Run("StartEnd", func(t *testing.T) {
		h := days(t, shanghai, "04:00")
		start, err := h.Start("2025-03-10")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2025, 3, 9, 20, 0, 0, 0, time.UTC); !start.Equal(want) {
			t.Errorf("start %v, want %v", start, want)
		}
		end, _ := h.End("2025-03-10")
		if got, want := end.Sub(start), 24*time.Hour; got != want {
			t.Errorf("the day lasts %v, want %v", got, want)
		}
		if got := h.Location(); got != shanghai {
			t.Errorf("location %v", got)
		}
		for _, bad := range []string{"", "2025-3-10", "10/03/2025", "2025-02-30"} {
			_, err := h.Start(bad)
			wantCode(t, err, hallq.EINVALID)
			_, err = h.End(bad)
			wantCode(t, err, hallq.EINVALID)
		}
	})

	t.Run("BadDayStart", func(t *testing.T) {
		for _, bad := range []string{"", "4:00", "24:00", "12:60", "noon"} {
			_, err := hallq.NewHallDays(shanghai, bad)
			wantCode(t, err, hallq.EINVALID)
		}
	})

	t.Run("AcrossDST", func(t *testing.T) {
		for _, tt := range []struct {
			start, day string
			hours      time.Duration
		}{
			{"00:00", "2025-03-30", 23},
			{"04:00", "2025-03-29", 23}, // the 29th's night loses an hour
			{"04:00", "2025-03-30", 24},
			{"00:00", "2025-10-26", 25},
			{"04:00", "2025-10-26", 24}, // 04:00 on the 26th to 04:00 on the 27th
			{"04:00", "2025-10-25", 25}, // the 25th's night holds the extra hour
		} {
			h := days(t, berlin, tt.start)
			start, _ := h.Start(tt.day)
			end, _ := h.End(tt.day)
			if got, want := end.Sub(start), tt.hours*time.Hour; got != want {
				t.Errorf("day start %s: %s lasts %v, want %v", tt.start, tt.day, got, want)
			}
		}
	})

	t.Run("ClocksChangeAtDayStart", func(t *testing.T) {
		santiago := mustLoad(t, "America/Santiago") // skips 00:00–01:00 on 7 September 2025
		for _, tt := range []struct {
			loc        *time.Location
			start, day string
			want       time.Time
		}{
			{santiago, "00:00", "2025-09-07", time.Date(2025, 9, 7, 4, 0, 0, 0, time.UTC)},  // 01:00 -03, the change
			{santiago, "00:00", "2025-09-06", time.Date(2025, 9, 6, 4, 0, 0, 0, time.UTC)},  // 00:00 -04
			{berlin, "02:30", "2025-03-30", time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC)},   // 03:00 CEST, the change
			{berlin, "02:30", "2025-10-26", time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC)}, // the first 02:30, CEST
		} {
			h := days(t, tt.loc, tt.start)
			if got, _ := h.Start(tt.day); !got.Equal(tt.want) {
				t.Errorf("%s from %s: %s starts at %v, want %v", tt.loc, tt.start, tt.day, got.UTC(), tt.want)
			}
			if got := h.Of(tt.want); got != tt.day {
				t.Errorf("%s from %s: the day of %v is %s, want %s", tt.loc, tt.start, tt.want, got, tt.day)
			}
		}
	})

	// Of and Start agree at every day start, and Of never goes back, in
	// zones whose clocks change, including day starts the change skips
	// or repeats.
	t.Run("Consistent", func(t *testing.T) {
		saoPaulo := mustLoad(t, "America/Sao_Paulo") // moved its clocks at midnight until 2019
		for _, tt := range []struct {
			loc    *time.Location
			starts []string
			from   time.Time
		}{
			{berlin, []string{"00:00", "02:30", "04:00", "23:30"}, time.Date(2025, 3, 27, 0, 0, 0, 0, time.UTC)},
			{berlin, []string{"00:00", "02:30", "04:00", "23:30"}, time.Date(2025, 10, 23, 0, 0, 0, 0, time.UTC)},
			{saoPaulo, []string{"00:00", "00:30", "23:30"}, time.Date(2018, 11, 1, 0, 0, 0, 0, time.UTC)},
			{saoPaulo, []string{"00:00", "23:30"}, time.Date(2019, 2, 14, 0, 0, 0, 0, time.UTC)},
			{mustLoad(t, "America/Santiago"), []string{"00:00", "23:30"}, time.Date(2025, 9, 4, 0, 0, 0, 0, time.UTC)},
			{mustLoad(t, "America/Havana"), []string{"00:00"}, time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC)},
			{shanghai, []string{"00:00", "04:00"}, time.Date(2025, 3, 8, 0, 0, 0, 0, time.UTC)},
		} {
			for _, start := range tt.starts {
				h := days(t, tt.loc, start)
				prev := ""
				for at := tt.from; at.Before(tt.from.Add(6 * 24 * time.Hour)); at = at.Add(5 * time.Minute) {
					day := h.Of(at)
					if day < prev {
						t.Errorf("%s from %s: the day of %v is %s, after %s", tt.loc, start, at, day, prev)
					}
					if day != prev && prev != "" {
						begin, _ := h.Start(day)
						if at.Before(begin) || !at.Add(-5*time.Minute).Before(begin) {
							t.Errorf("%s from %s: %s starts at %v, but the day of %v is %s", tt.loc, start, day, begin, at, day)
						}
						if got := h.Of(begin); got != day {
							t.Errorf("%s from %s: the day of its start %v is %s, want %s", tt.loc, start, begin, got, day)
						}
						if got := h.Of(begin.Add(-time.Nanosecond)); got != prev {
							t.Errorf("%s from %s: the day before the start of %s is %s, want %s", tt.loc, start, day, got, prev)
						}
						if end, _ := h.End(prev); !end.Equal(begin) {
							t.Errorf("%s from %s: %s ends at %v, %s starts at %v", tt.loc, start, prev, end, day, begin)
						}
					}
					prev = day
				}
			}
		}
	})
}

func TestFloor_UpdateSettings(t *testing.T) {
	t.Run("Valid", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.UpdateSettings(t0, manager, hallq.SettingsUpdate{
			TimeZone: ptr("Europe/Berlin"), DayStart: ptr("04:00"), VIPStreakCap: ptr(5),
			Notice: &hallq.Text{EN: "Closed on Sunday", ZH: "周日休息"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := eventTypes(ch), []hallq.EventType{hallq.HallUpdated}; !slices.Equal(got, want) || !ch.Config {
			t.Errorf("events %v, config %v; want %v, true", got, want, ch.Config)
		}
		s := f.Settings()
		if s.TimeZone != "Europe/Berlin" || s.DayStart != "04:00" || s.VIPStreakCap != 5 || s.Notice.ZH != "周日休息" || s.RecallLimit != 3 {
			t.Errorf("settings %+v", s)
		}
		if got, want := f.Days().Location().String(), "Europe/Berlin"; got != want {
			t.Errorf("hall days in %s, want %s", got, want)
		}
		if got, want := f.Days().Of(time.Date(2025, 3, 11, 3, 0, 0, 0, mustLoad(t, "Europe/Berlin"))), "2025-03-10"; got != want {
			t.Errorf("03:00 in Berlin is in %s, want %s", got, want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			u    hallq.SettingsUpdate
		}{
			{"NoName", hallq.SettingsUpdate{Name: &hallq.Text{}}},
			{"LongNotice", hallq.SettingsUpdate{Notice: &hallq.Text{EN: strings.Repeat("x", 501)}}},
			{"UnknownZone", hallq.SettingsUpdate{TimeZone: ptr("Mars/Olympus_Mons")}},
			{"LocalZone", hallq.SettingsUpdate{TimeZone: ptr("Local")}},
			{"NoZone", hallq.SettingsUpdate{TimeZone: ptr("")}},
			{"BadDayStart", hallq.SettingsUpdate{DayStart: ptr("24:00")}},
			{"StreakCapZero", hallq.SettingsUpdate{VIPStreakCap: ptr(0)}},
			{"StreakCapHigh", hallq.SettingsUpdate{VIPStreakCap: ptr(101)}},
			{"RecallLimitNegative", hallq.SettingsUpdate{RecallLimit: ptr(-1)}},
			{"RecallLimitHigh", hallq.SettingsUpdate{RecallLimit: ptr(21)}},
			{"ToleranceNegative", hallq.SettingsUpdate{RecallToleranceS: ptr(-1)}},
			{"GoalOne", hallq.SettingsUpdate{ServiceLevelGoal: ptr(1.0)}},
			{"GoalZero", hallq.SettingsUpdate{ServiceLevelGoal: ptr(0.0)}},
			{"GoalNegative", hallq.SettingsUpdate{ServiceLevelGoal: ptr(-0.5)}},
			{"RespondShort", hallq.SettingsUpdate{Escalation: &hallq.Escalation{RespondS: 59, Level3AfterS: 3600}}},
			{"Level3First", hallq.SettingsUpdate{Escalation: &hallq.Escalation{RespondS: 900, Level3AfterS: 900}}},
			{"Level3Late", hallq.SettingsUpdate{Escalation: &hallq.Escalation{RespondS: 900, Level3AfterS: 31 * 86400}}},
			{"WebhookNotHTTP", hallq.SettingsUpdate{Escalation: &hallq.Escalation{RespondS: 900, Level3AfterS: 3600, WebhookURL: "ftp://region.example/x"}}},
			{"WebhookNoHost", hallq.SettingsUpdate{Escalation: &hallq.Escalation{RespondS: 900, Level3AfterS: 3600, WebhookURL: "https:///x"}}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				f := newFloor(t)
				_, err := f.UpdateSettings(t0, manager, tt.u)
				wantCode(t, err, hallq.EINVALID)
			})
		}
	})

	t.Run("Escalation", func(t *testing.T) {
		f := newFloor(t)
		if s := f.Settings(); s.ServiceLevelGoal != 0.8 || s.Escalation == nil || *s.Escalation != hallq.DefaultEscalation {
			t.Fatalf("defaults: goal %v, escalation %+v", s.ServiceLevelGoal, s.Escalation)
		}
		e := &hallq.Escalation{RespondS: 600, Level3AfterS: 1800, WebhookURL: " https://region.example/hallq?key=s3cret "}
		if _, err := f.UpdateSettings(t0, manager, hallq.SettingsUpdate{ServiceLevelGoal: ptr(0.9), Escalation: e}); err != nil {
			t.Fatal(err)
		}
		s := f.Settings()
		if s.ServiceLevelGoal != 0.9 || s.Escalation.RespondS != 600 || s.Escalation.WebhookURL != "https://region.example/hallq?key=s3cret" {
			t.Errorf("settings: goal %v, escalation %+v", s.ServiceLevelGoal, s.Escalation)
		}
		if e.WebhookURL != " https://region.example/hallq?key=s3cret " {
			t.Errorf("the update was changed in place: %q", e.WebhookURL)
		}
	})

	t.Run("NewFloor", func(t *testing.T) {
		st := hallq.DefaultFloor("Nowhere/Atlantis")
		_, err := hallq.NewFloor(st)
		wantCode(t, err, hallq.EINVALID)
		st = hallq.DefaultFloor(zone)
		st.Tiers = st.Tiers[1:] // no regular tier
		_, err = hallq.NewFloor(st)
		wantCode(t, err, hallq.EINVALID)
	})
}

func TestFloor_Services(t *testing.T) {
	t.Run("Create", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.CreateService(t0, manager, hallq.NewService{ID: " d ", Name: hallq.Text{ZH: "贷款"}})
		if err != nil {
			t.Fatal(err)
		}
		if e := ch.Events[0]; e.Type != hallq.ServiceCreated || e.Subject != "D" || !ch.Config {
			t.Errorf("event %+v, config %v", e, ch.Config)
		}
		s, err := f.Service("D", t0)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Open || !s.Accepting || s.TargetWaitS != 900 || s.ServiceTimeS != 300 || s.Name.In("en") != "贷款" {
			t.Errorf("new service %+v", s)
		}
		if got, want := issue(t, f, t0, "D", "").Number, "D001"; got != want {
			t.Errorf("first ticket %s, want %s", got, want)
		}
		if _, err := f.CreateService(t0, manager, hallq.NewService{ID: "D", Name: hallq.Text{EN: "Again"}}); hallq.ErrorCode(err) != hallq.ECONFLICT {
			t.Errorf("a second D: %v, want a conflict", err)
		}
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		name := hallq.Text{EN: "Loans"}
		for _, tt := range []struct {
			name string
			n    hallq.NewService
		}{
			{"BadID", hallq.NewService{ID: "A1", Name: name}},
			{"LongID", hallq.NewService{ID: "ABCD", Name: name}},
			{"NoName", hallq.NewService{ID: "D"}},
			{"ControlInName", hallq.NewService{ID: "D", Name: hallq.Text{EN: "Lo\tans"}}},
			{"HoursBackwards", hallq.NewService{ID: "D", Name: name, Hours: &hallq.Hours{Open: "17:00", Close: "08:00"}}},
			{"HoursBadClock", hallq.NewService{ID: "D", Name: name, Hours: &hallq.Hours{Open: "8:00", Close: "17:00"}}},
			{"HoursBadDay", hallq.NewService{ID: "D", Name: name, Hours: &hallq.Hours{Open: "08:00", Close: "17:00", Days: []string{"monday"}}}},
			{"NegativeQuota", hallq.NewService{ID: "D", Name: name, DailyQuota: -1}},
			{"NoServiceTime", hallq.NewService{ID: "D", Name: name, ServiceTimeS: ptr(0)}},
			{"NegativeTargetWait", hallq.NewService{ID: "D", Name: name, TargetWaitS: ptr(-1)}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := newFloor(t).CreateService(t0, manager, tt.n)
				wantCode(t, err, hallq.EINVALID)
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		f := newFloor(t)
		updateService(t, f, "A", hallq.ServiceUpdate{
			Name: &hallq.Text{EN: "Retail"}, Hours: hallq.Nullable[hallq.Hours]{Set: true, Value: &hallq.Hours{Open: "08:00", Close: "17:00"}},
			DailyQuota: ptr(100), TargetWaitS: ptr(600), ServiceTimeS: ptr(240),
		})
		s, _ := f.Service("A", t0)
		if s.Name.EN != "Retail" || s.Hours == nil || s.DailyQuota != 100 || s.TargetWaitS != 600 || s.ServiceTimeS != 240 || !s.Accepting {
			t.Errorf("updated service %+v", s)
		}
		updateService(t, f, "A", hallq.ServiceUpdate{Hours: hallq.Nullable[hallq.Hours]{Set: true}})
		if s, _ := f.Service("A", t0); s.Hours != nil || s.Name.EN != "Retail" {
			t.Errorf("after clearing hours: %+v", s)
		}

		// Closing a service stops new tickets; those waiting are still served.
		waiting := issue(t, f, t0, "A", "")
		updateService(t, f, "A", hallq.ServiceUpdate{Open: ptr(false)})
		if s, _ := f.Service("A", t0); s.Accepting || s.ClosedReason != hallq.ClosedBySwitch {
			t.Errorf("closed service: accepting %v, reason %q", s.Accepting, s.ClosedReason)
		}
		openCounters(t, f, t0, "1")
		if got, _ := next(t, f, t0, "1"); got == nil || got.ID != waiting.ID {
			t.Errorf("next called %+v, want the ticket waiting in the closed service", got)
		}

		_, err := f.UpdateService(t0, manager, "Q", hallq.ServiceUpdate{})
		wantCode(t, err, hallq.ENOTFOUND)
		_, err = f.UpdateService(t0, manager, "A", hallq.ServiceUpdate{DailyQuota: ptr(100000)})
		wantCode(t, err, hallq.EINVALID)
	})
}

func TestFloor_Tiers(t *testing.T) {
	t.Run("Create", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.CreateTier(t0, manager, hallq.Tier{ID: "diamond", Name: hallq.Text{EN: "Diamond"}, Rank: 9, HeadStartS: 3600})
		if err != nil {
			t.Fatal(err)
		}
		if e := ch.Events[0]; e.Type != hallq.TierCreated || e.Subject != "diamond" || !ch.Config {
			t.Errorf("event %+v, config %v", e, ch.Config)
		}
		tiers := f.Tiers()
		if got, want := tiers[len(tiers)-1].ID, "diamond"; got != want {
			t.Errorf("highest tier %s, want %s", got, want)
		}
		if got, want := f.HeadStartMax(), time.Hour; got != want {
			t.Errorf("HeadStartMax = %v, want %v", got, want)
		}
		if got, want := f.Hall(t0).HeadStartMaxS, 3600; got != want {
			t.Errorf("published bound %d s, want %d", got, want)
		}
		_, err = f.CreateTier(t0, manager, hallq.Tier{ID: "diamond", Name: hallq.Text{EN: "Diamond"}, Rank: 9})
		wantCode(t, err, hallq.ECONFLICT)
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		name := hallq.Text{EN: "Bronze"}
		for _, tt := range []struct {
			name string
			tier hallq.Tier
		}{
			{"RegularWithHeadStart", hallq.Tier{ID: "bronze", Name: name, Rank: 0, HeadStartS: 60}},
			{"BadID", hallq.Tier{ID: "Bronze", Name: name, Rank: 1}},
			{"NoName", hallq.Tier{ID: "bronze", Rank: 1}},
			{"NegativeRank", hallq.Tier{ID: "bronze", Name: name, Rank: -1}},
			{"RankTooHigh", hallq.Tier{ID: "bronze", Name: name, Rank: 101}},
			{"HeadStartTooLong", hallq.Tier{ID: "bronze", Name: name, Rank: 1, HeadStartS: 86401}},
			{"NegativeHeadStart", hallq.Tier{ID: "bronze", Name: name, Rank: 1, HeadStartS: -1}},
			{"NegativeTargetWait", hallq.Tier{ID: "bronze", Name: name, Rank: 1, TargetWaitS: -1}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := newFloor(t).CreateTier(t0, manager, tt.tier)
				wantCode(t, err, hallq.EINVALID)
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.UpdateTier(t0, manager, "silver", hallq.TierUpdate{Rank: ptr(6), HeadStartS: ptr(600), Name: &hallq.Text{EN: "Silver+"}})
		if err != nil {
			t.Fatal(err)
		}
		if e := ch.Events[0]; e.Type != hallq.TierUpdated || e.Subject != "silver" {
			t.Errorf("event %+v", e)
		}
		tiers := f.Tiers()
		if got, want := tiers[len(tiers)-1].ID, "silver"; got != want {
			t.Errorf("highest tier %s, want %s (tiers are kept by rank)", got, want)
		}
		_, err = f.UpdateTier(t0, manager, "bronze", hallq.TierUpdate{})
		wantCode(t, err, hallq.ENOTFOUND)
	})

	t.Run("UpdateInvalid", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			id   string
			u    hallq.TierUpdate
		}{
			{"HeadStartForRegular", "regular", hallq.TierUpdate{HeadStartS: ptr(60)}},
			{"RankZeroWithHeadStart", "gold", hallq.TierUpdate{Rank: ptr(0)}},
			{"LastRegularGetsRank", "regular", hallq.TierUpdate{Rank: ptr(1)}},
			{"LastRegularStaffOnly", "regular", hallq.TierUpdate{StaffOnly: ptr(true)}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				f := newFloor(t)
				_, err := f.UpdateTier(t0, manager, tt.id, tt.u)
				wantCode(t, err, hallq.EINVALID)
				if got, want := issue(t, f, t0, "A", "").Tier, "regular"; got != want {
					t.Errorf("a ticket without a card has tier %s, want %s", got, want)
				}
			})
		}
	})

	t.Run("AnotherRegularRefused", func(t *testing.T) {
		f := newFloor(t)
		_, err := f.CreateTier(t0, manager, hallq.Tier{ID: "basic", Name: hallq.Text{EN: "Basic"}})
		wantCode(t, err, hallq.ECONFLICT)
		if _, err := f.CreateTier(t0, manager, hallq.Tier{ID: "basic", Name: hallq.Text{EN: "Basic"}, StaffOnly: true}); err != nil {
			t.Fatalf("a staff-only tier of rank 0: %v", err)
		}
		_, err = f.UpdateTier(t0, manager, "basic", hallq.TierUpdate{StaffOnly: ptr(false)})
		wantCode(t, err, hallq.ECONFLICT)
		if got, want := issue(t, f, t0, "A", "").Tier, "regular"; got != want {
			t.Errorf("a ticket without a card has tier %s, want %s", got, want)
		}
	})
}

func TestFloor_Counters(t *testing.T) {
	t.Run("Create", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.CreateCounter(t0, manager, hallq.NewCounter{ID: "10", Name: hallq.Text{EN: "Counter 10"}, Services: []string{"B"}, AlsoServes: []string{"C"}})
		if err != nil {
			t.Fatal(err)
		}
		if e := ch.Events[0]; e.Type != hallq.CounterCreated || e.Subject != "10" {
			t.Errorf("event %+v", e)
		}
		if c := ch.Counter; c.State != hallq.Closed || !slices.Equal(c.Services, []string{"B"}) || !slices.Equal(c.AlsoServes, []string{"C"}) {
			t.Errorf("new counter %+v", c)
		}
		var ids []string
		for _, c := range f.Counters() {
			ids = append(ids, c.ID)
		}
		if want := []string{"1", "2", "3", "4", "10"}; !slices.Equal(ids, want) {
			t.Errorf("counters %v, want %v", ids, want)
		}
		_, err = f.CreateCounter(t0, manager, hallq.NewCounter{ID: "10", Name: hallq.Text{EN: "Again"}, Services: []string{"B"}})
		wantCode(t, err, hallq.ECONFLICT)
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		name := hallq.Text{EN: "Counter 9"}
		for _, tt := range []struct {
			name string
			n    hallq.NewCounter
		}{
			{"BadID", hallq.NewCounter{ID: "9-a", Name: name, Services: []string{"A"}}},
			{"NoID", hallq.NewCounter{Name: name, Services: []string{"A"}}},
			{"NoName", hallq.NewCounter{ID: "9", Services: []string{"A"}}},
			{"NoServices", hallq.NewCounter{ID: "9", Name: name, AlsoServes: []string{"A"}}},
			{"UnknownService", hallq.NewCounter{ID: "9", Name: name, Services: []string{"Q"}}},
			{"UnknownAlsoServes", hallq.NewCounter{ID: "9", Name: name, Services: []string{"A"}, AlsoServes: []string{"Q"}}},
			{"ServiceTwice", hallq.NewCounter{ID: "9", Name: name, Services: []string{"A", "A"}}},
			{"ServiceAndAlso", hallq.NewCounter{ID: "9", Name: name, Services: []string{"A"}, AlsoServes: []string{"A"}}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := newFloor(t).CreateCounter(t0, manager, tt.n)
				wantCode(t, err, hallq.EINVALID)
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		f := newFloor(t)
		ch, err := f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{Services: &[]string{"C"}, AlsoServes: &[]string{"A"}, VIPFirst: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if c := ch.Counter; !c.VIPFirst || !slices.Equal(c.Services, []string{"C"}) || !slices.Equal(c.AlsoServes, []string{"A"}) {
			t.Errorf("updated counter %+v", c)
		}
		if e := ch.Events[0]; e.Type != hallq.CounterUpdated || e.Subject != "1" {
			t.Errorf("event %+v", e)
		}
		_, err = f.UpdateCounter(t0, manager, "9", hallq.CounterUpdate{})
		wantCode(t, err, hallq.ENOTFOUND)
		_, err = f.UpdateCounter(t0, manager, "1", hallq.CounterUpdate{Services: &[]string{}})
		wantCode(t, err, hallq.EINVALID)
	})

	t.Run("Delete", func(t *testing.T) {
		f := newFloor(t)
		clk := &clock{t0}
		issue(t, f, clk.now, "A", "")
		openCounters(t, f, clk.now, "1", "2")
		first, _ := next(t, f, clk.Add(time.Minute), "1")
		act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "2"})
		other := issue(t, f, clk.now, "A", "")

		_, err := f.DeleteCounter(clk.now, manager, "2")
		wantCode(t, err, hallq.ECONFLICT)
		// Closing the counter puts the ticket transferred to it back in
		// its service's queue.
		closing := act(t, f, clk.now, hallq.CounterAction{Op: hallq.OpClose, Counter: "2", By: manager})
		if got, want := eventTypes(closing), []hallq.EventType{hallq.CounterClosed, hallq.TicketRetargeted}; !slices.Equal(got, want) {
			t.Errorf("events of the close %v, want %v", got, want)
		}
		if len(closing.Tickets) != 1 || closing.Tickets[0].ID != first.ID || closing.Tickets[0].Target != "" {
			t.Errorf("change of the close %+v", closing)
		}
		ch, err := f.DeleteCounter(clk.now, manager, "2")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := eventTypes(ch), []hallq.EventType{hallq.CounterDeleted}; !slices.Equal(got, want) || ch.Deleted != "2" {
			t.Errorf("events %v, want %v", got, want)
		}
		if _, err := f.Counter("2"); hallq.ErrorCode(err) != hallq.ENOTFOUND {
			t.Errorf("the deleted counter: %v", err)
		}
		// Any counter of its service may call the ticket now, in its place.
		if got, _ := next(t, f, clk.now, "1"); got == nil || got.ID != first.ID {
			t.Errorf("counter 1 called %+v, want %s", got, first.Number)
		}
		if got, _ := next(t, f, clk.now, "1"); got == nil || got.ID != other.ID {
			t.Errorf("counter 1 called %+v, want %s", got, other.Number)
		}

		_, err = f.DeleteCounter(clk.now, manager, "2")
		wantCode(t, err, hallq.ENOTFOUND)
		_, err = f.Act(clk.now, hallq.CounterAction{Op: hallq.OpTransfer, Counter: "1", ToCounter: "2", By: staffAt("1")})
		wantCode(t, err, hallq.EINVALID)
	})
}

func TestLoopbackURL(t *testing.T) {
	for url, want := range map[string]bool{
		"http://127.0.0.1:8080":     true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"http://127.0.1.1":          true,
		"http://192.168.1.10:8080":  false,
		"https://hall.example/":     false,
		"http://100.64.3.4:8080":    false,
		"http://[fe80::1]:8080/x/y": false,
	} {
		if got := hallq.LoopbackURL(url); got != want {
			t.Errorf("LoopbackURL(%q) = %v, want %v", url, got, want)
		}
	}
}
