// Package webhook posts the hall's escalations (alerts reaching level 2 or
// 3) to the webhook a manager set: at least once, in order, from the
// store's durable outbox, retried with back-off until the receiver answers
// 2xx, across restarts since the outbox is on disk. It runs beside the
// hall and never in its way: a slow or failing receiver only delays the
// next escalation.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"time"

	"hallq"
	"hallq/store"
)

// Outbox is where the escalations wait: package store's.
type Outbox interface {
	// Outbox returns up to limit escalations, oldest first, and the
	// webhook's address ("" for none).
	Outbox(limit int) ([]store.Outgoing, string, error)
	// Delivered takes escalations out of the outbox.
	Delivered(ctx context.Context, keys ...uint64) error
	// Subscribe tells of committed events: an escalation wakes the sender.
	Subscribe(buffer int) hallq.Subscription
}

// Sender posts the outbox to the webhook.
type Sender struct {
	Outbox Outbox
	// Client posts; nil means one with Timeout and no redirects followed.
	Client *http.Client
	// Timeout bounds one post; 0 means 10 s.
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed post, which
	// doubles with each failure in a row; 0 means 1 s and 5 min.
	MinBackoff, MaxBackoff time.Duration
	Log                    *slog.Logger // slog.Default() if nil
}

// batch is how many escalations the sender reads from the outbox at once.
const batch = 100

// Run posts escalations as they come until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	sub := s.Outbox.Subscribe(64)
	defer func() { sub.Close() }()
	backoff := s.MinBackoff
	failing := false
	for {
		sent, err := s.SendPending(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if !failing {
				s.Log.Warn("webhook: an escalation could not be delivered; retrying with back-off", "err", err)
			}
			failing = true
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(2*backoff, s.MaxBackoff)
			continue
		}
		if failing {
			s.Log.Info("webhook: escalations are delivered again")
		}
		failing, backoff = false, s.MinBackoff
		if sent == batch {
			continue // there may be more
		}
		// Wait for news: an escalation, or a change of the hall (its
		// webhook may have changed).
		for woken := false; !woken; {
			select {
			case e, ok := <-sub.Events():
				if !ok {
					sub = s.Outbox.Subscribe(64) // fell behind: look again
					woken = true
					break
				}
				woken = e.Type == hallq.AlertEscalated || e.Type == hallq.HallUpdated
			case <-ctx.Done():
				return
			}
		}
	}
}

func (s *Sender) defaults() {
	if s.Timeout == 0 {
		s.Timeout = 10 * time.Second
	}
	if s.Client == nil {
		s.Client = &http.Client{
			Timeout:       s.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if s.MinBackoff == 0 {
		s.MinBackoff = time.Second
	}
	if s.MaxBackoff == 0 {
		s.MaxBackoff = 5 * time.Minute
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// SendPending posts what the outbox holds now (a batch of it), in order,
// and stops at the first failure. It returns how many left the outbox.
func (s *Sender) SendPending(ctx context.Context) (int, error) {
	s.defaults()
	pending, url, err := s.Outbox.Outbox(batch)
	if err != nil {
		return 0, err
	}
	// An escalation meant for a webhook taken away or replaced is not
	// told to its successor, which did not ask for it.
	var stale []uint64
	for len(pending) > 0 && pending[0].URL != url {
		stale, pending = append(stale, pending[0].Key), pending[1:]
	}
	if len(stale) > 0 {
		s.Log.Warn("webhook: the hall's webhook changed; dropping the escalations meant for the one before", "escalations", len(stale))
		if err := s.Outbox.Delivered(ctx, stale...); err != nil {
			return 0, err
		}
		return len(stale), nil // and look again
	}
	for i, m := range pending {
		if m.URL != url {
			return i, nil // the rest were meant for another webhook: the next round drops them
		}
		if err := s.post(ctx, url, m); err != nil {
			return i, fmt.Errorf("escalation %s: %w", m.ID, err)
		}
		if err := s.Outbox.Delivered(ctx, m.Key); err != nil {
			return i, err
		}
	}
	return len(pending), nil
}

func (s *Sender) post(ctx context.Context, url string, m store.Outgoing) error {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(m.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hallq")
	req.Header.Set("X-Hallq-Event", m.ID)
	res, err := s.Client.Do(req)
	if err != nil {
		// The error would name the address, which may carry a secret.
		if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
			err = fmt.Errorf("posting to the webhook at %s: %w", req.URL.Host, ue.Err)
		}
		return err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("the webhook answered %s", res.Status)
	}
	return nil
}
