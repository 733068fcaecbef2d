package hallq

import (
	"encoding/json"
	"regexp"
	"time"
)

// CounterState is whether a counter is taking customers.
type CounterState string

// The states of a counter.
const (
	Closed CounterState = "closed"
	Open   CounterState = "open"
	Paused CounterState = "paused"
)

// Counter is a service window. It serves its Services, and its AlsoServes
// only when nothing of its Services is waiting. A VIPFirst counter (the VIP
// window) calls VIP tickets first.
type Counter struct {
	ID         string
	Name       Text
	Services   []string
	AlsoServes []string
	VIPFirst   bool

	State  CounterState
	Since  time.Time // when State last changed
	Staff  string    // who opened it
	Ticket *Ticket   // the ticket called or being served here
	Last   *Ticket   // the ticket this counter finished last, as it was then
	Streak int       // VIP calls in a row ahead of an older regular ticket

	PauseAlerted bool // managers were warned that this pause is long

	Served   int // tickets finished done here today
	ServiceS int // the seconds they held the counter, in all
}

// MarshalJSON writes the API's Counter object, as staff and managers see it.
func (c Counter) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID         string       `json:"id"`
		Name       Text         `json:"name"`
		Services   []string     `json:"services"`
		AlsoServes []string     `json:"also_serves"`
		VIPFirst   bool         `json:"vip_first"`
		State      CounterState `json:"state"`
		Since      *string      `json:"since,omitempty"`
		Ticket     *Ticket      `json:"ticket,omitempty"`
		Staff      string       `json:"staff,omitempty"`
		Served     int          `json:"served_today"`
		ServiceAvg *int         `json:"service_s_avg,omitempty"`
	}{c.ID, c.Name, nonNil(c.Services), nonNil(c.AlsoServes), c.VIPFirst, c.State, formatTime(c.Since), c.Ticket, c.Staff,
		c.Served, c.serviceAvg()})
}

// serviceAvg returns the mean seconds a ticket served here today held the
// counter, or nil before the first.
func (c *Counter) serviceAvg() *int {
	if c.Served == 0 {
		return nil
	}
	avg := (c.ServiceS + c.Served/2) / c.Served
	return &avg
}

// PublicCounter is what displays and rating pads see of a counter: no
// tickets, no staff, no customer.
type PublicCounter struct {
	ID     string       `json:"id"`
	Name   Text         `json:"name"`
	State  CounterState `json:"state"`
	Number string       `json:"number,omitempty"` // the current ticket's number
}

// Public returns the public view of c.
func (c *Counter) Public() PublicCounter {
	p := PublicCounter{ID: c.ID, Name: c.Name, State: c.State}
	if c.Ticket != nil {
		p.Number = c.Ticket.Number
	}
	return p
}

// serves reports whether service is among c's Services.
func (c *Counter) serves(service string) bool { return indexOf(c.Services, service) >= 0 }

// takes reports whether c serves service at all, in Services or AlsoServes.
func (c *Counter) takes(service string) bool {
	return c.serves(service) || indexOf(c.AlsoServes, service) >= 0
}

func (c *Counter) clone() *Counter {
	d := *c
	d.Services = append([]string(nil), c.Services...)
	d.AlsoServes = append([]string(nil), c.AlsoServes...)
	d.Ticket = c.Ticket.clone()
	d.Last = c.Last.clone()
	return &d
}

var counterIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)

// NewCounter is a manager's description of a counter to create.
type NewCounter struct {
	ID         string   `json:"id"`
	Name       Text     `json:"name"`
	Services   []string `json:"services"`
	AlsoServes []string `json:"also_serves"`
	VIPFirst   bool     `json:"vip_first"`
}

// CounterUpdate changes the fields of a counter that are present.
type CounterUpdate struct {
	Name       *Text     `json:"name"`
	Services   *[]string `json:"services"`
	AlsoServes *[]string `json:"also_serves"`
	VIPFirst   *bool     `json:"vip_first"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
