package hallq

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"
)

// State is where a ticket is in its life.
type State string

// The states of a ticket.
const (
	Waiting   State = "waiting"
	Called    State = "called"
	Serving   State = "serving"
	Done      State = "done"
	NoShow    State = "no_show"
	Cancelled State = "cancelled"
	Expired   State = "expired"
)

// Open reports whether a ticket in state s is still work for the hall today.
// A no-show stays open for a while: it can be called back by number.
func (s State) Open() bool {
	switch s {
	case Waiting, Called, Serving, NoShow:
		return true
	}
	return false
}

// Action is a change of a ticket's state, as in DESIGN.md's state table.
type Action string

// The actions on a ticket.
const (
	ActCall     Action = "call"     // next or call: waiting → called; no_show → called by number
	ActCancel   Action = "cancel"   // waiting → cancelled
	ActRecall   Action = "recall"   // called → called
	ActStart    Action = "start"    // called → serving
	ActFinish   Action = "done"     // called, serving → done
	ActNoShow   Action = "noshow"   // called → no_show
	ActTransfer Action = "transfer" // called, serving → waiting
	ActExpire   Action = "expire"   // waiting, called, serving → expired
)

// moves is the state table: for each action, the states it may start from
// and the state it leads to. Every other change is refused.
var moves = map[Action]struct {
	from []State
	to   State
}{
	ActCall:     {[]State{Waiting, NoShow}, Called},
	ActCancel:   {[]State{Waiting}, Cancelled},
	ActRecall:   {[]State{Called}, Called},
	ActStart:    {[]State{Called}, Serving},
	ActFinish:   {[]State{Called, Serving}, Done},
	ActNoShow:   {[]State{Called}, NoShow},
	ActTransfer: {[]State{Called, Serving}, Waiting},
	ActExpire:   {[]State{Waiting, Called, Serving}, Expired},
}

// Move returns the state a ticket in state from reaches by action a, or a
// conflict error naming why the change is refused.
func Move(from State, a Action) (State, error) {
	m, ok := moves[a]
	if !ok {
		return "", Errorf(EINVALID, "%q is not an action on a ticket.", a)
	}
	for _, s := range m.from {
		if s == from {
			return m.to, nil
		}
	}
	return "", Errorf(ECONFLICT, "A ticket that is %s cannot be %s.", describeState(from), describeAction(a))
}

func describeState(s State) string {
	switch s {
	case NoShow:
		return "marked as a no-show"
	case Serving:
		return "being served"
	}
	return string(s)
}

func describeAction(a Action) string {
	switch a {
	case ActCall:
		return "called"
	case ActCancel:
		return "cancelled"
	case ActRecall:
		return "recalled"
	case ActStart:
		return "started"
	case ActFinish:
		return "finished"
	case ActNoShow:
		return "marked as a no-show"
	case ActTransfer:
		return "transferred"
	case ActExpire:
		return "expired"
	}
	return string(a)
}

// Ticket is one customer's place in the hall. Its tier, head start and key
// are fixed at issue; a transfer starts a new leg but keeps number and key.
type Ticket struct {
	ID         uint64
	Token      string // unguessable; the phone page's address
	Number     string // "A023"
	Service    string
	Tier       string
	Rank       int           // the tier's rank at issue; > 0 is a VIP ticket
	HeadStart  time.Duration // the tier's head start at issue
	Key        time.Time     // IssuedAt − HeadStart: the call order
	Day        string        // the hall day it was issued on, YYYY-MM-DD
	Lang       string
	State      State
	IssuedAt   time.Time
	LegAt      time.Time // when the current leg began waiting: issue or transfer
	Leg        int       // 1, then one more per transfer
	CalledAt   time.Time // of the current leg
	ServedAt   time.Time
	FinishedAt time.Time
	Counter    string // the counter that called it last
	Staff      string // the staff member at that counter
	Target     string // after a transfer to one counter: only it calls the ticket
	Recalls    int    // recalls of the current call
	IssuedBy   string // staff who issued it ("" for the kiosk)
	Card       bool   // the tier came from a card
	EtaAtIssue int    // the estimate given at issue, in seconds
	// The 80 % range given at issue, in seconds. All three are 0 for a
	// ticket issued with no estimate (no counter could call it): a known
	// estimate's high end is at least 1 (see EstimatedAtIssue).
	EtaLowAtIssue, EtaHighAtIssue int
	Holder                        string // the name on the VIP card it was issued for: staff views only

	Rating       int       // 1..5, 0 for none
	RatingSource string    // RatedAtPad or RatedByPhone
	RatedAt      time.Time // when the customer rated: RatedAt − FinishedAt is how long they took

	Complaint *ComplaintStatus // the state of the customer's complaint, if they made one

	WaitAlerted bool // managers were warned that this leg waits past its service's target
	TierAlerted bool // managers were warned that this VIP waits past its tier's target

	// Live is the figures the Floor's views work out: set on every copy a
	// view returns, nil on the tickets the Floor keeps and the store saves,
	// whose live figures are not to be read (they would panic). Kept
	// apart, a waiting ticket takes 480 bytes, not 592: Go's collector
	// marks objects of up to 512 bytes a span at a time, twice as fast here
	// (BenchmarkMarkOpenTickets), and a busy hall's waiting tickets are most
	// of what it marks.
	*Live
}

// Live is what a ticket's view shows beyond the ticket as kept: where it
// stands now.
type Live struct {
	RecallUntil time.Time // a no-show's last moment to be called back
	RateUntil   time.Time // a done visit not yet rated: until when its phone may rate it
	Ahead       int
	EtaS        int
	EtaLowS     int
	EtaHighS    int
	EtaReason   string // why a waiting ticket has no estimate (EtaNoCounter), or ""
	StatusURL   string

	// StaffView is set on the copies staff views send: only they show
	// Holder.
	StaffView bool
}

// EstimatedAtIssue reports whether the ticket was given an estimate when
// it was issued.
func (t *Ticket) EstimatedAtIssue() bool { return t.EtaHighAtIssue > 0 }

// Estimate returns the live estimate of a waiting ticket's view; none for a
// ticket as kept.
func (t *Ticket) Estimate() Estimate {
	if t.Live == nil {
		return Estimate{}
	}
	return Estimate{S: t.EtaS, LowS: t.EtaLowS, HighS: t.EtaHighS, Reason: t.EtaReason}
}

// setEstimate sets the live estimate of a waiting ticket.
func (t *Ticket) setEstimate(e Estimate) {
	t.EtaS, t.EtaLowS, t.EtaHighS, t.EtaReason = e.S, e.LowS, e.HighS, e.Reason
}

// VIP reports whether the ticket's tier had a rank above zero at issue.
func (t *Ticket) VIP() bool { return t.Rank > 0 }

// clone returns a copy that later changes to t do not reach.
func (t *Ticket) clone() *Ticket {
	if t == nil {
		return nil
	}
	c := *t
	if t.Complaint != nil {
		s := *t.Complaint
		c.Complaint = &s
	}
	if t.Live != nil {
		l := *t.Live
		c.Live = &l
	}
	return &c
}

// ViewCopy returns a copy of t with live figures of its own, empty when t
// is a ticket as kept: a view to fill in, or one to change without touching
// the view it was copied from (views are shared once made).
func (t *Ticket) ViewCopy() *Ticket {
	v := t.clone()
	if v.Live == nil {
		v.Live = &Live{}
	}
	return v
}

// Numbered formats ticket number n (n ≥ 0): the service id and at least
// three digits.
func Numbered(service string, n int) string {
	var b [24]byte
	out := append(b[:0], service...)
	for w := 100; w > 1 && n < w; w /= 10 {
		out = append(out, '0')
	}
	return string(strconv.AppendInt(out, int64(n), 10))
}

// TicketToken makes a ticket's token from its id and 16 random bytes. The id
// lets the hub find the ticket without an index; the random part, 128 bits,
// makes the token unguessable.
func TicketToken(id uint64, random [16]byte) string {
	var b [24]byte
	binary.BigEndian.PutUint64(b[:8], id)
	copy(b[8:], random[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// TicketIDFromToken returns the id a token names, or false when the token is
// not one TicketToken makes. Whether it is the ticket's token is for the
// caller to check.
func TicketIDFromToken(token string) (uint64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 24 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[:8]), true
}
