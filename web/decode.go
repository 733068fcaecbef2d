package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"hallq"
)

// Body size limits.
const (
	MaxBody       = 64 << 10 // any JSON request body
	MaxImportBody = 16 << 20 // a card import
)

// Decode reads the JSON request body into v. The body is required and at most
// MaxBody bytes; unknown fields, wrong types and trailing data are refused.
// Its errors are *hallq.Error values ready for Error.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	return DecodeLimit(w, r, v, MaxBody)
}

// DecodeOptional is Decode for requests whose body may be left out: an empty
// body leaves v as it is, like {}.
func DecodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadJSONBody(w, r, MaxBody)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return DecodeJSON(body, v)
}

// DecodeLimit is Decode with a body limit of limit bytes.
func DecodeLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	body, err := requiredJSONBody(w, r, limit)
	if err != nil {
		return err
	}
	return DecodeJSON(body, v)
}

// ReadJSONBody reads a body the API takes as JSON, at most limit bytes. A
// body sent as an HTML form is refused: other types, or none, are read as
// JSON, as curl and most clients send it.
func ReadJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data" {
		return nil, hallq.Errorf(hallq.EINVALID, "This endpoint takes a JSON body (Content-Type: application/json), not a form.")
	}
	return ReadBody(w, r, limit)
}

// requiredJSONBody is ReadJSONBody for a body that may not be left out.
func requiredJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := ReadJSONBody(w, r, limit)
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		err = hallq.Errorf(hallq.EINVALID, "The request needs a JSON body.")
	}
	return body, err
}

// DecodeUpdate reads the JSON body of a PUT into v, as Decode does, and
// takes back the object its GET returned: each field of fixed (its JSON
// name and its value now) may be present only unchanged, else the error
// names it; the fields of computed, figures the hub works out, are
// ignored.
func DecodeUpdate(w http.ResponseWriter, r *http.Request, v any, fixed map[string]any, computed ...string) error {
	body, err := requiredJSONBody(w, r, MaxBody)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || fields == nil {
		return DecodeJSON(body, v) // not an object: say what is wrong with it
	}
	for name, now := range fixed {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		wantJSON, _ := json.Marshal(now)
		var sent, want any
		if json.Unmarshal(raw, &sent) != nil || json.Unmarshal(wantJSON, &want) != nil || !reflect.DeepEqual(sent, want) {
			return hallq.WithField(hallq.Errorf(hallq.EINVALID, "The field %q cannot be changed here; send it as it is, or leave it out.", name), name)
		}
		delete(fields, name)
	}
	for _, name := range computed {
		delete(fields, name)
	}
	rest, _ := json.Marshal(fields)
	return DecodeJSON(rest, v)
}

// smallBody is the largest body ReadBody sets room aside for before it
// arrives.
const smallBody = 4 << 10

// ReadBody reads the whole request body, at most limit bytes; a larger body
// is a too_large error. Use it for bodies that are not JSON, such as a CSV
// card import.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	in := http.MaxBytesReader(w, r.Body, limit)
	var body []byte
	var err error
	if n := r.ContentLength; n >= 0 && n <= min(limit, smallBody) {
		// The server holds the body to its Content-Length: one read of
		// that many bytes, not ReadAll's doubling buffer. A larger body
		// is read as it comes, so that a client who only says it will
		// send a megabyte does not get one set aside.
		body = make([]byte, n)
		_, err = io.ReadFull(in, body)
	} else {
		body, err = io.ReadAll(in)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, hallq.Errorf(hallq.ETOOLARGE, "The request body is larger than %s; send less.", byteSize(limit))
	case err != nil:
		return nil, hallq.Errorf(hallq.EINVALID, "The request body could not be read; please send it again.")
	}
	return body, nil
}

// byteSize describes a number of bytes for a message.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// DecodeJSON decodes one JSON value from body into v and refuses unknown
// fields and anything after the value, with an invalid error that tells the
// client what to fix.
func DecodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return hallq.Errorf(hallq.EINVALID, "The request body has data after its JSON value; send one JSON value only.")
	}
	return nil
}

// decodeError turns an error of encoding/json into an invalid error that
// tells the client what to fix.
func decodeError(err error) error {
	var (
		domain *hallq.Error
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &domain):
		return domain
	case errors.As(err, &syntax):
		return hallq.Errorf(hallq.EINVALID, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return hallq.Errorf(hallq.EINVALID, "The request body is not valid JSON: it ends too early.")
	case errors.As(err, &typ) && typ.Field == "":
		return hallq.Errorf(hallq.EINVALID, "The request body must be %s, not %s.", describeType(typ.Type), typ.Value)
	case errors.As(err, &typ):
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "The field %q must be %s, not %s.", typ.Field, describeType(typ.Type), typ.Value), typ.Field)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field, err := strconv.Unquote(name)
		if err != nil {
			field = strings.Trim(name, `"`)
		}
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "The field %s is not known here; remove it or check its spelling.", name), field)
	}
	return hallq.Errorf(hallq.EINVALID, "The request body has a value in the wrong format (%v).", err)
}

// describeType names the kind of JSON value a Go type expects.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "a time such as \"2025-01-31T09:30:00.000+08:00\""
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a different kind of value"
}

// DayRange reads the hall days a report asks for, ?from=&to=
// (YYYY-MM-DD), each today by default; the store checks them.
func DayRange(r *http.Request, today string) (from, to string) {
	from, to = today, today
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		from = v
	}
	if v := q.Get("to"); v != "" {
		to = v
	}
	return from, to
}
