package store

import (
	"reflect"
	"testing"

	"hallq"
)

// An event record reads back as it was written, in its binary form; one in
// the JSON form of older files reads too.
func TestEventCodec_RoundTrip(t *testing.T) {
	at := int64(1796307817406830898)
	for _, r := range []eventRecord{
		{Type: string(hallq.TicketIssued), At: at, TicketID: 7, Change: &ticketChange{Number: "A007", Service: "A", Tier: "gold",
			State: "waiting", IssuedAt: at, LegAt: at, Leg: 1, Eta: 300, EtaLow: 120, EtaHigh: 600}},
		{Type: string(hallq.TicketCalled), At: at, Staff: "clerk01", Counter: "3", Mode: "rule", TicketID: 7,
			Change: &ticketChange{State: "called", CalledAt: at, Counter: "3", Staff: "clerk01"},
			Call:   &callRecord{Ticket: 7, Number: "A007", Service: "A", Counter: "3", CounterName: hallq.Text{EN: "Counter 3", ZH: "3号窗口"}, At: at, Recall: true}},
		{Type: string(hallq.TicketTransferred), At: at, From: "A", TicketID: 7,
			Change: &ticketChange{Service: "B", Leg: 2, LegAt: at - 5, Cleared: []string{"call", "ctr", "staff"}}},
		{Type: string(hallq.AlertRaised), At: at, Alert: &alertRecord{ID: 3, Kind: "wait_over", Level: 1, Message: hallq.Text{EN: "x"}}},
		{Type: "some.future_event", At: at, Subject: "A", Reason: "asked", Complaint: 4},
	} {
		b := encodeEventRecord(&r)
		got, err := decodeEventRecord(b)
		if err != nil {
			t.Fatalf("%s: %v", r.Type, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("%s:\n got %+v\nwant %+v", r.Type, got, r)
		}
	}
	old, err := decodeEventRecord([]byte(`{"t":"ticket.done","at":5,"ctr":"1","tkt":{"id":9,"num":"A009","st":"done"}}`))
	if err != nil || old.Ticket == nil || old.Ticket.Number != "A009" || old.Counter != "1" {
		t.Errorf("an event of an older file: %+v, %v", old, err)
	}
}

// FuzzDecodeEventRecord: any bytes in the events bucket (a damaged page)
// read as an error or as a record that writes back the same, never a panic.
func FuzzDecodeEventRecord(f *testing.F) {
	at := int64(1796307817406830898)
	f.Add(encodeEventRecord(&eventRecord{Type: string(hallq.TicketDone), At: at, Staff: "clerk01", TicketID: 9,
		Change: &ticketChange{State: "done", FinishedAt: at}}))
	f.Add(encodeEventRecord(&eventRecord{Type: string(hallq.TicketCalled), At: at, Call: &callRecord{Number: "A1"}}))
	f.Add([]byte{binaryEvent, tagChange, 0xff, 0xff})
	f.Add([]byte{binaryEvent, tagType, 200})
	f.Add([]byte(`{"t":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeEventRecord(b)
		if err != nil || len(b) == 0 || b[0] != binaryEvent || r.Ticket != nil {
			return
		}
		again, err := decodeEventRecord(encodeEventRecord(&r))
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("%x: read %+v, written and read again %+v, %v", b, r, again, err)
		}
	})
}
