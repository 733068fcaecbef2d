package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
)

// TestRun_Smoke runs the tiny profile end to end against a real hub and
// checks that the table has every row, each with a number and a verdict.
func TestRun_Smoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts hub processes")
	}
	var out, log bytes.Buffer
	if err := run([]string{"-profile", "smoke", "-dir", t.TempDir()}, &out, &log); err != nil {
		t.Fatalf("hallbench: %v\n%s", err, log.String())
	}
	table := out.String()
	for _, head := range []string{"database directory", "CPU", "open files", "load generator included", "disk, raw", "disk, bbolt", "1 round"} {
		if !strings.Contains(table, head) {
			t.Errorf("the header has no %q:\n%s", head, table)
		}
	}
	var rows []string
	for i, line := range strings.Split(table, "\n") {
		if i > 0 && strings.Contains(line, "-+-") {
			rows = strings.Split(strings.TrimSpace(strings.SplitN(table, line, 2)[1]), "\n")
			break
		}
	}
	want := []string{
		"durable ticket issue, one client: p99",
		"durable ticket issue, 16 concurrent clients",
		"hub CPU per ticket issued (no screens connected)",
		"issue and next with 100 waiting vs an empty queue",
		"database bytes per ticket lifecycle",
		"hub CPU for 30 displays at one call every 10 s",
		"commit → last of 20 websocket clients has the call",
		"commit → last of 50 websocket clients has the call",
		"80 websocket clients held (displays and phones)",
		"restart with 1,500 historical tickets until serving",
		"hot backup of 1,500 tickets",
	}
	if got := len(rows); got != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", got, len(want), table)
	}
	for i, r := range rows {
		cells := strings.Split(r, " | ")
		if len(cells) != 5 {
			t.Errorf("row %d has %d cells, want 5: %q", i+1, len(cells), r)
			continue
		}
		if !strings.HasPrefix(cells[0], want[i]) {
			t.Errorf("row %d is %q, want %q", i+1, cells[0], want[i])
		}
		if !strings.ContainsFunc(cells[1], unicode.IsDigit) {
			t.Errorf("row %q measured no number: %q", want[i], cells[1])
		}
		if v := strings.TrimSpace(cells[3]); v != "✓" && v != "✗" {
			t.Errorf("row %q has no verdict: %q", want[i], v)
		}
	}
}

// TestRun_Flags: a bad flag is an error, not a report.
func TestRun_Flags(t *testing.T) {
	for _, args := range [][]string{{"-profile", "huge"}, {"-url", "http://127.0.0.1:1"}, {"extra"}} {
		var out, log bytes.Buffer
		if err := run(args, &out, &log); err == nil {
			t.Errorf("hallbench %v ran", args)
		}
	}
}

func TestThousands(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {10000.4, "10,000"}} {
		if got := thousands(tt.in); got != tt.want {
			t.Errorf("thousands(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
