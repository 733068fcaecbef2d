package hallq

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// reflectedTicket is the Ticket object as encoding/json writes it from a
// struct: what AppendJSON must write, byte for byte.
func reflectedTicket(t *Ticket) ([]byte, error) {
	if t.Live == nil { // a ticket as kept: its live figures are all zero
		c := *t
		c.Live = &Live{}
		t = &c
	}
	v := struct {
		ID         uint64           `json:"id"`
		Number     string           `json:"number"`
		Service    string           `json:"service"`
		Tier       string           `json:"tier"`
		State      State            `json:"state"`
		Lang       string           `json:"lang"`
		IssuedAt   *string          `json:"issued_at"`
		CalledAt   *string          `json:"called_at,omitempty"`
		ServedAt   *string          `json:"served_at,omitempty"`
		FinishedAt *string          `json:"finished_at,omitempty"`
		Counter    string           `json:"counter,omitempty"`
		Target     string           `json:"target_counter,omitempty"`
		Leg        int              `json:"leg"`
		Recalls    int              `json:"recalls"`
		RecallTill *string          `json:"recall_until,omitempty"`
		Ahead      int              `json:"ahead"`
		EtaS       *int             `json:"eta_s"`
		EtaLowS    *int             `json:"eta_low_s"`
		EtaHighS   *int             `json:"eta_high_s"`
		EtaReason  string           `json:"eta_reason,omitempty"`
		Rating     int              `json:"rating,omitempty"`
		RateUntil  *string          `json:"rate_until,omitempty"`
		Complaint  *ComplaintStatus `json:"complaint,omitempty"`
		Holder     string           `json:"holder,omitempty"`
		Token      string           `json:"token,omitempty"`
		StatusURL  string           `json:"status_url,omitempty"`
	}{
		t.ID, t.Number, t.Service, t.Tier, t.State, t.Lang,
		formatTime(t.IssuedAt), formatTime(t.CalledAt), formatTime(t.ServedAt), formatTime(t.FinishedAt),
		t.Counter, t.Target, t.Leg, t.Recalls, formatTime(t.RecallUntil), t.Ahead, &t.EtaS, &t.EtaLowS, &t.EtaHighS, t.EtaReason, t.Rating,
		formatTime(t.RateUntil), t.Complaint, "", t.Token, t.StatusURL,
	}
	if t.StaffView {
		v.Holder = t.Holder
	}
	if t.EtaReason != "" {
		v.EtaS, v.EtaLowS, v.EtaHighS = nil, nil, nil
	}
	return json.Marshal(v)
}

// Tickets of every shape, with strings that need escaping, encode as
// encoding/json would encode them, and inside a larger value too.
func TestTicket_AppendJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	strs := []string{"", "A", "A001", "gold", "柜台 3", "<b>&", `"q"\`, "\x00\x1f", "\xff\xfe", "\u2028", "é", "http://h/t/x?a=1&b=2"}
	str := func() string { return strs[r.IntN(len(strs))] }
	at := func() time.Time {
		if r.IntN(3) == 0 {
			return time.Time{}
		}
		loc := time.FixedZone("CST", 8*3600)
		return time.Unix(1796307817+r.Int64N(1e6), r.Int64N(1e9)).In(loc)
	}
	for i := 0; i < 5000; i++ {
		tk := &Ticket{ID: r.Uint64N(1 << 40), Number: str(), Service: str(), Tier: str(), State: State(str()), Lang: str(),
			IssuedAt: at(), CalledAt: at(), ServedAt: at(), FinishedAt: at(), Counter: str(), Target: str(),
			Leg: r.IntN(3), Recalls: r.IntN(3) - 1, Rating: r.IntN(6), Holder: str(), Token: str()}
		if r.IntN(5) > 0 { // a view; else a ticket as kept
			tk.Live = &Live{RecallUntil: at(), Ahead: r.IntN(50), EtaS: r.IntN(900) - 1, EtaLowS: r.IntN(600),
				EtaHighS: r.IntN(1200), RateUntil: at(), StatusURL: str(), StaffView: r.IntN(2) == 0}
			if r.IntN(4) == 0 {
				tk.EtaReason = "no_counter"
			}
		}
		if r.IntN(4) == 0 {
			tk.Complaint = &ComplaintStatus{ID: 3, State: str(), Resolution: str()}
		}
		want, err := reflectedTicket(tk)
		if err != nil {
			t.Fatal(err)
		}
		if got := tk.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("ticket %+v:\n got %s\nwant %s", tk, got, want)
		}
		nested, err := json.Marshal(map[string]any{"ticket": tk, "tickets": []*Ticket{tk}})
		if err != nil || !bytes.Contains(nested, want) {
			t.Fatalf("a ticket inside a value: %s, %v; want it to hold %s", nested, err, want)
		}
	}
}

// A nil ticket is null, as encoding/json writes a nil pointer.
func TestTicket_AppendJSONNil(t *testing.T) {
	var tk *Ticket
	if got := string(tk.AppendJSON(nil)); got != "null" {
		t.Errorf("a nil ticket: %s, want null", got)
	}
}

// BenchmarkTicketJSON compares AppendJSON with encoding/json's reflection.
func BenchmarkTicketJSON(b *testing.B) {
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	tk := &Ticket{ID: 7, Number: "A007", Service: "A", Tier: "regular", State: Waiting, Lang: "zh", IssuedAt: at,
		Leg: 1, Token: "AAAAAAAAAAdabcdefghijklmnopqrstuv",
		Live: &Live{Ahead: 4, EtaS: 300, EtaLowS: 120, EtaHighS: 600, StatusURL: "http://192.168.1.10:8080/t/AAAAAAAAAAdabcdefghijklmnopqrstuv"}}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = tk.AppendJSON(buf[:0])
		}
	})
	b.Run("reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			reflectedTicket(tk)
		}
	})
}
