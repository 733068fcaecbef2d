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
	h := f.heads(func(t *Ticket) bool { return t.Target == c.ID || t.Target == "" && c.serves(t.Service) }, c.VIPFirst)
	spare := false
	if h.first == nil {
		h = f.heads(func(t *Ticket) bool { return t.Target == "" && indexOf(c.AlsoServes, t.Service) >= 0 }, c.VIPFirst)
		spare = true
	}
	if h.first == nil {
		return nil, c.Streak, ""
	}
	switch {
	case c.VIPFirst:
		t, streak, mode = h.vipFirst(), c.Streak, ByVIPFirst
	default:
		t, streak = h.general(c.Streak, f.settings.VIPStreakCap)
		mode = ByRule
	}
	if spare {
		mode = BySpare
	}
	return t, streak, mode
}

// heads are the waiting tickets a counter may call that the rule looks at:
// the one with the smallest key (V), the oldest regular one (R), and the
// VIP one with the smallest key.
type heads struct {
	first, regular, vip *Ticket
}

// heads returns the heads among the waiting tickets that match take. Each
// service's queue is in key order, and a regular ticket's key is its issue
// time, so each head is found near the front of its queue: choosing the
// next ticket costs the same with 10,000 waiting as with 10. The VIP head
// is looked for only when wantVIP, and in queues that hold a VIP.
func (f *Floor) heads(take func(*Ticket) bool, wantVIP bool) heads {
	var h heads
	for service, q := range f.queues {
		var first, regular, vip *Ticket
		lookVIP := wantVIP && f.vipsWaiting[service] > 0
		for _, t := range q {
			if !take(t) {
				continue
			}
			if first == nil {
				first = t
			}
			if t.VIP() {
				if vip == nil {
					vip = t
				}
			} else if regular == nil {
				regular = t
			}
			if regular != nil && (vip != nil || !lookVIP) {
				break
			}
		}
		if first != nil && (h.first == nil || queueLess(first, h.first)) {
			h.first = first
		}
		if regular != nil && (h.regular == nil || issuedBefore(regular, h.regular)) {
			h.regular = regular
		}
		if vip != nil && (h.vip == nil || queueLess(vip, h.vip)) {
			h.vip = vip
		}
	}
	return h
}

// general is the rule of a general counter. V is the waiting ticket with the
// smallest key (ties: lower id), R the oldest waiting regular ticket:
//   - V regular, or no R: call V, streak 0;
//   - R issued before V, streak at the cap: call R, streak 0;
//   - R issued before V: call V, streak + 1;
//   - otherwise: call V.
func (h heads) general(streak, cap int) (*Ticket, int) {
	v, r := h.first, h.regular
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
func (h heads) vipFirst() *Ticket {
	if h.vip != nil {
		return h.vip
	}
	return h.first
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
