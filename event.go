package hallq

import (
	"encoding/json"
	"time"
)

// EventType names what happened.
type EventType string

// The events of the hall. Statistics are computed from them.
const (
	TicketIssued      EventType = "ticket.issued"
	TicketCalled      EventType = "ticket.called"
	TicketRecalled    EventType = "ticket.recalled"
	TicketStarted     EventType = "ticket.started"
	TicketDone        EventType = "ticket.done"
	TicketNoShow      EventType = "ticket.no_show"
	TicketCancelled   EventType = "ticket.cancelled"
	TicketTransferred EventType = "ticket.transferred"
	TicketExpired     EventType = "ticket.expired"
	TicketRetargeted  EventType = "ticket.retargeted" // its target counter was deleted; any counter of its service may call it
	TicketRated       EventType = "ticket.rated"

	AlertRaised       EventType = "alert.raised"       // a wait past its target, a pause too long, a printer, a complaint
	AlertEscalated    EventType = "alert.escalated"    // an alert climbed a level
	AlertUpdated      EventType = "alert.updated"      // a printer's problem changed
	AlertAcknowledged EventType = "alert.acknowledged" // someone has it in hand
	AlertResolved     EventType = "alert.resolved"     // by a manager, or by itself as its cause ended
	ComplaintRaised   EventType = "complaint.received" // a customer complained

	CounterOpened  EventType = "counter.opened"
	CounterPaused  EventType = "counter.paused"
	CounterClosed  EventType = "counter.closed"
	CounterCreated EventType = "counter.created"
	CounterUpdated EventType = "counter.updated"
	CounterDeleted EventType = "counter.deleted"

	HallUpdated    EventType = "hall.updated"
	ServiceCreated EventType = "service.created"
	ServiceUpdated EventType = "service.updated"
	ServiceHours   EventType = "service.hours" // a service opened or closed by its hours
	TierCreated    EventType = "tier.created"
	TierUpdated    EventType = "tier.updated"
	DayStarted     EventType = "day.started"
	SlidesChanged  EventType = "slides.changed" // a slide was added, changed or deleted
	VoiceChanged   EventType = "voice.changed"  // the hall's own voice was uploaded or removed
)

// Configures reports whether an event changes what the live views are made
// of: the hall, its services, tiers or counters, or the day. Views send a
// whole new snapshot after such an event.
func (t EventType) Configures() bool {
	switch t {
	case HallUpdated, ServiceCreated, ServiceUpdated, TierCreated, TierUpdated,
		CounterCreated, CounterUpdated, CounterDeleted, DayStarted, SlidesChanged, VoiceChanged:
		return true
	}
	return false
}

// IsAlert reports whether the event is the change of an alert: the
// screens that show no alerts pass over it.
func (t EventType) IsAlert() bool {
	switch t {
	case AlertRaised, AlertEscalated, AlertUpdated, AlertAcknowledged, AlertResolved:
		return true
	}
	return false
}

// CallMode says how a call chose its ticket; all but ByRule are exceptions to
// the published bound and are reported.
type CallMode string

// The ways a ticket is called.
const (
	ByRule     CallMode = "rule"       // next at a general counter, by the rule
	ByVIPFirst CallMode = "vip_window" // next at a vip_first counter
	BySpare    CallMode = "spare_time" // next, from the counter's also_serves
	ByNumber   CallMode = "number"     // call by number, out of turn
	ByRecall   CallMode = "recall"     // a recall of the current call
)

// Event is one change in the hall. The store gives it its Seq, the commit
// order, when it is durable.
type Event struct {
	Seq     uint64
	Type    EventType
	At      time.Time
	Staff   string   // who did it ("" for a customer or the hub itself)
	Counter *Counter // the counter after the change, when one changed
	Ticket  *Ticket  // the ticket after the change, when one changed
	Call    *Call    // for calls and recalls
	Mode    CallMode // for calls
	Reason  string   // for calls by number
	From    string   // for transfers: the service or counter it left
	Subject string   // for configuration events: the id changed
	Alert   *Alert   // for alerts

	Complaint *Complaint // for complaints
}

// MarshalJSON writes an event as managers see it.
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seq     uint64    `json:"seq"`
		Type    EventType `json:"type"`
		At      *string   `json:"at"`
		Staff   string    `json:"staff,omitempty"`
		Counter *Counter  `json:"counter,omitempty"`
		Ticket  *Ticket   `json:"ticket,omitempty"`
		Call    *Call     `json:"call,omitempty"`
		Mode    CallMode  `json:"mode,omitempty"`
		Reason  string    `json:"reason,omitempty"`
		From    string    `json:"from,omitempty"`
		Subject string    `json:"subject,omitempty"`
		Alert   *Alert    `json:"alert,omitempty"`

		Complaint *Complaint `json:"complaint,omitempty"`
	}{e.Seq, e.Type, formatTime(e.At), e.Staff, e.Counter, e.Ticket, e.Call, e.Mode, e.Reason, e.From, e.Subject, e.Alert, e.Complaint})
}

// Call is an announcement: a ticket number and the counter to go to.
type Call struct {
	Ticket      uint64 // the ticket's id; not shown to the public
	Number      string
	Service     string
	Counter     string
	CounterName Text
	At          time.Time
	Recall      bool
}

// MarshalJSON writes the API's Call object.
func (c Call) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Number      string  `json:"number"`
		Service     string  `json:"service"`
		Counter     string  `json:"counter"`
		CounterName Text    `json:"counter_name"`
		At          *string `json:"at"`
		Recall      bool    `json:"recall"`
	}{c.Number, c.Service, c.Counter, c.CounterName, formatTime(c.At), c.Recall})
}
