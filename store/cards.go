package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.CardService = (*Store)(nil)

// cardKey is the keyed hash a card is stored under: HMAC-SHA-256 of the
// normalized number with the file's own secret. The number itself is never
// stored.
func (s *Store) cardKey(number string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(number))
	return m.Sum(nil)
}

// getCard returns the card stored under key, or a card_unknown error.
func getCard(tx *bbolt.Tx, key []byte) (*hallq.Card, error) {
	v := tx.Bucket(bucketCards).Get(key)
	if v == nil {
		return nil, hallq.Errorf(hallq.ECARDUNKNOWN, "This card is not registered here. You can take a regular ticket.")
	}
	var r cardRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading a card: %w", err)
	}
	return r.card(key), nil
}

// card returns the card this record keeps under key.
func (r *cardRecord) card(key []byte) *hallq.Card {
	return &hallq.Card{ID: cardID(key), Last4: r.Last4, Tier: r.Tier, Holder: r.Holder, Expires: r.Expires}
}

// cardID names a card by the first 8 bytes of its keyed hash: managers tell
// apart two cards with the same last four by it, and it gives nothing of the
// number away.
func cardID(key []byte) string { return "c_" + hex.EncodeToString(key[:8]) }

// matches reports whether the card matches a search: its last four end with
// q, or its holder's name holds it, in any case.
func matches(c *hallq.Card, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(strings.TrimSpace(q))
	return strings.HasSuffix(strings.ToLower(c.Last4), q) && len(q) <= 4 || strings.Contains(strings.ToLower(c.Holder), q)
}

// FindCards returns the cards that match q (every card for ""), by
// holder, without numbers.
func (s *Store) FindCards(ctx context.Context, q string) ([]*hallq.Card, error) {
	out := []*hallq.Card{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketCards).ForEach(func(k, v []byte) error {
			var r cardRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading a card: %w", err)
			}
			if c := r.card(k); matches(c, q) {
				out = append(out, c)
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Holder != out[j].Holder {
			return out[i].Holder < out[j].Holder
		}
		return out[i].Last4 < out[j].Last4
	})
	return out, err
}

// FindCard returns the card with the given number or id.
func (s *Store) FindCard(ctx context.Context, number string) (*hallq.Card, error) {
	var c *hallq.Card
	err := s.db.View(func(tx *bbolt.Tx) error {
		key, err := s.pathCardKey(tx, number)
		if err == nil {
			c, err = getCard(tx, key)
		}
		return err
	})
	if hallq.ErrorCode(err) == hallq.ECARDUNKNOWN {
		return nil, errNoCard
	}
	return c, err
}

var errNoCard = hallq.Errorf(hallq.ENOTFOUND, "No card with this number is registered.")

// pathCardKey returns the key of the card a path names: by its id ("c_"
// and 16 hex digits), else by its number.
func (s *Store) pathCardKey(tx *bbolt.Tx, numberOrID string) ([]byte, error) {
	hexID, isID := strings.CutPrefix(numberOrID, "c_")
	if !isID {
		return s.normalizedCardKey(numberOrID)
	}
	prefix, err := hex.DecodeString(hexID)
	if err != nil || len(prefix) != 8 {
		return nil, errNoCard
	}
	k, _ := tx.Bucket(bucketCards).Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, errNoCard
	}
	return append([]byte(nil), k...), nil
}

func (s *Store) normalizedCardKey(number string) ([]byte, error) {
	n, err := hallq.NormalizeCardNumber(number)
	if err != nil {
		return nil, err
	}
	return s.cardKey(n), nil
}

// CreateCard registers a card.
func (s *Store) CreateCard(ctx context.Context, by hallq.Actor, c hallq.Card) (*hallq.Card, error) {
	number, err := hallq.NormalizeCardNumber(c.Number)
	if err != nil {
		return nil, err
	}
	key := s.cardKey(number)
	c.Number, c.Last4 = "", hallq.Last4(number)
	_, err = s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		if err := s.floor.ValidateCard(&c); err != nil {
			return nil, err
		}
		if tx.Bucket(bucketCards).Get(key) != nil {
			return nil, hallq.Errorf(hallq.ECONFLICT, "A card with this number is already registered; change it instead.")
		}
		return nil, putCard(tx, key, &c, now)
	})
	if err != nil {
		return nil, err
	}
	c.ID = cardID(key)
	return &c, nil
}

func putCard(tx *bbolt.Tx, key []byte, c *hallq.Card, now time.Time) error {
	r := cardRecord{Last4: c.Last4, Tier: c.Tier, Holder: c.Holder, Expires: c.Expires, Created: now.UnixNano()}
	return tx.Bucket(bucketCards).Put(key, marshal(r))
}

// UpdateCard changes the fields of a card that are present.
func (s *Store) UpdateCard(ctx context.Context, by hallq.Actor, number string, u hallq.CardUpdate) (*hallq.Card, error) {
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		key, err := s.pathCardKey(tx, number)
		if err != nil {
			return nil, err
		}
		c, err := getCard(tx, key)
		if hallq.ErrorCode(err) == hallq.ECARDUNKNOWN {
			return nil, errNoCard
		} else if err != nil {
			return nil, err
		}
		if u.Tier != nil {
			c.Tier = *u.Tier
		}
		if u.Holder != nil {
			c.Holder = *u.Holder
		}
		if u.Expires.Set {
			c.Expires = ""
			if u.Expires.Value != nil {
				c.Expires = *u.Expires.Value
			}
		}
		if err := s.floor.ValidateCard(c); err != nil {
			return nil, err
		}
		return c, putCard(tx, key, c, now)
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Card), nil
}

// DeleteCard removes a card from the registry.
func (s *Store) DeleteCard(ctx context.Context, by hallq.Actor, number string) error {
	_, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		key, err := s.pathCardKey(tx, number)
		if err != nil {
			return nil, err
		}
		if tx.Bucket(bucketCards).Get(key) == nil {
			return nil, errNoCard
		}
		return nil, tx.Bucket(bucketCards).Delete(key)
	})
	return err
}

// ImportCards creates or replaces every valid card in one transaction and
// reports the others by line, and the lines of cards that were already
// expired. With allOrNone, one invalid card imports none.
func (s *Store) ImportCards(ctx context.Context, by hallq.Actor, cards []hallq.Card, lines []int, allOrNone bool) (*hallq.CardImport, error) {
	type row struct {
		key  []byte
		card hallq.Card
		line int
	}
	out := &hallq.CardImport{Errors: []hallq.ImportLine{}, Expired: []int{}}
	var rows []row
	for i, c := range cards {
		number, err := hallq.NormalizeCardNumber(c.Number)
		if err != nil {
			out.Errors = append(out.Errors, hallq.ImportLine{Line: lines[i], Message: hallq.ErrorMessage(err)})
			continue
		}
		c.Number, c.Last4 = "", hallq.Last4(number)
		rows = append(rows, row{s.cardKey(number), c, lines[i]})
	}
	// In key order bbolt appends instead of shifting a growing page.
	sort.Slice(rows, func(i, j int) bool { return bytes.Compare(rows[i].key, rows[j].key) < 0 })
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		part := hallq.CardImport{Errors: []hallq.ImportLine{}, Expired: []int{}}
		var valid []row
		for _, r := range rows {
			if err := s.floor.ValidateCard(&r.card); err != nil {
				part.Errors = append(part.Errors, hallq.ImportLine{Line: r.line, Message: hallq.ErrorMessage(err)})
				continue
			}
			valid = append(valid, r)
		}
		if allOrNone && len(part.Errors)+len(out.Errors) > 0 {
			return part, nil // nothing written: the transaction rolls back
		}
		for _, r := range valid {
			if err := putCard(tx, r.key, &r.card, now); err != nil {
				return nil, err
			}
			part.Imported++
			if r.card.Expired(s.floor.Day(), now) {
				part.Expired = append(part.Expired, r.line)
			}
		}
		return part, nil
	})
	if err != nil {
		return nil, fmt.Errorf("importing cards: %w", err)
	}
	part := res.(hallq.CardImport)
	out.Imported = part.Imported
	out.Errors = append(out.Errors, part.Errors...)
	out.Expired = append(out.Expired, part.Expired...)
	sort.SliceStable(out.Errors, func(i, j int) bool { return out.Errors[i].Line < out.Errors[j].Line })
	sort.Ints(out.Expired)
	return out, nil
}

// FindCardVisits returns the visits of the card with a number or an id,
// newest first: its tickets with their waits, counters, ratings and
// complaints.
func (s *Store) FindCardVisits(ctx context.Context, numberOrID string) ([]hallq.Visit, error) {
	out := []hallq.Visit{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		key, err := s.pathCardKey(tx, numberOrID)
		if err != nil {
			return err
		}
		if tx.Bucket(bucketCards).Get(key) == nil {
			return errNoCard
		}
		prefix := key[:8]
		tickets := tx.Bucket(bucketTickets)
		c := tx.Bucket(bucketCardVisits).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			t, err := getTicket(tickets, btoi(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, hallq.VisitOf(t))
		}
		return nil
	})
	slices.Reverse(out)
	return out, err
}
