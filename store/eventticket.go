package store

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"hallq"
)

// An event keeps only what its ticket's statistics and reports need, and of
// that only what the event changed: a ticket's five events (issue, call,
// start, done, rating) take a few hundred bytes, not five copies of the
// whole ticket. The reader folds the changes back into the ticket as each
// event left it (see ticketFold).

// ticketView is what the statistics and the tickets report read of a
// ticket at an event.
type ticketView struct {
	Number     string
	Service    string
	Tier       string
	State      string
	IssuedAt   int64
	LegAt      int64
	Leg        int
	CalledAt   int64
	ServedAt   int64
	FinishedAt int64
	Counter    string
	Staff      string
	Eta        int
	EtaLow     int
	EtaHigh    int
	Rating     int
	RatedBy    string
}

// ticketChange is the fields of a ticketView an event changed; Cleared
// names those it set back to nothing (a transfer clears the call).
type ticketChange struct {
	Number     string   `json:"num,omitempty"`
	Service    string   `json:"svc,omitempty"`
	Tier       string   `json:"tier,omitempty"`
	State      string   `json:"st,omitempty"`
	IssuedAt   int64    `json:"iss,omitempty"`
	LegAt      int64    `json:"leg_at,omitempty"`
	Leg        int      `json:"leg,omitempty"`
	CalledAt   int64    `json:"call,omitempty"`
	ServedAt   int64    `json:"serve,omitempty"`
	FinishedAt int64    `json:"fin,omitempty"`
	Counter    string   `json:"ctr,omitempty"`
	Staff      string   `json:"staff,omitempty"`
	Eta        int      `json:"eta,omitempty"`
	EtaLow     int      `json:"eta_lo,omitempty"`
	EtaHigh    int      `json:"eta_hi,omitempty"`
	Rating     int      `json:"rate,omitempty"`
	RatedBy    string   `json:"rate_src,omitempty"`
	Cleared    []string `json:"z,omitempty"`
}

func viewOf(r *ticketRecord) ticketView {
	return ticketView{Number: r.Number, Service: r.Service, Tier: r.Tier, State: r.State, IssuedAt: r.IssuedAt,
		LegAt: r.LegAt, Leg: r.Leg, CalledAt: r.CalledAt, ServedAt: r.ServedAt, FinishedAt: r.FinishedAt,
		Counter: r.Counter, Staff: r.Staff, Eta: r.EtaAtIssue, EtaLow: r.EtaLow, EtaHigh: r.EtaHigh,
		Rating: r.Rating, RatedBy: r.RatedBy}
}

// diff returns what turned view a into view b.
func diff(a, b ticketView) *ticketChange {
	c := &ticketChange{}
	str := func(name string, from, to string, set *string) {
		switch {
		case from == to:
		case to == "":
			c.Cleared = append(c.Cleared, name)
		default:
			*set = to
		}
	}
	num := func(name string, from, to int64, set *int64) {
		switch {
		case from == to:
		case to == 0:
			c.Cleared = append(c.Cleared, name)
		default:
			*set = to
		}
	}
	small := func(name string, from, to int, set *int) {
		switch {
		case from == to:
		case to == 0:
			c.Cleared = append(c.Cleared, name)
		default:
			*set = to
		}
	}
	str("num", a.Number, b.Number, &c.Number)
	str("svc", a.Service, b.Service, &c.Service)
	str("tier", a.Tier, b.Tier, &c.Tier)
	str("st", a.State, b.State, &c.State)
	num("iss", a.IssuedAt, b.IssuedAt, &c.IssuedAt)
	num("leg_at", a.LegAt, b.LegAt, &c.LegAt)
	small("leg", a.Leg, b.Leg, &c.Leg)
	num("call", a.CalledAt, b.CalledAt, &c.CalledAt)
	num("serve", a.ServedAt, b.ServedAt, &c.ServedAt)
	num("fin", a.FinishedAt, b.FinishedAt, &c.FinishedAt)
	str("ctr", a.Counter, b.Counter, &c.Counter)
	str("staff", a.Staff, b.Staff, &c.Staff)
	small("eta", a.Eta, b.Eta, &c.Eta)
	small("eta_lo", a.EtaLow, b.EtaLow, &c.EtaLow)
	small("eta_hi", a.EtaHigh, b.EtaHigh, &c.EtaHigh)
	small("rate", a.Rating, b.Rating, &c.Rating)
	str("rate_src", a.RatedBy, b.RatedBy, &c.RatedBy)
	return c
}

// apply returns v changed by c.
func (c *ticketChange) apply(v ticketView) ticketView {
	set := func(to string, field *string) {
		if to != "" {
			*field = to
		}
	}
	setN := func(to int64, field *int64) {
		if to != 0 {
			*field = to
		}
	}
	setI := func(to int, field *int) {
		if to != 0 {
			*field = to
		}
	}
	set(c.Number, &v.Number)
	set(c.Service, &v.Service)
	set(c.Tier, &v.Tier)
	set(c.State, &v.State)
	setN(c.IssuedAt, &v.IssuedAt)
	setN(c.LegAt, &v.LegAt)
	setI(c.Leg, &v.Leg)
	setN(c.CalledAt, &v.CalledAt)
	setN(c.ServedAt, &v.ServedAt)
	setN(c.FinishedAt, &v.FinishedAt)
	set(c.Counter, &v.Counter)
	set(c.Staff, &v.Staff)
	setI(c.Eta, &v.Eta)
	setI(c.EtaLow, &v.EtaLow)
	setI(c.EtaHigh, &v.EtaHigh)
	setI(c.Rating, &v.Rating)
	set(c.RatedBy, &v.RatedBy)
	for _, name := range c.Cleared {
		switch name {
		case "num":
			v.Number = ""
		case "svc":
			v.Service = ""
		case "tier":
			v.Tier = ""
		case "st":
			v.State = ""
		case "iss":
			v.IssuedAt = 0
		case "leg_at":
			v.LegAt = 0
		case "leg":
			v.Leg = 0
		case "call":
			v.CalledAt = 0
		case "serve":
			v.ServedAt = 0
		case "fin":
			v.FinishedAt = 0
		case "ctr":
			v.Counter = ""
		case "staff":
			v.Staff = ""
		case "eta":
			v.Eta = 0
		case "eta_lo":
			v.EtaLow = 0
		case "eta_hi":
			v.EtaHigh = 0
		case "rate":
			v.Rating = 0
		case "rate_src":
			v.RatedBy = ""
		}
	}
	return v
}

// ticket returns the ticket id as the view shows it, for the statistics.
func (v ticketView) ticket(id uint64) *hallq.Ticket {
	return &hallq.Ticket{ID: id, Number: v.Number, Service: v.Service, Tier: v.Tier, State: hallq.State(v.State),
		IssuedAt: fromNanos(v.IssuedAt), LegAt: fromNanos(v.LegAt), Leg: v.Leg, CalledAt: fromNanos(v.CalledAt),
		ServedAt: fromNanos(v.ServedAt), FinishedAt: fromNanos(v.FinishedAt), Counter: v.Counter, Staff: v.Staff,
		EtaAtIssue: v.Eta, EtaLowAtIssue: v.EtaLow, EtaHighAtIssue: v.EtaHigh, Rating: v.Rating, RatingSource: v.RatedBy}
}

// changeWriter makes the ticket changes of one transaction's events: each
// against the ticket as the event before it left it, which is the ticket as
// stored before this change, or as an earlier event of the transaction
// left it.
type changeWriter struct {
	tickets *bbolt.Bucket
	views   map[uint64]ticketView
}

// change returns what event ticket t, as the event leaves it, changed.
func (w *changeWriter) change(t *hallq.Ticket) (*ticketChange, error) {
	before, ok := w.views[t.ID]
	if !ok {
		if v := w.tickets.Get(itob(t.ID)); v != nil {
			old, err := decodeTicketRecord(t.ID, v)
			if err != nil {
				return nil, err
			}
			before = viewOf(old)
		}
	}
	rec := encodeTicket(t)
	after := viewOf(&rec)
	w.views[t.ID] = after
	return diff(before, after), nil
}

// ticketFold rebuilds, in commit order, each ticket as its events left it.
type ticketFold struct {
	tickets *bbolt.Bucket
	views   map[uint64]ticketView
}

// ticket returns ticket id as the event with change c left it. A ticket
// whose earlier events are not in the range read starts from the ticket as
// stored: its events in a range of hall days start with its issue, but for
// a rating or a complaint after the day ended, which change nothing that
// came before them.
func (f *ticketFold) ticket(id uint64, c *ticketChange) (*hallq.Ticket, error) {
	v, ok := f.views[id]
	if !ok && c.Number == "" { // not issued in the range
		if raw := f.tickets.Get(itob(id)); raw != nil {
			r, err := decodeTicketRecord(id, raw)
			if err != nil {
				return nil, err
			}
			v = viewOf(r)
		}
	}
	v = c.apply(v)
	f.views[id] = v
	return v.ticket(id), nil
}

// decodeTicketRecord reads the stored record of ticket id.
func decodeTicketRecord(id uint64, raw []byte) (*ticketRecord, error) {
	var r ticketRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("reading ticket %d: %w", id, err)
	}
	return &r, nil
}
