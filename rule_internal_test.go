package hallq

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkPick measures choosing the next ticket by the call-order rule
// among 10,000 waiting of every tier in three services, at a general
// counter and at the VIP window: it looks near the front of each queue, not
// at every ticket.
func BenchmarkPick(b *testing.B) {
	for _, waiting := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("waiting=%d", waiting), func(b *testing.B) {
			f, err := NewFloor(DefaultFloor("Asia/Shanghai"))
			if err != nil {
				b.Fatal(err)
			}
			now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
			f.Advance(now)
			tiers := []string{"", "", "", "", "", "", "", "", "silver", "gold"}
			for i := range waiting {
				now = now.Add(time.Second)
				if _, err := f.Issue(now, IssueOrder{Service: []string{"A", "B", "C"}[i%3], Tier: tiers[i%len(tiers)], By: Actor{Name: "clerk", Role: RoleStaff}}); err != nil {
					b.Fatal(err)
				}
			}
			for _, id := range []string{"1", "4"} {
				c := f.counter(id)
				b.Run("counter="+id, func(b *testing.B) {
					for b.Loop() {
						if t, _, _ := f.pick(c); t == nil {
							b.Fatal("nobody to call")
						}
					}
				})
			}
		})
	}
}
