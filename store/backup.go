package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"

	"hallq"
)

var _ hallq.BackupService = (*Store)(nil)

// Backup writes a consistent copy of the database to w. The copy is first
// made to a file beside the database, at the speed of the disk, and only
// then streamed: a slow download never holds the read transaction that
// would keep the writer from growing the file.
func (s *Store) Backup(ctx context.Context, w io.Writer, size func(int64)) error {
	f, err := os.CreateTemp(filepath.Dir(s.db.Path()), ".hallq-backup-*")
	if err != nil {
		return fmt.Errorf("making a backup file: %w", err)
	}
	// Unlinked at once, and read through the open file: a crash while a
	// backup streams leaves no copy behind to fill the disk.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return fmt.Errorf("making a backup file: %w", err)
	}
	defer f.Close()
	var n int64
	err = s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Size()
		_, err := tx.WriteTo(f)
		return err
	})
	if err != nil {
		return fmt.Errorf("copying the database: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading the backup file: %w", err)
	}
	size(n)
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("sending a backup: %w", err)
	}
	return nil
}
