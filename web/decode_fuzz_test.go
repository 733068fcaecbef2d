package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hallq"
	"hallq/web"
)

// fuzzBody is a request body with a field of every kind the API's bodies
// have.
type fuzzBody struct {
	Service string              `json:"service"`
	Count   int                 `json:"count"`
	Seconds uint16              `json:"seconds"`
	Print   *bool               `json:"print,omitempty"`
	Ratio   float64             `json:"ratio"`
	At      *time.Time          `json:"at,omitempty"`
	Tags    []string            `json:"tags"`
	Text    hallq.Text          `json:"text"`
	Extra   map[string]int      `json:"extra"`
	Raw     json.RawMessage     `json:"raw,omitempty"`
	Options struct{ Open bool } `json:"options"`
}

// decodeSeeds are bodies valid and hostile for the decoders.
var decodeSeeds = []string{
	`{"service":"A","count":2,"seconds":10,"print":true,"ratio":0.5,"at":"2026-11-25T09:00:00.000Z","tags":["a"],"text":{"en":"Hi","zh":"你好"},"extra":{"x":1},"raw":[1,{}],"options":{"Open":true}}`,
	`{}`, ``, ` `, `null`, `[]`, `[1, 2]`, `"A"`, `42`, `true`, `{"service":`, `{"service":"A"`, `{"service":"A"}}`,
	`{} {}`, `{}x`, `{"colour":"red"}`, `{"options":{"paper":1}}`, `{"service":1}`, `{"count":"1"}`,
	`{"count":1e400}`, `{"count":1.5}`, `{"seconds":-1}`, `{"seconds":70000}`, `{"ratio":1e999}`,
	`{"at":"yesterday"}`, `{"at":12}`, `{"tags":"a"}`, `{"tags":[1]}`, `{"text":"hi"}`, `{"text":{"fr":"x"}}`,
	`{"extra":{"x":"y"}}`, `{"extra":[]}`, `{"SERVICE":"A","Service":"B"}`, `{"service":"A","service":"B"}`,
	`{"service":"\ud800"}`, "{\"service\":\"\xff\"}", `{"service":"\u0000"}`, "\uFEFF{}", `{"raw":}`,
	"{\"\x7f\":0}", `{"\u00e9":1}`, `{"id":"A"}`, `{"id":"B"}`, `{"id":"A","state":"open"}`, `{"id":null}`, `{"waiting":3}`, `{"ID":"B"}`,
	strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001),
	`{"service":"` + strings.Repeat("x", web.MaxBody) + `"}`,
}

// wantDecodeError fails the test unless err is a hallq error with one of
// codes and a message.
func wantDecodeError(t *testing.T, err error, body []byte, codes ...string) {
	t.Helper()
	var e *hallq.Error
	if !errors.As(err, &e) {
		t.Fatalf("body %.200q: %T %v, not a hallq error", body, err, err)
	}
	for _, code := range codes {
		if e.Code == code {
			if e.Message == "" {
				t.Fatalf("body %.200q: error %q without a message", body, e.Code)
			}
			return
		}
	}
	t.Fatalf("body %.200q: code %q (%s), want one of %q", body, e.Code, e.Message, codes)
}

// FuzzDecodeJSON decodes any bytes into a body of every field kind. It
// never panics; it either succeeds or says invalid; what it decoded,
// encoded again, decodes to the same value.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v fuzzBody
		if err := web.DecodeJSON(body, &v); err != nil {
			wantDecodeError(t, err, body, hallq.EINVALID)
			if f := hallq.ErrorField(err); f != "" && !bytes.Contains(bytes.ToLower(body), bytes.ToLower([]byte(f))) && !strings.Contains(f, ".") && !bytes.Contains(body, []byte(`\`)) {
				t.Fatalf("body %.200q: the error names field %q, which the body does not have", body, f)
			}
			return
		}
		once, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("body %.200q decoded to %+v, which does not encode: %v", body, v, err)
		}
		var w fuzzBody
		if err := web.DecodeJSON(once, &w); err != nil {
			t.Fatalf("body %.200q decoded, but its encoding %.200q does not: %v", body, once, err)
		}
		twice, _ := json.Marshal(w)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip of %.200q:\n%s\nthen\n%s", body, once, twice)
		}

		// A real API type too.
		var c hallq.Card
		if err := web.DecodeJSON(body, &c); err != nil {
			wantDecodeError(t, err, body, hallq.EINVALID)
		}
	})
}

// FuzzDecodeRequest sends any body with any Content-Type to the decoders
// of a request: Decode, DecodeOptional, DecodeUpdate (of a counter-like
// object whose id is "A", with a computed "waiting") and ReadJSONBody.
// Each answers a hallq error of a known code: invalid, or too_large for a
// body over the limit, never internal; a form is always refused; an update
// that succeeds never changed its fixed field.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s), "application/json")
	}
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
		"APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8", "application/json; charset=\"", ";;;", "multipart/form-data"} {
		f.Add([]byte(`{"service":"A"}`), ct)
		f.Add([]byte(`service=A`), ct)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		request := func() (*httptest.ResponseRecorder, *http.Request) {
			r := httptest.NewRequest("POST", "/x", bytes.NewReader(body))
			r.Header["Content-Type"] = []string{contentType}
			return httptest.NewRecorder(), r
		}
		form := isForm(contentType)
		wantCodes := func(err error) {
			t.Helper()
			switch {
			case form:
				wantDecodeError(t, err, body, hallq.EINVALID)
			case len(body) > web.MaxBody:
				wantDecodeError(t, err, body, hallq.ETOOLARGE)
			default:
				wantDecodeError(t, err, body, hallq.EINVALID)
			}
		}

		w, r := request()
		var v fuzzBody
		if err := web.Decode(w, r, &v); err != nil {
			wantCodes(err)
		} else if form || len(body) > web.MaxBody || len(bytes.TrimSpace(body)) == 0 {
			t.Fatalf("Decode took %.200q (%q, %d bytes)", body, contentType, len(body))
		}

		w, r = request()
		v = fuzzBody{}
		if err := web.DecodeOptional(w, r, &v); err != nil {
			wantCodes(err)
		} else if form || len(body) > web.MaxBody {
			t.Fatalf("DecodeOptional took %.200q (%q, %d bytes)", body, contentType, len(body))
		}

		w, r = request()
		var u struct {
			Name  *string `json:"name"`
			Count *int    `json:"count"`
		}
		if err := web.DecodeUpdate(w, r, &u, map[string]any{"id": "A", "kind": 3}, "waiting"); err != nil {
			wantCodes(err)
		} else {
			if form || len(body) > web.MaxBody {
				t.Fatalf("DecodeUpdate took %.200q (%q, %d bytes)", body, contentType, len(body))
			}
			var fields map[string]any
			if json.Unmarshal(body, &fields) == nil {
				if id, ok := fields["id"]; ok && id != "A" {
					t.Fatalf("DecodeUpdate took %.200q, which changes the id", body)
				}
				if kind, ok := fields["kind"]; ok && kind != 3.0 {
					t.Fatalf("DecodeUpdate took %.200q, which changes the kind", body)
				}
			}
		}

		w, r = request()
		got, err := web.ReadJSONBody(w, r, web.MaxBody)
		if err != nil {
			wantCodes(err)
		} else if !bytes.Equal(got, body) {
			t.Fatalf("ReadJSONBody read %.200q of %.200q", got, body)
		}
	})
}

// isForm reports whether a Content-Type names an HTML form, as the
// decoders read it.
func isForm(contentType string) bool {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	return mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data"
}
