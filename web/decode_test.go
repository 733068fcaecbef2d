package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hallq"
	"hallq/web"
)

// order is a request body for the decoder tests.
type order struct {
	Service string `json:"service"`
	Count   int    `json:"count"`
	Options struct {
		Print bool `json:"print"`
	} `json:"options"`
}

// decodeServer serves /required with Decode, /optional with DecodeOptional
// and /small with DecodeLimit at 16 bytes; each echoes what it decoded.
func decodeServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	handle := func(path string, decode func(http.ResponseWriter, *http.Request, any) error) {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			v := order{Service: "A"}
			if err := decode(w, r, &v); err != nil {
				web.Error(w, r, err)
				return
			}
			web.JSON(w, http.StatusOK, v)
		})
	}
	handle("/required", web.Decode)
	handle("/optional", web.DecodeOptional)
	handle("/small", func(w http.ResponseWriter, r *http.Request, v any) error {
		return web.DecodeLimit(w, r, v, 16)
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func TestDecode(t *testing.T) {
	srv := decodeServer(t)
	for _, tt := range []struct {
		name, path, body string
		status           int
		code             string
		message          string // a part of the message, or the echoed body
	}{
		{"OK", "/required", `{"service":"B","count":2,"options":{"print":true}}`, 200, "",
			`{"service":"B","count":2,"options":{"print":true}}`},
		{"TooLarge", "/required", `{"service":"` + strings.Repeat("x", web.MaxBody) + `"}`, 413, hallq.ETOOLARGE, "64 KiB"},
		{"TooLargeLimit", "/small", `{"service":"ABCDEFGHIJ"}`, 413, hallq.ETOOLARGE, "16 bytes"},
		{"UnknownField", "/required", `{"servce":"A"}`, 400, hallq.EINVALID, `"servce"`},
		{"UnknownNestedField", "/required", `{"options":{"paper":1}}`, 400, hallq.EINVALID, `"paper"`},
		{"WrongType", "/required", `{"count":"two"}`, 400, hallq.EINVALID, `The field "count" must be a whole number, not string.`},
		{"WrongNestedType", "/required", `{"options":{"print":"yes"}}`, 400, hallq.EINVALID, `"options.print" must be true or false`},
		{"NotAnObject", "/required", `["A"]`, 400, hallq.EINVALID, "must be an object, not array"},
		{"Malformed", "/required", `{"service":}`, 400, hallq.EINVALID, "not valid JSON"},
		{"Truncated", "/required", `{"service":"A"`, 400, hallq.EINVALID, "ends too early"},
		{"TrailingData", "/required", `{"service":"A"} {}`, 400, hallq.EINVALID, "data after"},
		{"TrailingGarbage", "/required", `{"service":"A"}x`, 400, hallq.EINVALID, "data after"},
		{"TrailingSpace", "/required", "{\"service\":\"C\"}\n ", 200, "", `"service":"C"`},
		{"Empty", "/required", "", 400, hallq.EINVALID, "needs a JSON body"},
		{"Blank", "/required", " \n", 400, hallq.EINVALID, "needs a JSON body"},
		{"OptionalEmpty", "/optional", "", 200, "", `"service":"A"`},
		{"OptionalObject", "/optional", `{"count":3}`, 200, "", `"count":3`},
		{"OptionalUnknownField", "/optional", `{"x":1}`, 400, hallq.EINVALID, `"x"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+tt.path, "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.code == "" {
				got := body(t, resp)
				if resp.StatusCode != tt.status || !strings.Contains(got, tt.message) {
					t.Errorf("reply = %d %s, want %d with %s", resp.StatusCode, got, tt.status, tt.message)
				}
				return
			}
			e := readError(t, resp, tt.status, tt.code)
			if !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", e.Error.Message, tt.message)
			}
			if !strings.HasSuffix(e.Error.Message, ".") {
				t.Errorf("message %q is not a sentence", e.Error.Message)
			}
		})
	}
}

func TestReadBody(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/v1/cards/import", strings.NewReader("number,tier\n1234,gold\n"))
	b, err := web.ReadBody(w, r, web.MaxImportBody)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "number,tier\n1234,gold\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}

	r = httptest.NewRequest("POST", "/api/v1/cards/import", strings.NewReader(strings.Repeat("x", 1<<20+1)))
	_, err = web.ReadBody(w, r, 1<<20)
	if got, want := hallq.ErrorCode(err), hallq.ETOOLARGE; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	if got, want := hallq.ErrorMessage(err), "The request body is larger than 1 MiB; send less."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}
