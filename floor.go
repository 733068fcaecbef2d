package hallq

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// Floor is the live state of the hall: its configuration and its open work
// (waiting, called and served tickets, and no-shows that may still be called
// back). Every operation takes the time it happens at and returns a Change:
// what the store must keep and the events it publishes. An operation checks
// everything before it changes anything, so a refused operation leaves the
// Floor as it was. A Floor is not safe for concurrent use.
type Floor struct {
	settings    Settings
	days        HallDays
	services    []*Service // by id
	tiers       []*Tier    // by rank, then id
	counters    []*Counter // by id, numbers in numeric order
	day         string
	numbers     map[string]int // the last number issued today, per service
	cancelled   map[string]int // tickets of each service cancelled today: their places go back to the quota
	lastID      uint64
	lastIssued  time.Time
	open        map[uint64]*Ticket
	queues      map[string][]*Ticket // waiting tickets per service, by key then id
	vipsWaiting map[string]int       // how many of each service's waiting tickets are VIPs
	noShows     map[uint64]*Ticket   // no-shows that may still be called back
	calls       []Call               // newest first
	times       map[string][]int     // recent service times per service, oldest first
	arrivals    arrivals             // the last hour's issues per service and tier, for the estimator; not kept
	hoursOpen   map[string]bool      // whether each service's hours were open when last looked at
	slides      []*Slide             // by order, then id
	voice       string               // the version of the hall's own voice; "" for the shipped one
	alerts      map[uint64]*Alert    // the alerts not resolved
	lastAlert   uint64               // the last alert's id
	// ticketAlerts and counterAlerts are the waits and pauses not resolved,
	// by the ticket or counter whose change may end them.
	ticketAlerts  map[uint64][]*Alert
	counterAlerts map[string][]*Alert
	settleAll     bool // the next change looks at every alert's cause

	clockOffset time.Duration // the PC's clock less the hall's time: the steps absorbed
	lastSeen    time.Time     // the latest hall time seen
	lastRaw     time.Time     // the PC's time last seen, with its monotonic reading; not kept
	looked      bool          // the clock was looked at since the Floor was made
	linkBase    string
}

// maxCalls is how many recent calls a Floor remembers for the displays.
const maxCalls = 20

// wallTime drops t's monotonic clock reading. Times from time.Now carry one,
// and Before and Sub compare those readings, which a step of the system
// clock does not move, while times read back from the file have none: the
// Floor keeps and compares wall times only, so that "issued_at never goes
// backwards" holds against the clock people see, and tickets loaded after
// a restart order with those issued since. Every operation takes its time
// through it.
func wallTime(t time.Time) time.Time { return t.Round(0) }

// FloorState is everything a Floor needs to resume after a restart: what the
// store keeps. A counter's Ticket need only carry the ticket's ID.
type FloorState struct {
	Settings   Settings
	Services   []Service
	Tiers      []Tier
	Counters   []Counter
	Day        string
	Numbers    map[string]int
	Cancelled  map[string]int
	LastID     uint64
	LastIssued time.Time
	Open       []Ticket
	Calls      []Call
	Times      map[string][]int
	HoursOpen  map[string]bool // whether each service's hours were open when last announced
	Slides     []Slide
	Voice      string
	Alerts     []Alert // those not resolved
	LastAlert  uint64
	// ClockOffset and LastSeen keep the hall's own time across a restart
	// (see observeClock).
	ClockOffset time.Duration
	LastSeen    time.Time
}

// NewFloor returns the Floor described by st, after checking it.
func NewFloor(st FloorState) (*Floor, error) {
	if st.Settings.ServiceLevelGoal == 0 {
		st.Settings.ServiceLevelGoal = DefaultServiceLevelGoal // a hall stored before it had one
	}
	loc, err := st.Settings.validate()
	if err != nil {
		return nil, err
	}
	days, _ := NewHallDays(loc, st.Settings.DayStart)
	f := &Floor{
		settings:    st.Settings,
		days:        days,
		day:         st.Day,
		numbers:     map[string]int{},
		cancelled:   maps.Clone(st.Cancelled),
		lastID:      st.LastID,
		lastIssued:  wallTime(st.LastIssued),
		open:        map[uint64]*Ticket{},
		queues:      map[string][]*Ticket{},
		vipsWaiting: map[string]int{},
		noShows:     map[uint64]*Ticket{},
		calls:       append([]Call(nil), st.Calls...),
		times:       map[string][]int{},
		hoursOpen:   map[string]bool{},
		alerts:      map[uint64]*Alert{},
		lastAlert:   st.LastAlert,

		ticketAlerts:  map[uint64][]*Alert{},
		counterAlerts: map[string][]*Alert{},
		settleAll:     len(st.Alerts) > 0,
		clockOffset:   st.ClockOffset,
		lastSeen:      wallTime(st.LastSeen),
	}
	for i := range st.Alerts {
		a := st.Alerts[i].clone()
		if a.State == AlertStateResolved || a.ID == 0 || a.ID > st.LastAlert {
			return nil, fmt.Errorf("alert %d (%s) cannot be open", a.ID, a.State)
		}
		a.RaisedAt, a.EscalatesAt, a.Since = wallTime(a.RaisedAt), wallTime(a.EscalatesAt), wallTime(a.Since)
		f.keepAlert(a)
	}
	for k, v := range st.Numbers {
		f.numbers[k] = v
	}
	for k, v := range st.Times {
		f.times[k] = append([]int(nil), v...)
	}
	for k, v := range st.HoursOpen {
		f.hoursOpen[k] = v
	}
	for i := range st.Slides {
		s := st.Slides[i]
		if err := s.validate(); err != nil {
			return nil, err
		}
		f.slides = append(f.slides, &s)
	}
	f.sortSlides()
	f.voice = st.Voice
	for i := range st.Services {
		s := st.Services[i].clone()
		if err := s.validate(); err != nil {
			return nil, err
		}
		f.services = append(f.services, s)
	}
	for i := range st.Tiers {
		t := st.Tiers[i]
		if err := t.validate(); err != nil {
			return nil, err
		}
		f.tiers = append(f.tiers, &t)
	}
	f.sortConfig()
	if f.defaultTier() == nil {
		return nil, Errorf(EINVALID, "The hall needs a regular tier: one of rank 0 that is not staff-only.")
	}
	for i := range st.Open {
		t := st.Open[i]
		if !t.State.Open() {
			continue
		}
		t.Key, t.IssuedAt, t.LegAt = wallTime(t.Key), wallTime(t.IssuedAt), wallTime(t.LegAt)
		f.open[t.ID] = &t
		switch t.State {
		case Waiting:
			f.enqueue(&t)
		case NoShow:
			f.noShows[t.ID] = &t
		}
	}
	for i := range st.Counters {
		c := st.Counters[i].clone()
		if err := f.validateCounter(c.ID, c.Name, c.Services, c.AlsoServes); err != nil {
			return nil, err
		}
		if c.Ticket != nil {
			c.Ticket = f.open[c.Ticket.ID]
		}
		f.counters = append(f.counters, c)
	}
	f.sortConfig()
	return f, nil
}

// State returns a copy of everything the Floor holds, as NewFloor takes it.
func (f *Floor) State() FloorState {
	st := FloorState{
		Settings:   f.settings,
		Day:        f.day,
		Numbers:    map[string]int{},
		LastID:     f.lastID,
		LastIssued: f.lastIssued,
		Calls:      append([]Call(nil), f.calls...),
		Times:      map[string][]int{},
	}
	for k, v := range f.numbers {
		st.Numbers[k] = v
	}
	for k, v := range f.times {
		st.Times[k] = append([]int(nil), v...)
	}
	st.HoursOpen = maps.Clone(f.hoursOpen)
	st.Cancelled = maps.Clone(f.cancelled)
	st.Slides, st.Voice = f.Slides(), f.voice
	st.LastAlert, st.ClockOffset, st.LastSeen = f.lastAlert, f.clockOffset, f.lastSeen
	for _, a := range f.Alerts() {
		st.Alerts = append(st.Alerts, *a)
	}
	for _, s := range f.services {
		st.Services = append(st.Services, *s.clone())
	}
	for _, t := range f.tiers {
		st.Tiers = append(st.Tiers, *t)
	}
	for _, c := range f.counters {
		st.Counters = append(st.Counters, *c.clone())
	}
	for _, t := range f.openByID() {
		st.Open = append(st.Open, *t)
	}
	return st
}

// SetLinkBase sets the address phones reach the hub at; tickets carry their
// status page's URL on it.
func (f *Floor) SetLinkBase(url string) { f.linkBase = strings.TrimRight(url, "/") }

// Days returns the hall-day calendar.
func (f *Floor) Days() HallDays { return f.days }

// Day returns the current hall day, YYYY-MM-DD.
func (f *Floor) Day() string { return f.day }

// Change is what one operation did: the events it caused, in order, and the
// records the store must write.
type Change struct {
	Events   []Event
	Tickets  []*Ticket  // created or changed, as they are after the change; each once
	Counters []*Counter // created or changed, as they are after the change; each once
	Dropped  []uint64   // tickets that left the open work with no change of their own
	Deleted  string     // a counter deleted
	Config   bool       // settings, services or tiers changed
	Alerts   []*Alert   // raised or changed, as they are after the change; each once
	// UndoneDay is a hall day that never was, begun on a PC clock set
	// ahead and undone when the right time was confirmed: the store
	// forgets its start, so that the real day's events read as one.
	UndoneDay string

	// Escalations are the alerts that reached level 2 or 3: the webhook is
	// told of each.
	Escalations []EscalationNotice

	Ticket  *Ticket  // the ticket acted on; nil when there was none (nothing to call)
	Counter *Counter // the counter acted on
}

// Empty reports whether the change changed nothing.
func (c *Change) Empty() bool {
	return len(c.Events) == 0 && len(c.Tickets) == 0 && len(c.Counters) == 0 &&
		len(c.Dropped) == 0 && c.Deleted == "" && !c.Config && len(c.Alerts) == 0 && c.UndoneDay == ""
}

// change collects a Change while an operation runs.
type change struct {
	f        *Floor
	now      time.Time
	by       string
	out      *Change
	tickets  []*Ticket
	counters []*Counter
	alerts   []*Alert
	kept     *Ticket // a ticket the change is done with, and its view
	keptView *Ticket
}

func (f *Floor) begin(now time.Time, by Actor) *change {
	return &change{f: f, now: now, by: by.Name, out: &Change{}}
}

// keep says that v is t's view as the change leaves it: nothing changes t
// after, so the event, the result and the change's copy of t share v
// instead of each making its own. Views are never changed once made.
func (ch *change) keep(t, v *Ticket) { ch.kept, ch.keptView = t, v }

// view returns t's view as it is now.
func (ch *change) view(t *Ticket) *Ticket {
	if t == ch.kept {
		return ch.keptView
	}
	return ch.f.view(t)
}

// event records an event with copies of the ticket and counter as they are now.
func (ch *change) event(e Event) {
	e.At = ch.now
	if e.Staff == "" {
		e.Staff = ch.by
	}
	if e.Ticket != nil {
		ch.touchTicket(e.Ticket)
		e.Ticket = ch.view(e.Ticket)
	}
	if e.Counter != nil {
		ch.touchCounter(e.Counter)
		e.Counter = ch.f.counterView(e.Counter)
	}
	ch.out.Events = append(ch.out.Events, e)
}

func (ch *change) touchTicket(t *Ticket) {
	if !slices.Contains(ch.tickets, t) {
		ch.tickets = append(ch.tickets, t)
	}
}

func (ch *change) touchCounter(c *Counter) {
	if !slices.Contains(ch.counters, c) {
		ch.counters = append(ch.counters, c)
	}
}

// done returns the Change, with copies of what it touched, once the alerts
// whose cause it ended are resolved.
func (ch *change) done() *Change {
	if len(ch.f.alerts) > 0 {
		ch.settleAlerts()
	}
	for _, a := range ch.alerts {
		ch.out.Alerts = append(ch.out.Alerts, a.clone())
	}
	for _, t := range ch.tickets {
		ch.out.Tickets = append(ch.out.Tickets, ch.view(t))
	}
	for _, c := range ch.counters {
		ch.out.Counters = append(ch.out.Counters, ch.f.counterView(c))
	}
	return ch.out
}

// result sets the ticket the operation acted on.
func (ch *change) result(t *Ticket) {
	ch.out.Ticket = ch.view(t)
}

// Advance brings the Floor to time now: when a hall day has ended, its open
// tickets expire, counters drop their tickets and streaks, and numbering
// starts again; no-shows past the recall tolerance are let go. The store
// advances the Floor before every batch of operations and at each day's end,
// with the time as time.Now gives it: its monotonic reading shows a step of
// the PC's clock, which the hall absorbs (see observeClock).
func (f *Floor) Advance(now time.Time) *Change {
	ch := f.begin(wallTime(now), Actor{})
	f.observeClock(ch, now)
	now = f.HallTime(now)
	ch.now = now
	day := f.days.Of(now)
	if f.day == "" {
		// The hall's first day: its start is an event too, so that the
		// events of every day can be found by their day.started.
		f.day = day
		ch.event(Event{Type: DayStarted, Subject: day})
	}
	if day > f.day {
		if end, err := f.days.End(f.day); err == nil && end.Before(now) {
			ch.now = end
		}
		for _, t := range f.openByID() {
			if t.State == NoShow {
				ch.out.Dropped = append(ch.out.Dropped, t.ID)
				f.forget(t)
				continue
			}
			f.dequeue(t)
			t.State = Expired
			t.FinishedAt = ch.now
			if t.FinishedAt.Before(t.LegAt) {
				t.FinishedAt = t.LegAt // the calendar changed under it; a leg never ends before it began
			}
			delete(f.open, t.ID)
			ch.event(Event{Type: TicketExpired, Ticket: t})
		}
		for _, c := range f.counters {
			if c.Ticket != nil || c.Last != nil || c.Streak != 0 || c.Served != 0 {
				c.Ticket, c.Last, c.Streak, c.Served, c.ServiceS = nil, nil, 0, 0, 0
				ch.touchCounter(c)
			}
		}
		ch.now = now
		f.day = day
		f.numbers, f.cancelled = map[string]int{}, nil
		f.calls = nil // yesterday's numbers are today's again: A001 was called yesterday, not today
		ch.event(Event{Type: DayStarted, Subject: day})
	}
	for _, s := range f.services {
		open := f.withinHours(s, now)
		if was, known := f.hoursOpen[s.ID]; known && was != open {
			ch.event(Event{Type: ServiceHours, Subject: s.ID})
		}
		f.hoursOpen[s.ID] = open
	}
	tolerance := time.Duration(f.settings.RecallToleranceS) * time.Second
	for _, t := range f.noShows {
		if now.Sub(t.FinishedAt) > tolerance {
			ch.out.Dropped = append(ch.out.Dropped, t.ID)
			f.forget(t)
		}
	}
	slices.Sort(ch.out.Dropped)
	return ch.done()
}

// NextDayStart returns when the current hall day ends, on the PC's clock.
func (f *Floor) NextDayStart() time.Time {
	end, _ := f.days.End(f.day)
	return end.Add(f.clockOffset)
}

func (f *Floor) forget(t *Ticket) {
	delete(f.open, t.ID)
	delete(f.noShows, t.ID)
}

// IssueOrder is a ticket to issue, with its card already looked up.
type IssueOrder struct {
	Service string
	Tier    string   // chosen by staff; "" to take the card's tier or the regular one
	Card    *Card    // the card presented, nil for none
	Lang    string   // "" for the hall's first language
	Random  [16]byte // random bytes for the new ticket's token
	By      Actor    // staff issuing it, or a customer (empty)
}

// Issue issues a ticket.
func (f *Floor) Issue(now time.Time, o IssueOrder) (*Change, error) {
	now = f.HallTime(now)
	s := f.service(o.Service)
	if s == nil {
		return nil, WithField(f.noService(EINVALID, o.Service), "service")
	}
	if o.Lang == "" {
		o.Lang = Languages[0]
	}
	if !ValidLang(o.Lang) {
		return nil, Errorf(EINVALID, "Language %q is not offered; use en or zh.", o.Lang)
	}
	tier := f.defaultTier()
	switch {
	case o.Tier != "":
		if tier = f.tier(o.Tier); tier == nil {
			return nil, WithField(f.noTier(EINVALID, o.Tier), "tier")
		}
		if o.By.Role != RoleStaff && o.By.Role != RoleManager {
			return nil, Errorf(EUNAUTHORIZED, "Only logged-in staff can choose a ticket's tier.")
		}
	case o.Card != nil:
		if o.Card.Expired(f.day, now) {
			return nil, Errorf(ECARDUNKNOWN, "This card has expired. You can take a regular ticket.")
		}
		if tier = f.tier(o.Card.Tier); tier == nil || tier.StaffOnly {
			return nil, Errorf(ECARDUNKNOWN, "This card's tier is no longer offered. You can take a regular ticket.")
		}
	}
	if reason := f.closedReason(s, now); reason != "" {
		return nil, closedError(s, reason)
	}

	ch := f.begin(now, o.By)
	issued := now
	if issued.Before(f.lastIssued) {
		issued = f.lastIssued // the clock went back: issue times never do
	}
	f.lastIssued = issued
	f.lastID++
	f.numbers[s.ID]++
	t := &Ticket{
		ID:        f.lastID,
		Token:     TicketToken(f.lastID, o.Random),
		Number:    Numbered(s.ID, f.numbers[s.ID]),
		Service:   s.ID,
		Tier:      tier.ID,
		Rank:      tier.Rank,
		HeadStart: tier.HeadStart(),
		Key:       issued.Add(-tier.HeadStart()),
		Day:       f.day,
		Lang:      o.Lang,
		State:     Waiting,
		IssuedAt:  issued,
		LegAt:     issued,
		Leg:       1,
		IssuedBy:  o.By.Name,
		Card:      o.Card != nil && o.Tier == "",
	}
	if t.Card {
		t.Holder = o.Card.Holder
	}
	f.open[t.ID] = t
	f.enqueue(t)
	f.arrivals.add(s.ID, tier.ID, issued)
	// The estimate kept is the one the customer is given. With no estimate
	// (no counter can call it), all three stay 0: a known estimate's high
	// end is never 0, so the stats can leave the ticket out.
	v := f.view(t)
	t.EtaAtIssue, t.EtaLowAtIssue, t.EtaHighAtIssue = v.EtaS, v.EtaLowS, v.EtaHighS
	v.EtaAtIssue, v.EtaLowAtIssue, v.EtaHighAtIssue = v.EtaS, v.EtaLowS, v.EtaHighS
	// Nothing changes the ticket after this: its one view serves the
	// event, the result and the change's copy.
	ch.keep(t, v)
	ch.event(Event{Type: TicketIssued, Ticket: t})
	ch.result(t)
	return ch.done(), nil
}

// CheckService returns the error Issue gives for a service that does not
// exist, or nil: the store asks before it looks up a card, so that an
// unknown service says nothing of whether the card is registered.
func (f *Floor) CheckService(id string) error {
	if f.service(id) == nil {
		return WithField(f.noService(EINVALID, id), "service")
	}
	return nil
}

func closedError(s *Service, reason string) error {
	switch reason {
	case ClosedByHours:
		return Errorf(ECLOSED, "%s takes tickets %s–%s. Please come back then.", s.Name.EN, s.Hours.Open, s.Hours.Close)
	case ClosedByQuota:
		return Errorf(ECLOSED, "%s has given all %d of today's tickets.", s.Name.EN, s.DailyQuota)
	}
	return Errorf(ECLOSED, "%s is closed now.", s.Name.EN)
}

// withinHours reports whether now is within service s's hours, if it has
// any.
func (f *Floor) withinHours(s *Service, now time.Time) bool {
	return s.Hours == nil || s.Hours.contains(now.In(f.days.loc))
}

// noteHours records whether each service is within its hours at now, after
// a change of configuration: the next change by the clock is news, this one
// came with its own event.
func (f *Floor) noteHours(now time.Time) {
	for _, s := range f.services {
		f.hoursOpen[s.ID] = f.withinHours(s, now)
	}
}

// closedReason says why service s is not taking tickets at now, or "".
func (f *Floor) closedReason(s *Service, now time.Time) string {
	switch {
	case !s.Open:
		return ClosedBySwitch
	case !f.withinHours(s, now):
		return ClosedByHours
	case s.DailyQuota > 0 && f.numbers[s.ID]-f.cancelled[s.ID] >= s.DailyQuota:
		return ClosedByQuota
	}
	return ""
}

// Cancel cancels a waiting ticket: the customer left, or staff took it out.
func (f *Floor) Cancel(now time.Time, id uint64, by Actor) (*Change, error) {
	now = f.HallTime(now)
	t := f.open[id]
	if t == nil {
		return nil, Errorf(ENOTFOUND, "Ticket %d is not open.", id)
	}
	to, err := Move(t.State, ActCancel)
	if err != nil {
		return nil, err
	}
	ch := f.begin(now, by)
	f.dequeue(t)
	f.forget(t)
	t.State = to
	t.FinishedAt = now
	if t.Day == f.day {
		// Its place goes back to the quota of the service it was issued for.
		if f.cancelled == nil {
			f.cancelled = map[string]int{}
		}
		f.cancelled[strings.TrimRight(t.Number, "0123456789")]++
	}
	ch.event(Event{Type: TicketCancelled, Ticket: t})
	ch.result(t)
	return ch.done(), nil
}

// OpenTicket returns the open ticket with the given id, with its live figures.
func (f *Floor) OpenTicket(id uint64) (*Ticket, bool) {
	t := f.open[id]
	if t == nil {
		return nil, false
	}
	return f.view(t), true
}

// OpenTickets returns the open tickets with the given ids, with their live
// figures, in the order of ids: nil where a ticket is not open. One
// estimator serves them all, so a ticket costs its place in the queue, not a
// look at the whole hall.
func (f *Floor) OpenTickets(ids []uint64) []*Ticket {
	out := make([]*Ticket, len(ids))
	var e *estimator
	for i, id := range ids {
		t := f.open[id]
		if t == nil {
			continue
		}
		if t.State == Waiting && e == nil {
			e = f.newEstimator()
		}
		out[i] = f.viewWith(e, t)
	}
	return out
}

// OpenTicketByNumber returns the open ticket with number today (as typed:
// a23 is A023), with its live figures.
func (f *Floor) OpenTicketByNumber(number string) (*Ticket, bool) {
	number = CanonicalNumber(number)
	for _, t := range f.open {
		if t.Number == number {
			return f.view(t), true
		}
	}
	return nil, false
}

// Decorate gives a ticket that is no longer open its live figures: its
// status page URL, and until when it may be called back or rated.
func (f *Floor) Decorate(t *Ticket) *Ticket {
	if t.Live == nil {
		t.Live = &Live{}
	}
	t.StatusURL = f.statusURL(t.Token)
	f.setRecallUntil(t)
	return t
}

// setRecallUntil tells a no-show's view until when staff can call it back,
// and a done visit's not yet rated until when its phone may rate it.
func (f *Floor) setRecallUntil(t *Ticket) {
	switch {
	case t.State == NoShow:
		t.RecallUntil = t.FinishedAt.Add(time.Duration(f.settings.RecallToleranceS) * time.Second)
	case t.State == Done && t.Rating == 0:
		t.RateUntil = t.FinishedAt.Add(PhoneRateWindow)
	}
}

func (f *Floor) statusURL(token string) string {
	if token == "" {
		return ""
	}
	return f.linkBase + "/t/" + token
}

// view returns a copy of t with its live figures.
func (f *Floor) view(t *Ticket) *Ticket { return f.viewWith(nil, t) }

// viewWith is view with estimator e, or a new one if nil.
func (f *Floor) viewWith(e *estimator, t *Ticket) *Ticket {
	v := t.ViewCopy()
	v.StatusURL = f.statusURL(t.Token)
	f.setRecallUntil(v)
	if t.State == Waiting {
		if e == nil {
			e = f.newEstimator()
		}
		v.Ahead = f.ahead(t)
		v.setEstimate(e.ticket(t, v.Ahead))
	}
	return v
}

// queueLess orders waiting tickets: by key, then by id.
func queueLess(a, b *Ticket) bool {
	if !a.Key.Equal(b.Key) {
		return a.Key.Before(b.Key)
	}
	return a.ID < b.ID
}

func (f *Floor) position(t *Ticket) int {
	q := f.queues[t.Service]
	return sort.Search(len(q), func(i int) bool { return !queueLess(q[i], t) })
}

func (f *Floor) enqueue(t *Ticket) {
	f.queues[t.Service] = slices.Insert(f.queues[t.Service], f.position(t), t)
	if t.VIP() {
		f.vipsWaiting[t.Service]++
	}
}

func (f *Floor) dequeue(t *Ticket) {
	q := f.queues[t.Service]
	if i := f.position(t); i < len(q) && q[i] == t {
		f.queues[t.Service] = slices.Delete(q, i, i+1)
		if t.VIP() {
			f.vipsWaiting[t.Service]--
		}
	}
}

// ahead counts the waiting tickets of t's service with a smaller key.
func (f *Floor) ahead(t *Ticket) int { return f.position(t) }

// openByID returns the open tickets in id order.
func (f *Floor) openByID() []*Ticket {
	ts := make([]*Ticket, 0, len(f.open))
	for _, t := range f.open {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *Ticket) int { return cmpUint(a.ID, b.ID) })
	return ts
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *Floor) service(id string) *Service {
	for _, s := range f.services {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (f *Floor) tier(id string) *Tier {
	for _, t := range f.tiers {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (f *Floor) counter(id string) *Counter {
	for _, c := range f.counters {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// defaultTier is the tier of a ticket issued without a card: the first tier
// of rank 0 that is not staff-only.
func (f *Floor) defaultTier() *Tier {
	for _, t := range f.tiers {
		if t.Rank == 0 && !t.StaffOnly {
			return t
		}
	}
	return nil
}

func (f *Floor) sortConfig() {
	slices.SortFunc(f.services, func(a, b *Service) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(f.tiers, func(a, b *Tier) int {
		if a.Rank != b.Rank {
			return a.Rank - b.Rank
		}
		return strings.Compare(a.ID, b.ID)
	})
	slices.SortFunc(f.counters, func(a, b *Counter) int { return compareIDs(a.ID, b.ID) })
}

// compareIDs orders ids with numbers in numeric order: 2 before 10.
func compareIDs(a, b string) int {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// Cursor returns the Floor's running state, without configuration, counters
// or tickets: the hall day, numbering, last ids, recent calls, service times
// and which services' hours were open when last announced. The store writes
// it with every commit that changes the Floor, so a Floor read back after a
// failed commit announces a change of hours that commit did not.
func (f *Floor) Cursor() FloorState {
	st := FloorState{
		Day:        f.day,
		Numbers:    f.numbers,
		LastID:     f.lastID,
		LastIssued: f.lastIssued,
		Calls:      f.calls,
		Times:      f.times,
		HoursOpen:  f.hoursOpen,
		Cancelled:  f.cancelled,
		LastAlert:  f.lastAlert,

		ClockOffset: f.clockOffset,
		LastSeen:    f.lastSeen,
	}
	return st
}

// Config returns copies of the hall's settings, services and tiers.
func (f *Floor) Config() (Settings, []Service, []Tier) {
	services := make([]Service, 0, len(f.services))
	for _, s := range f.services {
		services = append(services, *s.clone())
	}
	tiers := make([]Tier, 0, len(f.tiers))
	for _, t := range f.tiers {
		tiers = append(tiers, *t)
	}
	return f.settings, services, tiers
}

// noService is the error for a service that does not exist, naming those
// that do.
func (f *Floor) noService(code, id string) error {
	ids := make([]string, 0, len(f.services))
	for _, s := range f.services {
		ids = append(ids, s.ID)
	}
	return Errorf(code, "Service %q does not exist; this hall has %s.", id, choices(ids))
}

// noTier is the error for a tier that does not exist, naming those that do.
func (f *Floor) noTier(code, id string) error {
	ids := make([]string, 0, len(f.tiers))
	for _, t := range f.tiers {
		ids = append(ids, t.ID)
	}
	return Errorf(code, "Tier %q does not exist; this hall has %s.", id, choices(ids))
}

// noCounter is the error for a counter that does not exist, naming those
// that do.
func (f *Floor) noCounter(code, id string) error {
	ids := make([]string, 0, len(f.counters))
	for _, c := range f.counters {
		ids = append(ids, c.ID)
	}
	return Errorf(code, "Counter %q does not exist; this hall has %s.", id, choices(ids))
}

// choices writes a list for a sentence: "A, B and C"; "none" when empty,
// the first ten and a count when long.
func choices(ids []string) string {
	switch n := len(ids); {
	case n == 0:
		return "none"
	case n == 1:
		return ids[0]
	case n > 10:
		return strings.Join(ids[:10], ", ") + fmt.Sprintf(" and %d more", n-10)
	default:
		return strings.Join(ids[:n-1], ", ") + " and " + ids[n-1]
	}
}
