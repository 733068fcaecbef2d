package hallq

import (
	"regexp"
	"strings"
	"time"
)

// Service is one kind of business the hall serves, with its own queue and
// ticket numbers ("A023").
type Service struct {
	ID           string `json:"id"`
	Name         Text   `json:"name"`
	Open         bool   `json:"open"`                  // the manager's switch
	Hours        *Hours `json:"hours,omitempty"`       // nil: any hour
	DailyQuota   int    `json:"daily_quota,omitempty"` // tickets per hall day; 0: no quota
	TargetWaitS  int    `json:"target_wait_s"`         // the wait the hall aims to stay under
	ServiceTimeS int    `json:"service_time_s"`        // assumed service time until enough are measured

	// Live figures, filled in by the Floor's views.
	Accepting    bool   `json:"accepting"`               // a ticket can be issued now
	ClosedReason string `json:"closed_reason,omitempty"` // "closed", "hours" or "quota" when not accepting
	Waiting      int    `json:"waiting"`
	// The estimated wait of a regular ticket issued now, and its 80 %
	// range: null while no open counter can call it, with EtaReason
	// EtaNoCounter.
	EtaS      *int   `json:"eta_s"`
	EtaLowS   *int   `json:"eta_low_s"`
	EtaHighS  *int   `json:"eta_high_s"`
	EtaReason string `json:"eta_reason,omitempty"`
	Issued    int    `json:"issued"`
}

// Estimate returns the live estimate of a ticket issued now.
func (s *Service) Estimate() Estimate {
	if s.EtaS == nil || s.EtaLowS == nil || s.EtaHighS == nil {
		return Estimate{Reason: s.EtaReason}
	}
	return Estimate{S: *s.EtaS, LowS: *s.EtaLowS, HighS: *s.EtaHighS, Reason: s.EtaReason}
}

// SetEstimate sets the live estimate of a ticket issued now: views that keep
// the figures they last sent put those back.
func (s *Service) SetEstimate(e Estimate) { s.setEstimate(e) }

// setEstimate sets the live estimate of a ticket issued now.
func (s *Service) setEstimate(e Estimate) {
	s.EtaS, s.EtaLowS, s.EtaHighS, s.EtaReason = nil, nil, nil, e.Reason
	if e.Known() {
		s.EtaS, s.EtaLowS, s.EtaHighS = &e.S, &e.LowS, &e.HighS
	}
}

// Why a service is not accepting tickets.
const (
	ClosedBySwitch = "closed"
	ClosedByHours  = "hours"
	ClosedByQuota  = "quota"
)

// Hours are a service's opening hours in the hall's time zone.
type Hours struct {
	Open  string   `json:"open"`           // "08:30"
	Close string   `json:"close"`          // "17:00"; a ticket can be issued until then
	Days  []string `json:"days,omitempty"` // "mon" … "sun"; empty: every day
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (h *Hours) validate() error {
	open, err := parseClock(h.Open)
	if err != nil {
		return err
	}
	close, err := parseClock(h.Close)
	if err != nil {
		return err
	}
	if close <= open {
		return Errorf(EINVALID, "Opening hours must close after they open (%s–%s).", h.Open, h.Close)
	}
	for _, d := range h.Days {
		if indexOf(weekdays, d) < 0 {
			return Errorf(EINVALID, "%q is not a day; use mon, tue, wed, thu, fri, sat or sun.", d)
		}
	}
	return nil
}

// contains reports whether local, a time in the hall's zone, is within the hours.
func (h *Hours) contains(local time.Time) bool {
	if len(h.Days) > 0 && indexOf(h.Days, weekdays[local.Weekday()]) < 0 {
		return false
	}
	open, _ := parseClock(h.Open)
	close, _ := parseClock(h.Close)
	m := local.Hour()*60 + local.Minute()
	return m >= open && m < close
}

var serviceIDPattern = regexp.MustCompile(`^[A-Z]{1,3}$`)

func (s *Service) validate() error {
	if !serviceIDPattern.MatchString(s.ID) {
		return Errorf(EINVALID, "A service id is one to three capital letters, like A; %q is not.", s.ID)
	}
	if err := s.Name.validate("service name", 64, true); err != nil {
		return err
	}
	if s.Hours != nil {
		if err := s.Hours.validate(); err != nil {
			return err
		}
	}
	if s.DailyQuota < 0 || s.DailyQuota > 99999 {
		return Errorf(EINVALID, "A daily quota is between 0 (no quota) and 99999.")
	}
	if s.TargetWaitS < 0 || s.TargetWaitS > 86400 {
		return Errorf(EINVALID, "A target wait is between 0 and 86400 seconds.")
	}
	if s.ServiceTimeS < 1 || s.ServiceTimeS > 86400 {
		return Errorf(EINVALID, "A service time is between 1 and 86400 seconds.")
	}
	return nil
}

// ServiceUpdate changes the fields of a service that are present.
type ServiceUpdate struct {
	Name         *Text           `json:"name"`
	Open         *bool           `json:"open"`
	Hours        Nullable[Hours] `json:"hours"`
	DailyQuota   *int            `json:"daily_quota"`
	TargetWaitS  *int            `json:"target_wait_s"`
	ServiceTimeS *int            `json:"service_time_s"`
}

func (u *ServiceUpdate) apply(s *Service) {
	if u.Name != nil {
		s.Name = *u.Name
	}
	if u.Open != nil {
		s.Open = *u.Open
	}
	if u.Hours.Set {
		s.Hours = u.Hours.Value
	}
	if u.DailyQuota != nil {
		s.DailyQuota = *u.DailyQuota
	}
	if u.TargetWaitS != nil {
		s.TargetWaitS = *u.TargetWaitS
	}
	if u.ServiceTimeS != nil {
		s.ServiceTimeS = *u.ServiceTimeS
	}
}

func (s *Service) clone() *Service {
	c := *s
	if s.Hours != nil {
		h := *s.Hours
		h.Days = append([]string(nil), h.Days...)
		c.Hours = &h
	}
	return &c
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func normalizeServiceID(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }
