package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.AlertDesk = (*Store)(nil)

// putAlerts writes the alerts a change raised or changed, and keeps the
// index of those not resolved, which start-up reads.
func putAlerts(tx *bbolt.Tx, alerts []*hallq.Alert) error {
	b, open := tx.Bucket(bucketAlerts), tx.Bucket(bucketAlertsOpen)
	// Alerts are added by increasing id and changed while recent: pages
	// filled as they are appended (half full, bbolt's default, left the
	// history of a busy hall's alerts at twice its size).
	b.FillPercent = 0.9
	for _, a := range alerts {
		if err := b.Put(itob(a.ID), marshal(encodeAlert(a))); err != nil {
			return err
		}
		var err error
		if a.State == hallq.AlertStateResolved {
			err = open.Delete(itob(a.ID))
		} else {
			err = open.Put(itob(a.ID), nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func getAlert(b *bbolt.Bucket, id uint64) (*hallq.Alert, error) {
	v := b.Get(itob(id))
	if v == nil {
		return nil, hallq.Errorf(hallq.ENOTFOUND, "There is no alert %d.", id)
	}
	var r alertRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading alert %d: %w", id, err)
	}
	return r.alert(), nil
}

// outboxRecord is an escalation the webhook has not yet answered with a
// 2xx: the body to post, made when the alert climbed, and the webhook it
// was meant for then.
type outboxRecord struct {
	ID   string          `json:"id"`
	URL  string          `json:"url"`
	Body json.RawMessage `json:"body"`
}

// webhookBody is what the webhook receives: API.md's escalation.
type webhookBody struct {
	ID    string       `json:"id"`
	Hall  webhookHall  `json:"hall"`
	Level int          `json:"level"`
	At    *string      `json:"at"`
	Alert *hallq.Alert `json:"alert"`
}

type webhookHall struct {
	Name hallq.Text `json:"name"`
}

// enqueueEscalations puts the escalations in the outbox, in the same
// transaction as the alerts that climbed, when the hall has a webhook:
// none is lost to a crash before it is sent.
func enqueueEscalations(tx *bbolt.Tx, f *hallq.Floor, escalations []hallq.EscalationNotice) error {
	settings := f.Settings()
	if len(escalations) == 0 || settings.Escalation == nil || settings.Escalation.WebhookURL == "" {
		return nil
	}
	b := tx.Bucket(bucketOutbox)
	for _, e := range escalations {
		at := e.At.UTC().Format("2006-01-02T15:04:05.000Z07:00") // as every time of the API
		body := marshal(webhookBody{ID: e.ID, Hall: webhookHall{Name: settings.Name}, Level: e.Level, At: &at, Alert: e.Alert})
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(itob(seq), marshal(outboxRecord{ID: e.ID, URL: settings.Escalation.WebhookURL, Body: body})); err != nil {
			return err
		}
	}
	return nil
}

// Outgoing is an escalation waiting in the outbox for the webhook.
type Outgoing struct {
	Key  uint64 // its place in the outbox
	ID   string // the escalation's id: X-Hallq-Event
	URL  string // the webhook it was meant for when the alert climbed
	Body []byte // the JSON to post
}

// Outbox returns up to limit escalations waiting for the webhook, oldest
// first, and the webhook's address now ("" when the hall has none): an
// escalation meant for another address is not to be sent to this one.
func (s *Store) Outbox(limit int) ([]Outgoing, string, error) {
	var out []Outgoing
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var r outboxRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading outbox entry %d: %w", btoi(k), err)
			}
			out = append(out, Outgoing{Key: btoi(k), ID: r.ID, URL: r.URL, Body: r.Body})
		}
		return nil
	})
	s.mu.RLock()
	settings := s.floor.Settings()
	s.mu.RUnlock()
	url := ""
	if settings.Escalation != nil {
		url = settings.Escalation.WebhookURL
	}
	return out, url, err
}

// Delivered takes the escalations with keys out of the outbox: the webhook
// has them.
func (s *Store) Delivered(ctx context.Context, keys ...uint64) error {
	_, err := s.writeData(ctx, func(tx *bbolt.Tx, _ time.Time) (any, error) {
		b := tx.Bucket(bucketOutbox)
		for _, k := range keys {
			if err := b.Delete(itob(k)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return err
}

// FindAlerts returns the alerts q chooses, newest first: by default those
// not resolved; resolved ones of the hall days q names (today by default).
func (s *Store) FindAlerts(ctx context.Context, q hallq.AlertQuery) ([]*hallq.Alert, error) {
	switch q.State {
	case "", hallq.AlertStateOpen, hallq.AlertStateAcknowledged, hallq.AlertStateResolved, "all":
	default:
		return nil, hallq.WithField(hallq.Errorf(hallq.EINVALID, "An alert's state is open, acknowledged or resolved (or all); %q is not.", q.State), "state")
	}
	s.mu.RLock()
	live, today := s.floor.Alerts(), s.floor.Day()
	s.mu.RUnlock()
	out := []*hallq.Alert{}
	seen := map[uint64]bool{}
	for _, a := range slices.Backward(live) {
		seen[a.ID] = true
		if q.State == "" || q.State == "all" || q.State == a.State {
			out = append(out, a)
		}
	}
	if q.State != hallq.AlertStateResolved && q.State != "all" {
		return out, nil
	}
	from, to := q.From, q.To
	if from == "" {
		from = today
	}
	if to == "" {
		to = today
	}
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	var resolved []*hallq.Alert
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketAlerts).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r alertRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading alert %d: %w", btoi(k), err)
			}
			if r.Day < from {
				break
			}
			// An alert resolved since the live ones were read is listed once,
			// as it is now.
			if r.Day <= to && r.State == hallq.AlertStateResolved && !seen[r.ID] {
				resolved = append(resolved, r.alert())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out = append(out, resolved...)
	slices.SortStableFunc(out, func(a, b *hallq.Alert) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// FindAlert returns alert id, resolved or not.
func (s *Store) FindAlert(ctx context.Context, id uint64) (*hallq.Alert, error) {
	s.mu.RLock()
	a, ok := s.floor.Alert(id)
	s.mu.RUnlock()
	if ok {
		return a, nil
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		a, err = getAlert(tx.Bucket(bucketAlerts), id)
		return err
	})
	return a, err
}

// AcknowledgeAlert records that by has alert id in hand.
func (s *Store) AcknowledgeAlert(ctx context.Context, by hallq.Actor, id uint64, note string) (*hallq.Alert, error) {
	return s.handleAlert(ctx, id, func(now time.Time, x hallq.AlertContext) (*hallq.Change, *hallq.Alert, error) {
		return s.floor.AcknowledgeAlert(now, by, id, note, x.Ticket)
	})
}

// ResolveAlert resolves alert id with a note; only managers may.
func (s *Store) ResolveAlert(ctx context.Context, by hallq.Actor, id uint64, note string) (*hallq.Alert, error) {
	return s.handleAlert(ctx, id, func(now time.Time, x hallq.AlertContext) (*hallq.Change, *hallq.Alert, error) {
		return s.floor.ResolveAlert(now, by, id, note, x)
	})
}

// handleAlert runs do on alert id, given the ticket of its complaint as
// stored, or for the clock alert the numbers issued on the day the PC's
// clock shows, and keeps the complaint's new state with it.
func (s *Store) handleAlert(ctx context.Context, id uint64, do func(time.Time, hallq.AlertContext) (*hallq.Change, *hallq.Alert, error)) (*hallq.Alert, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		a, ok := s.floor.Alert(id)
		if !ok {
			if old, err := getAlert(tx.Bucket(bucketAlerts), id); err == nil && old.State == hallq.AlertStateResolved {
				return nil, nil, hallq.Errorf(hallq.ECONFLICT, "Alert %d is resolved already.", id)
			}
			return nil, nil, hallq.Errorf(hallq.ENOTFOUND, "There is no alert %d.", id)
		}
		var x hallq.AlertContext
		if a.Complaint != nil && a.Ticket != 0 {
			if _, open := s.floor.OpenTicket(a.Ticket); !open {
				var err error
				if x.Ticket, err = getTicket(tx.Bucket(bucketTickets), a.Ticket); err != nil {
					return nil, nil, err
				}
			}
		}
		if a.Kind == hallq.AlertClock {
			var err error
			if x.Numbers, err = numbersOn(tx, s.floor.Days().Of(now)); err != nil {
				return nil, nil, err
			}
		}
		ch, a, err := do(now, x)
		if err != nil {
			return nil, nil, err
		}
		if a.Complaint != nil {
			if err := updateComplaint(tx, a); err != nil {
				return nil, nil, err
			}
		}
		return ch, a, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Alert), nil
}

// updateComplaint keeps the state of alert a's complaint, and the
// resolution, its last note, once it is resolved.
func updateComplaint(tx *bbolt.Tx, a *hallq.Alert) error {
	b := tx.Bucket(bucketComplain)
	v := b.Get(itob(a.Complaint.ID))
	if v == nil {
		return fmt.Errorf("complaint %d of alert %d is missing", a.Complaint.ID, a.ID)
	}
	var r complaintRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return fmt.Errorf("reading complaint %d: %w", a.Complaint.ID, err)
	}
	r.State = a.Complaint.State
	if a.State == hallq.AlertStateResolved && len(a.Notes) > 0 {
		r.Resolution = a.Notes[len(a.Notes)-1].Text
	}
	return b.Put(itob(r.ID), marshal(r))
}

// numbersOn returns the highest ticket number issued on hall day day, by
// service. Tickets are read from the newest back to the first of an
// earlier day; those of later days (a day begun on a clock set ahead) are
// passed over.
func numbersOn(tx *bbolt.Tx, day string) (map[string]int, error) {
	out := map[string]int{}
	c := tx.Bucket(bucketTickets).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var r struct {
			Day     string `json:"day"`
			Number  string `json:"num"`
			Service string `json:"svc"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("reading ticket %d: %w", btoi(k), err)
		}
		if r.Day < day {
			break
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(r.Number, r.Service)); r.Day == day && err == nil {
			out[r.Service] = max(out[r.Service], n)
		}
	}
	return out, nil
}
