package hallq

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Where a complaint came from.
const (
	ComplaintAtCounter = "counter" // taken by staff at the counter
	ComplaintByPhone   = "phone"   // sent from the ticket's phone page
	ComplaintByRating  = "rating"  // after a rating of 1 or 2, on the pad
)

// ComplaintCategories are what a customer can say went wrong.
var ComplaintCategories = []string{"wait_too_long", "attitude", "not_resolved", "environment", "other"}

// The states of a complaint, as its customer sees them.
const (
	ComplaintReceived = "received"
	ComplaintInHand   = "in_hand"
	ComplaintResolved = "resolved"
)

// Complaint is a customer's complaint: about a visit (Ticket) or about the
// hall in general.
type Complaint struct {
	ID         uint64
	Ticket     uint64 // the ticket's id; 0 for none
	Number     string // the ticket's number
	Source     string
	Category   string
	Text       string
	State      string
	RaisedAt   time.Time
	By         string // the staff member who took it at the counter
	Alert      uint64 // the alert that carries it up the escalation ladder
	Resolution string
}

// MarshalJSON writes the API's Complaint object.
func (c Complaint) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID         uint64  `json:"id"`
		Ticket     string  `json:"ticket,omitempty"`
		Source     string  `json:"source"`
		Category   string  `json:"category"`
		Text       string  `json:"text"`
		State      string  `json:"state"`
		RaisedAt   *string `json:"raised_at"`
		By         string  `json:"staff,omitempty"`
		Alert      uint64  `json:"alert"`
		Resolution string  `json:"resolution,omitempty"`
	}{c.ID, c.Number, c.Source, c.Category, c.Text, c.State, formatTime(c.RaisedAt), c.By, c.Alert, c.Resolution})
}

// ComplaintStatus is what a ticket's customer sees of their complaint.
type ComplaintStatus struct {
	ID         uint64 `json:"-"`
	State      string `json:"state"`
	Resolution string `json:"resolution,omitempty"`
}

// NewComplaint is a complaint to record.
type NewComplaint struct {
	Ticket   string `json:"ticket"` // a number, at the counter; the pad and phone name their ticket otherwise
	Category string `json:"category"`
	Text     string `json:"text"`
}

// validate checks a complaint's category and text; text is required unless
// a category says it.
func (n *NewComplaint) validate(source string) error {
	n.Category = strings.TrimSpace(n.Category)
	n.Text = strings.TrimSpace(n.Text)
	if n.Category == "" {
		n.Category = "other"
	}
	if !slices.Contains(ComplaintCategories, n.Category) {
		return WithField(Errorf(EINVALID, "A complaint's category is one of %s; %q is not.", strings.Join(ComplaintCategories, ", "), n.Category), "category")
	}
	if err := (Text{EN: n.Text}).validate("complaint", 1000, false); err != nil {
		return WithField(err, "text")
	}
	if n.Text == "" && n.Category == "other" && source != ComplaintByRating {
		return WithField(Errorf(EINVALID, "Say in a few words what went wrong."), "text")
	}
	return nil
}

// Complain records complaint c (its ID given by the store) about ticket t,
// as stored, or about no ticket when t is nil, and raises its alert. A
// ticket has one complaint at most. Its customer then sees that it was
// received.
func (f *Floor) Complain(now time.Time, by Actor, source string, n NewComplaint, id uint64, t *Ticket) (*Change, *Complaint, error) {
	now = f.HallTime(now)
	if err := n.validate(source); err != nil {
		return nil, nil, err
	}
	if t != nil && t.Complaint != nil && t.Complaint.State != ComplaintResolved {
		return nil, nil, Errorf(ECONFLICT, "Ticket %s already has a complaint in hand; the manager will answer it.", t.Number)
	}
	c := &Complaint{ID: id, Source: source, Category: n.Category, Text: n.Text, State: ComplaintReceived, RaisedAt: now, By: by.Name}
	ch := f.begin(now, by)
	ev := Event{Type: ComplaintRaised, Complaint: c}
	if t != nil {
		if open := f.open[t.ID]; open != nil {
			t = open
		} else {
			t = t.clone()
		}
		c.Ticket, c.Number = t.ID, t.Number
		t.Complaint = &ComplaintStatus{ID: id, State: ComplaintReceived}
		ev.Ticket = t
		f.keepLastVisit(ch, t)
	}
	ch.event(ev)
	c.Alert = ch.raiseComplaint(c, t).ID
	return ch.done(), c, nil
}

// keepLastVisit copies t to the counter whose last visit it is: a counter
// keeps a copy of the visit it finished last, which its pad's rating
// writes back, so it must carry the complaint's state too.
func (f *Floor) keepLastVisit(ch *change, t *Ticket) {
	for _, k := range f.counters {
		if k.Last != nil && k.Last.ID == t.ID {
			k.Last = t.clone()
			ch.touchCounter(k)
		}
	}
}
