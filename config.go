package hallq

import (
	"slices"
	"time"
)

// UpdateSettings changes the hall settings present in u.
func (f *Floor) UpdateSettings(now time.Time, by Actor, u SettingsUpdate) (*Change, error) {
	now = f.HallTime(now)
	s := f.settings
	u.apply(&s)
	loc, err := s.validate()
	if err != nil {
		return nil, err
	}
	days, _ := NewHallDays(loc, s.DayStart)
	if n := len(f.open) - len(f.noShows); days.Of(now) > f.day && n > 0 {
		// No-shows do not count: the day's end only lets them go.
		return nil, Errorf(ECONFLICT, "With this time zone or day start, today's hall day would end now with %d tickets open. Change it after closing time.", n)
	}
	ch := f.begin(now, by)
	f.settings, f.days = s, days
	f.noteHours(now)
	ch.out.Config = true
	ch.event(Event{Type: HallUpdated})
	return ch.done(), nil
}

// NewService is a manager's description of a service to create. Absent
// fields take defaults: open, a 15-minute target wait, 5 minutes a customer.
type NewService struct {
	ID           string `json:"id"`
	Name         Text   `json:"name"`
	Open         *bool  `json:"open"`
	Hours        *Hours `json:"hours"`
	DailyQuota   int    `json:"daily_quota"`
	TargetWaitS  *int   `json:"target_wait_s"`
	ServiceTimeS *int   `json:"service_time_s"`
}

// CreateService adds a service.
func (f *Floor) CreateService(now time.Time, by Actor, n NewService) (*Change, error) {
	now = f.HallTime(now)
	s := &Service{ID: normalizeServiceID(n.ID), Name: n.Name, Open: true, Hours: n.Hours,
		DailyQuota: n.DailyQuota, TargetWaitS: 900, ServiceTimeS: 300}
	if n.Open != nil {
		s.Open = *n.Open
	}
	if n.TargetWaitS != nil {
		s.TargetWaitS = *n.TargetWaitS
	}
	if n.ServiceTimeS != nil {
		s.ServiceTimeS = *n.ServiceTimeS
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	if f.service(s.ID) != nil {
		return nil, Errorf(ECONFLICT, "Service %s already exists.", s.ID)
	}
	ch := f.begin(now, by)
	f.services = append(f.services, s.clone())
	f.sortConfig()
	f.noteHours(now)
	ch.out.Config = true
	ch.event(Event{Type: ServiceCreated, Subject: s.ID})
	return ch.done(), nil
}

// UpdateService changes the fields of service id present in u. Closing a
// service stops new tickets; those waiting are still served.
func (f *Floor) UpdateService(now time.Time, by Actor, id string, u ServiceUpdate) (*Change, error) {
	now = f.HallTime(now)
	id = normalizeServiceID(id)
	old := f.service(id)
	if old == nil {
		return nil, f.noService(ENOTFOUND, id)
	}
	s := old.clone()
	u.apply(s)
	if err := s.validate(); err != nil {
		return nil, err
	}
	ch := f.begin(now, by)
	*old = *s
	f.noteHours(now)
	ch.out.Config = true
	ch.event(Event{Type: ServiceUpdated, Subject: id})
	return ch.done(), nil
}

// CreateTier adds a tier.
func (f *Floor) CreateTier(now time.Time, by Actor, t Tier) (*Change, error) {
	now = f.HallTime(now)
	if err := t.validate(); err != nil {
		return nil, err
	}
	if f.tier(t.ID) != nil {
		return nil, Errorf(ECONFLICT, "Tier %s already exists.", t.ID)
	}
	if err := f.checkRegular(&t); err != nil {
		return nil, err
	}
	ch := f.begin(now, by)
	f.tiers = append(f.tiers, &t)
	f.sortConfig()
	ch.out.Config = true
	ch.event(Event{Type: TierCreated, Subject: t.ID})
	return ch.done(), nil
}

// UpdateTier changes the fields of tier id present in u. A new head start
// applies to tickets issued afterwards: a ticket's key is fixed at issue.
func (f *Floor) UpdateTier(now time.Time, by Actor, id string, u TierUpdate) (*Change, error) {
	now = f.HallTime(now)
	old := f.tier(id)
	if old == nil {
		return nil, f.noTier(ENOTFOUND, id)
	}
	t := *old
	u.apply(&t)
	if err := t.validate(); err != nil {
		return nil, err
	}
	if err := f.checkRegular(&t); err != nil {
		return nil, err
	}
	saved := *old
	*old = t
	if f.defaultTier() == nil {
		*old = saved
		return nil, Errorf(EINVALID, "The hall needs a regular tier (rank 0, not staff-only) for tickets issued without a card; this change would leave none.")
	}
	ch := f.begin(now, by)
	f.sortConfig()
	ch.out.Config = true
	ch.event(Event{Type: TierUpdated, Subject: id})
	return ch.done(), nil
}

// checkRegular refuses a second tier of rank 0 open to everyone: the tier of
// a ticket issued without a card must not change because a tier was added.
func (f *Floor) checkRegular(t *Tier) error {
	if t.Rank != 0 || t.StaffOnly {
		return nil
	}
	if d := f.defaultTier(); d != nil && d.ID != t.ID {
		return Errorf(ECONFLICT, "Tier %s is already the regular tier of tickets issued without a card; give this one a rank above 0, or make it staff-only.", d.ID)
	}
	return nil
}

// validateCounter checks a counter's description against the services.
func (f *Floor) validateCounter(id string, name Text, services, also []string) error {
	if !counterIDPattern.MatchString(id) {
		return Errorf(EINVALID, "A counter id is 1 to 16 letters or digits; %q is not.", id)
	}
	if err := name.validate("counter name", 64, true); err != nil {
		return err
	}
	if len(services) == 0 {
		return Errorf(EINVALID, "Counter %s needs at least one service it serves.", id)
	}
	seen := map[string]bool{}
	for _, list := range [][]string{services, also} {
		for _, s := range list {
			if f.service(s) == nil {
				return f.noService(EINVALID, s)
			}
			if seen[s] {
				return Errorf(EINVALID, "Service %s is listed twice for counter %s.", s, id)
			}
			seen[s] = true
		}
	}
	return nil
}

// CreateCounter adds a closed counter.
func (f *Floor) CreateCounter(now time.Time, by Actor, n NewCounter) (*Change, error) {
	now = f.HallTime(now)
	if err := f.validateCounter(n.ID, n.Name, n.Services, n.AlsoServes); err != nil {
		return nil, err
	}
	if f.counter(n.ID) != nil {
		return nil, Errorf(ECONFLICT, "Counter %s already exists.", n.ID)
	}
	c := &Counter{ID: n.ID, Name: n.Name, Services: slices.Clone(n.Services), AlsoServes: slices.Clone(n.AlsoServes),
		VIPFirst: n.VIPFirst, State: Closed, Since: now}
	ch := f.begin(now, by)
	f.counters = append(f.counters, c)
	f.sortConfig()
	ch.event(Event{Type: CounterCreated, Counter: c, Subject: c.ID})
	ch.out.Counter = f.counterView(c)
	return ch.done(), nil
}

// UpdateCounter changes the fields of counter id present in u. A change of
// the services it serves starts the counter's streak again; listing them in
// another order, or a change of its spare-time services, does not.
func (f *Floor) UpdateCounter(now time.Time, by Actor, id string, u CounterUpdate) (*Change, error) {
	now = f.HallTime(now)
	c := f.counter(id)
	if c == nil {
		return nil, f.noCounter(ENOTFOUND, id)
	}
	d := c.clone()
	if u.Name != nil {
		d.Name = *u.Name
	}
	if u.Services != nil {
		d.Services = slices.Clone(*u.Services)
	}
	if u.AlsoServes != nil {
		d.AlsoServes = slices.Clone(*u.AlsoServes)
	}
	if u.VIPFirst != nil {
		d.VIPFirst = *u.VIPFirst
	}
	if err := f.validateCounter(id, d.Name, d.Services, d.AlsoServes); err != nil {
		return nil, err
	}
	ch := f.begin(now, by)
	if !sameSet(c.Services, d.Services) {
		c.Streak = 0
	}
	c.Name, c.Services, c.AlsoServes, c.VIPFirst = d.Name, d.Services, d.AlsoServes, d.VIPFirst
	ch.event(Event{Type: CounterUpdated, Counter: c, Subject: c.ID})
	ch.out.Counter = f.counterView(c)
	return ch.done(), nil
}

// DeleteCounter removes a closed counter. Tickets transferred to it go back
// to their service's queue.
func (f *Floor) DeleteCounter(now time.Time, by Actor, id string) (*Change, error) {
	now = f.HallTime(now)
	c := f.counter(id)
	if c == nil {
		return nil, f.noCounter(ENOTFOUND, id)
	}
	if c.State != Closed {
		return nil, Errorf(ECONFLICT, "Counter %s is %s; close it before deleting it.", id, c.State)
	}
	ch := f.begin(now, by)
	f.releaseTargets(ch, id)
	f.counters = slices.DeleteFunc(f.counters, func(x *Counter) bool { return x == c })
	ch.out.Deleted = id
	ch.event(Event{Type: CounterDeleted, Subject: id})
	return ch.done(), nil
}

// releaseTargets puts the tickets transferred to counter id back in their
// service's queue: the counter is closing or going away.
func (f *Floor) releaseTargets(ch *change, id string) {
	for _, t := range f.openByID() {
		if t.Target == id && t.State == Waiting {
			t.Target = ""
			ch.event(Event{Type: TicketRetargeted, Ticket: t})
		}
	}
}

// sameSet reports whether a and b hold the same ids, in any order.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(id string) bool { return !slices.Contains(b, id) })
}
