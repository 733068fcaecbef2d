package hallq_test

import (
	"regexp"
	"strings"
	"testing"

	"hallq"
)

// cardNumber is what NormalizeCardNumber may return.
var cardNumber = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)

// FuzzNormalizeCardNumber feeds the card reader's reduction whatever a
// reader or a keyboard can send. It never panics; it returns a card number
// of 1 to 32 capitals and digits, or an invalid error; a number it returned
// comes back unchanged from itself and from the track 1 and track 2 data
// that carry it.
func FuzzNormalizeCardNumber(f *testing.F) {
	for _, s := range []string{
		"6222021234567890",
		" 6222 0212 3456 7890 ",
		"6222-0212-3456-7890",
		"vip-00a7",
		";6222021234567890=2512101?",
		";6222021234567890?",
		"6222021234567890=2512101",
		"%B6222021234567890^ZHANG/SAN^2512101?",
		"%b6222021234567890^ZHANG/SAN^2512101?",
		strings.Repeat("9", 32),
		strings.Repeat("9", 33),
		"", " ", ";", "%B", "%b^", ";=", ";?", "?", "=", "==", "^", "%B^^?",
		";;6222=1?", "%B%B6222^", "%B6222", "%C6222^X^", ";%B6222^X^?",
		"6222\x00021", "6222\t0212", "6222\r\n", "６２２２", "ı23", "ſ", "ﬀ1",
		"\xff\xfe", "6222\u200b0212", "--", "- -", "?6222", "6222??",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := hallq.NormalizeCardNumber(s)
		if err != nil {
			if code := hallq.ErrorCode(err); code != hallq.EINVALID {
				t.Fatalf("NormalizeCardNumber(%q): code %q (%v), want %q", s, code, err, hallq.EINVALID)
			}
			if got != "" {
				t.Fatalf("NormalizeCardNumber(%q) = %q with an error", s, got)
			}
			if hallq.ErrorMessage(err) == "" {
				t.Fatalf("NormalizeCardNumber(%q): an error without a message", s)
			}
			return
		}
		if !cardNumber.MatchString(got) {
			t.Fatalf("NormalizeCardNumber(%q) = %q, not a card number", s, got)
		}
		for _, again := range []string{
			got,
			" " + got + " ",
			strings.ToLower(got),
			";" + got + "=2512101?",
			";" + got + "?",
			got + "=2512101",
			"%B" + got + "^ZHANG/SAN^2512101?",
			"%b" + got + "^^?",
		} {
			if back, err := hallq.NormalizeCardNumber(again); err != nil || back != got {
				t.Fatalf("NormalizeCardNumber(%q) = %q, but NormalizeCardNumber(%q) = %q, %v", s, got, again, back, err)
			}
		}
	})
}
