package kiosk

import (
	"time"

	"hallq"
)

// StatusURL is statusURL, for tests of the address a QR code holds.
var StatusURL = statusURL

// The ESC/POS pieces, for table tests.
var (
	PrinterText = printerText
	Raster      = raster
	RasterQR    = rasterQR
	AheadText   = aheadText
	WaitText    = waitText
	SlipESCPOS  = slip.escpos
)

// Slip is a ticket slip's contents.
type Slip = slip

// StatusProblem decodes a printer's answers to DLE EOT 1, 2 and 4.
func StatusProblem(printer, offline, paper byte) string {
	return status{printer, offline, paper}.problem()
}

// PrinterNews returns the alerts managers hear of one printer found in
// each of states in turn, a minute apart, with alerts every the given
// interval at most; "" where they hear nothing.
func PrinterNews(every time.Duration, states ...string) []string {
	var p printers
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	out := make([]string, len(states))
	for i, state := range states {
		alert, told := p.next("printer", state, now, every)
		p.record("printer", alert, told, now)
		out[i] = alert
		now = now.Add(time.Minute)
	}
	return out
}

// PhoneChanged reports whether a phone that was sent ticket sent (at seq
// 1) is sent now (at seq 2).
func PhoneChanged(sent, now hallq.Ticket) bool {
	var p phones
	ph := &phone{view: sent, seq: 1, joined: 1}
	return p.changed(ph, update{ticket: &now, seq: 2})
}
