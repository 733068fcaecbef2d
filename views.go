package hallq

import (
	"slices"
	"strings"
	"time"
)

// HallView is the API's Hall object: the settings, the services with their
// live figures, the tiers, and the bound the hall publishes.
type HallView struct {
	Settings
	Services      []*Service `json:"services"`
	Tiers         []*Tier    `json:"tiers"`
	Languages     []string   `json:"languages"`
	HeadStartMaxS int        `json:"head_start_max_s"` // D_max: the published bound
	Day           string     `json:"day"`              // the current hall day
	// PublicURL is where the tickets' QR codes send phones; PublicURLLocal
	// warns that it is this machine's loopback, which no phone reaches.
	PublicURL      string `json:"public_url"`
	PublicURLLocal bool   `json:"public_url_local"`
}

// Hall returns the hall as customers and staff see it at now.
func (f *Floor) Hall(now time.Time) HallView {
	return HallView{
		Settings:       f.settings,
		Services:       f.Services(now),
		Tiers:          f.Tiers(),
		Languages:      Languages,
		HeadStartMaxS:  seconds(f.HeadStartMax()),
		Day:            f.day,
		PublicURL:      f.linkBase,
		PublicURLLocal: LoopbackURL(f.linkBase),
	}
}

// LoopbackURL reports whether url's host is a loopback address or
// localhost: no phone can reach it.
func LoopbackURL(url string) bool {
	host := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
	if i := strings.IndexAny(host, "/"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndex(host, ":"); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	host = strings.Trim(host, "[]")
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// Settings returns the hall settings.
func (f *Floor) Settings() Settings { return f.settings }

// Services returns the services with their live figures at now.
func (f *Floor) Services(now time.Time) []*Service {
	out := make([]*Service, 0, len(f.services))
	e := f.newEstimator()
	for _, s := range f.services {
		out = append(out, f.serviceView(e, s, now))
	}
	return out
}

// Service returns service id with its live figures at now.
func (f *Floor) Service(id string, now time.Time) (*Service, error) {
	s := f.service(normalizeServiceID(id))
	if s == nil {
		return nil, f.noService(ENOTFOUND, id)
	}
	return f.serviceView(f.newEstimator(), s, now), nil
}

func (f *Floor) serviceView(e *estimator, s *Service, now time.Time) *Service {
	v := s.clone()
	v.ClosedReason = f.closedReason(s, now)
	v.Accepting = v.ClosedReason == ""
	v.Waiting = len(f.queues[s.ID])
	v.setEstimate(e.estimateNew(s, now))
	v.Issued = f.numbers[s.ID]
	return v
}

// Tiers returns the tiers, by rank.
func (f *Floor) Tiers() []*Tier {
	out := make([]*Tier, 0, len(f.tiers))
	for _, t := range f.tiers {
		c := *t
		out = append(out, &c)
	}
	return out
}

// Tier returns tier id.
func (f *Floor) Tier(id string) (*Tier, error) {
	t := f.tier(id)
	if t == nil {
		return nil, f.noTier(ENOTFOUND, id)
	}
	c := *t
	return &c, nil
}

// Counters returns the counters with their current tickets.
func (f *Floor) Counters() []*Counter {
	out := make([]*Counter, 0, len(f.counters))
	for _, c := range f.counters {
		out = append(out, f.counterView(c))
	}
	return out
}

// Counter returns counter id with its current ticket.
func (f *Floor) Counter(id string) (*Counter, error) {
	c := f.counter(id)
	if c == nil {
		return nil, f.noCounter(ENOTFOUND, id)
	}
	return f.counterView(c), nil
}

func (f *Floor) counterView(c *Counter) *Counter {
	v := c.clone()
	if c.Ticket != nil {
		v.Ticket = f.view(c.Ticket)
	}
	return v
}

// ServiceQueue is the waiting tickets of one service, in call order by key.
type ServiceQueue struct {
	ID      string    `json:"id"`
	Tickets []*Ticket `json:"tickets"`
}

// Queue returns the waiting tickets of each service, ordered by key then id.
func (f *Floor) Queue() []ServiceQueue {
	out := make([]ServiceQueue, 0, len(f.services))
	e := f.newEstimator()
	for _, s := range f.services {
		q := ServiceQueue{ID: s.ID, Tickets: []*Ticket{}}
		for i, t := range f.queues[s.ID] {
			v := t.ViewCopy()
			v.StatusURL = f.statusURL(t.Token)
			v.Ahead = i
			v.setEstimate(e.ticket(t, i))
			q.Tickets = append(q.Tickets, v)
		}
		out = append(out, q)
	}
	return out
}

// CounterQueue is one service's waiting tickets as a counter sees them:
// those it may call (of a service it takes and not transferred to another
// counter, or transferred to it), how many, the longest waiting, the VIPs
// and those transferred to it among them, and the first ones in call order.
type CounterQueue struct {
	ID       string    `json:"id"`
	Waiting  int       `json:"waiting"`
	Oldest   *string   `json:"oldest_issued_at,omitempty"`
	VIPs     int       `json:"vips"`
	ToMe     int       `json:"to_me"`
	Tickets  []*Ticket `json:"tickets"` // the first ones, at most the n asked for
	oldestAt time.Time
}

// QueueFor returns the queue as counter c sees it, service by service (the
// services it takes, and any other with a ticket transferred to it), with at
// most n tickets of each: a terminal shows the figures and the next to call,
// and its messages stay as small with 3,000 waiting as with 30.
func (f *Floor) QueueFor(c *Counter, n int) []CounterQueue {
	out := []CounterQueue{}
	e := f.newEstimator()
	for _, s := range f.services {
		takes := slices.Contains(c.Services, s.ID) || slices.Contains(c.AlsoServes, s.ID)
		q := CounterQueue{ID: s.ID, Tickets: []*Ticket{}}
		for i, t := range f.queues[s.ID] {
			if t.Target != c.ID && (t.Target != "" || !takes) {
				continue
			}
			q.Waiting++
			if t.VIP() {
				q.VIPs++
			}
			if t.Target == c.ID {
				q.ToMe++
			}
			if q.oldestAt.IsZero() || t.IssuedAt.Before(q.oldestAt) {
				q.oldestAt = t.IssuedAt
			}
			if len(q.Tickets) < n {
				v := t.ViewCopy()
				v.StatusURL, v.Ahead = f.statusURL(t.Token), i
				v.setEstimate(e.ticket(t, i))
				q.Tickets = append(q.Tickets, v)
			}
		}
		if takes || q.Waiting > 0 {
			q.Oldest = formatTime(q.oldestAt)
			out = append(out, q)
		}
	}
	return out
}

// Calls returns the most recent calls, newest first.
func (f *Floor) Calls() []Call { return append([]Call{}, f.calls...) }

// Display is what the waiting-room displays show: nothing personal, no
// tokens, no staff.
type Display struct {
	Name          Text            `json:"name"`  // the hall's
	Calls         []Call          `json:"calls"` // newest first
	Services      []*Service      `json:"services"`
	Counters      []PublicCounter `json:"counters"`
	Notice        Text            `json:"notice"`
	HeadStartMaxS int             `json:"head_start_max_s"` // the published bound
	Rule          PriorityRule    `json:"rule"`
	Slides        []Slide         `json:"slides"` // today's, in the order they show
	Voice         VoiceVersion    `json:"voice"`
	TimeZone      string          `json:"time_zone"` // the hall's: displays show its time
}

// VoiceVersion says which recorded clips the displays play: the hall's own
// upload (Version its content hash) or the shipped ones (Version "").
type VoiceVersion struct {
	Version string `json:"version"`
}

// PriorityRule is the call-order rule in the hall's own numbers, for the
// displays to print in plain words: which tiers get the largest head start
// and how long it is, at which counters the bound holds, and its
// exceptions (VIP windows, counters' spare-time services).
type PriorityRule struct {
	HeadStartMaxS   int           `json:"head_start_max_s"`
	TopTiers        []RuleTier    `json:"top_tiers"` // the tiers whose head start is HeadStartMaxS
	GeneralCounters []RuleCounter `json:"general_counters"`
	VIPWindows      []RuleCounter `json:"vip_windows"`
	SpareTime       []RuleSpare   `json:"spare_time"`
	StreakCap       int           `json:"vip_streak_cap"`
}

// RuleTier is a tier, as the rule names it.
type RuleTier struct {
	ID         string `json:"id"`
	Name       Text   `json:"name"`
	HeadStartS int    `json:"head_start_s"`
	StaffOnly  bool   `json:"staff_only"`
}

// RuleCounter is a counter, as the rule names it.
type RuleCounter struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

// RuleSpare is a counter that serves some services only in spare time.
type RuleSpare struct {
	Counter  RuleCounter `json:"counter"`
	Services []string    `json:"services"`
}

// Rule returns the call-order rule as the hall is configured now.
func (f *Floor) Rule() PriorityRule {
	top := seconds(f.HeadStartMax())
	r := PriorityRule{HeadStartMaxS: top, StreakCap: f.settings.VIPStreakCap,
		TopTiers: []RuleTier{}, GeneralCounters: []RuleCounter{}, VIPWindows: []RuleCounter{}, SpareTime: []RuleSpare{}}
	for _, t := range f.tiers {
		if top > 0 && t.HeadStartS == top {
			r.TopTiers = append(r.TopTiers, RuleTier{ID: t.ID, Name: t.Name, HeadStartS: t.HeadStartS, StaffOnly: t.StaffOnly})
		}
	}
	for _, c := range f.counters {
		rc := RuleCounter{ID: c.ID, Name: c.Name}
		if c.VIPFirst {
			r.VIPWindows = append(r.VIPWindows, rc)
		} else {
			r.GeneralCounters = append(r.GeneralCounters, rc)
		}
		if len(c.AlsoServes) > 0 {
			r.SpareTime = append(r.SpareTime, RuleSpare{Counter: rc, Services: append([]string(nil), c.AlsoServes...)})
		}
	}
	return r
}

// Display returns what the displays show at now.
func (f *Floor) Display(now time.Time) *Display {
	d := &Display{
		Name:          f.settings.Name,
		Calls:         f.Calls(),
		Services:      f.Services(now),
		Counters:      []PublicCounter{},
		Notice:        f.settings.Notice,
		HeadStartMaxS: seconds(f.HeadStartMax()),
		Rule:          f.Rule(),
		Slides:        f.SlidesToday(),
		Voice:         VoiceVersion{Version: f.voice},
		TimeZone:      f.settings.TimeZone,
	}
	for _, c := range f.counters {
		d.Counters = append(d.Counters, c.Public())
	}
	return d
}
