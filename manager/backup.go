package manager

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"hallq/web"
)

// handleBackup sends a consistent copy of the database file as a download
// named after the hall's local time.
func (h *Handler) handleBackup(w http.ResponseWriter, r *http.Request) {
	name, err := h.backupName(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	started := false
	paced := &pacedWriter{ctx: r.Context(), w: w, lim: rate.NewLimiter(backupRate, backupBurst)}
	err = h.Backup.Backup(r.Context(), paced, func(size int64) {
		started = true
		// The copy holds a read transaction while it streams: a client
		// that stalls is cut off rather than hold it for good.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(backupTimeLimit(size)))
		hd := w.Header()
		hd.Set("Content-Type", "application/octet-stream")
		hd.Set("Content-Length", strconv.FormatInt(size, 10))
		hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.WriteHeader(http.StatusOK)
	})
	switch {
	case err != nil && !started:
		web.Error(w, r, err)
	case err != nil:
		// The headers are sent: the client sees a download shorter than
		// its Content-Length, which is all that can be said now.
		slog.WarnContext(r.Context(), "manager: a backup download was cut short", "err", err)
	}
}

// A backup is sent at most this fast, so that a copy to a client on the
// hub's own PC (a script, a USB disk) leaves the disk and the cores to the
// hall; a year of tickets (about 1.1 GB) still takes under 3 s, and a
// download over the hall's network is slower than this anyway.
const (
	backupRate  = rate.Limit(400 << 20) // bytes a second
	backupBurst = 1 << 20
)

// pacedWriter writes to w no faster than lim allows.
type pacedWriter struct {
	ctx context.Context
	w   io.Writer
	lim *rate.Limiter
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		n := min(len(b), backupBurst)
		if err := p.lim.WaitN(p.ctx, n); err != nil {
			return written, err
		}
		m, err := p.w.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// backupTimeLimit is how long a backup of size bytes may take to download:
// ten minutes, and a second for each megabyte.
func backupTimeLimit(size int64) time.Duration {
	return 10*time.Minute + time.Duration(size>>20)*time.Second
}

// backupName returns the backup's file name, hallq-YYYYMMDD-HHMMSS.db, in
// the hall's time zone.
func (h *Handler) backupName(r *http.Request) (string, error) {
	hall, err := h.Hall.FindHall(r.Context())
	if err != nil {
		return "", err
	}
	now := h.now()
	// The zone was checked when it was set; should it fail to load here,
	// the name is in UTC rather than the backup refused.
	if loc, err := time.LoadLocation(hall.TimeZone); err == nil {
		now = now.In(loc)
	} else {
		now = now.UTC()
	}
	return "hallq-" + now.Format("20060102-150405") + ".db", nil
}
