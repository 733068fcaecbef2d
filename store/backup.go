package store

import (
	"context"
	"fmt"
	"io"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.BackupService = (*Store)(nil)

// Backup writes a consistent copy of the database to w from a read
// transaction; ticket issue goes on meanwhile.
func (s *Store) Backup(ctx context.Context, w io.Writer, size func(int64)) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		size(tx.Size())
		if _, err := tx.WriteTo(w); err != nil {
			return fmt.Errorf("writing a backup: %w", err)
		}
		return nil
	})
}
