// Package fakeclock is a clock for tests: it moves only when told, so tests
// of hall days, rate limits and alerts need no sleeps.
package fakeclock

import (
	"fmt"
	"sync"
	"time"
	"unsafe"
)

// Clock is a clock that moves only when told. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock showing t. Its times carry no monotonic reading.
func New(t time.Time) *Clock { return &Clock{t: t} }

// NewMonotonic returns a clock showing t whose times carry a monotonic
// reading, as those of time.Now do: Add moves the wall clock and the
// monotonic reading together, Step moves only the wall clock. Code that
// compares such times with Before or Sub compares monotonic readings and
// never sees a Step.
func NewMonotonic(t time.Time) *Clock {
	return &Clock{t: withWall(time.Now(), t)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Step moves the wall clock by d, back when d < 0, as an NTP step or a
// person setting the clock does. The monotonic reading, if the clock's
// times carry one, does not move.
func (c *Clock) Step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !hasMonotonic(c.t) {
		c.t = c.t.Add(d)
		return
	}
	c.t = withWall(c.t, c.t.Round(0).Add(d))
}

// layout is time.Time's representation. With the hasMonotonic bit set, wall
// holds 33 bits of seconds since 1885 above 30 bits of nanoseconds, and ext
// the monotonic reading.
type layout struct {
	wall uint64
	ext  int64
	loc  *time.Location
}

const (
	monotonicBit = 1 << 63
	nsecBits     = 30
	secMask      = 1<<33 - 1
)

func hasMonotonic(t time.Time) bool {
	return (*layout)(unsafe.Pointer(&t)).wall&monotonicBit != 0
}

// withWall returns m, which carries a monotonic reading, showing the wall
// time of wall in wall's location instead. (In would drop the reading.)
func withWall(m, wall time.Time) time.Time {
	if !hasMonotonic(m) {
		panic("fakeclock: the base time has no monotonic reading")
	}
	d := wall.Sub(m.Round(0))
	l := (*layout)(unsafe.Pointer(&m))
	sec := int64(l.wall>>nsecBits&secMask) + int64(d/time.Second)
	nsec := int64(l.wall&(1<<nsecBits-1)) + int64(d%time.Second)
	if nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	} else if nsec >= 1e9 {
		sec, nsec = sec+1, nsec-1e9
	}
	if sec < 0 || sec > secMask {
		panic(fmt.Sprintf("fakeclock: %v is outside the years a monotonic time can show", wall))
	}
	l.wall = monotonicBit | uint64(sec)<<nsecBits | uint64(nsec)
	l.loc = (*layout)(unsafe.Pointer(&wall)).loc
	if !m.Round(0).Equal(wall) || !hasMonotonic(m) {
		panic(fmt.Sprintf("fakeclock: time.Time's layout is not the one this clock knows (%v, want %v)", m, wall))
	}
	return m
}
