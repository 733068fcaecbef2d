package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"hallq"
)

// The store's own encodings, separate from the API's JSON: short names,
// times as Unix nanoseconds, nothing derived.

type ticketRecord struct {
	ID         uint64 `json:"id"`
	Token      string `json:"tok"`
	Number     string `json:"num"`
	Service    string `json:"svc"`
	Tier       string `json:"tier"`
	Rank       int    `json:"rank,omitempty"`
	HeadStart  int64  `json:"hs,omitempty"`
	Key        int64  `json:"key"`
	Day        string `json:"day"`
	Lang       string `json:"lang"`
	State      string `json:"st"`
	IssuedAt   int64  `json:"iss"`
	LegAt      int64  `json:"leg_at"`
	Leg        int    `json:"leg"`
	CalledAt   int64  `json:"call,omitempty"`
	ServedAt   int64  `json:"serve,omitempty"`
	FinishedAt int64  `json:"fin,omitempty"`
	Counter    string `json:"ctr,omitempty"`
	Staff      string `json:"staff,omitempty"`
	Target     string `json:"tgt,omitempty"`
	Recalls    int    `json:"rc,omitempty"`
	IssuedBy   string `json:"by,omitempty"`
	Card       bool   `json:"card,omitempty"`
	EtaAtIssue int    `json:"eta"`
	EtaLow     int    `json:"eta_lo,omitempty"` // the range given at issue
	EtaHigh    int    `json:"eta_hi,omitempty"`
	Rating     int    `json:"rate,omitempty"`
	RatedBy    string `json:"rate_src,omitempty"`
	RatedAt    int64  `json:"rated,omitempty"`
	Alerted    int    `json:"alerted,omitempty"` // 1: past its service's target, 2: past its tier's
	Holder     string `json:"holder,omitempty"`

	Complaint *complaintStatusRecord `json:"cpl,omitempty"`
}

// complaintStatusRecord is a ticket's complaint as its customer sees it.
type complaintStatusRecord struct {
	ID         uint64 `json:"id"`
	State      string `json:"st"`
	Resolution string `json:"res,omitempty"`
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func encodeTicket(t *hallq.Ticket) ticketRecord {
	return ticketRecord{
		ID: t.ID, Token: t.Token, Number: t.Number, Service: t.Service, Tier: t.Tier, Rank: t.Rank,
		HeadStart: int64(t.HeadStart), Key: nanos(t.Key), Day: t.Day, Lang: t.Lang, State: string(t.State),
		IssuedAt: nanos(t.IssuedAt), LegAt: nanos(t.LegAt), Leg: t.Leg, CalledAt: nanos(t.CalledAt),
		ServedAt: nanos(t.ServedAt), FinishedAt: nanos(t.FinishedAt), Counter: t.Counter, Staff: t.Staff,
		Target: t.Target, Recalls: t.Recalls, IssuedBy: t.IssuedBy, Card: t.Card, EtaAtIssue: t.EtaAtIssue,
		EtaLow: t.EtaLowAtIssue, EtaHigh: t.EtaHighAtIssue,
		Rating: t.Rating, RatedBy: t.RatingSource, RatedAt: nanos(t.RatedAt),
		Alerted: alertBits(t.WaitAlerted, t.TierAlerted), Holder: t.Holder,
		Complaint: encodeComplaintStatus(t.Complaint),
	}
}

func encodeComplaintStatus(c *hallq.ComplaintStatus) *complaintStatusRecord {
	if c == nil {
		return nil
	}
	return &complaintStatusRecord{ID: c.ID, State: c.State, Resolution: c.Resolution}
}

func alertBits(wait, tier bool) int {
	n := 0
	if wait {
		n |= 1
	}
	if tier {
		n |= 2
	}
	return n
}

func (r *ticketRecord) ticket() *hallq.Ticket {
	return &hallq.Ticket{
		ID: r.ID, Token: r.Token, Number: r.Number, Service: r.Service, Tier: r.Tier, Rank: r.Rank,
		HeadStart: time.Duration(r.HeadStart), Key: fromNanos(r.Key), Day: r.Day, Lang: r.Lang,
		State: hallq.State(r.State), IssuedAt: fromNanos(r.IssuedAt), LegAt: fromNanos(r.LegAt), Leg: r.Leg,
		CalledAt: fromNanos(r.CalledAt), ServedAt: fromNanos(r.ServedAt), FinishedAt: fromNanos(r.FinishedAt),
		Counter: r.Counter, Staff: r.Staff, Target: r.Target, Recalls: r.Recalls, IssuedBy: r.IssuedBy,
		Card: r.Card, EtaAtIssue: r.EtaAtIssue, EtaLowAtIssue: r.EtaLow, EtaHighAtIssue: r.EtaHigh, Rating: r.Rating, RatingSource: r.RatedBy, RatedAt: fromNanos(r.RatedAt),
		WaitAlerted: r.Alerted&1 != 0, TierAlerted: r.Alerted&2 != 0, Holder: r.Holder,
		Complaint: r.Complaint.status(),
	}
}

func (r *complaintStatusRecord) status() *hallq.ComplaintStatus {
	if r == nil {
		return nil
	}
	return &hallq.ComplaintStatus{ID: r.ID, State: r.State, Resolution: r.Resolution}
}

// complaintRecord is a complaint, kept by its id.
type complaintRecord struct {
	ID         uint64 `json:"id"`
	Ticket     uint64 `json:"tkt,omitempty"`
	Number     string `json:"num,omitempty"`
	Day        string `json:"day"`
	Source     string `json:"src"`
	Category   string `json:"cat"`
	Text       string `json:"text,omitempty"`
	State      string `json:"st"`
	RaisedAt   int64  `json:"at"`
	By         string `json:"by,omitempty"`
	Alert      uint64 `json:"alert,omitempty"`
	Resolution string `json:"res,omitempty"`
}

func encodeComplaint(c *hallq.Complaint, day string) complaintRecord {
	return complaintRecord{ID: c.ID, Ticket: c.Ticket, Number: c.Number, Day: day, Source: c.Source, Category: c.Category,
		Text: c.Text, State: c.State, RaisedAt: nanos(c.RaisedAt), By: c.By, Alert: c.Alert, Resolution: c.Resolution}
}

func (r *complaintRecord) complaint() *hallq.Complaint {
	return &hallq.Complaint{ID: r.ID, Ticket: r.Ticket, Number: r.Number, Source: r.Source, Category: r.Category,
		Text: r.Text, State: r.State, RaisedAt: fromNanos(r.RaisedAt), By: r.By, Alert: r.Alert, Resolution: r.Resolution}
}

// alertRecord is an alert, kept by its id, and the copy an event carries.
// Events written before alerts had ids carry kind, waited_s, target_s,
// device, name and problem only, under the same names.
type alertRecord struct {
	ID          uint64                  `json:"id,omitempty"`
	Kind        string                  `json:"kind"`
	Level       int                     `json:"level,omitempty"`
	State       string                  `json:"state,omitempty"`
	RaisedAt    int64                   `json:"raised,omitempty"`
	EscalatesAt int64                   `json:"esc,omitempty"`
	Day         string                  `json:"day,omitempty"`
	Since       int64                   `json:"since,omitempty"`
	Ticket      uint64                  `json:"tkt,omitempty"`
	Number      string                  `json:"num,omitempty"`
	Service     string                  `json:"svc,omitempty"`
	Counter     string                  `json:"ctr,omitempty"`
	WaitedS     int                     `json:"waited_s,omitempty"`
	TargetS     int                     `json:"target_s,omitempty"`
	Device      uint64                  `json:"device,omitempty"`
	Name        string                  `json:"name,omitempty"`
	Printer     string                  `json:"printer,omitempty"`
	Problem     string                  `json:"problem,omitempty"`
	Complaint   *hallq.ComplaintSummary `json:"cpl,omitempty"`
	Message     hallq.Text              `json:"msg,omitempty"`
	Notes       []noteRecord            `json:"notes,omitempty"`
	AckBy       string                  `json:"ack_by,omitempty"`
	ResolvedAt  int64                   `json:"resolved,omitempty"`
	ResolvedBy  string                  `json:"resolved_by,omitempty"`
}

type noteRecord struct {
	At   int64  `json:"at"`
	By   string `json:"by"`
	Text string `json:"text"`
}

func encodeAlert(a *hallq.Alert) *alertRecord {
	r := &alertRecord{ID: a.ID, Kind: a.Kind, Level: a.Level, State: a.State, RaisedAt: nanos(a.RaisedAt),
		EscalatesAt: nanos(a.EscalatesAt), Day: a.Day, Since: nanos(a.Since), Ticket: a.Ticket, Number: a.Number,
		Service: a.Service, Counter: a.Counter, WaitedS: a.WaitedS, TargetS: a.TargetS, Device: a.Device, Name: a.Name,
		Printer: a.Printer, Problem: a.Problem, Complaint: a.Complaint, Message: a.Message, AckBy: a.AcknowledgedBy,
		ResolvedAt: nanos(a.ResolvedAt), ResolvedBy: a.ResolvedBy}
	for _, n := range a.Notes {
		r.Notes = append(r.Notes, noteRecord{At: nanos(n.At), By: n.By, Text: n.Text})
	}
	return r
}

func (r *alertRecord) alert() *hallq.Alert {
	a := &hallq.Alert{ID: r.ID, Kind: r.Kind, Level: r.Level, State: r.State, RaisedAt: fromNanos(r.RaisedAt),
		EscalatesAt: fromNanos(r.EscalatesAt), Day: r.Day, Since: fromNanos(r.Since), Ticket: r.Ticket, Number: r.Number,
		Service: r.Service, Counter: r.Counter, WaitedS: r.WaitedS, TargetS: r.TargetS, Device: r.Device, Name: r.Name,
		Printer: r.Printer, Problem: r.Problem, Complaint: r.Complaint, Message: r.Message, AcknowledgedBy: r.AckBy,
		ResolvedAt: fromNanos(r.ResolvedAt), ResolvedBy: r.ResolvedBy}
	for _, n := range r.Notes {
		a.Notes = append(a.Notes, hallq.AlertNote{At: fromNanos(n.At), By: n.By, Text: n.Text})
	}
	return a
}

type counterRecord struct {
	ID         string        `json:"id"`
	Name       hallq.Text    `json:"name"`
	Services   []string      `json:"svcs"`
	AlsoServes []string      `json:"also,omitempty"`
	VIPFirst   bool          `json:"vip,omitempty"`
	State      string        `json:"st"`
	Since      int64         `json:"since,omitempty"`
	Staff      string        `json:"staff,omitempty"`
	Ticket     uint64        `json:"tkt,omitempty"`
	Last       *ticketRecord `json:"last,omitempty"`
	Streak     int           `json:"streak,omitempty"`
	Alerted    bool          `json:"alerted,omitempty"`
	Served     int           `json:"served,omitempty"`
	ServiceS   int           `json:"svc_s,omitempty"`
}

func encodeCounter(c *hallq.Counter) counterRecord {
	r := counterRecord{ID: c.ID, Name: c.Name, Services: c.Services, AlsoServes: c.AlsoServes, VIPFirst: c.VIPFirst,
		State: string(c.State), Since: nanos(c.Since), Staff: c.Staff, Streak: c.Streak, Alerted: c.PauseAlerted,
		Served: c.Served, ServiceS: c.ServiceS}
	if c.Ticket != nil {
		r.Ticket = c.Ticket.ID
	}
	if c.Last != nil {
		last := encodeTicket(c.Last)
		r.Last = &last
	}
	return r
}

func (r *counterRecord) counter() hallq.Counter {
	c := hallq.Counter{ID: r.ID, Name: r.Name, Services: r.Services, AlsoServes: r.AlsoServes, VIPFirst: r.VIPFirst,
		State: hallq.CounterState(r.State), Since: fromNanos(r.Since), Staff: r.Staff, Streak: r.Streak,
		PauseAlerted: r.Alerted, Served: r.Served, ServiceS: r.ServiceS}
	if r.Ticket != 0 {
		c.Ticket = &hallq.Ticket{ID: r.Ticket}
	}
	if r.Last != nil {
		c.Last = r.Last.ticket()
	}
	return c
}

// configRecord is the hall's configuration but its counters.
type configRecord struct {
	Settings hallq.Settings  `json:"settings"`
	Services []hallq.Service `json:"services"`
	Tiers    []hallq.Tier    `json:"tiers"`
	Slides   []slideRecord   `json:"slides,omitempty"`
	Voice    string          `json:"voice,omitempty"`
}

// slideRecord is a slide of the hall's publicity.
type slideRecord struct {
	ID      uint64     `json:"id"`
	Kind    string     `json:"kind"`
	Text    hallq.Text `json:"text"`
	Image   string     `json:"image,omitempty"`
	Seconds int        `json:"s"`
	Order   int        `json:"order"`
	From    string     `json:"from,omitempty"`
	Until   string     `json:"until,omitempty"`
}

type callRecord struct {
	Ticket      uint64     `json:"tkt"`
	Number      string     `json:"num"`
	Service     string     `json:"svc"`
	Counter     string     `json:"ctr"`
	CounterName hallq.Text `json:"name"`
	At          int64      `json:"at"`
	Recall      bool       `json:"rc,omitempty"`
}

func encodeCall(c *hallq.Call) callRecord {
	return callRecord{Ticket: c.Ticket, Number: c.Number, Service: c.Service, Counter: c.Counter,
		CounterName: c.CounterName, At: nanos(c.At), Recall: c.Recall}
}

func (r *callRecord) call() hallq.Call {
	return hallq.Call{Ticket: r.Ticket, Number: r.Number, Service: r.Service, Counter: r.Counter,
		CounterName: r.CounterName, At: fromNanos(r.At), Recall: r.Recall}
}

// cursorRecord is the Floor's running state: the hall day, numbering, the
// last ids, recent calls and service times. One small record, written once
// per commit that changed it.
type cursorRecord struct {
	Day        string           `json:"day"`
	Numbers    map[string]int   `json:"numbers"`
	LastID     uint64           `json:"last_id"`
	LastIssued int64            `json:"last_issued"`
	Calls      []callRecord     `json:"calls"`
	Times      map[string][]int `json:"times"`
	HoursOpen  map[string]bool  `json:"hours_open,omitempty"`
	Cancelled  map[string]int   `json:"cancelled,omitempty"` // per service today: places back in its quota
	LastAlert  uint64           `json:"last_alert,omitempty"`
	// ClockOffset (ns) and LastSeen keep the hall's own time when the PC's
	// clock was stepped.
	ClockOffset int64 `json:"clock_offset,omitempty"`
	LastSeen    int64 `json:"last_seen,omitempty"`
}

type eventRecord struct {
	Type    string        `json:"t"`
	At      int64         `json:"at"`
	Staff   string        `json:"staff,omitempty"`
	Counter string        `json:"ctr,omitempty"`
	Ticket  *ticketRecord `json:"tkt,omitempty"`
	Call    *callRecord   `json:"call,omitempty"`
	Mode    string        `json:"mode,omitempty"`
	Reason  string        `json:"reason,omitempty"`
	From    string        `json:"from,omitempty"`
	Subject string        `json:"subj,omitempty"`
	Alert   *alertRecord  `json:"alert,omitempty"`

	Complaint uint64 `json:"cpl,omitempty"` // the complaint's id

	// TicketID and Change are the event's ticket and what the event changed
	// of it. Events written before them carry the whole ticket in Ticket.
	TicketID uint64        `json:"tid,omitempty"`
	Change   *ticketChange `json:"d,omitempty"`
}

// encodeEvent returns the record of event e; its ticket's change is made by
// changes, against the ticket as the event before it left it.
func encodeEvent(e *hallq.Event, changes *changeWriter) (eventRecord, error) {
	r := eventRecord{Type: string(e.Type), At: nanos(e.At), Staff: e.Staff, Mode: string(e.Mode),
		Reason: e.Reason, From: e.From, Subject: e.Subject}
	if e.Alert != nil {
		r.Alert = encodeAlert(e.Alert)
	}
	if e.Counter != nil {
		r.Counter = e.Counter.ID
	}
	if e.Ticket != nil {
		c, err := changes.change(e.Ticket)
		if err != nil {
			return r, err
		}
		r.TicketID, r.Change = e.Ticket.ID, c
	}
	if e.Call != nil {
		c := encodeCall(e.Call)
		r.Call = &c
	}
	if e.Complaint != nil {
		r.Complaint = e.Complaint.ID
	}
	return r, nil
}

type cardRecord struct {
	Last4   string `json:"last4"`
	Tier    string `json:"tier"`
	Holder  string `json:"holder"`
	Expires string `json:"expires,omitempty"`
	Created int64  `json:"created"`
}

type userRecord struct {
	Hash     []byte `json:"hash"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	Created  int64  `json:"created"`
	// MustChange: the password was generated or set by a manager.
	MustChange bool `json:"must_change,omitempty"`
}

// user returns the account this record keeps, under username.
func (r *userRecord) user(username string) *hallq.User {
	return &hallq.User{Username: username, Role: r.Role, Disabled: r.Disabled, MustChangePassword: r.MustChange}
}

type sessionRecord struct {
	Username string `json:"user"`
	Expires  int64  `json:"exp"`
}

// idemRecord is the first result of an action with an idempotency key.
type idemRecord struct {
	At      int64          `json:"at"`
	Ticket  *ticketRecord  `json:"tkt,omitempty"`
	Counter *counterRecord `json:"ctr,omitempty"`
	// CounterTicket is the counter's current ticket then: Counter keeps only
	// its id.
	CounterTicket *ticketRecord `json:"ctr_tkt,omitempty"`
}

// itob encodes an id as an 8-byte big-endian key, so keys sort as numbers.
func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encoding %T: %v", v, err)) // the records are plain data
	}
	return b
}

type deviceRecord struct {
	Kind        string `json:"kind"`
	Name        string `json:"name,omitempty"`
	Counter     string `json:"ctr,omitempty"`
	Printer     string `json:"printer,omitempty"`
	Created     int64  `json:"created"`
	PairedAt    int64  `json:"paired,omitempty"`
	CodeHash    []byte `json:"code,omitempty"` // SHA-256 of the pairing code until it is used
	CodeExpires int64  `json:"code_exp,omitempty"`
	TokenHash   []byte `json:"token,omitempty"` // SHA-256 of the device token once paired
}
