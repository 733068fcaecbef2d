package hallq

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in package web; the API contract
// names them, so they never change.
const (
	EINVALID      = "invalid"            // the request is malformed or names something unknown
	EUNAUTHORIZED = "unauthorized"       // no valid login or device token
	EFORBIDDEN    = "forbidden"          // logged in, but not allowed
	ENOTFOUND     = "not_found"          // an unknown id or token
	EMETHOD       = "method_not_allowed" // the path exists, the method does not
	ECONFLICT     = "conflict"           // the change does not fit the current state
	ECLOSED       = "closed"             // the service is not taking tickets now
	ETOOLARGE     = "too_large"          // the body is too large
	ECARDUNKNOWN  = "card_unknown"       // the card is not registered or has expired
	ERATELIMITED  = "rate_limited"       // too many requests; try later
	EUNAVAILABLE  = "unavailable"        // a device the hub needs, such as a printer, cannot do it now
	EINTERNAL     = "internal"           // a failure of the hub itself

	// EPASSWORDCHANGE answers every call of a session whose password must
	// be changed first, but the change itself and logging out.
	EPASSWORDCHANGE = "password_change_required"
)

// Error is the one error type of the domain: a code for programs and a
// message for people. Failures that are not the caller's fault are plain
// wrapped errors and count as EINTERNAL.
type Error struct {
	Code    string
	Message string
	Field   string // the body field at fault, if one is; "" otherwise
}

// Error returns the message with its code, for logs.
func (e *Error) Error() string {
	return fmt.Sprintf("hallq: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
// Messages are sentences a person can act on.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of an *Error in its chain, or
// EINTERNAL for any other error. It returns "" for a nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// WithField returns err naming the body field at fault, so that a form can
// show the sentence beside it. Errors other than *Error are returned as they
// are.
func WithField(err error, field string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	named := *e
	named.Field = field
	return &named
}

// ErrorField returns the body field an *Error in err's chain names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the message of an *Error in err's chain, or a generic
// sentence for internal errors, whose details are for logs only.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong in the hub. Please try again; if it persists, tell the hall manager."
}
