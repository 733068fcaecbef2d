package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/bbolt"
)

// machine is what the table's header says about where it ran.
type machine struct {
	fs       string // the database directory's file system: type and device
	tmpfs    bool
	cpu      string
	cores    int
	nofile   uint64 // the open-file limit this process raised itself to
	nofileOf uint64 // its hard limit
}

func describeMachine(dir string) (machine, error) {
	m := machine{cores: runtime.NumCPU(), cpu: "unknown CPU"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return m, err
	}
	magic := map[int64]string{0xEF53: "ext2/3/4", 0x01021994: "tmpfs", 0x858458f6: "ramfs", 0x58465342: "xfs",
		0x9123683E: "btrfs", 0x794c7630: "overlayfs", 0x2FC12FC1: "zfs", 0x6969: "nfs", 0x65735546: "fuse"}
	kind, ok := magic[int64(st.Type)]
	if !ok {
		kind = fmt.Sprintf("statfs type %#x", st.Type)
	}
	m.tmpfs = kind == "tmpfs" || kind == "ramfs"
	m.fs = kind
	if out, err := exec.Command("df", "-PT", dir).Output(); err == nil {
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) == 2 {
			if f := strings.Fields(lines[1]); len(f) >= 7 {
				m.fs = fmt.Sprintf("%s on %s, mounted on %s (df -PT)", f[1], f[0], f[6])
			}
		}
	}
	return m, nil
}

// raiseFileLimit raises this process's open-file limit to its hard limit;
// the hubs it starts inherit it.
func raiseFileLimit(m *machine) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	m.nofile, m.nofileOf = lim.Cur, lim.Max
	return nil
}

// diskLimits are the disk's own figures, measured in the database's
// directory: what a durable commit cannot beat.
type diskLimits struct {
	fsyncP50, fsyncP99 time.Duration // 4 KiB write + fdatasync
	fsyncN             int
	boltRate           float64 // serial commits/s, one small Put per Update
	boltP50, boltP99   time.Duration
	boltN              int
}

// measureDisk writes 4 KiB and fdatasyncs it, again and again, for d; then
// commits one small Put per bbolt Update, one after another, for d.
func measureDisk(dir string, d time.Duration) (diskLimits, error) {
	var dl diskLimits
	path := filepath.Join(dir, "fsync.probe")
	f, err := os.Create(path)
	if err != nil {
		return dl, err
	}
	defer os.Remove(path)
	defer f.Close()
	// Allocate the 1 MiB first, so that the probe measures writes, not a
	// growing file.
	page := make([]byte, 4096)
	for i := range 256 {
		if _, err := f.WriteAt(page, int64(i)*4096); err != nil {
			return dl, err
		}
	}
	if err := f.Sync(); err != nil {
		return dl, err
	}
	var lat []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		t0 := time.Now()
		if _, err := f.WriteAt(page, int64(len(lat)%256)*4096); err != nil {
			return dl, err
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return dl, err
		}
		lat = append(lat, time.Since(t0))
	}
	dl.fsyncN = len(lat)
	dl.fsyncP50, dl.fsyncP99 = percentile(lat, 50), percentile(lat, 99)

	boltPath := filepath.Join(dir, "bolt.probe")
	os.Remove(boltPath)
	defer os.Remove(boltPath)
	db, err := bbolt.Open(boltPath, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return dl, err
	}
	defer db.Close()
	name := []byte("tickets")
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(name); return err }); err != nil {
		return dl, err
	}
	value := make([]byte, 200) // about a ticket's record
	lat = lat[:0]
	began := time.Now()
	for end := began.Add(d); time.Now().Before(end); {
		t0 := time.Now()
		err := db.Update(func(tx *bbolt.Tx) error {
			var key [8]byte
			binary.BigEndian.PutUint64(key[:], uint64(len(lat)+1))
			return tx.Bucket(name).Put(key[:], value)
		})
		if err != nil {
			return dl, err
		}
		lat = append(lat, time.Since(t0))
	}
	dl.boltN = len(lat)
	dl.boltRate = float64(len(lat)) / time.Since(began).Seconds()
	dl.boltP50, dl.boltP99 = percentile(lat, 50), percentile(lat, 99)
	return dl, nil
}
