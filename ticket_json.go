package hallq

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the API's Ticket object to b. Ticket replies and the
// phones' messages are the hub's most frequent output, so it writes field
// by field, as encoding/json would write them from a struct, without
// reflection or a copy. MarshalJSON is AppendJSON(nil).
func (t *Ticket) AppendJSON(b []byte) []byte {
	if t == nil {
		return append(b, "null"...) // as encoding/json writes a nil pointer
	}
	o := jsonObject{b: append(b, '{')}
	o.uint("id", t.ID)
	o.str("number", t.Number)
	o.str("service", t.Service)
	o.str("tier", t.Tier)
	o.str("state", string(t.State))
	o.str("lang", t.Lang)
	o.time("issued_at", t.IssuedAt, false)
	o.time("called_at", t.CalledAt, true)
	o.time("served_at", t.ServedAt, true)
	o.time("finished_at", t.FinishedAt, true)
	o.strOmit("counter", t.Counter)
	o.strOmit("target_counter", t.Target)
	o.int("leg", t.Leg)
	o.int("recalls", t.Recalls)
	o.time("recall_until", t.RecallUntil, true)
	o.int("ahead", t.Ahead)
	known := t.EtaReason == "" // no estimate: null, and the reason says why
	o.intOrNull("eta_s", t.EtaS, known)
	o.intOrNull("eta_low_s", t.EtaLowS, known)
	o.intOrNull("eta_high_s", t.EtaHighS, known)
	o.strOmit("eta_reason", t.EtaReason)
	if t.Rating != 0 {
		o.int("rating", t.Rating)
	}
	o.time("rate_until", t.RateUntil, true)
	if t.Complaint != nil {
		o.key("complaint")
		c := jsonObject{b: append(o.b, '{')}
		c.str("state", t.Complaint.State)
		c.strOmit("resolution", t.Complaint.Resolution)
		o.b = append(c.b, '}')
	}
	if t.StaffView {
		o.strOmit("holder", t.Holder)
	}
	o.strOmit("token", t.Token)
	o.strOmit("status_url", t.StatusURL)
	return append(o.b, '}')
}

// MarshalJSON writes the API's Ticket object.
func (t Ticket) MarshalJSON() ([]byte, error) { return t.AppendJSON(make([]byte, 0, 512)), nil }

// jsonObject appends the members of a JSON object, a comma before each but
// the first.
type jsonObject struct {
	b    []byte
	more bool
}

func (o *jsonObject) key(k string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

func (o *jsonObject) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *jsonObject) uint(k string, v uint64) {
	o.key(k)
	o.b = strconv.AppendUint(o.b, v, 10)
}

func (o *jsonObject) int(k string, v int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(v), 10)
}

func (o *jsonObject) intOrNull(k string, v int, known bool) {
	if known {
		o.int(k, v)
		return
	}
	o.key(k)
	o.b = append(o.b, "null"...)
}

// time writes t in the API's format, in UTC; a zero t is null, or left out
// with omit.
func (o *jsonObject) time(k string, t time.Time, omit bool) {
	switch {
	case !t.IsZero():
		o.key(k)
		o.b = append(o.b, '"')
		o.b = t.UTC().AppendFormat(o.b, jsonTime)
		o.b = append(o.b, '"')
	case !omit:
		o.key(k)
		o.b = append(o.b, "null"...)
	}
}

// appendJSONString appends s as encoding/json writes a string: plain
// printable ASCII as it is, anything else (quotes, controls, <, >, &,
// non-ASCII) through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
