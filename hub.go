package hallq

import (
	"context"
	"io"
	"time"
)

// The services below are what the HTTP handlers ask of the hall; package
// store implements them all on one bbolt file. Every change is durable
// before a method returns.

// IssueRequest is a request for a ticket, as the kiosk or staff send it.
type IssueRequest struct {
	Service string `json:"service"`
	Card    string `json:"card,omitempty"` // as typed or read: a number or track data
	Lang    string `json:"lang,omitempty"`
	Tier    string `json:"tier,omitempty"` // staff only

	By             Actor  `json:"-"`
	IdempotencyKey string `json:"-"` // a retry with the same key returns the first ticket
	// RefuseNew, when set, refuses a new ticket with this error, while a
	// retry with a key seen before still gets its first ticket: a limit
	// the client reached after that first request.
	RefuseNew error `json:"-"`
}

// TicketService issues, finds and cancels tickets.
type TicketService interface {
	// IssueTicket issues a ticket and returns it once it is durable. With an
	// idempotency key seen before, it returns the first result and true.
	IssueTicket(ctx context.Context, req IssueRequest) (*Ticket, bool, error)
	// FindTicketByToken returns the ticket with the given token.
	FindTicketByToken(ctx context.Context, token string) (*Ticket, error)
	// CancelTicket cancels a waiting ticket.
	CancelTicket(ctx context.Context, token string, by Actor) (*Ticket, error)
	// FindQueue returns the waiting tickets of every service, by key.
	FindQueue(ctx context.Context) ([]ServiceQueue, error)
}

// ActResult is what a counter action did.
type ActResult struct {
	Ticket   *Ticket  // the ticket acted on; nil when next found nobody waiting
	Counter  *Counter // the counter after the action
	Replayed bool     // the idempotency key was seen before: this is the first result
}

// CounterService runs the counters.
type CounterService interface {
	FindCounters(ctx context.Context) ([]*Counter, error)
	FindCounter(ctx context.Context, id string) (*Counter, error)
	// ActAtCounter carries out a staff action. With an idempotency key seen
	// before, it returns the first result.
	ActAtCounter(ctx context.Context, a CounterAction, idempotencyKey string) (*ActResult, error)
}

// HallService reads and configures the hall: settings, services, tiers and
// counters.
type HallService interface {
	FindHall(ctx context.Context) (*HallView, error)
	FindDisplay(ctx context.Context) (*Display, error)
	UpdateSettings(ctx context.Context, by Actor, u SettingsUpdate) (*HallView, error)

	FindServices(ctx context.Context) ([]*Service, error)
	FindService(ctx context.Context, id string) (*Service, error)
	CreateService(ctx context.Context, by Actor, n NewService) (*Service, error)
	UpdateService(ctx context.Context, by Actor, id string, u ServiceUpdate) (*Service, error)

	FindTiers(ctx context.Context) ([]*Tier, error)
	FindTier(ctx context.Context, id string) (*Tier, error)
	CreateTier(ctx context.Context, by Actor, t Tier) (*Tier, error)
	UpdateTier(ctx context.Context, by Actor, id string, u TierUpdate) (*Tier, error)

	FindCounter(ctx context.Context, id string) (*Counter, error)
	CreateCounter(ctx context.Context, by Actor, n NewCounter) (*Counter, error)
	UpdateCounter(ctx context.Context, by Actor, id string, u CounterUpdate) (*Counter, error)
	DeleteCounter(ctx context.Context, by Actor, id string) error
}

// CardImport is the outcome of a card import.
type CardImport struct {
	Imported int          `json:"imported"` // cards created or replaced
	Expired  []int        `json:"expired"`  // lines of cards imported already expired
	Errors   []ImportLine `json:"errors"`   // rows refused, by line
}

// ImportLine is one refused row of an import.
type ImportLine struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// CardService keeps the VIP card registry. Numbers are looked up by a keyed
// hash; only the last four characters are kept.
type CardService interface {
	// FindCards returns the cards whose last four or holder match q (all
	// for ""), without numbers.
	FindCards(ctx context.Context, q string) ([]*Card, error)
	// FindCard returns the card with a number, or an id ("c_…").
	FindCard(ctx context.Context, number string) (*Card, error)
	CreateCard(ctx context.Context, by Actor, c Card) (*Card, error)
	UpdateCard(ctx context.Context, by Actor, number string, u CardUpdate) (*Card, error)
	DeleteCard(ctx context.Context, by Actor, number string) error
	// FindCardVisits returns the card's tickets, newest first.
	FindCardVisits(ctx context.Context, numberOrID string) ([]Visit, error)
	// ImportCards creates or replaces the valid cards in one transaction
	// and reports the others by line; line numbers count from 1. With
	// allOrNone, one invalid card imports none.
	ImportCards(ctx context.Context, by Actor, cards []Card, lines []int, allOrNone bool) (*CardImport, error)
}

// UserService keeps staff accounts with hashed passwords.
type UserService interface {
	// Authenticate returns the user whose password this is, or an
	// EUNAUTHORIZED error that does not say which part was wrong.
	Authenticate(ctx context.Context, username, password string) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)
	FindUser(ctx context.Context, username string) (*User, error)
	CreateUser(ctx context.Context, by Actor, n NewUser) (*User, error)
	UpdateUser(ctx context.Context, by Actor, username string, u UserUpdate) (*User, error)
	DeleteUser(ctx context.Context, by Actor, username string) error
	// ChangePassword sets a user's own password, after checking the current
	// one, and ends the user's sessions but the one with token keep.
	ChangePassword(ctx context.Context, username string, c PasswordChange, keep string) error
}

// SessionService keeps login sessions.
type SessionService interface {
	// CreateSession starts a session for u and returns its token.
	CreateSession(ctx context.Context, u *User) (string, error)
	// FindSession returns the user of a live session, or EUNAUTHORIZED.
	FindSession(ctx context.Context, token string) (*User, error)
	DeleteSession(ctx context.Context, token string) error
}

// BackupService writes consistent copies of the database.
type BackupService interface {
	// Backup writes a consistent copy of the database to w; size is its
	// length, known before the first byte is written.
	Backup(ctx context.Context, w io.Writer, size func(int64)) error
}

// Subscription receives committed events in commit order.
type Subscription interface {
	// Events delivers the events. It is closed when the subscriber fell a
	// whole buffer behind, or the hub stops: the subscriber then takes a
	// fresh snapshot and subscribes again.
	Events() <-chan Event
	// Close ends the subscription.
	Close()
}

// FeedService is the hall's committed events and the state they lead to.
type FeedService interface {
	// Subscribe starts a subscription with room for buffer events.
	Subscribe(buffer int) Subscription
	// ReadFloor runs fn with the Floor as of the last commit, that commit's
	// sequence number, and the hub's time. fn must only read, and be quick.
	ReadFloor(fn func(f *Floor, seq uint64, now time.Time))
}

// TicketRef names the ticket a complaint is about: by its token (the phone
// page), its id (a pad), or its number today (staff at the counter). The
// zero TicketRef names none. Counter is the pad's counter.
type TicketRef struct {
	Token   string
	ID      uint64
	Number  string
	Counter string
}

// ComplaintService takes and lists the customers' complaints.
type ComplaintService interface {
	// Complain records a complaint from source about the ticket ref names.
	Complain(ctx context.Context, by Actor, source string, ref TicketRef, n NewComplaint) (*Complaint, error)
	// FindComplaints returns the complaints of hall days from to to, in
	// state ("" for any), newest first.
	FindComplaints(ctx context.Context, from, to, state string) ([]*Complaint, error)
}

// RatingService takes the customers' ratings from the rating pads.
type RatingService interface {
	// RateTicket records a score, 1 to 5, for the ticket just finished at
	// a counter.
	RateTicket(ctx context.Context, counter string, ticket uint64, score int) (*Ticket, error)
	// RateByPhone records the score the customer of the ticket with token
	// gives on its phone page, once, within PhoneRateWindow.
	RateByPhone(ctx context.Context, token string, score int) (*Ticket, error)
}

// DeviceService pairs rating pads and kiosks: a manager creates a device
// and gets a one-time code; the device trades the code for its token.
type DeviceService interface {
	CreateDevice(ctx context.Context, by Actor, n NewDevice) (*Device, error)
	FindDevices(ctx context.Context) ([]*Device, error)
	DeleteDevice(ctx context.Context, by Actor, id uint64) error
	// PairDevice trades a pairing code for the device and its token.
	PairDevice(ctx context.Context, code string) (*Device, string, error)
	// FindDeviceByToken returns the paired device with this token, or an
	// EUNAUTHORIZED error.
	FindDeviceByToken(ctx context.Context, token string) (*Device, error)
}

// AlertService raises alerts that come from outside the Floor, such as a
// kiosk's printer out of paper; managers see them live.
type AlertService interface {
	RaiseAlert(ctx context.Context, a Alert) error
}

// AlertQuery chooses alerts: by state ("" for those not resolved) and, for
// resolved ones, by the hall days they were raised on (From to To,
// YYYY-MM-DD; "" for today).
type AlertQuery struct {
	State    string
	From, To string
}

// AlertDesk is where staff and managers handle alerts: they acknowledge
// them (saying who has it) and managers resolve them with a note.
type AlertDesk interface {
	FindAlerts(ctx context.Context, q AlertQuery) ([]*Alert, error)
	FindAlert(ctx context.Context, id uint64) (*Alert, error)
	AcknowledgeAlert(ctx context.Context, by Actor, id uint64, note string) (*Alert, error)
	ResolveAlert(ctx context.Context, by Actor, id uint64, note string) (*Alert, error)
}

// StaffingService advises on how many counters each service needs.
type StaffingService interface {
	// FindStaffing returns the advice for each service (or the one q
	// names), from the last hour's arrivals and the recent service times,
	// or from the numbers q gives in their place.
	FindStaffing(ctx context.Context, q StaffingQuery) ([]Staffing, error)
}

// Blob is a stored file: a slide's picture, a recorded clip.
type Blob struct {
	Type string // its media type, e.g. image/png
	Data []byte
}

// PublicityService keeps the hall's publicity (the displays' slides) and its
// own recorded voice.
type PublicityService interface {
	CreateSlide(ctx context.Context, by Actor, s Slide, image *Blob) (*Slide, error)
	UpdateSlide(ctx context.Context, by Actor, id uint64, u SlideUpdate) (*Slide, error)
	DeleteSlide(ctx context.Context, by Actor, id uint64) error
	// FindSlides returns every slide, or with todayOnly those shown today,
	// in the order they show.
	FindSlides(ctx context.Context, todayOnly bool) ([]Slide, error)
	FindSlide(ctx context.Context, id uint64) (*Slide, error)
	// FindSlideImage returns the picture with the given content hash.
	FindSlideImage(ctx context.Context, hash string) (*Blob, error)
	// SetVoice replaces the hall's own recordings, by clip name; none
	// brings back the shipped voice.
	SetVoice(ctx context.Context, by Actor, clips map[string]*Blob) error
	// FindVoiceClip returns the hall's own recording of clip name, or
	// ENOTFOUND when the shipped one plays.
	FindVoiceClip(ctx context.Context, name string) (*Blob, error)
	// FindVoiceClipNames returns the names of the hall's own recordings.
	FindVoiceClipNames(ctx context.Context) ([]string, error)
}

// ReportService computes the hall's statistics and reports from its events.
type ReportService interface {
	// FindStats returns the statistics of hall days from to to.
	FindStats(ctx context.Context, from, to string) (*Stats, error)
	// FindLegs returns the ticket legs of hall days from to to.
	FindLegs(ctx context.Context, from, to string) ([]*Leg, error)
}
