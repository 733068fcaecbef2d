package hallq

import "hallq/internal/jsonw"

// AppendJSON appends the API's Ticket object to b. Ticket replies and the
// phones' messages are the hub's most frequent output, so it writes field
// by field, as encoding/json would write them from a struct, without
// reflection or a copy. MarshalJSON is AppendJSON(nil).
func (t *Ticket) AppendJSON(b []byte) []byte {
	if t == nil {
		return append(b, "null"...) // as encoding/json writes a nil pointer
	}
	l := t.Live
	if l == nil {
		var none Live // a ticket as kept: no live figures
		l = &none
	}
	o := jsonw.Open(b)
	o.Uint("id", t.ID)
	o.Str("number", t.Number)
	o.Str("service", t.Service)
	o.Str("tier", t.Tier)
	o.Str("state", string(t.State))
	o.Str("lang", t.Lang)
	o.Time("issued_at", t.IssuedAt, jsonTime, false)
	o.Time("called_at", t.CalledAt, jsonTime, true)
	o.Time("served_at", t.ServedAt, jsonTime, true)
	o.Time("finished_at", t.FinishedAt, jsonTime, true)
	o.StrOmit("counter", t.Counter)
	o.StrOmit("target_counter", t.Target)
	o.Int("leg", int64(t.Leg))
	o.Int("recalls", int64(t.Recalls))
	o.Time("recall_until", l.RecallUntil, jsonTime, true)
	o.Int("ahead", int64(l.Ahead))
	known := l.EtaReason == "" // no estimate: null, and the reason says why
	o.IntOrNull("eta_s", int64(l.EtaS), known)
	o.IntOrNull("eta_low_s", int64(l.EtaLowS), known)
	o.IntOrNull("eta_high_s", int64(l.EtaHighS), known)
	o.StrOmit("eta_reason", l.EtaReason)
	o.IntOmit("rating", int64(t.Rating))
	o.Time("rate_until", l.RateUntil, jsonTime, true)
	if t.Complaint != nil {
		o.Key("complaint")
		c := jsonw.Open(o.B)
		c.Str("state", t.Complaint.State)
		c.StrOmit("resolution", t.Complaint.Resolution)
		o.B = c.Close()
	}
	if l.StaffView {
		o.StrOmit("holder", t.Holder)
	}
	o.StrOmit("token", t.Token)
	o.StrOmit("status_url", l.StatusURL)
	return o.Close()
}

// MarshalJSON writes the API's Ticket object.
func (t Ticket) MarshalJSON() ([]byte, error) { return t.AppendJSON(make([]byte, 0, 512)), nil }
