package hallq

import "time"

// This file is the call-order rule of DESIGN.md, "The differentiated-service
// rule". It reads the waiting tickets and changes nothing.

// pick chooses the ticket counter c calls on next, the counter's streak after
// the call, and how the ticket was chosen. It returns nil when nothing the
// counter takes is waiting.
//
// A counter takes tickets of its Services (and any transferred to it) first;
// its AlsoServes only when none of those wait. A ticket transferred to one
// counter is taken by no other.
func (f *Floor) pick(c *Counter) (t *Ticket, streak int, mode CallMode) {
	cands := f.candidates(c, func(t *Ticket) bool { return t.Target == c.ID || t.Target == "" && c.serves(t.Service) })
	spare := false
	if len(cands) == 0 {
		cands = f.candidates(c, func(t *Ticket) bool { return t.Target == "" && indexOf(c.AlsoServes, t.Service) >= 0 })
		spare = true
	}
	if len(cands) == 0 {
		return nil, c.Streak, ""
	}
	switch {
	case c.VIPFirst:
		t, streak, mode = vipFirst(cands), c.Streak, ByVIPFirst
	default:
		t, streak = general(cands, c.Streak, f.settings.VIPStreakCap)
		mode = ByRule
	}
	if spare {
		mode = BySpare
	}
	return t, streak, mode
}

// candidates returns the waiting tickets that match take, in no set order.
func (f *Floor) candidates(c *Counter, take func(*Ticket) bool) []*Ticket {
	var out []*Ticket
	for _, q := range f.queues {
		for _, t := range q {
			if take(t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// general is the rule of a general counter. V is the waiting ticket with the
// smallest key (ties: lower id), R the oldest waiting regular ticket:
//   - V regular, or no R: call V, streak 0;
//   - R issued before V, streak at the cap: call R, streak 0;
//   - R issued before V: call V, streak + 1;
//   - otherwise: call V.
func general(cands []*Ticket, streak, cap int) (*Ticket, int) {
	var v, r *Ticket
	for _, t := range cands {
		if v == nil || queueLess(t, v) {
			v = t
		}
		if !t.VIP() && (r == nil || issuedBefore(t, r)) {
			r = t
		}
	}
	switch {
	case !v.VIP() || r == nil:
		return v, 0
	case r.IssuedAt.Before(v.IssuedAt) && streak >= cap:
		return r, 0
	case r.IssuedAt.Before(v.IssuedAt):
		return v, streak + 1
	}
	return v, streak
}

// vipFirst is the rule of the VIP window: VIP tickets by key, then the others
// by key.
func vipFirst(cands []*Ticket) *Ticket {
	var best *Ticket
	for _, t := range cands {
		if best == nil || t.VIP() && !best.VIP() || t.VIP() == best.VIP() && queueLess(t, best) {
			best = t
		}
	}
	return best
}

func issuedBefore(a, b *Ticket) bool {
	if !a.IssuedAt.Equal(b.IssuedAt) {
		return a.IssuedAt.Before(b.IssuedAt)
	}
	return a.ID < b.ID
}

// HeadStartMax returns D_max, the bound the hall publishes: the largest head
// start in effect, among the tiers and the tickets still waiting (a head
// start lowered today still holds for tickets issued before).
func (f *Floor) HeadStartMax() time.Duration {
	var max time.Duration
	for _, t := range f.tiers {
		max = maxDuration(max, t.HeadStart())
	}
	for _, q := range f.queues {
		for _, t := range q {
			max = maxDuration(max, t.HeadStart)
		}
	}
	return max
}

func maxDuration(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}
