package main

import "testing"

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},         // nothing measured yet
		{4 << 20, 1600},  // a hub at rest: 64 MiB of headroom
		{10 << 20, 600},  // 640 % in steps of 50
		{64 << 20, 100},  // as much live as headroom: Go's default
		{500 << 20, 100}, // thousands of screens: never below the default
		{1 << 10, 10000}, // a tiny heap: bounded
	} {
		if got := gcPercent(c.live, 64<<20); got != c.want {
			t.Errorf("gcPercent(%d MiB live) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}
