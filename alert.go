package hallq

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The kinds of alert a manager gets.
const (
	AlertWait      = "wait_over"     // a ticket has waited past its service's target
	AlertVIPWait   = "vip_wait_over" // a VIP ticket has waited past its tier's target
	AlertPause     = "paused_long"   // a counter has been paused past the hall's pause alert
	AlertPrinter   = "printer"       // a kiosk's printer is out of paper, open or not answering
	AlertComplaint = "complaint"     // a customer complained
)

// What is wrong with a printer.
const (
	PrinterPaperOut  = "paper_out"
	PrinterPaperLow  = "paper_low"
	PrinterCoverOpen = "cover_open"
	PrinterOffline   = "offline" // it does not answer
	PrinterOK        = "ok"      // it works again
)

// The states of an alert.
const (
	AlertStateOpen         = "open"
	AlertStateAcknowledged = "acknowledged" // someone has it in hand
	AlertStateResolved     = "resolved"
)

// Alert is a warning for managers, with one escalation ladder: level 1 on
// the hall's screens, level 2 the manager's alarm and the webhook, level 3
// the regional office through the webhook.
//
// Waits and pauses (wait_over, vip_wait_over, paused_long) are raised once
// per leg, tier target or pause, climb to level 2 at 1.5 × their target,
// and resolve by themselves when their cause ends. Complaints and printer
// problems climb to level 2 at the hall's respond_s after they were raised
// and to level 3 at level3_after_s, unless resolved first; acknowledging
// says who has one and does not stop the clock.
type Alert struct {
	ID          uint64
	Kind        string
	Level       int
	State       string
	RaisedAt    time.Time
	EscalatesAt time.Time // when it climbs next; zero when it climbs no more
	Day         string    // the hall day it was raised on
	Since       time.Time // the start of the wait or pause it is about, or of its climb

	Ticket  uint64 // the ticket it is about, if any
	Number  string // that ticket's number
	Service string
	Counter string

	WaitedS int    // how long the ticket had waited, or the counter been paused, when raised
	TargetS int    // the target it passed
	Device  uint64 // the kiosk whose printer it is
	Name    string // that kiosk's name
	Printer string // the printer's address: kiosks that share a printer share its alert
	Problem string // what is wrong with the printer

	Complaint *ComplaintSummary // for complaints

	Message        Text
	Notes          []AlertNote
	AcknowledgedBy string
	ResolvedAt     time.Time
	ResolvedBy     string // "" when it resolved by itself
}

// ComplaintSummary is the complaint a complaint alert is about.
type ComplaintSummary struct {
	ID       uint64 `json:"id"`
	Source   string `json:"source"`
	Category string `json:"category"`
	Text     string `json:"text"`
	State    string `json:"state"`
}

// AlertNote is a note someone left on an alert.
type AlertNote struct {
	At   time.Time
	By   string
	Text string
}

// MarshalJSON writes the API's note object.
func (n AlertNote) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		At   *string `json:"at"`
		By   string  `json:"by"`
		Text string  `json:"text"`
	}{formatTime(n.At), n.By, n.Text})
}

// MarshalJSON writes the API's Alert object.
func (a Alert) MarshalJSON() ([]byte, error) {
	notes := a.Notes
	if notes == nil {
		notes = []AlertNote{}
	}
	return json.Marshal(struct {
		ID             uint64            `json:"id"`
		Kind           string            `json:"kind"`
		Level          int               `json:"level"`
		State          string            `json:"state"`
		RaisedAt       *string           `json:"raised_at"`
		EscalatesAt    *string           `json:"escalates_at,omitempty"`
		Ticket         string            `json:"ticket,omitempty"`
		Service        string            `json:"service,omitempty"`
		Counter        string            `json:"counter,omitempty"`
		WaitedS        int               `json:"waited_s,omitempty"`
		TargetS        int               `json:"target_s,omitempty"`
		Device         uint64            `json:"device,omitempty"`
		Printer        string            `json:"printer,omitempty"`
		Problem        string            `json:"problem,omitempty"`
		Complaint      *ComplaintSummary `json:"complaint,omitempty"`
		Message        Text              `json:"message"`
		Notes          []AlertNote       `json:"notes"`
		AcknowledgedBy string            `json:"acknowledged_by,omitempty"`
		ResolvedAt     *string           `json:"resolved_at,omitempty"`
		ResolvedBy     string            `json:"resolved_by,omitempty"`
	}{a.ID, a.Kind, a.Level, a.State, formatTime(a.RaisedAt), formatTime(a.EscalatesAt), a.Number, a.Service, a.Counter,
		a.WaitedS, a.TargetS, a.Device, a.Printer, a.Problem, a.Complaint, a.Message, notes, a.AcknowledgedBy,
		formatTime(a.ResolvedAt), a.ResolvedBy})
}

func (a *Alert) clone() *Alert {
	c := *a
	c.Notes = slices.Clone(a.Notes)
	if a.Complaint != nil {
		k := *a.Complaint
		c.Complaint = &k
	}
	return &c
}

// climbs reports whether the alert is of a kind that climbs by the hall's
// response limits (to level 3), rather than by its own target.
func (a *Alert) climbs() bool { return a.Kind == AlertComplaint || a.Kind == AlertPrinter }

// EscalationNotice is an alert reaching level 2 or 3: what the webhook is
// told. ID names it once and for all, so that a receiver drops repeats.
type EscalationNotice struct {
	ID    string
	Level int
	At    time.Time
	Alert *Alert // as it is at that level
}

// Alerts returns the alerts not resolved, oldest first.
func (f *Floor) Alerts() []*Alert {
	out := make([]*Alert, 0, len(f.alerts))
	for _, a := range f.alerts {
		out = append(out, a.clone())
	}
	slices.SortFunc(out, func(a, b *Alert) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Alert returns alert id when it is not resolved.
func (f *Floor) Alert(id uint64) (*Alert, bool) {
	a, ok := f.alerts[id]
	if !ok {
		return nil, false
	}
	return a.clone(), true
}

// CheckAlerts raises the alerts due at now: waiting tickets past their
// service's target wait (counted from the start of their leg), VIP tickets
// past their tier's target (counted from issue), counters paused past the
// hall's pause alert. It then climbs every alert whose time has come. The
// store runs it every few seconds.
func (f *Floor) CheckAlerts(now time.Time) *Change {
	now = f.HallTime(now)
	ch := f.begin(now, Actor{})
	for _, s := range f.services {
		for _, t := range f.queues[s.ID] {
			f.checkTicket(ch, s, t)
		}
	}
	pause := time.Duration(f.settings.PauseAlertS) * time.Second
	for _, c := range f.counters {
		if c.State == Paused && pause > 0 && !c.PauseAlerted && now.Sub(c.Since) > pause {
			c.PauseAlerted = true
			a := &Alert{Kind: AlertPause, Counter: c.ID, Since: c.Since, WaitedS: seconds(now.Sub(c.Since)),
				TargetS: f.settings.PauseAlertS, EscalatesAt: c.Since.Add(pause * 3 / 2)}
			ch.raise(a, Event{Counter: c})
		}
	}
	for _, a := range f.alertsByID() {
		if !a.EscalatesAt.IsZero() && !now.Before(a.EscalatesAt) {
			ch.escalate(a)
		}
	}
	return ch.done()
}

func (f *Floor) checkTicket(ch *change, s *Service, t *Ticket) {
	if waited := ch.now.Sub(t.LegAt); s.TargetWaitS > 0 && !t.WaitAlerted && waited > time.Duration(s.TargetWaitS)*time.Second {
		t.WaitAlerted = true
		target := time.Duration(s.TargetWaitS) * time.Second
		ch.raise(&Alert{Kind: AlertWait, Ticket: t.ID, Number: t.Number, Service: t.Service, Since: t.LegAt,
			WaitedS: seconds(waited), TargetS: s.TargetWaitS, EscalatesAt: t.LegAt.Add(target * 3 / 2)}, Event{Ticket: t})
	}
	if !t.VIP() || t.TierAlerted {
		return
	}
	if tier, waited := f.tier(t.Tier), ch.now.Sub(t.IssuedAt); tier != nil && tier.TargetWaitS > 0 && waited > time.Duration(tier.TargetWaitS)*time.Second {
		t.TierAlerted = true
		target := time.Duration(tier.TargetWaitS) * time.Second
		ch.raise(&Alert{Kind: AlertVIPWait, Ticket: t.ID, Number: t.Number, Service: t.Service, Since: t.IssuedAt,
			WaitedS: seconds(waited), TargetS: tier.TargetWaitS, EscalatesAt: t.IssuedAt.Add(target * 3 / 2)}, Event{Ticket: t})
	}
}

// raise gives a a number and level 1 and records it, with event e (its
// ticket or counter) carrying it.
func (ch *change) raise(a *Alert, e Event) {
	f := ch.f
	f.lastAlert++
	a.ID, a.Level, a.State, a.RaisedAt, a.Day = f.lastAlert, 1, AlertStateOpen, ch.now, f.day
	a.Message = f.alertMessage(a)
	f.keepAlert(a)
	e.Type, e.Alert = AlertRaised, a
	ch.alertEvent(e)
}

// alertEvent records e, which carries an alert that changed, with a copy
// of that alert.
func (ch *change) alertEvent(e Event) {
	ch.touchAlert(e.Alert)
	e.Alert = e.Alert.clone()
	ch.event(e)
}

func (ch *change) touchAlert(a *Alert) {
	if !slices.Contains(ch.alerts, a) {
		ch.alerts = append(ch.alerts, a)
	}
}

// escalate takes a one level up: to 2 for waits and pauses, by the hall's
// response limits for complaints and printers; the webhook is told.
func (ch *change) escalate(a *Alert) {
	a.Level++
	a.EscalatesAt = time.Time{}
	if a.climbs() && a.Level == 2 {
		a.EscalatesAt = a.Since.Add(time.Duration(ch.f.escalation().Level3AfterS) * time.Second)
	}
	ch.alertEvent(Event{Type: AlertEscalated, Alert: a})
	ch.out.Escalations = append(ch.out.Escalations, EscalationNotice{
		ID: escalationID(a.ID, a.Level), Level: a.Level, At: ch.now, Alert: a.clone()})
}

// escalationID names the escalation of alert id to level, the same however
// often it is sent.
func escalationID(id uint64, level int) string {
	return "alert-" + strconv.FormatUint(id, 10) + "-level-" + strconv.Itoa(level)
}

func (f *Floor) escalation() Escalation {
	if f.settings.Escalation == nil {
		return DefaultEscalation
	}
	return *f.settings.Escalation
}

// keepAlert records a, not resolved, with the index of the ticket or
// counter whose change may end its cause.
func (f *Floor) keepAlert(a *Alert) {
	f.alerts[a.ID] = a
	switch a.Kind {
	case AlertWait, AlertVIPWait:
		f.ticketAlerts[a.Ticket] = append(f.ticketAlerts[a.Ticket], a)
	case AlertPause:
		f.counterAlerts[a.Counter] = append(f.counterAlerts[a.Counter], a)
	}
}

// dropAlert forgets a, resolved.
func (f *Floor) dropAlert(a *Alert) {
	delete(f.alerts, a.ID)
	without := func(list []*Alert) []*Alert { return slices.DeleteFunc(list, func(b *Alert) bool { return b == a }) }
	if list := without(f.ticketAlerts[a.Ticket]); len(list) > 0 {
		f.ticketAlerts[a.Ticket] = list
	} else {
		delete(f.ticketAlerts, a.Ticket)
	}
	if list := without(f.counterAlerts[a.Counter]); len(list) > 0 {
		f.counterAlerts[a.Counter] = list
	} else {
		delete(f.counterAlerts, a.Counter)
	}
}

// settleAlerts resolves the waits and pauses whose cause this change ended:
// their ticket was called, cancelled, moved or expired; their counter
// reopened, closed or went. Only the alerts of what the change touched are
// looked at: ticket issue stays as fast with many alerts open.
func (ch *change) settleAlerts() {
	f := ch.f
	var maybe []*Alert
	if f.settleAll {
		// The first change after a start looks at every alert: one whose
		// ticket or counter went while the hub was away ends here.
		f.settleAll = false
		maybe = f.alertsByID()
	}
	for _, t := range ch.tickets {
		maybe = append(maybe, f.ticketAlerts[t.ID]...)
	}
	for _, id := range ch.out.Dropped {
		maybe = append(maybe, f.ticketAlerts[id]...)
	}
	for _, c := range ch.counters {
		maybe = append(maybe, f.counterAlerts[c.ID]...)
	}
	if ch.out.Deleted != "" {
		maybe = append(maybe, f.counterAlerts[ch.out.Deleted]...)
	}
	if len(maybe) == 0 {
		return
	}
	slices.SortFunc(maybe, func(a, b *Alert) int { return cmp.Compare(a.ID, b.ID) })
	maybe = slices.Compact(maybe)
	for _, a := range maybe {
		if a.State == AlertStateResolved || !f.causeEnded(a) {
			continue
		}
		a.State, a.ResolvedAt, a.EscalatesAt = AlertStateResolved, ch.now, time.Time{}
		f.dropAlert(a)
		ch.alertEvent(Event{Type: AlertResolved, Alert: a})
	}
}

func (f *Floor) causeEnded(a *Alert) bool {
	switch a.Kind {
	case AlertWait:
		t := f.open[a.Ticket]
		return t == nil || t.State != Waiting || !t.LegAt.Equal(a.Since)
	case AlertVIPWait:
		t := f.open[a.Ticket]
		return t == nil || t.State != Waiting
	case AlertPause:
		c := f.counter(a.Counter)
		return c == nil || c.State != Paused || !c.Since.Equal(a.Since)
	}
	return false
}

// alertsByID returns the alerts not resolved, by id.
func (f *Floor) alertsByID() []*Alert {
	out := make([]*Alert, 0, len(f.alerts))
	for _, a := range f.alerts {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Alert) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// RaiseAlert records what a kiosk says of its printer: a problem raises an
// alert, or changes the one that printer has open; PrinterOK resolves it,
// saying it works again. A printer low on paper does not climb until it
// runs out. A printer is known by its address, or else by its kiosk.
func (f *Floor) RaiseAlert(now time.Time, a Alert) (*Change, error) {
	now = f.HallTime(now)
	if a.Kind != AlertPrinter {
		return nil, Errorf(EINVALID, "Only printer alerts are raised from outside.")
	}
	switch a.Problem {
	case PrinterPaperOut, PrinterPaperLow, PrinterCoverOpen, PrinterOffline, PrinterOK:
	default:
		return nil, Errorf(EINVALID, "%q is not a printer problem.", a.Problem)
	}
	ch := f.begin(now, Actor{})
	var open *Alert
	for _, o := range f.alertsByID() {
		if o.Kind == AlertPrinter && (a.Printer != "" && o.Printer == a.Printer || a.Printer == "" && o.Device == a.Device) {
			open = o
		}
	}
	respond := time.Duration(f.escalation().RespondS) * time.Second
	switch {
	case open == nil && a.Problem == PrinterOK:
	case open == nil:
		n := &Alert{Kind: AlertPrinter, Device: a.Device, Name: a.Name, Printer: a.Printer, Problem: a.Problem}
		if a.Problem != PrinterPaperLow {
			n.Since, n.EscalatesAt = now, now.Add(respond)
		}
		ch.raise(n, Event{})
	case a.Problem == PrinterOK:
		open.State, open.ResolvedAt, open.EscalatesAt = AlertStateResolved, now, time.Time{}
		open.Device, open.Name, open.Problem = a.Device, a.Name, PrinterOK
		open.Message = f.alertMessage(open)
		f.dropAlert(open)
		ch.alertEvent(Event{Type: AlertResolved, Alert: open})
	case a.Problem != open.Problem:
		open.Device, open.Name, open.Problem = a.Device, a.Name, a.Problem
		switch {
		case a.Problem == PrinterPaperLow:
			open.EscalatesAt = time.Time{} // it prints: running low does not climb
		case open.Level == 1 && open.EscalatesAt.IsZero():
			open.Since, open.EscalatesAt = now, now.Add(respond) // it climbs from now
		}
		open.Message = f.alertMessage(open)
		ch.alertEvent(Event{Type: AlertUpdated, Alert: open})
	}
	return ch.done(), nil
}

// raiseComplaint raises the alert of complaint c about ticket t (nil for
// none), which climbs by the hall's response limits.
func (ch *change) raiseComplaint(c *Complaint, t *Ticket) *Alert {
	a := &Alert{Kind: AlertComplaint, Since: ch.now, EscalatesAt: ch.now.Add(time.Duration(ch.f.escalation().RespondS) * time.Second),
		Complaint: &ComplaintSummary{ID: c.ID, Source: c.Source, Category: c.Category, Text: c.Text, State: c.State}}
	if t != nil {
		a.Ticket, a.Number, a.Service, a.Counter = t.ID, t.Number, t.Service, t.Counter
	}
	ch.raise(a, Event{})
	return a
}

// AcknowledgeAlert records that by has alert id in hand, with an optional
// note. The customer of a complaint then sees it is in hand; t is the
// complaint's ticket as stored, when it is no longer open (nil otherwise).
func (f *Floor) AcknowledgeAlert(now time.Time, by Actor, id uint64, note string, t *Ticket) (*Change, *Alert, error) {
	now = f.HallTime(now)
	a, err := f.alertToHandle(id)
	if err != nil {
		return nil, nil, err
	}
	note, err = alertNote(note, false)
	if err != nil {
		return nil, nil, err
	}
	ch := f.begin(now, by)
	a.State, a.AcknowledgedBy = AlertStateAcknowledged, by.Name
	if note != "" {
		a.Notes = append(a.Notes, AlertNote{At: now, By: by.Name, Text: note})
	}
	ch.complaintState(a, ComplaintInHand, "", t)
	return ch.done(), a.clone(), nil
}

// AlertContext is what resolving an alert may need from the store: the
// ticket of a complaint as stored, when it is no longer open; for the
// clock alert, the highest numbers already issued, by service, on the hall
// day the PC's clock shows.
type AlertContext struct {
	Ticket  *Ticket
	Numbers map[string]int
}

// ResolveAlert resolves alert id with a note that says what was done; only
// managers resolve alerts. A complaint's customer sees the note as the
// hall's answer. Resolving the clock alert takes the PC's clock as right:
// the hall moves to it (see confirmClock).
func (f *Floor) ResolveAlert(now time.Time, by Actor, id uint64, note string, x AlertContext) (*Change, *Alert, error) {
	now = f.HallTime(now)
	if by.Role != RoleManager {
		return nil, nil, Errorf(EFORBIDDEN, "Only a manager resolves alerts; acknowledge it to say you have it in hand.")
	}
	a, err := f.alertToHandle(id)
	if err != nil {
		return nil, nil, err
	}
	if note, err = alertNote(note, true); err != nil {
		return nil, nil, err
	}
	ch := f.begin(now, by)
	a.State, a.ResolvedAt, a.ResolvedBy, a.EscalatesAt = AlertStateResolved, now, by.Name, time.Time{}
	a.Notes = append(a.Notes, AlertNote{At: now, By: by.Name, Text: note})
	f.dropAlert(a)
	if a.Kind == AlertClock {
		f.confirmClock(ch, x.Numbers)
		a.Message = f.clockMessage(ch.now)
	}
	ch.complaintState(a, ComplaintResolved, note, x.Ticket)
	return ch.done(), a.clone(), nil
}

// complaintState records alert a's change, and, for a complaint, its new
// state on the complaint's ticket, which its customer follows.
func (ch *change) complaintState(a *Alert, state, resolution string, t *Ticket) {
	typ := AlertAcknowledged
	if a.State == AlertStateResolved {
		typ = AlertResolved
	}
	e := Event{Type: typ, Alert: a}
	if a.Complaint != nil {
		a.Complaint.State = state
		if open := ch.f.open[a.Ticket]; open != nil {
			t = open
		} else if t != nil {
			t = t.clone()
		}
		if t != nil && t.Complaint != nil && t.Complaint.ID == a.Complaint.ID {
			t.Complaint = &ComplaintStatus{ID: a.Complaint.ID, State: state, Resolution: resolution}
			e.Ticket = t
			ch.f.keepLastVisit(ch, t)
		}
	}
	ch.alertEvent(e)
}

func (f *Floor) alertToHandle(id uint64) (*Alert, error) {
	a, ok := f.alerts[id]
	if !ok {
		return nil, Errorf(ENOTFOUND, "There is no open alert %d; it may have been resolved already.", id)
	}
	return a, nil
}

// alertNote checks a note left on an alert.
func alertNote(note string, required bool) (string, error) {
	note = strings.TrimSpace(note)
	if required && note == "" {
		return "", WithField(Errorf(EINVALID, "Say in a note what was done: the customer of a complaint reads it."), "note")
	}
	if err := (Text{EN: note}).validate("note", 1000, false); err != nil {
		return "", WithField(err, "note")
	}
	return note, nil
}
