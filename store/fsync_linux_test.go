package store

import (
	"os"
	"syscall"
)

// fdatasync is what bbolt does on Linux at every commit.
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
