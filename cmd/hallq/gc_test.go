package main

import "testing"

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 1600},        // nothing measured yet: as the smallest heap
		{4 << 20, 1600},  // a hub at rest: 64 MiB of headroom
		{10 << 20, 600},  // 640 % in steps of 50
		{64 << 20, 100},  // as much live as headroom: Go's default
		{500 << 20, 100}, // thousands of screens: never below the default
		{1 << 10, 1600},  // a tiny heap: as the smallest, so at most 1600 %
	} {
		if got := gcPercent(c.live, 64<<20); got != c.want {
			t.Errorf("gcPercent(%d MiB live) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

func TestHeadroomFor(t *testing.T) {
	for _, c := range []struct {
		perSecond, want uint64
	}{
		{0, 16 << 20},         // quiet screens: little garbage kept
		{30 << 20, 30 << 20},  // a second of allocations
		{500 << 20, 64 << 20}, // a busy hub: at most 64 MiB
	} {
		if got := headroomFor(c.perSecond); got != c.want {
			t.Errorf("headroomFor(%d MiB/s) = %d MiB, want %d MiB", c.perSecond>>20, got>>20, c.want>>20)
		}
	}
}
