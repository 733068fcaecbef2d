package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcHeadroom is how far the heap may grow past what is live before the
// garbage collector runs, at least.
const gcHeadroom = 64 << 20

// minHeap is the runtime's smallest heap goal.
const minHeap = 4 << 20

// keepGCHeadroom lets the heap grow by its live size (Go's default) or by
// headroom, whichever is more, until ctx ends. The hub's live heap is a few
// megabytes, so under Go's default a busy hub collects every few hundred
// requests and spends a fifth of its CPU on it; with a few thousand screens
// the live heap is large and the default applies again, so memory stays
// twice what is live. It looks once a second; GOGC, when set, decides
// instead.
func keepGCHeadroom(ctx context.Context, headroom uint64) {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	percent := 100
	for {
		metrics.Read(live)
		if want := gcPercent(live[0].Value.Uint64(), headroom); want != percent {
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

// gcPercent is the GOGC that lets a live heap grow by headroom, or by
// itself when that is more, in steps of 50 so that a heap that moves a
// little does not move it. Before the first collection nothing is known
// to be live: the heap is taken as Go's smallest, 4 MiB, so that a hub
// busy from its start does not collect every few megabytes.
func gcPercent(live, headroom uint64) int {
	p := headroom * 100 / max(live, minHeap)
	return int(max(100, p/50*50))
}
