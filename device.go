package hallq

import (
	"net"
	"strconv"
	"time"
)

// The kinds of paired device.
const (
	DevicePad   = "pad"   // a rating pad facing the customer at a counter
	DeviceKiosk = "kiosk" // a kiosk, possibly with a network ticket printer
)

// Device is a rating pad or a kiosk a manager has paired with the hub. It
// proves itself with a device token, never with a staff login.
type Device struct {
	ID       uint64    `json:"id"`
	Kind     string    `json:"kind"`
	Name     string    `json:"name,omitempty"`
	Counter  string    `json:"counter,omitempty"` // a pad's counter
	Printer  string    `json:"printer,omitempty"` // a kiosk's ESC/POS printer, host:port
	Paired   bool      `json:"paired"`
	Created  time.Time `json:"-"`
	PairedAt time.Time `json:"-"`

	// Code is the one-time pairing code, shown once when the device is
	// created and until it is used.
	Code string `json:"code,omitempty"`
}

// NewDevice is a manager's description of a device to pair.
type NewDevice struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Counter string `json:"counter"`
	Printer string `json:"printer"`
}

// PairingLifetime is how long a pairing code can be used.
const PairingLifetime = 30 * time.Minute

// ValidateDevice checks a device to pair: a pad names an existing counter; a
// kiosk may name a printer as host:port (port 9100 if left out).
func (f *Floor) ValidateDevice(n *NewDevice) error {
	if err := (Text{EN: n.Name}).validate("device name", 64, false); err != nil {
		return err
	}
	switch n.Kind {
	case DevicePad:
		if n.Counter == "" {
			return Errorf(EINVALID, "Name the counter this rating pad faces customers at.")
		}
		if f.counter(n.Counter) == nil {
			return Errorf(EINVALID, "A rating pad belongs to a counter; counter %q does not exist.", n.Counter)
		}
		if n.Printer != "" {
			return Errorf(EINVALID, "A rating pad has no printer.")
		}
	case DeviceKiosk:
		if n.Counter != "" {
			return Errorf(EINVALID, "A kiosk belongs to the hall, not to a counter.")
		}
		if n.Printer != "" {
			host, port, err := net.SplitHostPort(n.Printer)
			if err != nil {
				host, port = n.Printer, "9100"
			}
			if p, err := strconv.Atoi(port); host == "" || err != nil || p < 1 || p > 65535 {
				return Errorf(EINVALID, "A printer is written host:port, for example 192.168.1.50:9100.")
			}
			n.Printer = net.JoinHostPort(host, port)
		}
	default:
		return Errorf(EINVALID, "A device is a pad or a kiosk; %q is neither.", n.Kind)
	}
	return nil
}
