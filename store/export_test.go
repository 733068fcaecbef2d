package store

import (
	"context"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

// FailNextCommit makes the store's next commit run fault in place of
// tx.Commit: a test fails a commit as a failing disk would.
func FailNextCommit(s *Store, fault func(tx *bbolt.Tx) error) { s.commitFault.Store(&fault) }

// HoldWriter blocks the writer inside a request of its own until release
// is called, so that the requests sent meanwhile share the next commit.
func HoldWriter(s *Store) (release func()) {
	inside, hold := make(chan struct{}), make(chan struct{})
	go s.writeData(context.Background(), func(*bbolt.Tx, time.Time) (any, error) {
		close(inside)
		<-hold
		return nil, hallq.Errorf(hallq.ECONFLICT, "held") // refused: it writes nothing
	})
	<-inside
	return func() { close(hold) }
}

// Queued returns how many requests wait for the writer.
func Queued(s *Store) int { return len(s.ops) }

// MmapSize is how much of the file at path is mapped at open.
var MmapSize = mmapSize
