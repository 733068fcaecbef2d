package kiosk

import (
	"context"
	"io"
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
	finish(conn)
	return state
}

// drainTime bounds how long a job's connection waits for the printer to
// end it, reading what the printer still sends.
const drainTime = 500 * time.Millisecond

// finish ends a job's connection gently: it closes the hub's side for
// writing, so the printer reads the job to its end, then reads and drops
// what the printer sends, until the printer closes or drainTime passes.
// Closing a connection with bytes unread, such as a printer's automatic
// status back, would reset it, and the printer could lose the end of the job.
func finish(conn net.Conn) {
	if c, ok := conn.(interface{ CloseWrite() error }); ok {
		c.CloseWrite()
	}
	conn.SetReadDeadline(time.Now().Add(drainTime))
	io.Copy(io.Discard, conn)
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

// DefaultAlertEvery is how often, at most, managers hear of the same
// problem with one printer when the Handler sets no AlertEvery.
const DefaultAlertEvery = 10 * time.Minute

// printers are the kiosks' printers as the hub knows them, by address: one
// job at a time on each, and what managers have heard of each, so that they
// hear of news only: not of every ticket a printer without paper misses,
// nor of every flap of a near-end paper sensor or a flaky link, nor twice
// when two kiosks share a printer. The zero value is ready.
type printers struct {
	mu    sync.Mutex
	turns map[string]chan struct{} // a token while a job runs
	news  map[string]*printerNews  // what managers have heard of the printer
}

// printerNews is what managers have heard of one printer.
type printerNews struct {
	// told is the state managers take the printer to be in: the last they
	// heard of, or hallq.PrinterOK once a printer low on paper has paper
	// again, or a printer first seen works.
	told string
	// raised is when managers last heard of each problem.
	raised map[string]time.Time
}

// alertClock is when an alert is raised and how often the same one may be.
type alertClock struct {
	now   func() time.Time
	every time.Duration
}

// print sends job to kiosk d's printer when it can print, and tells
// managers through alerts of news of the printer's state. It returns the
// printer's state; an error only when ctx ended first.
func (p *printers) print(ctx context.Context, alerts hallq.AlertService, clock alertClock, d *hallq.Device, timeout time.Duration, job []byte) (string, error) {
	turn := p.turn(d.Printer)
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-turn }()
	state := sendJob(ctx, d.Printer, timeout, job)
	// While the turn is held, no other job changes the printer's news.
	now := clock.now()
	alert, told := p.next(d.Printer, state, now, clock.every)
	if alert != "" {
		a := hallq.Alert{Kind: hallq.AlertPrinter, Device: d.ID, Name: d.Name, Printer: d.Printer, Problem: alert}
		if err := alerts.RaiseAlert(context.WithoutCancel(ctx), a); err != nil {
			// Managers did not hear of it: the next job tells it again.
			slog.Error("kiosk: a printer alert could not be raised", "device", d.ID, "printer", d.Printer, "problem", alert, "err", err)
			return state, nil
		}
	}
	p.record(d.Printer, alert, told, now)
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

// next returns what managers should hear of the printer at addr now that
// it is in state, or "" for nothing, and the state they then take it to be
// in.
func (p *printers) next(addr, state string, now time.Time, every time.Duration) (alert, told string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.news[addr].next(state, now, every)
}

// record remembers that managers take the printer at addr to be in told,
// and heard of alert, if any, at now.
func (p *printers) record(addr, alert, told string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.news == nil {
		p.news = make(map[string]*printerNews)
	}
	n, ok := p.news[addr]
	if !ok {
		n = &printerNews{raised: make(map[string]time.Time)}
		p.news[addr] = n
	}
	n.told = told
	if alert != "" {
		n.raised[alert] = now
	}
}

// stops reports whether a printer in state cannot print: managers hear
// when it works again.
func stops(state string) bool {
	return state != "" && !prints(state)
}

// next returns what managers should hear of a printer now in state, at now,
// or "" for nothing, and the state they then take it to be in. A problem is
// news when it is not the one they know of and they have not heard of it
// within every; that the printer works again is news once after any
// problem, and once when the printer is not known yet: after a restart the
// hub may still hold an alert for it, which only that news resolves.
func (n *printerNews) next(state string, now time.Time, every time.Duration) (alert, told string) {
	if n == nil {
		n = &printerNews{}
	}
	if state == n.told {
		return "", n.told
	}
	if state != hallq.PrinterOK {
		if at, ok := n.raised[state]; !ok || now.Sub(at) >= every {
			return state, state
		}
	}
	switch {
	case prints(state) && stops(n.told):
		// It works again, low on paper maybe, heard of lately.
		return hallq.PrinterOK, hallq.PrinterOK
	case state == hallq.PrinterOK:
		// It has paper again, or is not known yet: an alert of it open
		// since before a restart resolves.
		return hallq.PrinterOK, hallq.PrinterOK
	}
	// A problem managers heard of lately.
	return "", n.told
}
