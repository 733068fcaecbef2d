package hallq

import "time"

// The kinds of alert a manager gets.
const (
	AlertWait    = "wait_over"     // a ticket has waited past its service's target
	AlertVIPWait = "vip_wait_over" // a VIP ticket has waited past its tier's target
	AlertPause   = "paused_long"   // a counter has been paused past the hall's pause alert
	AlertPrinter = "printer"       // a kiosk's printer is out of paper, open or not answering
)

// What is wrong with a printer.
const (
	PrinterPaperOut  = "paper_out"
	PrinterPaperLow  = "paper_low"
	PrinterCoverOpen = "cover_open"
	PrinterOffline   = "offline" // it does not answer
	PrinterOK        = "ok"      // it works again
)

// Alert is a warning for managers: something has gone on longer than the
// hall wants. Each is raised once: once per leg of a ticket, once per tier
// target, once per pause.
type Alert struct {
	Kind    string `json:"kind"`
	WaitedS int    `json:"waited_s,omitempty"` // how long the ticket has waited, or the counter been paused
	TargetS int    `json:"target_s,omitempty"` // the target it passed
	Device  uint64 `json:"device,omitempty"`   // the kiosk whose printer it is
	Name    string `json:"name,omitempty"`     // that kiosk's name
	Problem string `json:"problem,omitempty"`  // what is wrong with the printer, or PrinterOK
}

// CheckAlerts raises the alerts due at now: waiting tickets past their
// service's target wait (counted from the start of their leg), VIP tickets
// past their tier's target (counted from issue), counters paused past the
// hall's pause alert. The store runs it every few seconds.
func (f *Floor) CheckAlerts(now time.Time) *Change {
	now = wallTime(now)
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
			ch.event(Event{Type: AlertRaised, Counter: c,
				Alert: &Alert{Kind: AlertPause, WaitedS: seconds(now.Sub(c.Since)), TargetS: f.settings.PauseAlertS}})
		}
	}
	return ch.done()
}

func (f *Floor) checkTicket(ch *change, s *Service, t *Ticket) {
	if waited := ch.now.Sub(t.LegAt); s.TargetWaitS > 0 && !t.WaitAlerted && waited > time.Duration(s.TargetWaitS)*time.Second {
		t.WaitAlerted = true
		ch.event(Event{Type: AlertRaised, Ticket: t, Alert: &Alert{Kind: AlertWait, WaitedS: seconds(waited), TargetS: s.TargetWaitS}})
	}
	if !t.VIP() || t.TierAlerted {
		return
	}
	if tier, waited := f.tier(t.Tier), ch.now.Sub(t.IssuedAt); tier != nil && tier.TargetWaitS > 0 && waited > time.Duration(tier.TargetWaitS)*time.Second {
		t.TierAlerted = true
		ch.event(Event{Type: AlertRaised, Ticket: t, Alert: &Alert{Kind: AlertVIPWait, WaitedS: seconds(waited), TargetS: tier.TargetWaitS}})
	}
}

// RaiseAlert records an alert that comes from outside the Floor: a kiosk's
// printer in trouble, or working again.
func (f *Floor) RaiseAlert(now time.Time, a Alert) (*Change, error) {
	now = wallTime(now)
	if a.Kind != AlertPrinter {
		return nil, Errorf(EINVALID, "Only printer alerts are raised from outside.")
	}
	switch a.Problem {
	case PrinterPaperOut, PrinterPaperLow, PrinterCoverOpen, PrinterOffline, PrinterOK:
	default:
		return nil, Errorf(EINVALID, "%q is not a printer problem.", a.Problem)
	}
	ch := f.begin(now, Actor{})
	ch.event(Event{Type: AlertRaised, Alert: &a})
	return ch.done(), nil
}
