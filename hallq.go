// Package hallq is the domain core of hallq, a queue and ticketing system for
// service halls: tickets and their states, services, tiers, counters, cards,
// the call-order rule with its published bound, and the wait estimator.
//
// The core does no I/O. Package store keeps a Floor durable, the role
// packages serve it over HTTP, and cmd/hallq wires them together.
package hallq

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Languages are the languages every customer-facing text is written in.
var Languages = []string{"en", "zh"}

// Text is a name or message in each language the hall speaks.
type Text struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// In returns the text in lang, falling back to the other language when that
// one is empty.
func (t Text) In(lang string) string {
	if lang == "zh" && t.ZH != "" || t.EN == "" {
		return t.ZH
	}
	return t.EN
}

// validate checks a name: at least one language, at most max characters each,
// no control characters.
func (t Text) validate(what string, max int, required bool) error {
	if required && strings.TrimSpace(t.EN) == "" && strings.TrimSpace(t.ZH) == "" {
		return Errorf(EINVALID, "The %s needs an English or a Chinese text.", what)
	}
	for _, s := range []string{t.EN, t.ZH} {
		if utf8.RuneCountInString(s) > max {
			return Errorf(EINVALID, "The %s is longer than %d characters.", what, max)
		}
		if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return Errorf(EINVALID, "The %s contains characters that cannot be shown.", what)
		}
	}
	return nil
}

// ValidLang reports whether lang is one of Languages.
func ValidLang(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Actor is who asks for a change: a logged-in user, a device, or a customer
// (empty Name).
type Actor struct {
	Name string // username; "" for a customer at the kiosk or on a phone
	Role string // RoleStaff or RoleManager for logged-in users
}

// Nullable is a field of an update that may be absent (leave as is), null
// (clear) or a value.
type Nullable[T any] struct {
	Set   bool // the field was present in the update
	Value *T   // nil: clear it
}

// UnmarshalJSON records that the field was present and decodes its value.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// clock formats and parses "HH:MM" times of day.
var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// parseClock returns the minutes after midnight of an "HH:MM" time.
func parseClock(s string) (int, error) {
	if !clockPattern.MatchString(s) {
		return 0, Errorf(EINVALID, "%q is not a time of day; write it as HH:MM, for example 08:30.", s)
	}
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m, nil
}

// jsonTime is the API's time format: RFC 3339 with milliseconds.
const jsonTime = "2006-01-02T15:04:05.000Z07:00"

// formatTime returns t in the API's format, or nil for the zero time so that
// optional times are omitted.
func formatTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(jsonTime)
	return &s
}

// seconds converts a duration to whole seconds, rounding to nearest.
func seconds(d time.Duration) int {
	return int((d + time.Second/2) / time.Second)
}
