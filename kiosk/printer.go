package kiosk

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"time"

	"hallq"
)

// DefaultPrintTimeout bounds each step of talking to a printer when the
// Handler sets none: connecting, each status answer, taking the job.
const DefaultPrintTimeout = 2 * time.Second

// The real-time status requests of ESC/POS, DLE EOT n. A printer answers
// them at once, even when it is offline, with one byte each.
var (
	askPrinter = []byte{0x10, 0x04, 1} // printer status: bit 3 offline
	askOffline = []byte{0x10, 0x04, 2} // offline cause: bit 2 cover open
	askPaper   = []byte{0x10, 0x04, 4} // paper roll sensor: bits 2-3 near end, bits 5-6 end
)

// Bits of the status bytes.
const (
	statusFixedMask = 0x93 // bits 0, 1, 4 and 7 of every status byte ...
	statusFixed     = 0x12 // ... are 0, 1, 1 and 0
	statusOffline   = 0x08 // DLE EOT 1
	statusCoverOpen = 0x04 // DLE EOT 2
	statusPaperLow  = 0x0c // DLE EOT 4
	statusPaperOut  = 0x60 // DLE EOT 4
)

// status holds a printer's answers to DLE EOT 1, 2 and 4.
type status struct {
	printer, offline, paper byte
}

// problem returns what the status says is wrong with the printer, the most
// pressing first, or hallq.PrinterOK. A byte that is not a status byte is
// no answer.
func (s status) problem() string {
	for _, b := range []byte{s.printer, s.offline, s.paper} {
		if b&statusFixedMask != statusFixed {
			return hallq.PrinterOffline
		}
	}
	switch {
	case s.offline&statusCoverOpen != 0:
		return hallq.PrinterCoverOpen
	case s.paper&statusPaperOut != 0:
		return hallq.PrinterPaperOut
	case s.printer&statusOffline != 0:
		return hallq.PrinterOffline
	case s.paper&statusPaperLow != 0:
		return hallq.PrinterPaperLow
	}
	return hallq.PrinterOK
}

// prints reports whether a printer in state can print: it works, or its
// paper is only running low.
func prints(state string) bool {
	return state == hallq.PrinterOK || state == hallq.PrinterPaperLow
}

// sendJob asks the printer at addr for its status and, when it can print,
// sends job. It returns the printer's state: hallq.PrinterOK, a problem, or
// hallq.PrinterOffline when the printer cannot be reached, does not answer
// within timeout, or does not take the job. The job went out when the state
// prints.
func sendJob(ctx context.Context, addr string, timeout time.Duration, job []byte) string {
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		slog.Info("kiosk: a printer cannot be reached", "printer", addr, "err", err)
		return hallq.PrinterOffline
	}
	defer conn.Close()
	s, err := askStatus(conn, timeout)
	if err != nil {
		slog.Info("kiosk: a printer does not answer", "printer", addr, "err", err)
		return hallq.PrinterOffline
	}
	state := s.problem()
	if !prints(state) {
		return state
	}
	conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(job); err != nil {
		slog.Info("kiosk: a printer did not take a job", "printer", addr, "err", err)
		return hallq.PrinterOffline
	}
	return state
}

// askStatus asks the printer on conn for its real-time status, one request
// and one answer at a time, within timeout in all.
func askStatus(conn net.Conn, timeout time.Duration) (status, error) {
	conn.SetDeadline(time.Now().Add(timeout))
	var s status
	for _, q := range []struct {
		ask    []byte
		answer *byte
	}{{askPrinter, &s.printer}, {askOffline, &s.offline}, {askPaper, &s.paper}} {
		if _, err := conn.Write(q.ask); err != nil {
			return status{}, err
		}
		var b [1]byte
		if _, err := conn.Read(b[:]); err != nil {
			return status{}, err
		}
		*q.answer = b[0]
	}
	return s, nil
}

// printers are the kiosks' printers as the hub knows them: one job at a
// time on each, and the last state of each kiosk's printer, so that managers
// hear of changes only, not of every ticket a printer without paper misses.
// The zero value is ready.
type printers struct {
	mu    sync.Mutex
	turns map[string]chan struct{} // by printer address: a token while a job runs
	last  map[uint64]string        // by kiosk: the last state its printer was in
}

// print sends job to kiosk d's printer when it can print, and tells
// managers through alerts when the printer's state has changed. It returns
// the printer's state; an error only when ctx ended first.
func (p *printers) print(ctx context.Context, alerts hallq.AlertService, d *hallq.Device, timeout time.Duration, job []byte) (string, error) {
	turn := p.turn(d.Printer)
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-turn }()
	state := sendJob(ctx, d.Printer, timeout, job)
	if prev, changed := p.record(d.ID, state); changed {
		a := hallq.Alert{Kind: hallq.AlertPrinter, Device: d.ID, Name: d.Name, Problem: state}
		if err := alerts.RaiseAlert(context.WithoutCancel(ctx), a); err != nil {
			slog.Error("kiosk: a printer alert could not be raised", "device", d.ID, "problem", state, "err", err)
			p.restore(d.ID, prev)
		}
	}
	return state, nil
}

// turn returns the channel that lets one job at a time go to addr.
func (p *printers) turn(addr string) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.turns == nil {
		p.turns = make(map[string]chan struct{})
	}
	t, ok := p.turns[addr]
	if !ok {
		t = make(chan struct{}, 1)
		p.turns[addr] = t
	}
	return t
}

// record remembers state as kiosk id's printer's last and reports the one
// before it, and whether managers should hear of the change: a new state, but
// not a printer first seen working.
func (p *printers) record(id uint64, state string) (prev string, changed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = make(map[uint64]string)
	}
	prev, known := p.last[id]
	p.last[id] = state
	if !known {
		return "", state != hallq.PrinterOK
	}
	return prev, prev != state
}

// restore puts back the state kiosk id's printer had before record, so that
// a change managers did not hear of is told again on the next job.
func (p *printers) restore(id uint64, prev string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev == "" {
		delete(p.last, id)
		return
	}
	p.last[id] = prev
}
