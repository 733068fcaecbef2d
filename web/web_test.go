package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// errorReply is the JSON shape of an error reply.
type errorReply struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// readError decodes an error reply and checks its status and code.
func readError(tb testing.TB, resp *http.Response, status int, code string) errorReply {
	tb.Helper()
	defer resp.Body.Close()
	if got, want := resp.StatusCode, status; got != want {
		tb.Errorf("status = %d, want %d", got, want)
	}
	if got, want := resp.Header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		tb.Errorf("Content-Type = %q, want %q", got, want)
	}
	var e errorReply
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		tb.Fatalf("decode error reply: %v", err)
	}
	if got, want := e.Error.Code, code; got != want {
		tb.Errorf("code = %q, want %q (message %q)", got, want, e.Error.Message)
	}
	return e
}

func TestError(t *testing.T) {
	for _, tt := range []struct {
		code   string
		status int
	}{
		{hallq.EINVALID, 400},
		{hallq.EUNAUTHORIZED, 401},
		{hallq.EFORBIDDEN, 403},
		{hallq.ENOTFOUND, 404},
		{hallq.EMETHOD, 405},
		{hallq.ECONFLICT, 409},
		{hallq.ECLOSED, 409},
		{hallq.ETOOLARGE, 413},
		{hallq.ECARDUNKNOWN, 422},
		{hallq.ERATELIMITED, 429},
		{hallq.EUNAVAILABLE, 503},
		{hallq.EINTERNAL, 500},
	} {
		t.Run(tt.code, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/api/v1/x", nil)
			web.Error(w, r, fmt.Errorf("wrapped: %w", hallq.Errorf(tt.code, "Do something else.")))
			e := readError(t, w.Result(), tt.status, tt.code)
			if got, want := e.Error.Message, "Do something else."; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	}
}

// logBuffer captures the default slog logger's output during a test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// captureLog sends the default logger to a buffer until the test ends.
func captureLog(t *testing.T) *logBuffer {
	t.Helper()
	b := &logBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(b, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return b
}

func TestError_Internal(t *testing.T) {
	logs := captureLog(t)
	r := chi.NewRouter()
	r.Get("/api/v1/cards/{number}", func(w http.ResponseWriter, r *http.Request) {
		web.Error(w, r, errors.New("disk on fire"))
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/v1/cards/6222000011112222?holder=Li")
	if err != nil {
		t.Fatal(err)
	}
	e := readError(t, resp, 500, hallq.EINTERNAL)
	if strings.Contains(e.Error.Message, "disk") {
		t.Errorf("message %q reveals the internal error", e.Error.Message)
	}
	log := logs.String()
	for _, want := range []string{"disk on fire", "method=GET", "/api/v1/cards/{number}"} {
		if !strings.Contains(log, want) {
			t.Errorf("log %q lacks %q", log, want)
		}
	}
	for _, secret := range []string{"6222000011112222", "holder"} {
		if strings.Contains(log, secret) {
			t.Errorf("log %q contains %q", log, secret)
		}
	}
}

func TestError_NotLogged(t *testing.T) {
	logs := captureLog(t)
	w := httptest.NewRecorder()
	web.Error(w, httptest.NewRequest("GET", "/", nil), hallq.Errorf(hallq.ENOTFOUND, "No such ticket."))
	if log := logs.String(); log != "" {
		t.Errorf("a not_found error was logged: %q", log)
	}
}

func TestError_RetryAfter(t *testing.T) {
	w := httptest.NewRecorder()
	web.Error(w, httptest.NewRequest("POST", "/", nil), web.RateLimited(1500*time.Millisecond))
	resp := w.Result()
	if got, want := resp.Header.Get("Retry-After"), "2"; got != want {
		t.Errorf("Retry-After = %q, want %q", got, want)
	}
	e := readError(t, resp, 429, hallq.ERATELIMITED)
	if got, want := e.Error.Message, "Too many requests; please try again in 2 seconds."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

func TestJSON(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		w := httptest.NewRecorder()
		web.JSON(w, http.StatusCreated, map[string]int{"n": 1})
		if got, want := w.Code, 201; got != want {
			t.Errorf("status = %d, want %d", got, want)
		}
		if got, want := w.Body.String(), "{\"n\":1}\n"; got != want {
			t.Errorf("body = %q, want %q", got, want)
		}
	})
	t.Run("NilTicket", func(t *testing.T) {
		w := httptest.NewRecorder()
		web.JSON(w, http.StatusOK, (*hallq.Ticket)(nil))
		if got, want := w.Body.String(), "null\n"; got != want {
			t.Errorf("body = %q, want %q", got, want)
		}
	})
	t.Run("TicketsInTurn", func(t *testing.T) {
		// Replies share their buffers: each must hold its own ticket only,
		// after one larger than any buffer kept and before one smaller.
		for _, holder := range []string{"Wang Fang", strings.Repeat("长", 40000), "", "Li Lei"} {
			tk := &hallq.Ticket{ID: 7, Number: "A007", Service: "A", Holder: holder, Live: &hallq.Live{StaffView: true}}
			w := httptest.NewRecorder()
			web.JSON(w, http.StatusOK, tk)
			if got, want := w.Body.String(), string(tk.AppendJSON(nil))+"\n"; got != want {
				t.Errorf("reply for a holder of %d bytes: %d bytes, not the ticket's own %d", len(holder), len(got), len(want))
			}
		}
	})
	t.Run("Unencodable", func(t *testing.T) {
		captureLog(t)
		w := httptest.NewRecorder()
		web.JSON(w, http.StatusOK, func() {})
		readError(t, w.Result(), 500, hallq.EINTERNAL)
	})
}

func TestNotFound(t *testing.T) {
	r := chi.NewRouter()
	r.NotFound(web.NotFound)
	r.MethodNotAllowed(web.MethodNotAllowed)
	r.Get("/api/v1/hall", func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, 200, struct{}{})
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	t.Run("NotFound", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/api/v1/nowhere")
		if err != nil {
			t.Fatal(err)
		}
		readError(t, resp, 404, hallq.ENOTFOUND)
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		resp, err := http.Post(srv.URL+"/api/v1/hall", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		e := readError(t, resp, 405, hallq.EMETHOD)
		if !strings.Contains(e.Error.Message, "POST") {
			t.Errorf("message %q does not name the method", e.Error.Message)
		}
	})
}

// body reads and closes a reply's body.
func body(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestRecover(t *testing.T) {
	srv := httptest.NewServer(web.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/v1/anything")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Error struct{ Code string } }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusInternalServerError || body.Error.Code != "internal" {
		t.Errorf("a panicking handler: %d %q, want 500 internal", res.StatusCode, body.Error.Code)
	}
}
