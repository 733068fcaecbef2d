package store

import (
	"sync"
	"time"

	"hallq"
)

// feed hands committed events to subscribers. A subscriber that falls a
// whole buffer behind is dropped, its channel closed: it never slows the
// writer, and it takes a fresh snapshot when it comes back.
type feed struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

var _ hallq.FeedService = (*Store)(nil)

// Subscription receives, in commit order, the events committed after it
// began. Its channel is closed when the subscriber fell behind or the store
// closed.
type Subscription struct {
	Seq  uint64 // the last event committed before the subscription began
	c    chan hallq.Event
	feed *feed
}

// Events delivers the events.
func (sub *Subscription) Events() <-chan hallq.Event { return sub.c }

// Subscribe starts a subscription with room for buffer events.
func (s *Store) Subscribe(buffer int) hallq.Subscription { return s.subscribe(buffer) }

// ReadFloor runs fn with the Floor as of the last commit, its sequence
// number and the store's time, under the read lock: fn must only read, and
// be quick.
func (s *Store) ReadFloor(fn func(f *hallq.Floor, seq uint64, now time.Time)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.floor, s.seq, s.floor.HallTime(s.now()))
}

func (s *Store) subscribe(buffer int) *Subscription {
	s.mu.RLock() // no commit publishes while the subscription takes its seq
	defer s.mu.RUnlock()
	c := make(chan hallq.Event, buffer)
	sub := &Subscription{Seq: s.seq, c: c, feed: &s.feed}
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.subs == nil {
		s.feed.subs = map[*Subscription]struct{}{}
	}
	s.feed.subs[sub] = struct{}{}
	return sub
}

// Close ends the subscription.
func (sub *Subscription) Close() {
	sub.feed.mu.Lock()
	defer sub.feed.mu.Unlock()
	sub.feed.dropLocked(sub)
}

func (f *feed) dropLocked(sub *Subscription) {
	if _, ok := f.subs[sub]; ok {
		delete(f.subs, sub)
		close(sub.c)
	}
}

// publish sends events to every subscriber without waiting on any.
func (f *feed) publish(events []hallq.Event) {
	if len(events) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		for _, e := range events {
			select {
			case sub.c <- e:
			default:
				f.dropLocked(sub)
			}
			if _, ok := f.subs[sub]; !ok {
				break
			}
		}
	}
}

func (f *feed) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		f.dropLocked(sub)
	}
}
