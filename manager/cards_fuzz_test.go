package manager

// An internal test: parseCardCSV is the import's parser, unexported, and
// fuzzing it without a store keeps every run fast.

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseCardCSV feeds the card import's parser any body. It never
// panics and never fails as a whole (only rows are refused); every row it
// keeps or refuses is named by a line of the body, in order; and the cards
// it keeps, written out as CSV again, read back as the same cards.
func FuzzParseCardCSV(f *testing.F) {
	for _, s := range []string{
		"number,tier,holder,expires\n6222021234567890,gold,Ms Wang,2027-06-30\n",
		"\uFEFFnumber,tier,holder,expires\r\n6222021234567890,gold,Ms Wang,\r\n",
		"6222021234567890,gold,Ms Wang,\n6222021234567891, silver , Mr Li ,2027-06-30T18:00:00+08:00\n",
		" NUMBER ,tier,holder,expires\n",
		"number,tier,holder,expires\nnumber,gold,x,\n",
		`"6222 0212","gold","Wang, Ms","2027-06-30"` + "\n",
		"\"multi\nline\",gold,\"a\"\"b\",\n",
		"\"bare \" quote\",gold,x,\n",
		"a\"b,gold,x,\n",
		"\"unterminated,gold,x,\n",
		"1,2,3\n1,2,3,4,5\n\n\n1,2,3,4\n",
		"", "\n", "\r\n", ",", ",,,", ",,,\n,,,,", "\uFEFF", "\uFEFF\uFEFF,,,",
		";6222021234567890=2512101?,gold,x,\n",
		"%B6222^ZHANG/SAN^2512?,gold,x,\n",
		"\x00,\x00,\x00,\x00\n", "\xff\xfe,a,b,c\n", "\r", "a\rb,c,d,e\r\n",
		"\"\r\n\",a,b,c\n", "\"a\"\"\",\"\",\"\"\"\",x",
		strings.Repeat("6222021234567890,gold,holder,\n", 50),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := parseCardCSV(body)
		if err != nil {
			t.Fatalf("parseCardCSV(%q): %v; only rows may be refused", body, err)
		}
		if len(rows.cards) != len(rows.lines) {
			t.Fatalf("parseCardCSV(%q): %d cards and %d lines", body, len(rows.cards), len(rows.lines))
		}
		lines := bytes.Count(body, []byte("\n")) + 1
		last := 0
		for i, line := range rows.lines {
			if line < 1 || line > lines || line <= last {
				t.Fatalf("parseCardCSV(%q): card %d on line %d (the body has %d, the card before is on %d)", body, i, line, lines, last)
			}
			last = line
		}
		last = 0
		for _, e := range rows.errors {
			if e.Line < 1 || e.Line > lines || e.Line < last {
				t.Fatalf("parseCardCSV(%q): an error on line %d (the body has %d, the error before is on %d)", body, e.Line, lines, last)
			}
			if e.Message == "" {
				t.Fatalf("parseCardCSV(%q): an error on line %d without a message", body, e.Line)
			}
			last = e.Line
		}

		// The cards kept, exported under a header, import as the same cards.
		var out bytes.Buffer
		w := csv.NewWriter(&out)
		w.Write(cardColumns)
		for _, c := range rows.cards {
			w.Write([]string{c.Number, c.Tier, c.Holder, c.Expires})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		again, err := parseCardCSV(out.Bytes())
		if err != nil || len(again.errors) > 0 {
			t.Fatalf("the cards of %q written as %q: %v, %v", body, out.Bytes(), err, again.errors)
		}
		if len(rows.cards) == 0 && len(again.cards) == 0 {
			return
		}
		if !reflect.DeepEqual(again.cards, rows.cards) {
			t.Fatalf("the cards of %q written as %q read back as\n%q\nnot\n%q", body, out.Bytes(), again.cards, rows.cards)
		}
	})
}
