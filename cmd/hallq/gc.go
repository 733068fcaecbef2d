package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The heap may grow past what is live by about what the hub allocates in
// a second, within these bounds, before the garbage collector runs (or by
// what is live, when that is more).
const (
	minHeadroom = 16 << 20
	maxHeadroom = 64 << 20
)

// minHeap is the runtime's smallest heap goal.
const minHeap = 4 << 20

// keepGCHeadroom sets GOGC once a second, until ctx ends, so that the heap
// may grow by its live size (Go's default) or by headroomFor the second's
// allocations, whichever is more. The hub's live heap is a few megabytes,
// so under Go's default a busy hub collects every few hundred requests and
// spends a fifth of its CPU on it; a hub holding thousands of quiet screens
// allocates little, and keeps little garbage. GOGC, when set, decides
// instead.
func keepGCHeadroom(ctx context.Context) {
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	percent := 100
	headroom := uint64(maxHeadroom) // nothing measured yet: as if busy
	var allocated uint64            // by the last look
	for {
		metrics.Read(samples)
		now := samples[1].Value.Uint64()
		if allocated > 0 {
			headroom = headroomFor(now - allocated)
		}
		allocated = now
		if want := gcPercent(samples[0].Value.Uint64(), headroom); want != percent {
			debug.SetGCPercent(want)
			percent = want
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// headroomFor is the headroom for a hub that allocated perSecond bytes in
// the last second: about a collection a second, within the bounds.
func headroomFor(perSecond uint64) uint64 {
	return min(max(perSecond, minHeadroom), maxHeadroom)
}

// gcPercent is the GOGC that lets a live heap grow by headroom, or by
// itself when that is more, in steps of 50 so that a heap that moves a
// little does not move it. Before the first collection nothing is known
// to be live: the heap is taken as Go's smallest, 4 MiB, so that a hub
// busy from its start does not collect every few megabytes.
func gcPercent(live, headroom uint64) int {
	p := headroom * 100 / max(live, minHeap)
	return int(max(100, p/50*50))
}
