package jsonw

import (
	"encoding/json"
	"testing"
	"time"
)

// An object of every kind of member reads back as encoding/json writes
// the same struct, and strings that need escaping are escaped as it does.
func TestObject(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	for _, s := range []string{"", "A001", "柜台 3", "<b>&", `"q"\`, "\x00\x1f", "\xff\xfe", "\u2028"} {
		o := Open([]byte("["))
		o.Str("s", s)
		o.StrOmit("omitted", "")
		o.Uint("u", 1<<63)
		o.Int("i", -7)
		o.IntOmit("zero", 0)
		o.IntOrNull("unknown", 5, false)
		o.TrueOmit("t", true)
		o.TrueOmit("f", false)
		o.Time("at", at, time.RFC3339, false)
		o.Time("never", time.Time{}, time.RFC3339, false)
		o.Time("gone", time.Time{}, time.RFC3339, true)
		got := string(o.Close())
		want, _ := json.Marshal(struct {
			S       string  `json:"s"`
			U       uint64  `json:"u"`
			I       int     `json:"i"`
			Unknown *int    `json:"unknown"`
			T       bool    `json:"t"`
			At      string  `json:"at"`
			Never   *string `json:"never"`
		}{S: s, U: 1 << 63, I: -7, T: true, At: "2026-12-03T01:30:00Z"})
		if got != "["+string(want) {
			t.Errorf("string %q:\n got %s\nwant [%s", s, got, want)
		}
	}
}
