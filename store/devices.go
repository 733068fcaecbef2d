package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"hallq"
)

var (
	_ hallq.DeviceService = (*Store)(nil)
	_ hallq.RatingService = (*Store)(nil)
	_ hallq.AlertService  = (*Store)(nil)
)

// pairingAlphabet has no letters that read like digits (no I, O, 0, 1).
const pairingAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPairingCode returns 8 characters: 40 random bits, typed on a pad's
// screen in seconds, valid for PairingLifetime and rate-limited by the API.
func newPairingCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a pairing code: %w", err)
	}
	for i := range b {
		b[i] = pairingAlphabet[int(b[i])%len(pairingAlphabet)]
	}
	return string(b), nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func getDevice(tx *bbolt.Tx, id uint64) (*deviceRecord, error) {
	v := tx.Bucket(bucketDevices).Get(itob(id))
	if v == nil {
		return nil, hallq.Errorf(hallq.ENOTFOUND, "Device %d does not exist.", id)
	}
	var r deviceRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading device %d: %w", id, err)
	}
	return &r, nil
}

func (r *deviceRecord) device(id uint64) *hallq.Device {
	return &hallq.Device{ID: id, Kind: r.Kind, Name: r.Name, Counter: r.Counter, Printer: r.Printer,
		Paired: r.TokenHash != nil, Created: fromNanos(r.Created), PairedAt: fromNanos(r.PairedAt)}
}

// CreateDevice records a device to pair and returns it with its one-time
// pairing code.
func (s *Store) CreateDevice(ctx context.Context, by hallq.Actor, n hallq.NewDevice) (*hallq.Device, error) {
	code, err := newPairingCode()
	if err != nil {
		return nil, err
	}
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		if err := s.floor.ValidateDevice(&n); err != nil {
			return nil, err
		}
		b := tx.Bucket(bucketDevices)
		id, err := b.NextSequence()
		if err != nil {
			return nil, fmt.Errorf("numbering a device: %w", err)
		}
		r := deviceRecord{Kind: n.Kind, Name: n.Name, Counter: n.Counter, Printer: n.Printer, Created: now.UnixNano(),
			CodeHash: hashSecret(code), CodeExpires: now.Add(hallq.PairingLifetime).UnixNano()}
		if err := b.Put(itob(id), marshal(r)); err != nil {
			return nil, err
		}
		d := r.device(id)
		d.Code = code
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Device), nil
}

// FindDevices returns every device, in the order they were created.
func (s *Store) FindDevices(ctx context.Context) ([]*hallq.Device, error) {
	out := []*hallq.Device{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			var r deviceRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading device %d: %w", btoi(k), err)
			}
			out = append(out, r.device(btoi(k)))
			return nil
		})
	})
	return out, err
}

// DeleteDevice unpairs a device: its token stops working at once.
func (s *Store) DeleteDevice(ctx context.Context, by hallq.Actor, id uint64) error {
	_, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		r, err := getDevice(tx, id)
		if err != nil {
			return nil, nil, err
		}
		if r.TokenHash != nil {
			if err := tx.Bucket(bucketDevToken).Delete(r.TokenHash); err != nil {
				return nil, nil, err
			}
		}
		if err := tx.Bucket(bucketDevices).Delete(itob(id)); err != nil {
			return nil, nil, err
		}
		return s.resolvePrinterOf(tx, now, by, id, r)
	})
	return err
}

// resolvePrinterOf resolves the printer alert of kiosk id, deleted, when no
// other kiosk shares its printer: nobody is left to say it works again.
func (s *Store) resolvePrinterOf(tx *bbolt.Tx, now time.Time, by hallq.Actor, id uint64, r *deviceRecord) (*hallq.Change, any, error) {
	if r.Kind != hallq.DeviceKiosk {
		return nil, nil, nil
	}
	shared := false
	err := tx.Bucket(bucketDevices).ForEach(func(_, v []byte) error {
		var o deviceRecord
		if json.Unmarshal(v, &o) == nil && o.Kind == hallq.DeviceKiosk && r.Printer != "" && o.Printer == r.Printer {
			shared = true
		}
		return nil
	})
	if err != nil || shared {
		return nil, nil, err
	}
	for _, a := range s.floor.Alerts() {
		if a.Kind == hallq.AlertPrinter && (r.Printer != "" && a.Printer == r.Printer || a.Device == id) {
			note := fmt.Sprintf("Kiosk %s was removed.", cmp.Or(r.Name, strconv.FormatUint(id, 10)))
			ch, _, err := s.floor.ResolveAlert(now, by, a.ID, note, hallq.AlertContext{})
			return ch, nil, err
		}
	}
	return nil, nil, nil
}

var errBadCode = hallq.Errorf(hallq.EUNAUTHORIZED, "This pairing code is wrong or has expired; ask a manager for a new one.")

// PairDevice trades a pairing code for the device and its token. A code
// works once, within PairingLifetime.
func (s *Store) PairDevice(ctx context.Context, code string) (*hallq.Device, string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 8 {
		return nil, "", errBadCode
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", fmt.Errorf("making a device token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	want := hashSecret(code)
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		var id uint64
		var found *deviceRecord
		err := tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			var r deviceRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading device %d: %w", btoi(k), err)
			}
			if r.CodeHash != nil && subtle.ConstantTimeCompare(r.CodeHash, want) == 1 && now.UnixNano() < r.CodeExpires {
				id, found = btoi(k), &r
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if found == nil {
			return nil, errBadCode
		}
		if found.TokenHash != nil {
			if err := tx.Bucket(bucketDevToken).Delete(found.TokenHash); err != nil {
				return nil, err
			}
		}
		found.CodeHash, found.CodeExpires = nil, 0
		found.TokenHash, found.PairedAt = hashSecret(token), now.UnixNano()
		if err := tx.Bucket(bucketDevices).Put(itob(id), marshal(found)); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketDevToken).Put(found.TokenHash, itob(id)); err != nil {
			return nil, err
		}
		return found.device(id), nil
	})
	if err != nil {
		return nil, "", err
	}
	return res.(*hallq.Device), token, nil
}

var errNoDevice = hallq.Errorf(hallq.EUNAUTHORIZED, "This device is not paired with the hub; ask a manager to pair it.")

// FindDeviceByToken returns the paired device with this token.
func (s *Store) FindDeviceByToken(ctx context.Context, token string) (*hallq.Device, error) {
	var d *hallq.Device
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketDevToken).Get(hashSecret(token))
		if v == nil || token == "" {
			return errNoDevice
		}
		r, err := getDevice(tx, btoi(v))
		if err != nil {
			return err
		}
		d = r.device(btoi(v))
		return nil
	})
	return d, err
}

// RateTicket records a customer's score for the ticket just finished at a
// counter.
func (s *Store) RateTicket(ctx context.Context, counter string, ticket uint64, score int) (*hallq.Ticket, error) {
	res, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		ch, err := s.floor.Rate(now, counter, ticket, score)
		if err != nil {
			return nil, nil, err
		}
		return ch, ch.Ticket, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.Ticket), nil
}

// RaiseAlert records an alert from outside the Floor, such as a printer's.
func (s *Store) RaiseAlert(ctx context.Context, a hallq.Alert) error {
	_, err := s.write(ctx, func(tx *bbolt.Tx, now time.Time) (*hallq.Change, any, error) {
		ch, err := s.floor.RaiseAlert(now, a)
		return ch, nil, err
	})
	return err
}
