package manager

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// jsonTime is the API's time format: RFC 3339 in UTC with milliseconds.
const jsonTime = "2006-01-02T15:04:05.000Z07:00"

// device is the API's Device object with when it was created and paired.
type device struct {
	*hallq.Device
	CreatedAt string `json:"created_at,omitempty"`
	PairedAt  string `json:"paired_at,omitempty"`
}

// deviceView returns d as the API shows it, with its pairing code only when
// withCode is set: in the reply that creates it, never in a list.
func deviceView(d *hallq.Device, withCode bool) device {
	c := *d
	if !withCode {
		c.Code = ""
	}
	return device{Device: &c, CreatedAt: formatTime(d.Created), PairedAt: formatTime(d.PairedAt)}
}

// formatTime writes t in the API's format, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(jsonTime)
}

// handleDeviceList returns every device, without pairing codes or tokens.
func (h *Handler) handleDeviceList(w http.ResponseWriter, r *http.Request) {
	devices, err := h.Devices.FindDevices(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	out := make([]device, 0, len(devices))
	for _, d := range devices {
		out = append(out, deviceView(d, false))
	}
	web.JSON(w, http.StatusOK, out)
}

// handleDeviceCreate records a pad or a kiosk to pair and returns it with
// its one-time pairing code, to type on the device.
func (h *Handler) handleDeviceCreate(w http.ResponseWriter, r *http.Request) {
	var n hallq.NewDevice
	if err := web.Decode(w, r, &n); err != nil {
		web.Error(w, r, err)
		return
	}
	d, err := h.Devices.CreateDevice(r.Context(), web.ActorFrom(r.Context()), n)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, deviceView(d, true))
}

// handleDeviceDelete unpairs a device: its token stops working at once.
func (h *Handler) handleDeviceDelete(w http.ResponseWriter, r *http.Request) {
	param := chi.URLParam(r, "id")
	id, err := strconv.ParseUint(param, 10, 64)
	if err != nil {
		web.Error(w, r, hallq.Errorf(hallq.EINVALID, "A device id is a whole number, such as 3; %q is not one.", param))
		return
	}
	noContent(w, r, h.Devices.DeleteDevice(r.Context(), web.ActorFrom(r.Context()), id))
}
