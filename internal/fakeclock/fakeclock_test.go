package fakeclock

import (
	"strings"
	"testing"
	"time"
)

func TestMonotonic(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 10, 9, 0, 0, 5, shanghai)
	c := NewMonotonic(start)
	a := c.Now()
	c.Add(time.Second)
	c.Step(-time.Hour)
	b := c.Now()
	if !strings.Contains(a.String(), " m=") || !strings.Contains(b.String(), " m=") {
		t.Fatalf("times %v and %v carry no monotonic reading", a, b)
	}
	if !a.Round(0).Equal(start) || a.Location() != shanghai {
		t.Errorf("the clock starts at %v, want %v", a, start)
	}
	if want := start.Add(time.Second - time.Hour); !b.Round(0).Equal(want) {
		t.Errorf("wall clock after a step back %v, want %v", b.Round(0), want)
	}
	if got := b.Sub(a); got != time.Second {
		t.Errorf("monotonic Sub = %v, want 1s: a step moves only the wall clock", got)
	}
}

func TestPlainStep(t *testing.T) {
	start := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	c := New(start)
	c.Step(-time.Minute)
	if got, want := c.Now(), start.Add(-time.Minute); !got.Equal(want) {
		t.Errorf("after a step: %v, want %v", got, want)
	}
}
