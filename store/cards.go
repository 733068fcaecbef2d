package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
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
	return &hallq.Card{Last4: r.Last4, Tier: r.Tier, Holder: r.Holder, Expires: r.Expires}, nil
}

// FindCards returns every card, by holder, without numbers.
func (s *Store) FindCards(ctx context.Context) ([]*hallq.Card, error) {
	out := []*hallq.Card{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketCards).ForEach(func(k, v []byte) error {
			var r cardRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading a card: %w", err)
			}
			out = append(out, &hallq.Card{Last4: r.Last4, Tier: r.Tier, Holder: r.Holder, Expires: r.Expires})
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

// FindCard returns the card with the given number.
func (s *Store) FindCard(ctx context.Context, number string) (*hallq.Card, error) {
	key, err := s.normalizedCardKey(number)
	if err != nil {
		return nil, err
	}
	var c *hallq.Card
	err = s.db.View(func(tx *bbolt.Tx) error {
		c, err = getCard(tx, key)
		return err
	})
	if hallq.ErrorCode(err) == hallq.ECARDUNKNOWN {
		return nil, errNoCard
	}
	return c, err
}

var errNoCard = hallq.Errorf(hallq.ENOTFOUND, "No card with this number is registered.")

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
	return &c, nil
}

func putCard(tx *bbolt.Tx, key []byte, c *hallq.Card, now time.Time) error {
	r := cardRecord{Last4: c.Last4, Tier: c.Tier, Holder: c.Holder, Expires: c.Expires, Created: now.UnixNano()}
	return tx.Bucket(bucketCards).Put(key, marshal(r))
}

// UpdateCard changes the fields of a card that are present.
func (s *Store) UpdateCard(ctx context.Context, by hallq.Actor, number string, u hallq.CardUpdate) (*hallq.Card, error) {
	key, err := s.normalizedCardKey(number)
	if err != nil {
		return nil, err
	}
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
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
	key, err := s.normalizedCardKey(number)
	if err != nil {
		return err
	}
	_, err = s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		if tx.Bucket(bucketCards).Get(key) == nil {
			return nil, errNoCard
		}
		return nil, tx.Bucket(bucketCards).Delete(key)
	})
	return err
}

// ImportCards creates or replaces every valid card in one commit and
// reports the others by line.
func (s *Store) ImportCards(ctx context.Context, by hallq.Actor, cards []hallq.Card, lines []int) (*hallq.CardImport, error) {
	type row struct {
		key  []byte
		card hallq.Card
		line int
	}
	out := &hallq.CardImport{Errors: []hallq.ImportLine{}}
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
	// In key order bbolt appends instead of shifting a growing page, and
	// in chunks the hall's other requests are served between commits.
	sort.Slice(rows, func(i, j int) bool { return bytes.Compare(rows[i].key, rows[j].key) < 0 })
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), importChunk)]
		rows = rows[len(chunk):]
		res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
			imported, refused := 0, []hallq.ImportLine{}
			for _, r := range chunk {
				if err := s.floor.ValidateCard(&r.card); err != nil {
					refused = append(refused, hallq.ImportLine{Line: r.line, Message: hallq.ErrorMessage(err)})
					continue
				}
				if err := putCard(tx, r.key, &r.card, now); err != nil {
					return nil, err
				}
				imported++
			}
			return hallq.CardImport{Imported: imported, Errors: refused}, nil
		})
		if err != nil {
			return nil, fmt.Errorf("importing cards (%d imported before this failure): %w", out.Imported, err)
		}
		part := res.(hallq.CardImport)
		out.Imported += part.Imported
		out.Errors = append(out.Errors, part.Errors...)
	}
	sort.SliceStable(out.Errors, func(i, j int) bool { return out.Errors[i].Line < out.Errors[j].Line })
	return out, nil
}

// importChunk is how many cards one commit of an import writes.
const importChunk = 5000
