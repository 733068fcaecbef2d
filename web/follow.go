package web

import (
	"context"
	"time"

	"hallq"
)

// followBuffer is how many events a view may fall behind the store before
// its subscription is dropped and it starts over.
const followBuffer = 4096

// followBatch bounds how many events one call of a view's handler gets;
// a view sends at most one message per event, and a socket's queue
// (sendBuffer) holds two batches.
const followBatch = 128

// Follow subscribes the hub's view to the hall's committed events, lets
// sockets join, and hands the events to handle in batches, in commit order,
// until ctx ends; then it closes the hub. A batch is whatever has arrived: a
// view does its work once per batch, however busy the hall. Sockets that
// come before the subscription wait for it, so none misses an event. When
// the subscription falls behind and is dropped, Follow subscribes again and
// makes every socket start over with a fresh snapshot. With no socket
// joined, an event is not kept for the batch: a socket that joins later
// takes its snapshot (under the hub's lock, as Len counts) after the event
// was committed, and so holds it. The batch's slice is reused: handle must
// not keep it.
func (h *Hub) Follow(ctx context.Context, feed hallq.FeedService, handle func(batch []hallq.Event)) {
	sub := feed.Subscribe(followBuffer)
	defer func() { sub.Close() }()
	defer h.Close()
	h.open()
	recheck := time.NewTicker(recheckEvery)
	defer recheck.Stop()
	batch := make([]hallq.Event, 0, followBatch)
	for {
		clear(batch) // let the collector have the tickets the last batch named
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return
		case <-recheck.C:
			h.Recheck(ctx)
			continue
		case e, ok := <-sub.Events():
			if !ok {
				sub = feed.Subscribe(followBuffer)
				h.Reset()
				continue
			}
			batch = h.keep(batch, e)
		}
	more:
		for n := 1; n < followBatch; n++ {
			select {
			case e, ok := <-sub.Events():
				if !ok {
					break more
				}
				batch = h.keep(batch, e)
			default:
				break more
			}
		}
		if len(batch) > 0 {
			handle(batch)
		}
	}
}

// keep adds e to batch if a socket is joined, after e was received and so
// committed.
func (h *Hub) keep(batch []hallq.Event, e hallq.Event) []hallq.Event {
	if h.Len() == 0 {
		return batch
	}
	return append(batch, e)
}
