// Package web is the HTTP plumbing shared by the role packages: JSON replies
// and error mapping, request decoding, security headers, same-origin checks,
// staff authentication and rate limits. It holds no domain rules.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"hallq"
)

// statuses maps each error code to its HTTP status.
var statuses = map[string]int{
	hallq.EINVALID:        http.StatusBadRequest,
	hallq.EUNAUTHORIZED:   http.StatusUnauthorized,
	hallq.EFORBIDDEN:      http.StatusForbidden,
	hallq.ENOTFOUND:       http.StatusNotFound,
	hallq.EMETHOD:         http.StatusMethodNotAllowed,
	hallq.ECONFLICT:       http.StatusConflict,
	hallq.ECLOSED:         http.StatusConflict,
	hallq.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	hallq.ECARDUNKNOWN:    http.StatusUnprocessableEntity,
	hallq.ERATELIMITED:    http.StatusTooManyRequests,
	hallq.EUNAVAILABLE:    http.StatusServiceUnavailable,
	hallq.EPASSWORDCHANGE: http.StatusForbidden,
	hallq.EINTERNAL:       http.StatusInternalServerError,
}

// errorReply is the body of every error reply.
type errorReply struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Error writes err as a JSON error reply with the status for its code. Errors
// that are not an *hallq.Error are internal: the client gets a generic
// message and the log gets the error with the request's method and route
// pattern, never its path, query or body.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code, message := hallq.ErrorCode(err), hallq.ErrorMessage(err)
	status, known := statuses[code]
	if !known || status == http.StatusInternalServerError {
		status = http.StatusInternalServerError
		// A client that went away is no fault of the hub's.
		if !errors.Is(err, context.Canceled) {
			slog.ErrorContext(r.Context(), "web: internal error",
				"method", r.Method, "route", routePattern(r), "err", err)
		}
	}
	var retry *RetryAfterError
	if errors.As(err, &retry) && retry.Wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(retry.Wait)))
	}
	JSON(w, status, errorReply{errorBody{Code: code, Message: message, Field: hallq.ErrorField(err)}})
}

// routePattern returns the pattern of the route that matched r, as chi and
// http.ServeMux record it, so that logs never carry a raw path.
func routePattern(r *http.Request) string {
	if r.Pattern == "" {
		return "(no route)"
	}
	return r.Pattern
}

// JSON writes v as a JSON reply with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	if a, ok := v.(jsonAppender); ok {
		buf := replyBuffers.Get().(*[]byte)
		*buf = append(a.AppendJSON((*buf)[:0]), '\n')
		writeJSON(w, status, *buf)
		if cap(*buf) <= maxPooledReply {
			replyBuffers.Put(buf)
		}
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		slog.Error("web: cannot encode a JSON reply", "err", err)
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorReply{errorBody{
			Code:    hallq.EINTERNAL,
			Message: hallq.ErrorMessage(err),
		}})
	}
	writeJSON(w, status, append(body, '\n'))
}

// writeJSON writes body, a JSON value and its newline, as the reply.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(body)
}

// replyBuffers holds the buffers replies that write their own JSON are
// written into: w.Write copies them, so each is used again, up to
// maxPooledReply bytes.
var replyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledReply = 64 << 10

// jsonAppender is a value that writes its own JSON, faster than reflection
// would, as a ticket does.
type jsonAppender interface{ AppendJSON(b []byte) []byte }

// jsonContentType is the Content-Type of JSON replies, shared as
// SecureHeaders' values are.
var jsonContentType = []string{"application/json; charset=utf-8"}[:1:1]

// RetryAfterError is an error that tells the client when it may try again;
// Error sends Wait as a Retry-After header. Err is usually an *hallq.Error
// with code ERATELIMITED.
type RetryAfterError struct {
	Err  error
	Wait time.Duration
}

// Error returns the message of the wrapped error.
func (e *RetryAfterError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error, so that hallq.ErrorCode sees its code.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RateLimited returns a rate_limited error that asks the client to wait.
func RateLimited(wait time.Duration) error {
	return &RetryAfterError{
		Err:  hallq.Errorf(hallq.ERATELIMITED, "Too many requests; please try again in %s.", humanWait(wait)),
		Wait: wait,
	}
}

// ceilSeconds returns d in whole seconds, rounded up, at least 1.
func ceilSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// humanWait describes a wait for a message: seconds up to a minute, then
// minutes, rounded up.
func humanWait(d time.Duration) string {
	s := ceilSeconds(d)
	if s == 1 {
		return "1 second"
	}
	if s <= 60 {
		return fmt.Sprintf("%d seconds", s)
	}
	return fmt.Sprintf("%d minutes", (s+59)/60)
}

// NotFound answers requests for paths that do not exist with a JSON
// not_found error; use it as chi's NotFound handler.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Error(w, r, hallq.Errorf(hallq.ENOTFOUND, "There is nothing at this address; check the URL."))
}

// MethodNotAllowed answers requests whose path exists but not with their
// method with a JSON method_not_allowed error; use it as chi's
// MethodNotAllowed handler.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	Error(w, r, hallq.Errorf(hallq.EMETHOD, "This address does not accept %s requests.", r.Method))
}
