package kiosk_test

import (
	"errors"
	"testing"

	"hallq"
	"hallq/kiosk"
)

// decodeSeeds are ticket request bodies, valid and not, for the table test
// and the fuzz corpus.
var decodeSeeds = []struct {
	body string
	want hallq.IssueRequest // the zero request: an invalid body
}{
	{`{"service":"A"}`, hallq.IssueRequest{Service: "A"}},
	{` {"service":"B","lang":"zh"} ` + "\n", hallq.IssueRequest{Service: "B", Lang: "zh"}},
	{`{"service":"A","card":";6222020200112233=2512101?","lang":"en"}`,
		hallq.IssueRequest{Service: "A", Card: ";6222020200112233=2512101?", Lang: "en"}},
	{`{"service":"A","card":"","tier":"priority"}`, hallq.IssueRequest{Service: "A", Tier: "priority"}},
	{`{"service":"A","lang":null}`, hallq.IssueRequest{Service: "A"}},
	{``, hallq.IssueRequest{}},
	{`null`, hallq.IssueRequest{}},
	{`{}`, hallq.IssueRequest{}},
	{`{"service":""}`, hallq.IssueRequest{}},
	{`{"service":"A","lang":"fr"}`, hallq.IssueRequest{}},
	{`{"service":"A","lang":"EN"}`, hallq.IssueRequest{Service: "A", Lang: "en"}}, // tags are case-blind
	{`{"service":"A","lang":"zh-CN"}`, hallq.IssueRequest{Service: "A", Lang: "zh"}},
	{`{"service":"A","lang":"zh-Hans"}`, hallq.IssueRequest{Service: "A", Lang: "zh"}},
	{`{"service":"A","lang":"en-GB"}`, hallq.IssueRequest{Service: "A", Lang: "en"}},
	{`{"service":"A","lang":"fr-CA"}`, hallq.IssueRequest{}},
	{`{"service":"A","lang":"e n"}`, hallq.IssueRequest{}},
	{`{"service":"A","vip":true}`, hallq.IssueRequest{}},
	{`{"service":"A","By":{"Name":"admin"}}`, hallq.IssueRequest{}},
	{`{"service":"A","IdempotencyKey":"k"}`, hallq.IssueRequest{}},
	{`{"service":1}`, hallq.IssueRequest{}},
	{`{"service":"A","card":6222}`, hallq.IssueRequest{}},
	{`["A"]`, hallq.IssueRequest{}},
	{`"A"`, hallq.IssueRequest{}},
	{`{"service":"A"`, hallq.IssueRequest{}},
	{`{"service":"A"}}`, hallq.IssueRequest{}},
	{`{"service":"A"} {"service":"B"}`, hallq.IssueRequest{}},
	{`{"service":"A"} x`, hallq.IssueRequest{}},
	{`{service:"A"}`, hallq.IssueRequest{}},
	{"\xff", hallq.IssueRequest{}},
}

func TestDecodeTicketRequest(t *testing.T) {
	for _, tt := range decodeSeeds {
		got, err := kiosk.DecodeTicketRequest([]byte(tt.body))
		switch {
		case tt.want.Service == "" && hallq.ErrorCode(err) != hallq.EINVALID:
			t.Errorf("%q: error %v, want an invalid error", tt.body, err)
		case tt.want.Service == "" && hallq.ErrorMessage(err) == "":
			t.Errorf("%q: an error without a message", tt.body)
		case tt.want.Service != "" && (err != nil || got != tt.want):
			t.Errorf("%q: %+v, %v; want %+v", tt.body, got, err, tt.want)
		}
	}
}

func FuzzDecodeTicketRequest(f *testing.F) {
	for _, tt := range decodeSeeds {
		f.Add(tt.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := kiosk.DecodeTicketRequest([]byte(body))
		if err != nil {
			var e *hallq.Error
			if !errors.As(err, &e) || e.Code != hallq.EINVALID && e.Code != hallq.ETOOLARGE || e.Message == "" {
				t.Fatalf("%q: error %#v, want an *hallq.Error with code invalid or too_large and a message", body, err)
			}
			return
		}
		if req.Service == "" {
			t.Fatalf("%q: accepted without a service", body)
		}
		if req.Lang != "" && !hallq.ValidLang(req.Lang) {
			t.Fatalf("%q: accepted language %q", body, req.Lang)
		}
		if req.By != (hallq.Actor{}) || req.IdempotencyKey != "" {
			t.Fatalf("%q: the body set By or IdempotencyKey: %+v", body, req)
		}
	})
}
