// Package jsonw writes JSON objects member by member, byte for byte as
// encoding/json writes them from a struct, for the few values the hub
// writes so often that reflection shows in its profile: the API's tickets
// and the store's ticket records.
package jsonw

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Object appends the members of a JSON object to B, a comma before each
// but the first. Start it with Open and finish it with Close.
type Object struct {
	B    []byte
	more bool
}

// Open starts an object at the end of b.
func Open(b []byte) Object { return Object{B: append(b, '{')} }

// Close ends the object and returns the bytes with it.
func (o *Object) Close() []byte { return append(o.B, '}') }

// Key writes a member's name; its value is to follow.
func (o *Object) Key(k string) {
	if o.more {
		o.B = append(o.B, ',')
	}
	o.more = true
	o.B = append(o.B, '"')
	o.B = append(o.B, k...)
	o.B = append(o.B, '"', ':')
}

// Str writes a string member.
func (o *Object) Str(k, v string) {
	o.Key(k)
	o.B = AppendString(o.B, v)
}

// StrOmit writes a string member unless it is empty (omitempty).
func (o *Object) StrOmit(k, v string) {
	if v != "" {
		o.Str(k, v)
	}
}

// Uint writes a number member.
func (o *Object) Uint(k string, v uint64) {
	o.Key(k)
	o.B = strconv.AppendUint(o.B, v, 10)
}

// Int writes a number member.
func (o *Object) Int(k string, v int64) {
	o.Key(k)
	o.B = strconv.AppendInt(o.B, v, 10)
}

// IntOmit writes a number member unless it is 0 (omitempty).
func (o *Object) IntOmit(k string, v int64) {
	if v != 0 {
		o.Int(k, v)
	}
}

// IntOrNull writes a number member, or null when it is not known.
func (o *Object) IntOrNull(k string, v int64, known bool) {
	if known {
		o.Int(k, v)
		return
	}
	o.Key(k)
	o.B = append(o.B, "null"...)
}

// TrueOmit writes true, or nothing for false (omitempty).
func (o *Object) TrueOmit(k string, v bool) {
	if v {
		o.Key(k)
		o.B = append(o.B, "true"...)
	}
}

// Time writes t in layout, in UTC; a zero t is null, or left out with omit.
func (o *Object) Time(k string, t time.Time, layout string, omit bool) {
	switch {
	case !t.IsZero():
		o.Key(k)
		o.B = append(o.B, '"')
		o.B = t.UTC().AppendFormat(o.B, layout)
		o.B = append(o.B, '"')
	case !omit:
		o.Key(k)
		o.B = append(o.B, "null"...)
	}
}

// AppendString appends s as encoding/json writes a string: plain printable
// ASCII as it is, anything else (quotes, controls, <, >, &, non-ASCII)
// through encoding/json itself.
func AppendString(b []byte, s string) []byte {
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
