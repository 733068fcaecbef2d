package store

import (
	"context"
	"fmt"
	"io"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.BackupService = (*Store)(nil)

// Backup writes a consistent copy of the database to w, from one read
// transaction, while the hall goes on. The writer is not held back however
// slowly w takes it, since the file is mapped far ahead (mmapSize); the
// pages the hall frees meanwhile are reused only once the copy is done, so
// the file grows by what the hall writes during a backup. A caller that
// sends to a client bounds how long that may take.
func (s *Store) Backup(ctx context.Context, w io.Writer, size func(int64)) error {
	err := s.db.View(func(tx *bbolt.Tx) error {
		size(tx.Size())
		_, err := tx.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("sending a backup: %w", err)
	}
	return nil
}
