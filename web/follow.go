package web

import (
	"context"

	"hallq"
)

// followBuffer is how many events a view may fall behind the store before
// its subscription is dropped and it starts over.
const followBuffer = 4096

// followBatch bounds how many events one call of a view's handler gets.
const followBatch = 256

// Follow hands the hall's committed events to handle in batches, in commit
// order, until ctx ends. A batch is whatever has arrived: a view does its
// work once per batch, however busy the hall. When the subscription falls
// behind and is dropped, Follow subscribes again first and then calls lost,
// which must make every client start over with a fresh snapshot.
func Follow(ctx context.Context, feed hallq.FeedService, handle func(batch []hallq.Event), lost func()) {
	sub := feed.Subscribe(followBuffer)
	defer func() { sub.Close() }()
	for {
		var batch []hallq.Event
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.Events():
			if !ok {
				sub = feed.Subscribe(followBuffer)
				lost()
				continue
			}
			batch = append(batch, e)
		}
	more:
		for len(batch) < followBatch {
			select {
			case e, ok := <-sub.Events():
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		handle(batch)
	}
}
