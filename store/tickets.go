package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.TicketService = (*Store)(nil)

// issueScope is the idempotency scope of ticket issue: its method and path.
const issueScope = "POST /api/v1/tickets"

// IssueTicket issues a ticket and returns it once its commit is on disk.
func (s *Store) IssueTicket(ctx context.Context, req hallq.IssueRequest) (*hallq.Ticket, bool, error) {
	var cardKey []byte
	if req.Card != "" {
		number, err := hallq.NormalizeCardNumber(req.Card)
		if err != nil {
			return nil, false, err
		}
		cardKey = s.cardKey(number)
	}
	var random [16]byte
	if _, err := rand.Read(random[:]); err != nil {
		return nil, false, fmt.Errorf("making a ticket token: %w", err)
	}
	type issued struct {
		ticket   *hallq.Ticket
		replayed bool
	}
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		first, err := s.getIdem(tx, issueScope, req.IdempotencyKey)
		if err != nil || first != nil {
			return nil, issued{s.replayIssue(first), true}, err
		}
		if req.RefuseNew != nil {
			return nil, nil, req.RefuseNew
		}
		order := hallq.IssueOrder{Service: req.Service, Tier: req.Tier, Lang: req.Lang, Random: random, By: req.By}
		if err := s.floor.CheckService(req.Service); err != nil {
			return nil, nil, err
		}
		if cardKey != nil {
			if order.Card, err = getCard(tx, cardKey); err != nil {
				return nil, nil, err
			}
		}
		ch, err := s.floor.Issue(now, order)
		if err != nil {
			return nil, nil, err
		}
		t := ch.Ticket
		rec := encodeTicket(t)
		if err := s.putIdem(tx, issueScope, req.IdempotencyKey, idemRecord{At: now.UnixNano(), Ticket: &rec}); err != nil {
			return nil, nil, err
		}
		if t.Card {
			// The card's visits, for its file: by the card's id, then the ticket's.
			if err := tx.Bucket(bucketCardVisits).Put(append(cardKey[:8:8], itob(t.ID)...), nil); err != nil {
				return nil, nil, err
			}
		}
		return ch, issued{t, false}, nil
	})
	if err != nil {
		return nil, false, err
	}
	r := res.(issued)
	return r.ticket, r.replayed, nil
}

// replayIssue answers a retried issue: the same ticket, with its state and
// figures as they are now while it is open (so that a kiosk retrying after a
// network error prints the true number of people ahead), else as issued.
func (s *Store) replayIssue(r *idemRecord) *hallq.Ticket {
	if r == nil {
		return nil
	}
	if t, open := s.floor.OpenTicket(r.Ticket.ID); open {
		return t
	}
	return s.replayTicket(r)
}

// findTicket returns the ticket with the given token, as stored.
func findTicket(tx *bbolt.Tx, token string) (*hallq.Ticket, error) {
	notFound := hallq.Errorf(hallq.ENOTFOUND, "There is no ticket with this address. Check the link, or ask at the desk.")
	id, ok := hallq.TicketIDFromToken(token)
	if !ok {
		return nil, notFound
	}
	t, err := getTicket(tx.Bucket(bucketTickets), id)
	if hallq.ErrorCode(err) == hallq.ENOTFOUND || err == nil && subtle.ConstantTimeCompare([]byte(t.Token), []byte(token)) != 1 {
		return nil, notFound
	}
	return t, err
}

// FindTicketByToken returns the ticket with the given token, with its live
// figures while it waits.
func (s *Store) FindTicketByToken(ctx context.Context, token string) (*hallq.Ticket, error) {
	var stored *hallq.Ticket
	err := s.db.View(func(tx *bbolt.Tx) (err error) {
		stored, err = findTicket(tx, token)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t, ok := s.floor.OpenTicket(stored.ID); ok {
		return t, nil
	}
	return s.floor.Decorate(stored), nil
}

// CancelTicket cancels a waiting ticket: the customer is leaving, or staff
// take it out of the queue.
func (s *Store) CancelTicket(ctx context.Context, token string, by hallq.Actor) (*hallq.Ticket, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		t, err := findTicket(tx, token)
		if err != nil {
			return nil, nil, err
		}
		if _, open := s.floor.OpenTicket(t.ID); !open {
			if t.State == hallq.Cancelled {
				return nil, s.floor.Decorate(t), nil // cancelling again is no error
			}
			_, err = hallq.Move(t.State, hallq.ActCancel)
			return nil, nil, err
		}
		ch, err := s.floor.Cancel(now, t.ID, by)
		if err != nil {
			return nil, nil, err
		}
		return ch, ch.Ticket, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Ticket), nil
}

// FindQueue returns the waiting tickets of every service, by key.
func (s *Store) FindQueue(ctx context.Context) ([]hallq.ServiceQueue, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.floor.Queue(), nil
}
