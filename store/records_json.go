package store

import (
	"bytes"
	"sync"

	"hallq/internal/jsonw"
)

// A ticket's record is written on every change to its ticket, and an
// issue's idempotency record holds one too: these write their JSON member
// by member, as encoding/json would from their structs, without reflection.

// selfWriting is a record that appends its own JSON.
type selfWriting interface{ appendJSON(b []byte) []byte }

// scratch holds the buffers records are written into before they are
// copied to a slice of their own size, which bbolt keeps until the commit.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// encodeJSON returns r's JSON in a slice of its own.
func encodeJSON(r selfWriting) []byte {
	buf := scratch.Get().(*[]byte)
	*buf = r.appendJSON((*buf)[:0])
	b := bytes.Clone(*buf)
	scratch.Put(buf)
	return b
}

// appendJSON appends r as encoding/json writes a ticketRecord.
func (r *ticketRecord) appendJSON(b []byte) []byte {
	o := jsonw.Open(b)
	o.Uint("id", r.ID)
	o.Str("tok", r.Token)
	o.Str("num", r.Number)
	o.Str("svc", r.Service)
	o.Str("tier", r.Tier)
	o.IntOmit("rank", int64(r.Rank))
	o.IntOmit("hs", r.HeadStart)
	o.Int("key", r.Key)
	o.Str("day", r.Day)
	o.Str("lang", r.Lang)
	o.Str("st", r.State)
	o.Int("iss", r.IssuedAt)
	o.Int("leg_at", r.LegAt)
	o.Int("leg", int64(r.Leg))
	o.IntOmit("call", r.CalledAt)
	o.IntOmit("serve", r.ServedAt)
	o.IntOmit("fin", r.FinishedAt)
	o.StrOmit("ctr", r.Counter)
	o.StrOmit("staff", r.Staff)
	o.StrOmit("tgt", r.Target)
	o.IntOmit("rc", int64(r.Recalls))
	o.StrOmit("by", r.IssuedBy)
	o.TrueOmit("card", r.Card)
	o.Int("eta", int64(r.EtaAtIssue))
	o.IntOmit("eta_lo", int64(r.EtaLow))
	o.IntOmit("eta_hi", int64(r.EtaHigh))
	o.IntOmit("rate", int64(r.Rating))
	o.StrOmit("rate_src", r.RatedBy)
	o.IntOmit("rated", r.RatedAt)
	o.IntOmit("alerted", int64(r.Alerted))
	o.StrOmit("holder", r.Holder)
	if c := r.Complaint; c != nil {
		o.Key("cpl")
		co := jsonw.Open(o.B)
		co.Uint("id", c.ID)
		co.Str("st", c.State)
		co.StrOmit("res", c.Resolution)
		o.B = co.Close()
	}
	return o.Close()
}

// appendJSON appends r as encoding/json writes an idemRecord; a counter's
// record, rarer, is written by encoding/json.
func (r *idemRecord) appendJSON(b []byte) []byte {
	o := jsonw.Open(b)
	o.Int("at", r.At)
	if r.Ticket != nil {
		o.Key("tkt")
		o.B = r.Ticket.appendJSON(o.B)
	}
	if r.Counter != nil {
		o.Key("ctr")
		o.B = append(o.B, marshal(r.Counter)...)
	}
	if r.CounterTicket != nil {
		o.Key("ctr_tkt")
		o.B = r.CounterTicket.appendJSON(o.B)
	}
	return o.Close()
}
