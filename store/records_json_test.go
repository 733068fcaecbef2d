package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"hallq"
)

// Ticket and idempotency records of every shape, with strings that need
// escaping and members left out, are written as encoding/json writes them.
func TestRecords_AppendJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	strs := []string{"", "A", "A001", "gold", "柜台 3", "<b>&", `"q"\`, "\x00\x1f", "\xff\xfe", "\u2028", "é"}
	str := func() string { return strs[r.IntN(len(strs))] }
	num := func() int64 { // zero often, so that omitempty is tried
		if r.IntN(3) == 0 {
			return 0
		}
		return r.Int64N(1<<62) - 1<<61
	}
	small := func() int { return int(num() % 1000) }
	ticket := func() *ticketRecord {
		if r.IntN(5) == 0 {
			return nil
		}
		tr := &ticketRecord{ID: r.Uint64(), Token: str(), Number: str(), Service: str(), Tier: str(), Rank: small(),
			HeadStart: num(), Key: num(), Day: str(), Lang: str(), State: str(), IssuedAt: num(), LegAt: num(), Leg: small(),
			CalledAt: num(), ServedAt: num(), FinishedAt: num(), Counter: str(), Staff: str(), Target: str(),
			Recalls: small(), IssuedBy: str(), Card: r.IntN(2) == 0, EtaAtIssue: small(), EtaLow: small(), EtaHigh: small(),
			Rating: small(), RatedBy: str(), RatedAt: num(), Alerted: small(), Holder: str()}
		if r.IntN(3) == 0 {
			tr.Complaint = &complaintStatusRecord{ID: r.Uint64(), State: str(), Resolution: str()}
		}
		return tr
	}
	for i := 0; i < 5000; i++ {
		rec := idemRecord{At: num(), Ticket: ticket(), CounterTicket: ticket()}
		if r.IntN(4) == 0 {
			rec.Counter = &counterRecord{ID: str(), Name: hallq.Text{EN: str(), ZH: str()}, Services: []string{str()}}
		}
		want, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("idempotency record:\n got %s\nwant %s", got, want)
		}
		if rec.Ticket == nil {
			continue
		}
		if want, got := marshal(rec.Ticket), rec.Ticket.appendJSON([]byte("x")); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("ticket record:\n got %s\nwant x%s", got, want)
		}
	}
}

// BenchmarkTicketRecordJSON compares a ticket record's own writer with
// encoding/json's reflection.
func BenchmarkTicketRecordJSON(b *testing.B) {
	r := &ticketRecord{ID: 7, Token: "AAAAAAAAAAdabcdefghijklmnopqrstuv", Number: "A007", Service: "A", Tier: "regular",
		Key: 1796307817000000000, Day: "2026-12-03", Lang: "zh", State: "done", IssuedAt: 1796307817000000000,
		LegAt: 1796307817000000000, Leg: 1, CalledAt: 1796308417000000000, ServedAt: 1796308427000000000,
		FinishedAt: 1796308727000000000, Counter: "3", Staff: "clerk01", EtaAtIssue: 540, EtaLow: 300, EtaHigh: 900, Rating: 5}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeJSON(r)
		}
	})
	b.Run("reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			marshal(r)
		}
	})
}
