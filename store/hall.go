package store

import (
	"context"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.HallService = (*Store)(nil)

// read runs fn with the Floor as it is durable now.
func (s *Store) read(fn func(f *hallq.Floor)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.floor)
}

// change runs a configuration operation of the Floor in the writer and
// returns its change once durable.
func (s *Store) change(ctx context.Context, fn func(now time.Time) (*hallq.Change, error)) (*hallq.Change, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		ch, err := fn(now)
		if err != nil {
			return nil, nil, err
		}
		return ch, ch, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Change), nil
}

// FindHall returns the hall: settings, services with live figures, tiers.
func (s *Store) FindHall(ctx context.Context) (*hallq.HallView, error) {
	var h hallq.HallView
	s.read(func(f *hallq.Floor) { h = f.Hall(f.HallTime(s.now())) })
	return &h, nil
}

// FindDisplay returns what the waiting-room displays show.
func (s *Store) FindDisplay(ctx context.Context) (*hallq.Display, error) {
	var d *hallq.Display
	s.read(func(f *hallq.Floor) { d = f.Display(f.HallTime(s.now())) })
	return d, nil
}

// UpdateSettings changes the hall settings present in u.
func (s *Store) UpdateSettings(ctx context.Context, by hallq.Actor, u hallq.SettingsUpdate) (*hallq.HallView, error) {
	if _, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.UpdateSettings(now, by, u) }); err != nil {
		return nil, err
	}
	return s.FindHall(ctx)
}

// FindServices returns the services with their live figures.
func (s *Store) FindServices(ctx context.Context) ([]*hallq.Service, error) {
	var out []*hallq.Service
	s.read(func(f *hallq.Floor) { out = f.Services(f.HallTime(s.now())) })
	return out, nil
}

// FindService returns service id with its live figures.
func (s *Store) FindService(ctx context.Context, id string) (*hallq.Service, error) {
	var out *hallq.Service
	var err error
	s.read(func(f *hallq.Floor) { out, err = f.Service(id, f.HallTime(s.now())) })
	return out, err
}

// CreateService adds a service.
func (s *Store) CreateService(ctx context.Context, by hallq.Actor, n hallq.NewService) (*hallq.Service, error) {
	ch, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.CreateService(now, by, n) })
	if err != nil {
		return nil, err
	}
	return s.FindService(ctx, ch.Events[0].Subject)
}

// UpdateService changes the fields of service id present in u.
func (s *Store) UpdateService(ctx context.Context, by hallq.Actor, id string, u hallq.ServiceUpdate) (*hallq.Service, error) {
	if _, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.UpdateService(now, by, id, u) }); err != nil {
		return nil, err
	}
	return s.FindService(ctx, id)
}

// FindTiers returns the tiers, by rank.
func (s *Store) FindTiers(ctx context.Context) ([]*hallq.Tier, error) {
	var out []*hallq.Tier
	s.read(func(f *hallq.Floor) { out = f.Tiers() })
	return out, nil
}

// FindTier returns tier id.
func (s *Store) FindTier(ctx context.Context, id string) (*hallq.Tier, error) { return s.findTier(id) }

func (s *Store) findTier(id string) (*hallq.Tier, error) {
	var out *hallq.Tier
	var err error
	s.read(func(f *hallq.Floor) { out, err = f.Tier(id) })
	return out, err
}

// CreateTier adds a tier.
func (s *Store) CreateTier(ctx context.Context, by hallq.Actor, t hallq.Tier) (*hallq.Tier, error) {
	if _, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.CreateTier(now, by, t) }); err != nil {
		return nil, err
	}
	return s.findTier(t.ID)
}

// UpdateTier changes the fields of tier id present in u.
func (s *Store) UpdateTier(ctx context.Context, by hallq.Actor, id string, u hallq.TierUpdate) (*hallq.Tier, error) {
	if _, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.UpdateTier(now, by, id, u) }); err != nil {
		return nil, err
	}
	return s.findTier(id)
}

// CreateCounter adds a counter, closed.
func (s *Store) CreateCounter(ctx context.Context, by hallq.Actor, n hallq.NewCounter) (*hallq.Counter, error) {
	ch, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.CreateCounter(now, by, n) })
	if err != nil {
		return nil, err
	}
	return ch.Counter, nil
}

// UpdateCounter changes the fields of counter id present in u.
func (s *Store) UpdateCounter(ctx context.Context, by hallq.Actor, id string, u hallq.CounterUpdate) (*hallq.Counter, error) {
	ch, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.UpdateCounter(now, by, id, u) })
	if err != nil {
		return nil, err
	}
	return ch.Counter, nil
}

// DeleteCounter removes a closed counter.
func (s *Store) DeleteCounter(ctx context.Context, by hallq.Actor, id string) error {
	_, err := s.change(ctx, func(now time.Time) (*hallq.Change, error) { return s.floor.DeleteCounter(now, by, id) })
	return err
}
