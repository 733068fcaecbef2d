package hallq_test

import (
	"strings"
	"testing"
	"time"

	"hallq"
)

func TestNormalizeCardNumber(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"Plain", "6222021234567890", "6222021234567890"},
		{"Spaces", " 6222 0212 3456 7890 ", "6222021234567890"},
		{"Dashes", "6222-0212-3456-7890", "6222021234567890"},
		{"LowerCase", "vip-00a7", "VIP00A7"},
		{"Track2", ";6222021234567890=2512101?", "6222021234567890"},
		{"Track2NoData", ";6222021234567890?", "6222021234567890"},
		{"Track2NoSentinel", "6222021234567890=2512101", "6222021234567890"},
		{"Track1", "%B6222021234567890^ZHANG/SAN^2512101?", "6222021234567890"},
		{"Track1LowerB", "%b6222021234567890^ZHANG/SAN^2512101?", "6222021234567890"},
		{"Longest", strings.Repeat("9", 32), strings.Repeat("9", 32)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hallq.NormalizeCardNumber(tt.in)
			if err != nil {
				t.Fatalf("NormalizeCardNumber(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeCardNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	for _, tt := range []struct{ name, in string }{
		{"Empty", ""},
		{"Blank", "  - "},
		{"Slash", "6222/0212"},
		{"NotASCII", "卡6222"},
		{"Emoji", "6222😀"},
		{"TooLong", strings.Repeat("9", 33)},
		{"Track2Empty", ";=2512?"},
		{"Track1Empty", "%B^ZHANG/SAN^2512?"},
		{"Track1Only", "%B"},
		{"ControlCharacter", "6222\x000212"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hallq.NormalizeCardNumber(tt.in)
			if code := hallq.ErrorCode(err); code != hallq.EINVALID {
				t.Errorf("NormalizeCardNumber(%q) = %q, %v; want an invalid error", tt.in, got, err)
			}
		})
	}
}

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{"6222021234567890": "7890", "12345678": "5678", "1234567": "", "1234": "", "12": ""} {
		if got := hallq.Last4(in); got != want {
			t.Errorf("Last4(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCard_Expired(t *testing.T) {
	noon := time.Date(2025, 3, 10, 12, 0, 0, 0, mustLoad(t, zone))
	for _, tt := range []struct {
		expires, day string
		now          time.Time
		want         bool
	}{
		{"", "2099-01-01", noon, false},
		{"2025-03-10", "2025-03-09", noon, false},
		{"2025-03-10", "2025-03-10", noon, false}, // valid through its last day
		{"2025-03-10", "2025-03-11", noon, true},
		{"2025-03-10T12:00:01+08:00", "2025-03-10", noon, false},
		{"2025-03-10T12:00:00+08:00", "2025-03-10", noon, true}, // ends at that moment
		{"2025-03-10T04:00:00Z", "2025-03-10", noon, true},      // the same moment, in UTC
	} {
		c := hallq.Card{Tier: "gold", Expires: tt.expires}
		if got := c.Expired(tt.day, tt.now); got != tt.want {
			t.Errorf("card expiring %q, on %s at %v: expired %v, want %v", tt.expires, tt.day, tt.now, got, tt.want)
		}
	}
}

func TestFloor_ValidateCard(t *testing.T) {
	f := newFloor(t)
	if err := f.ValidateCard(&hallq.Card{Tier: "gold", Holder: "张三", Expires: "2026-12-31"}); err != nil {
		t.Errorf("a good card: %v", err)
	}
	if err := f.ValidateCard(&hallq.Card{Tier: "silver"}); err != nil {
		t.Errorf("a card with no holder and no expiry: %v", err)
	}
	for _, tt := range []struct {
		name string
		c    hallq.Card
	}{
		{"UnknownTier", hallq.Card{Tier: "bronze"}},
		{"StaffOnlyTier", hallq.Card{Tier: "priority"}},
		{"BadExpiry", hallq.Card{Tier: "gold", Expires: "31/12/2026"}},
		{"NoSuchDay", hallq.Card{Tier: "gold", Expires: "2026-02-30"}},
		{"LongHolder", hallq.Card{Tier: "gold", Holder: strings.Repeat("x", 65)}},
		{"ControlInHolder", hallq.Card{Tier: "gold", Holder: "Zhang\nSan"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, f.ValidateCard(&tt.c), hallq.EINVALID)
		})
	}
}
