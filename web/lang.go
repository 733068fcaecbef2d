package web

import (
	"net/http"

	"golang.org/x/text/language"

	"hallq"
)

// Lang returns the hall language a language tag names: zh-CN, zh-Hans and
// zh are "zh", en-GB and en are "en"; "" and false for a tag of a language
// the hall does not offer, or no tag at all.
func Lang(tag string) (string, bool) {
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	base, _ := t.Base()
	if l := base.String(); hallq.ValidLang(l) {
		return l, true
	}
	return "", false
}

// AcceptLanguage returns the hall language the request's Accept-Language
// header prefers most, or "" when it names none the hall offers.
func AcceptLanguage(r *http.Request) string {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil {
		return ""
	}
	for _, t := range tags { // most preferred first
		if l, ok := Lang(t.String()); ok {
			return l
		}
	}
	return ""
}
