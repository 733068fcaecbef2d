package hallq

import (
	"net/url"
	"strings"
	"time"
)

// Settings are the hall-wide settings a manager edits.
type Settings struct {
	Name             Text   `json:"name"`
	TimeZone         string `json:"time_zone"` // IANA name, e.g. Asia/Shanghai
	DayStart         string `json:"day_start"` // "HH:MM": when a hall day begins
	Notice           Text   `json:"notice"`    // shown on the kiosk and the displays
	VIPStreakCap     int    `json:"vip_streak_cap"`
	RecallLimit      int    `json:"recall_limit"`
	RecallToleranceS int    `json:"recall_tolerance_s"`
	PauseAlertS      int    `json:"pause_alert_s"` // alert managers to a counter paused this long; 0: never
	// ServiceLevelGoal is the fraction of customers the hall means to call
	// within their service's target wait; staffing advice aims at it.
	ServiceLevelGoal float64 `json:"service_level_goal"`
	// Escalation is how complaints and printer alerts climb; only managers
	// see it (the webhook's address may carry a secret).
	Escalation *Escalation `json:"escalation,omitempty"`
}

// Escalation is the hall's response limits: an alert that climbs reaches
// level 2 RespondS after it was raised and level 3 Level3AfterS after,
// unless resolved first. Levels 2 and 3 are posted to WebhookURL, if any.
type Escalation struct {
	RespondS     int    `json:"respond_s"`
	Level3AfterS int    `json:"level3_after_s"`
	WebhookURL   string `json:"webhook_url"`
}

// DefaultEscalation is the escalation of a hall that set none: answer a
// complaint within 15 minutes, raise it to the region after an hour.
var DefaultEscalation = Escalation{RespondS: 900, Level3AfterS: 3600}

// DefaultServiceLevelGoal is the service level a hall aims at when it set
// none: 80 % called within their target.
const DefaultServiceLevelGoal = 0.8

// SettingsUpdate changes the settings that are present.
type SettingsUpdate struct {
	Name             *Text       `json:"name"`
	TimeZone         *string     `json:"time_zone"`
	DayStart         *string     `json:"day_start"`
	Notice           *Text       `json:"notice"`
	VIPStreakCap     *int        `json:"vip_streak_cap"`
	RecallLimit      *int        `json:"recall_limit"`
	RecallToleranceS *int        `json:"recall_tolerance_s"`
	PauseAlertS      *int        `json:"pause_alert_s"`
	ServiceLevelGoal *float64    `json:"service_level_goal"`
	Escalation       *Escalation `json:"escalation"`
}

func (u *SettingsUpdate) apply(s *Settings) {
	if u.Name != nil {
		s.Name = *u.Name
	}
	if u.TimeZone != nil {
		s.TimeZone = *u.TimeZone
	}
	if u.DayStart != nil {
		s.DayStart = *u.DayStart
	}
	if u.Notice != nil {
		s.Notice = *u.Notice
	}
	if u.VIPStreakCap != nil {
		s.VIPStreakCap = *u.VIPStreakCap
	}
	if u.RecallLimit != nil {
		s.RecallLimit = *u.RecallLimit
	}
	if u.RecallToleranceS != nil {
		s.RecallToleranceS = *u.RecallToleranceS
	}
	if u.PauseAlertS != nil {
		s.PauseAlertS = *u.PauseAlertS
	}
	if u.ServiceLevelGoal != nil {
		s.ServiceLevelGoal = *u.ServiceLevelGoal
	}
	if u.Escalation != nil {
		e := *u.Escalation
		s.Escalation = &e
	}
}

// validate checks the settings and returns the hall's time zone.
func (s *Settings) validate() (*time.Location, error) {
	if err := s.Name.validate("hall name", 64, true); err != nil {
		return nil, WithField(err, "name")
	}
	if err := s.Notice.validate("notice", 500, false); err != nil {
		return nil, WithField(err, "notice")
	}
	if s.TimeZone == "" || s.TimeZone == "Local" {
		return nil, WithField(Errorf(EINVALID, "Name the hall's time zone, for example Asia/Shanghai."), "time_zone")
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, WithField(Errorf(EINVALID, "%q is not a time zone this hub knows; use a name like Asia/Shanghai.", s.TimeZone), "time_zone")
	}
	if _, err := parseClock(s.DayStart); err != nil {
		return nil, WithField(err, "day_start")
	}
	if s.VIPStreakCap < 1 || s.VIPStreakCap > 100 {
		return nil, WithField(Errorf(EINVALID, "The VIP streak cap is between 1 and 100."), "vip_streak_cap")
	}
	if s.RecallLimit < 0 || s.RecallLimit > 20 {
		return nil, WithField(Errorf(EINVALID, "The recall limit is between 0 and 20."), "recall_limit")
	}
	if s.RecallToleranceS < 0 || s.RecallToleranceS > 86400 {
		return nil, WithField(Errorf(EINVALID, "The recall tolerance is between 0 and 86400 seconds."), "recall_tolerance_s")
	}
	if s.PauseAlertS < 0 || s.PauseAlertS > 86400 {
		return nil, WithField(Errorf(EINVALID, "The pause alert is between 0 (never) and 86400 seconds."), "pause_alert_s")
	}
	if !(s.ServiceLevelGoal > 0 && s.ServiceLevelGoal < 1) {
		return nil, WithField(Errorf(EINVALID, "The service level goal is a fraction between 0 and 1, for example 0.8."), "service_level_goal")
	}
	e := DefaultEscalation
	if s.Escalation != nil {
		e = *s.Escalation // a copy: the settings' copies share the pointer
	}
	if err := e.validate(); err != nil {
		return nil, err
	}
	s.Escalation = &e
	return loc, nil
}

// HallDays converts times to hall days: the day that begins at DayStart in
// the hall's time zone.
type HallDays struct {
	loc   *time.Location
	start int // minutes after midnight
}

// NewHallDays returns the hall-day calendar of the given zone and day start.
func NewHallDays(loc *time.Location, dayStart string) (HallDays, error) {
	m, err := parseClock(dayStart)
	if err != nil {
		return HallDays{}, err
	}
	return HallDays{loc: loc, start: m}, nil
}

// Location returns the hall's time zone.
func (h HallDays) Location() *time.Location { return h.loc }

// Of returns the hall day t belongs to, as YYYY-MM-DD: the last one that
// has started by t.
func (h HallDays) Of(t time.Time) string {
	l := t.In(h.loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	if t.Before(h.startOf(d)) {
		d = d.AddDate(0, 0, -1)
	}
	return d.Format("2006-01-02")
}

// Start returns the moment hall day day (YYYY-MM-DD) begins.
func (h HallDays) Start(day string) (time.Time, error) {
	// Parsed in UTC: in a zone whose clocks skip midnight, the date parsed
	// in the zone can fall on the day before.
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "A date is written YYYY-MM-DD; %q is not.", day)
	}
	return h.startOf(d), nil
}

// End returns the moment hall day day ends: the start of the next one.
func (h HallDays) End(day string) (time.Time, error) {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "A date is written YYYY-MM-DD; %q is not.", day)
	}
	return h.startOf(d.AddDate(0, 0, 1)), nil
}

// startOf returns the first moment the hall's clocks show the day start on
// date d (a UTC midnight). Where the clocks change, that time of day can be
// skipped (the day then starts at the change) or shown twice (it starts at
// the first); time.Date does not say which instant it picks.
func (h HallDays) startOf(d time.Time) time.Time {
	want := d.Add(time.Duration(h.start) * time.Minute)
	t := time.Date(d.Year(), d.Month(), d.Day(), h.start/60, h.start%60, 0, 0, h.loc)
	switch shown := wallClock(t); {
	case shown.After(want): // skipped, and t is after the change
		t, _ = t.ZoneBounds()
	case shown.Before(want): // skipped, and t is before the change
		_, t = t.ZoneBounds()
	default: // shown; if twice, take the first
		if begin, _ := t.ZoneBounds(); !begin.IsZero() {
			_, before := begin.Add(-1).Zone()
			_, now := t.Zone()
			if alt := t.Add(time.Duration(now-before) * time.Second); alt.Before(begin) && wallClock(alt).Equal(want) {
				t = alt
			}
		}
	}
	return t
}

// wallClock returns the date and time of day t shows in its zone, as UTC.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

func (e *Escalation) validate() error {
	e.WebhookURL = strings.TrimSpace(e.WebhookURL)
	if e.RespondS < 60 || e.RespondS > 7*86400 {
		return WithField(Errorf(EINVALID, "The time to respond is between 60 seconds and 7 days."), "escalation.respond_s")
	}
	if e.Level3AfterS <= e.RespondS || e.Level3AfterS > 30*86400 {
		return WithField(Errorf(EINVALID, "Level 3 comes after the time to respond, and within 30 days."), "escalation.level3_after_s")
	}
	if e.WebhookURL == "" {
		return nil
	}
	u, err := url.Parse(e.WebhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(e.WebhookURL) > 2000 {
		return WithField(Errorf(EINVALID, "The webhook is an http:// or https:// address, such as https://region.example.com/hallq."), "escalation.webhook_url")
	}
	return nil
}
