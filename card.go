package hallq

import (
	"regexp"
	"strings"
	"time"
)

// Card is a customer's VIP card. The hub never keeps the number itself: the
// store keeps a keyed hash of it and its last four characters.
type Card struct {
	ID      string `json:"id"`               // "c_" and 16 hex digits: tells apart cards of the same last four
	Number  string `json:"number,omitempty"` // input only; never stored or shown
	Last4   string `json:"last4"`
	Tier    string `json:"tier"`
	Holder  string `json:"holder"`
	Expires string `json:"expires,omitempty"` // the last hall day it is valid, YYYY-MM-DD, or the moment it ends, RFC 3339
}

// CardUpdate changes the fields of a card that are present.
type CardUpdate struct {
	Tier    *string          `json:"tier"`
	Holder  *string          `json:"holder"`
	Expires Nullable[string] `json:"expires"`
}

var cardNumberPattern = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)

// NormalizeCardNumber reduces what a person typed or a card reader sent to
// the card number: track 2 data (";6222…=2512…?"), track 1 data
// ("%B6222…^NAME^2512…?"), or the number itself, with spaces and dashes
// removed and letters in capitals.
func NormalizeCardNumber(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "%B") || strings.HasPrefix(s, "%b"):
		s = s[2:]
		if i := strings.IndexByte(s, '^'); i >= 0 {
			s = s[:i]
		}
	case strings.HasPrefix(s, ";"):
		s = s[1:]
		if i := strings.IndexAny(s, "=?"); i >= 0 {
			s = s[:i]
		}
	case strings.Contains(s, "="):
		s = s[:strings.IndexByte(s, '=')]
	}
	s = strings.TrimSuffix(s, "?")
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	s = strings.ToUpper(s)
	if !cardNumberPattern.MatchString(s) {
		return "", Errorf(EINVALID, "A card number is 1 to 32 letters or digits.")
	}
	return s, nil
}

// Last4 returns the last four characters of a normalized card number, by
// which managers tell cards apart. A number shorter than eight characters
// keeps none: its last four would give away too much of it.
func Last4(number string) string {
	if len(number) < 8 {
		return ""
	}
	return number[len(number)-4:]
}

// ValidateCard checks a card as a manager enters it: a known tier that is not
// staff-only, a holder name, an expiry date. Its messages quote nothing of
// the card: in an import with shifted columns, a cell can hold a number.
func (f *Floor) ValidateCard(c *Card) error {
	t := f.tier(c.Tier)
	if t == nil {
		return Errorf(EINVALID, "The card's tier does not exist; use the id of a tier from the tier list.")
	}
	if t.StaffOnly {
		return Errorf(EINVALID, "The card's tier is issued by staff only; a card cannot carry it.")
	}
	if err := (Text{EN: c.Holder}).validate("holder name", 64, false); err != nil {
		return err
	}
	if c.Expires != "" {
		if _, err := time.Parse("2006-01-02", c.Expires); err == nil {
			return nil
		}
		t, err := time.Parse(time.RFC3339, c.Expires)
		if err != nil {
			return WithField(Errorf(EINVALID, "The card's expiry is a date YYYY-MM-DD (valid through that hall day) or a time such as 2027-06-30T18:00:00+08:00; leave it empty for a card that does not expire."), "expires")
		}
		if s := formatTime(t); s != nil {
			c.Expires = *s // one way of writing it
		}
	}
	return nil
}

// Expired reports whether the card is no longer valid at now, on hall day
// day: past the last hall day it is valid, or past its moment.
func (c *Card) Expired(day string, now time.Time) bool {
	if c.Expires == "" {
		return false
	}
	if t, err := time.Parse(time.RFC3339, c.Expires); err == nil {
		return !now.Before(t)
	}
	return c.Expires < day
}

// Visit is one ticket of a VIP card, for the card's file.
type Visit struct {
	Number    string           `json:"number"`
	Service   string           `json:"service"`
	State     State            `json:"state"`
	IssuedAt  *string          `json:"issued_at"`
	WaitS     *int             `json:"wait_s"` // from issue to the first call; null if never called
	Counter   string           `json:"counter,omitempty"`
	Rating    int              `json:"rating,omitempty"`
	Complaint *ComplaintStatus `json:"complaint,omitempty"`
}

// VisitOf returns the visit ticket t was.
func VisitOf(t *Ticket) Visit {
	v := Visit{Number: t.Number, Service: t.Service, State: t.State, IssuedAt: formatTime(t.IssuedAt),
		Counter: t.Counter, Rating: t.Rating, Complaint: t.Complaint}
	if !t.CalledAt.IsZero() && t.Leg == 1 {
		v.WaitS = ptrTo(seconds(t.CalledAt.Sub(t.IssuedAt)))
	}
	return v
}
