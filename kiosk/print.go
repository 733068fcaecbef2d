package kiosk

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// deviceReply is what a paired device learns about itself: enough for a
// kiosk's page to choose between the hub's printer and the browser's.
type deviceReply struct {
	ID      uint64 `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Counter string `json:"counter,omitempty"`
	Printer bool   `json:"printer"` // the hub prints its tickets
}

// handleDeviceMe replies with the paired device the request comes from; 401
// for any other client.
func (h *Handler) handleDeviceMe(w http.ResponseWriter, r *http.Request) {
	d := web.DeviceFrom(r.Context())
	if d == nil {
		web.Error(w, r, hallq.Errorf(hallq.EUNAUTHORIZED, "This screen is not paired with the hub; ask a manager for a pairing code."))
		return
	}
	h.Auth.KeepDeviceCookie(w, r)
	web.JSON(w, http.StatusOK, deviceReply{ID: d.ID, Kind: d.Kind, Name: d.Name, Counter: d.Counter, Printer: d.Printer != ""})
}

// printRequest is the body of a print request: the kiosk whose printer to
// use, for staff reprinting a ticket; a kiosk prints on its own.
type printRequest struct {
	Device uint64 `json:"device"`
}

// printReply is the reply to a ticket printed.
type printReply struct {
	Printed bool `json:"printed"`
}

// handleTicketPrint prints a ticket on a kiosk's network printer: a paired
// kiosk prints on its own; staff reprint on the one they name, or the only
// one. The ticket is never changed. A printer that cannot print gets 503
// unavailable, and its kiosk shows the ticket on screen.
func (h *Handler) handleTicketPrint(w http.ResponseWriter, r *http.Request) {
	if d := web.DeviceFrom(r.Context()); d != nil && d.Kind == hallq.DeviceKiosk && web.UserFrom(r.Context()) == nil {
		h.print(w, r)
		return
	}
	h.Auth.RequireStaff(http.HandlerFunc(h.print)).ServeHTTP(w, r)
}

// print prints the ticket of the path on the printer the request chooses,
// for a paired kiosk or staff.
func (h *Handler) print(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req printRequest
	if err := web.DecodeOptional(w, r, &req); err != nil {
		web.Error(w, r, err)
		return
	}
	if err := allow(h.PrintLimit, printClient(r)); err != nil {
		web.Error(w, r, err)
		return
	}
	t, err := h.Tickets.FindTicketByToken(ctx, chi.URLParam(r, "token"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if !t.State.Open() {
		web.Error(w, r, hallq.Errorf(hallq.ECONFLICT, "Ticket %s is %s; only a ticket still in the hall's queue is printed.", t.Number, t.State))
		return
	}
	d, err := h.printerFor(ctx, req)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	hall, err := h.Hall.FindHall(ctx)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	job, err := newSlip(hall, t, statusURL(r, t)).escpos()
	if err != nil {
		web.Error(w, r, err)
		return
	}
	state, err := h.printers.print(ctx, h.Alerts, h.alertClock(), d, h.printTimeout(), job)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if !prints(state) {
		web.Error(w, r, hallq.Errorf(hallq.EUNAVAILABLE, "%s The ticket is kept: show it on screen, and staff can reprint it.", printerProblem(state)))
		return
	}
	web.JSON(w, http.StatusOK, printReply{Printed: true})
}

// printTimeout returns the Handler's PrintTimeout, or DefaultPrintTimeout.
func (h *Handler) printTimeout() time.Duration {
	if h.PrintTimeout > 0 {
		return h.PrintTimeout
	}
	return DefaultPrintTimeout
}

// alertClock returns the Handler's clock of printer alerts, its defaults
// filled in.
func (h *Handler) alertClock() alertClock {
	c := alertClock{now: h.Now, every: h.AlertEvery}
	if c.now == nil {
		c.now = time.Now
	}
	if c.every <= 0 {
		c.every = DefaultAlertEvery
	}
	return c
}

// printClient returns the key of r's client in the print limit: the kiosk,
// or the staff member.
func printClient(r *http.Request) string {
	if u := web.UserFrom(r.Context()); u != nil {
		return "user\x00" + u.Username
	}
	return "device\x00" + strconv.FormatUint(web.DeviceFrom(r.Context()).ID, 10)
}

// printerFor returns the kiosk whose printer prints the ticket: the one
// staff name in req, else the kiosk the request comes from, else, for staff,
// the only kiosk with a printer.
func (h *Handler) printerFor(ctx context.Context, req printRequest) (*hallq.Device, error) {
	me, staff := web.DeviceFrom(ctx), web.UserFrom(ctx) != nil
	kiosk := me != nil && me.Kind == hallq.DeviceKiosk
	switch {
	case req.Device != 0 && !staff && req.Device != me.ID:
		return nil, hallq.Errorf(hallq.EFORBIDDEN, "A kiosk prints on its own printer only; staff can reprint on another.")
	case req.Device != 0:
		return h.namedPrinter(ctx, req.Device)
	case kiosk && (me.Printer != "" || !staff):
		if me.Printer == "" {
			return nil, hallq.Errorf(hallq.ECONFLICT, "This kiosk has no printer set; print the ticket from the browser, or ask a manager to set the kiosk's printer.")
		}
		return me, nil
	}
	return h.onlyPrinter(ctx)
}

// namedPrinter returns kiosk id, which must have a printer.
func (h *Handler) namedPrinter(ctx context.Context, id uint64) (*hallq.Device, error) {
	devices, err := h.Devices.FindDevices(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range devices {
		if d.ID != id {
			continue
		}
		if d.Kind != hallq.DeviceKiosk || d.Printer == "" {
			return nil, hallq.Errorf(hallq.EINVALID, "Device %d (%s) has no printer; choose a kiosk with one.", id, deviceName(d))
		}
		return d, nil
	}
	return nil, hallq.Errorf(hallq.EINVALID, "Device %d does not exist; choose a kiosk with a printer.", id)
}

// onlyPrinter returns the one kiosk with a printer: when there are several,
// staff must choose.
func (h *Handler) onlyPrinter(ctx context.Context) (*hallq.Device, error) {
	devices, err := h.Devices.FindDevices(ctx)
	if err != nil {
		return nil, err
	}
	var withPrinter []*hallq.Device
	for _, d := range devices {
		if d.Kind == hallq.DeviceKiosk && d.Printer != "" {
			withPrinter = append(withPrinter, d)
		}
	}
	switch len(withPrinter) {
	case 0:
		return nil, hallq.Errorf(hallq.ECONFLICT, "No kiosk has a printer set; a manager can set one when pairing a kiosk.")
	case 1:
		return withPrinter[0], nil
	}
	choices := make([]string, len(withPrinter))
	for i, d := range withPrinter {
		choices[i] = fmt.Sprintf("%d (%s)", d.ID, deviceName(d))
	}
	return nil, hallq.Errorf(hallq.EINVALID, "Several kiosks have printers; choose one with {\"device\": id}: %s.", strings.Join(choices, ", "))
}

// deviceName returns a device's name for a message.
func deviceName(d *hallq.Device) string {
	if d.Name != "" {
		return d.Name
	}
	return "no name"
}

// printerProblem says what stops a printer in state, as a sentence.
func printerProblem(state string) string {
	switch state {
	case hallq.PrinterPaperOut:
		return "The ticket printer is out of paper."
	case hallq.PrinterCoverOpen:
		return "The ticket printer's cover is open."
	}
	return "The ticket printer does not answer."
}
