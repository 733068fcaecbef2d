package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"hallq"
)

// Events are most of what a hall keeps: five or more for every ticket, for
// years. They are written in a compact binary form of their record, a few
// dozen bytes each: a marker byte, then fields as a tag and a value (a
// varint, or a length and bytes), times but the event's own as signed
// offsets from it. Records written before start with '{' and are JSON;
// both read back as the same eventRecord.

const binaryEvent = 0xB1 // the first byte of a binary event record

// The tags of an event record's fields.
const (
	tagType = 1 + iota
	tagTypeName
	tagAt
	tagStaff
	tagCounter
	tagMode
	tagReason
	tagFrom
	tagSubject
	tagComplaint
	tagTicketID
	tagChange
	tagAlert
	tagCall
)

// The tags of a ticket change's fields.
const (
	chNumber = 1 + iota
	chService
	chTier
	chState
	chIssuedAt
	chLegAt
	chLeg
	chCalledAt
	chServedAt
	chFinishedAt
	chCounter
	chStaff
	chEta
	chEtaLow
	chEtaHigh
	chRating
	chRatedBy
	chCleared
)

// The tags of a call's fields.
const (
	callTicket = 1 + iota
	callNumber
	callService
	callCounter
	callNameEN
	callNameZH
	callAt
	callRecall
)

// eventTypes are the event types a record names by a small number; any
// other is written out. The order is the file format: only append.
var eventTypes = []hallq.EventType{
	hallq.TicketIssued, hallq.TicketCalled, hallq.TicketRecalled, hallq.TicketStarted, hallq.TicketDone,
	hallq.TicketNoShow, hallq.TicketCancelled, hallq.TicketTransferred, hallq.TicketExpired,
	hallq.TicketRetargeted, hallq.TicketRated, hallq.AlertRaised, hallq.ComplaintRaised,
	hallq.CounterOpened, hallq.CounterPaused, hallq.CounterClosed, hallq.CounterCreated,
	hallq.CounterUpdated, hallq.CounterDeleted, hallq.HallUpdated, hallq.ServiceCreated,
	hallq.ServiceUpdated, hallq.ServiceHours, hallq.TierCreated, hallq.TierUpdated, hallq.DayStarted,
	hallq.SlidesChanged, hallq.VoiceChanged, hallq.AlertEscalated, hallq.AlertUpdated,
	hallq.AlertAcknowledged, hallq.AlertResolved,
}

// encoder appends tagged fields to a record.
type encoder struct{ b []byte }

func (e *encoder) uint(tag byte, v uint64) {
	e.b = append(e.b, tag)
	e.b = binary.AppendUvarint(e.b, v)
}

func (e *encoder) int(tag byte, v int64) {
	e.b = append(e.b, tag)
	e.b = binary.AppendVarint(e.b, v)
}

func (e *encoder) bytes(tag byte, v []byte) {
	e.b = append(e.b, tag)
	e.b = binary.AppendUvarint(e.b, uint64(len(v)))
	e.b = append(e.b, v...)
}

func (e *encoder) str(tag byte, v string) {
	if v != "" {
		e.bytes(tag, []byte(v))
	}
}

// time writes t as an offset from the event's time at, when set.
func (e *encoder) time(tag byte, t, at int64) {
	if t != 0 {
		e.int(tag, t-at)
	}
}

func (e *encoder) nonzero(tag byte, v int) {
	if v != 0 {
		e.int(tag, int64(v))
	}
}

// encodeEventRecord returns r in the binary form.
func encodeEventRecord(r *eventRecord) []byte {
	e := &encoder{b: make([]byte, 0, 64)}
	e.b = append(e.b, binaryEvent)
	if i := typeCode(hallq.EventType(r.Type)); i >= 0 {
		e.uint(tagType, uint64(i))
	} else {
		e.str(tagTypeName, r.Type)
	}
	e.int(tagAt, r.At)
	e.str(tagStaff, r.Staff)
	e.str(tagCounter, r.Counter)
	e.str(tagMode, r.Mode)
	e.str(tagReason, r.Reason)
	e.str(tagFrom, r.From)
	e.str(tagSubject, r.Subject)
	if r.Complaint != 0 {
		e.uint(tagComplaint, r.Complaint)
	}
	if r.TicketID != 0 {
		e.uint(tagTicketID, r.TicketID)
	}
	if r.Change != nil {
		e.bytes(tagChange, encodeChange(r.Change, r.At))
	}
	if r.Alert != nil {
		e.bytes(tagAlert, marshal(r.Alert)) // rare: JSON inside
	}
	if r.Call != nil {
		e.bytes(tagCall, encodeCallFields(r.Call, r.At))
	}
	return e.b
}

func typeCode(t hallq.EventType) int {
	for i, u := range eventTypes {
		if u == t {
			return i
		}
	}
	return -1
}

func encodeChange(c *ticketChange, at int64) []byte {
	e := &encoder{}
	e.str(chNumber, c.Number)
	e.str(chService, c.Service)
	e.str(chTier, c.Tier)
	e.str(chState, c.State)
	e.time(chIssuedAt, c.IssuedAt, at)
	e.time(chLegAt, c.LegAt, at)
	e.nonzero(chLeg, c.Leg)
	e.time(chCalledAt, c.CalledAt, at)
	e.time(chServedAt, c.ServedAt, at)
	e.time(chFinishedAt, c.FinishedAt, at)
	e.str(chCounter, c.Counter)
	e.str(chStaff, c.Staff)
	e.nonzero(chEta, c.Eta)
	e.nonzero(chEtaLow, c.EtaLow)
	e.nonzero(chEtaHigh, c.EtaHigh)
	e.nonzero(chRating, c.Rating)
	e.str(chRatedBy, c.RatedBy)
	for _, name := range c.Cleared {
		e.str(chCleared, name)
	}
	return e.b
}

func encodeCallFields(c *callRecord, at int64) []byte {
	e := &encoder{}
	e.uint(callTicket, c.Ticket)
	e.str(callNumber, c.Number)
	e.str(callService, c.Service)
	e.str(callCounter, c.Counter)
	e.str(callNameEN, c.CounterName.EN)
	e.str(callNameZH, c.CounterName.ZH)
	e.time(callAt, c.At, at)
	if c.Recall {
		e.uint(callRecall, 1)
	}
	return e.b
}

// decoder reads tagged fields.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("the record is cut short")

// next returns the next field's tag, or false at the end or on an error.
func (d *decoder) next() (byte, bool) {
	if d.err != nil || len(d.b) == 0 {
		return 0, false
	}
	tag := d.b[0]
	d.b = d.b[1:]
	return tag, true
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

// time reads an offset from the event's time at.
func (d *decoder) time(at int64) int64 { return at + d.int() }

// decodeEventRecord reads an event record in either form.
func decodeEventRecord(v []byte) (eventRecord, error) {
	var r eventRecord
	if len(v) == 0 || v[0] != binaryEvent {
		err := json.Unmarshal(v, &r)
		return r, err
	}
	d := &decoder{b: v[1:]}
	// The change and the call keep their times from the event's, which may
	// come after them in a damaged record: they are read once it is known.
	var change, call []byte
	for tag, ok := d.next(); ok; tag, ok = d.next() {
		switch tag {
		case tagType:
			i := d.uint()
			if i >= uint64(len(eventTypes)) {
				return r, fmt.Errorf("event type %d is not known", i)
			}
			r.Type = string(eventTypes[i])
		case tagTypeName:
			r.Type = d.str()
		case tagAt:
			r.At = d.int()
		case tagStaff:
			r.Staff = d.str()
		case tagCounter:
			r.Counter = d.str()
		case tagMode:
			r.Mode = d.str()
		case tagReason:
			r.Reason = d.str()
		case tagFrom:
			r.From = d.str()
		case tagSubject:
			r.Subject = d.str()
		case tagComplaint:
			r.Complaint = d.uint()
		case tagTicketID:
			r.TicketID = d.uint()
		case tagChange:
			change = d.bytes()
		case tagAlert:
			var a alertRecord
			if err := json.Unmarshal(d.bytes(), &a); err != nil {
				return r, err
			}
			r.Alert = &a
		case tagCall:
			call = d.bytes()
		default:
			return r, fmt.Errorf("field %d of an event is not known", tag)
		}
	}
	if d.err != nil {
		return r, d.err
	}
	var err error
	if change != nil {
		if r.Change, err = decodeChange(change, r.At); err != nil {
			return r, err
		}
	}
	if call != nil {
		r.Call, err = decodeCall(call, r.At)
	}
	return r, err
}

func decodeChange(v []byte, at int64) (*ticketChange, error) {
	c := &ticketChange{}
	d := &decoder{b: v}
	for tag, ok := d.next(); ok; tag, ok = d.next() {
		switch tag {
		case chNumber:
			c.Number = d.str()
		case chService:
			c.Service = d.str()
		case chTier:
			c.Tier = d.str()
		case chState:
			c.State = d.str()
		case chIssuedAt:
			c.IssuedAt = d.time(at)
		case chLegAt:
			c.LegAt = d.time(at)
		case chLeg:
			c.Leg = int(d.int())
		case chCalledAt:
			c.CalledAt = d.time(at)
		case chServedAt:
			c.ServedAt = d.time(at)
		case chFinishedAt:
			c.FinishedAt = d.time(at)
		case chCounter:
			c.Counter = d.str()
		case chStaff:
			c.Staff = d.str()
		case chEta:
			c.Eta = int(d.int())
		case chEtaLow:
			c.EtaLow = int(d.int())
		case chEtaHigh:
			c.EtaHigh = int(d.int())
		case chRating:
			c.Rating = int(d.int())
		case chRatedBy:
			c.RatedBy = d.str()
		case chCleared:
			name := d.str()
			if name == "" && d.err == nil {
				return nil, errors.New("a ticket change clears a field with no name")
			}
			c.Cleared = append(c.Cleared, name)
		default:
			return nil, fmt.Errorf("field %d of a ticket change is not known", tag)
		}
	}
	return c, d.err
}

func decodeCall(v []byte, at int64) (*callRecord, error) {
	c := &callRecord{}
	d := &decoder{b: v}
	for tag, ok := d.next(); ok; tag, ok = d.next() {
		switch tag {
		case callTicket:
			c.Ticket = d.uint()
		case callNumber:
			c.Number = d.str()
		case callService:
			c.Service = d.str()
		case callCounter:
			c.Counter = d.str()
		case callNameEN:
			c.CounterName.EN = d.str()
		case callNameZH:
			c.CounterName.ZH = d.str()
		case callAt:
			c.At = d.time(at)
		case callRecall:
			c.Recall = d.uint() == 1
		default:
			return nil, fmt.Errorf("field %d of a call is not known", tag)
		}
	}
	return c, d.err
}
